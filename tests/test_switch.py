"""LED switches: driving pins, restoring state, pin conflicts."""

from __future__ import annotations

import pytest
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, STATE_ON
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, mock_restore_cache

from custom_components.py_iot_home.const import CONF_LEDS
from custom_components.py_iot_home.hardware.gpio import GpioError

from .fakes import FakeHardware, install_fake_hardware

LED = "switch.desk_led"
HIGH, LOW = 1, 0


async def test_turn_on_and_off_drives_the_pin(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    assert fake_hardware.rpi_gpio.levels[17] == LOW
    await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert hass.states.get(LED).state == STATE_ON
    assert fake_hardware.rpi_gpio.levels[17] == HIGH
    await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: LED}, True)
    assert hass.states.get(LED).state == "off"
    assert fake_hardware.rpi_gpio.levels[17] == LOW
    entity = er.async_get(hass).async_get(LED)
    assert entity.unique_id == "board0001_led_led00001"


async def test_active_low_led(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    leds = [{**mock_config_entry.options[CONF_LEDS][0], "active_high": False}]
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={**mock_config_entry.options, CONF_LEDS: leds}
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert fake_hardware.rpi_gpio.levels[17] == HIGH  # off, active low
    await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert fake_hardware.rpi_gpio.levels[17] == LOW


async def test_restores_last_state_and_drives_the_pin_to_it(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    er.async_get(hass).async_get_or_create(
        SWITCH_DOMAIN,
        "py_iot_home",
        "board0001_led_led00001",
        suggested_object_id="desk_led",
    )
    mock_restore_cache(hass, [State(LED, STATE_ON)])
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(LED).state == STATE_ON
    # Set up straight at the restored level: the LED never flickers off first.
    assert fake_hardware.rpi_gpio.outputs == []
    assert fake_hardware.rpi_gpio.levels[17] == HIGH


async def test_pin_in_use_by_another_program_fails_setup(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    hardware = install_fake_hardware(monkeypatch, rpi_gpio="missing")
    assert hardware.gpiod is not None
    hardware.gpiod.claim("/dev/gpiochip0", 17)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    assert "GPIO17" in str(mock_config_entry.reason)


async def test_gpio_error_retries_setup(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_setup(*args: object, **kwargs: object) -> None:
        raise GpioError("kernel said no")

    monkeypatch.setattr(
        "custom_components.py_iot_home.hardware.gpio.RPiGpioBackend.setup_output", broken_setup
    )
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
