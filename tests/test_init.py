"""Setting up, unloading and reloading the home entry (also after a board's flows change it)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.const import (
    CONF_DHT_MODEL,
    CONF_DHT_PIN,
    CONF_FAILURE_THRESHOLD,
    CONF_POLL_INTERVAL,
    CONF_TREND_THRESHOLD,
    CONF_WINDOW_DAYS,
)

from .fakes import FakeHardware
from .home_entry import async_configure_subentry, async_start_reconfigure, feature


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    assert feature(entry).board.dht.name == "adafruit_dht"
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"
    assert hass.states.get("sensor.living_room_humidity").state == "45.0"
    assert hass.states.get("switch.desk_led").state == "off"
    assert fake_hardware.rpi_gpio.directions == {17: 0}

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    # Only this entry's own pin is released: never a bare GPIO.cleanup().
    assert fake_hardware.rpi_gpio.bare_cleanups == 0
    assert fake_hardware.rpi_gpio.cleaned_pins == [17]


async def test_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"


async def test_reconfigure_reloads_a_running_board_onto_the_new_pin(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    # The home entry's update listener reloads it once the board's subentry has changed.
    fake_hardware.dht.script(6, *[(25.5, 50.0)] * 4)
    result = await async_start_reconfigure(hass, init_integration)
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "wiring"})
    result = await async_configure_subentry(
        hass, result["flow_id"], {CONF_DHT_PIN: 6, CONF_DHT_MODEL: "dht22"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert 6 in fake_hardware.dht.transfers
    assert hass.states.get("sensor.living_room_temperature").state == "25.5"


async def test_changed_options_reload_a_running_board(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    result = await async_start_reconfigure(hass, init_integration)
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "settings"})
    fake_hardware.dht.script(4, *[(19.5, 40.0)] * 4)
    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {
            CONF_POLL_INTERVAL: 10,
            CONF_FAILURE_THRESHOLD: 2,
            CONF_WINDOW_DAYS: 3,
            CONF_TREND_THRESHOLD: 0.5,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    # The reloaded board read its sensor again at once.
    assert hass.states.get("sensor.living_room_temperature").state == "19.5"
