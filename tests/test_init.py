"""Setting up, unloading and reloading a board entry."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .fakes import FakeHardware


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.board.dht.name == "adafruit_dht"
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
