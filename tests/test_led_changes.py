"""LEDs added and removed on a running board: no reload, so its sensors carry on."""

from __future__ import annotations

import pytest
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_NAME,
    SERVICE_TURN_OFF,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.const import (
    CONF_ACTIVE_HIGH,
    CONF_INITIAL_ON,
    CONF_LEDS,
    CONF_PIN,
    DOMAIN,
)

from .fakes import FakeHardware, install_fake_hardware
from .home_entry import (
    BOARD_SUBENTRY_ID,
    async_configure_subentry,
    async_start_reconfigure,
    settings,
)
from .state_watch import record_unavailable

BOARD_SENSORS = (
    "sensor.living_room_temperature",
    "sensor.living_room_humidity",
    "sensor.living_room_temperature_trend",
    "sensor.living_room_humidity_trend",
)
HIGH, LOW = 1, 0


async def _add_led(hass: HomeAssistant, entry: MockConfigEntry, name: str, pin: int) -> dict:
    result = await async_start_reconfigure(hass, entry)
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "add_led"})
    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {CONF_NAME: name, CONF_PIN: pin, CONF_ACTIVE_HIGH: True, CONF_INITIAL_ON: True},
    )
    await hass.async_block_till_done()
    return dict(result)


async def _remove_leds(hass: HomeAssistant, entry: MockConfigEntry, led_ids: list[str]) -> None:
    result = await async_start_reconfigure(hass, entry)
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "remove_led"})
    result = await async_configure_subentry(hass, result["flow_id"], {CONF_LEDS: led_ids})
    result = await async_configure_subentry(hass, result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()


async def test_leds_come_and_go_while_the_sensors_carry_on(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    entry = init_integration
    runtime = entry.runtime_data
    devices = dr.async_get(hass)
    board = devices.async_get_device_by_identifier((DOMAIN, "board0001"), entry.entry_id)
    assert board is not None
    hall = ar.async_get(hass).async_create("Hall")
    devices.async_update_device(board.id, area_id=hall.id)
    for entity_id in BOARD_SENSORS:
        assert hass.states.get(entity_id).state != STATE_UNAVAILABLE
    went_unavailable = record_unavailable(hass, BOARD_SENSORS)

    result = await _add_led(hass, entry, "Porch", 22)
    assert result["type"] is FlowResultType.ABORT
    assert [led[CONF_PIN] for led in settings(entry)[CONF_LEDS]] == [17, 22]
    assert entry.runtime_data is runtime, "the board was not reloaded"
    # The new LED is lit as configured, switches, and went where its board is (Home
    # Assistant then names its switch after the area too).
    switches = {
        registered.entity_id
        for registered in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if registered.domain == SWITCH_DOMAIN
    }
    assert switches == {"switch.desk_led", "switch.hall_porch"}
    porch_id = "switch.hall_porch"
    assert hass.states.get(porch_id).state == "on"
    assert fake_hardware.rpi_gpio.levels[22] == HIGH
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: porch_id}, blocking=True
    )
    assert hass.states.get(porch_id).state == "off"
    assert fake_hardware.rpi_gpio.levels[22] == LOW
    porch = er.async_get(hass).async_get(porch_id)
    assert porch is not None
    assert devices.async_get(str(porch.device_id)).area_id == hall.id

    await _remove_leds(hass, entry, ["led00001"])
    assert [led[CONF_PIN] for led in settings(entry)[CONF_LEDS]] == [22]
    assert entry.runtime_data is runtime, "the board was not reloaded"
    assert hass.states.get("switch.desk_led") is None
    assert er.async_get(hass).async_get("switch.desk_led") is None
    assert 17 not in fake_hardware.rpi_gpio.levels
    assert hass.states.get(porch_id).state == "off"

    assert went_unavailable == []
    for entity_id in BOARD_SENSORS:
        assert hass.states.get(entity_id).state != STATE_UNAVAILABLE


async def test_a_pin_another_program_holds_is_refused_in_the_form(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    hardware = install_fake_hardware(monkeypatch, rpi_gpio="missing")
    assert hardware.gpiod is not None
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    hardware.gpiod.claim("/dev/gpiochip0", 22)

    result = await _add_led(hass, mock_config_entry, "Porch", 22)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_PIN: "pin_refused"}
    assert [led[CONF_PIN] for led in settings(mock_config_entry)[CONF_LEDS]] == [17]
    assert mock_config_entry.state is ConfigEntryState.LOADED
    # The other program keeps its pin.
    assert hardware.gpiod.line("/dev/gpiochip0", 22).consumer == "another-program"

    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {CONF_NAME: "Porch", CONF_PIN: 23, CONF_ACTIVE_HIGH: True, CONF_INITIAL_ON: False},
    )
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()
    assert hass.states.get("switch.porch").state == "off"


async def test_a_board_that_failed_is_set_up_again_once_its_led_is_removed(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pin-conflict repair says: remove or move the LED; the board then sets up."""
    hardware = install_fake_hardware(monkeypatch, rpi_gpio="missing")
    assert hardware.gpiod is not None
    hardware.gpiod.claim("/dev/gpiochip0", 17)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert BOARD_SUBENTRY_ID not in mock_config_entry.runtime_data.features

    await _remove_leds(hass, mock_config_entry, ["led00001"])
    assert settings(mock_config_entry)[CONF_LEDS] == []
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.living_room_temperature").state != STATE_UNAVAILABLE
