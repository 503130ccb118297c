"""LED switches: driving pins, restoring state, pin conflicts."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, STATE_ON
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_load_restore_state_from_storage,
)

from custom_components.py_iot_home.const import CONF_LEDS

from .fakes import FakeHardware, install_fake_hardware
from .fakes.fake_rpi_gpio import IN
from .home_entry import BOARD_SUBENTRY_ID, settings

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
    # Home Assistant 2026.12 refuses non-string device fields (2026.11 reports them).
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), init_integration.entry_id):
        for field in ("name", "manufacturer", "model", "sw_version", "hw_version", "serial_number"):
            assert isinstance(getattr(device, field), str | None), field


async def test_active_low_led(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    leds = [{**settings(mock_config_entry)[CONF_LEDS][0], "active_high": False}]
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_subentry(
        mock_config_entry,
        mock_config_entry.subentries[BOARD_SUBENTRY_ID],
        data={**settings(mock_config_entry), CONF_LEDS: leds},
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert fake_hardware.rpi_gpio.levels[17] == HIGH  # off, active low
    await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert fake_hardware.rpi_gpio.levels[17] == LOW


def _led_levels_storage(levels: dict[str, bool]) -> dict[str, Any]:
    return {
        "version": 1,
        "minor_version": 1,
        "key": f"py_iot_home.led_states.{BOARD_SUBENTRY_ID}",
        "data": levels,
    }


async def test_saved_level_drives_the_pin_at_set_up(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
) -> None:
    hass_storage[f"py_iot_home.led_states.{BOARD_SUBENTRY_ID}"] = _led_levels_storage(
        {"led00001": True, "removed_led": False}
    )
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(LED).state == STATE_ON
    # Set up straight at the saved level: the LED never flickers off first.
    assert fake_hardware.rpi_gpio.outputs == []
    assert fake_hardware.rpi_gpio.levels[17] == HIGH


@pytest.mark.parametrize("stored", [["led00001"], "on", 1], ids=["list", "text", "number"])
async def test_a_level_file_of_another_shape_is_no_failed_set_up(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    stored: object,
) -> None:
    """Valid JSON of another shape (a hand edit) raised AttributeError: the board never set up."""
    storage = _led_levels_storage({})
    hass_storage[f"py_iot_home.led_states.{BOARD_SUBENTRY_ID}"] = storage | {"data": stored}
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(LED).state == "off"


async def test_switching_saves_the_level_for_the_next_start(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    key = f"py_iot_home.led_states.{BOARD_SUBENTRY_ID}"
    await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    freezer.tick(2)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass_storage[key]["data"] == {"led00001": True}

    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(LED).state == STATE_ON
    assert fake_hardware.rpi_gpio.levels[17] == HIGH

    # Deleting the home entry deletes its boards, and what they kept.
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_led_without_a_saved_level_takes_its_restored_state(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
) -> None:
    # An LED set up by a release that left its level to Home Assistant's restore state.
    er.async_get(hass).async_get_or_create(
        SWITCH_DOMAIN,
        "py_iot_home",
        "board0001_led_led00001",
        suggested_object_id="desk_led",
    )
    hass_storage["core.restore_state"] = {
        "version": 1,
        "key": "core.restore_state",
        "data": [
            {
                "state": State(LED, STATE_ON).as_dict(),
                "extra_data": None,
                "last_seen": dt_util.utcnow().isoformat(),
            }
        ],
    }
    await async_mock_load_restore_state_from_storage(hass)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(LED).state == STATE_ON
    assert fake_hardware.rpi_gpio.levels[17] == HIGH


async def test_pin_in_use_by_another_program_stops_the_board_only(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    hardware = install_fake_hardware(monkeypatch, rpi_gpio="missing")
    assert hardware.gpiod is not None
    hardware.gpiod.claim("/dev/gpiochip0", 17)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    # The board does not start (its repair says why); the entry runs what else it has.
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert mock_config_entry.runtime_data.features == {}
    assert hass.states.get("switch.desk_led") is None


async def test_gpio_error_retries_setup(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    fake_hardware.rpi_gpio.setup_error = "No access to /dev/mem.  Try running as root!"
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.reason == (
        "The GPIO pins could not be set up: Cannot set up GPIO17 as an output: "
        "No access to /dev/mem.  Try running as root!"
    )


async def test_a_failing_led_write_shows_a_translated_error(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    # Another program turned GPIO17 into an input: RPi.GPIO refuses to drive it.
    fake_hardware.rpi_gpio.directions[17] = IN
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert raised.value.translation_key == "led_write_failed"
    assert str(raised.value) == (
        "Desk LED could not be switched: Cannot switch GPIO17: "
        "The GPIO channel has not been set up as an OUTPUT"
    )
    assert hass.states.get(LED).state == "off"
