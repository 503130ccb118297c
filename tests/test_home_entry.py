"""The home entry runs its boards and forecasts; subentries added, changed or deleted."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.const import CONF_LEDS, DOMAIN, SubentryKind

from .fakes import FakeHardware, install_fake_hardware
from .home_entry import BOARD_SUBENTRY_ID, board_subentry, feature, home_entry
from .state_watch import record_unavailable

ATTIC_SUBENTRY_ID = "01JBOARD000000000000000ATTIC"


def _attic(board_data: dict[str, Any]) -> dict[str, Any]:
    return {
        **board_data,
        "board_id": "board0002",
        "dht_pin": 5,
        CONF_LEDS: [{**board_data[CONF_LEDS][0], "led_id": "led00002", "pin": 22}],
    }


def _attic_subentry(board_data: dict[str, Any]) -> ConfigSubentry:
    """The attic as a board added on the integration's page."""
    return ConfigSubentry(
        data=_attic(board_data),  # type: ignore[arg-type]
        subentry_type=SubentryKind.BOARD,
        title="Attic",
        unique_id="board0002",
    )


def _attic_beside_the_living_room(
    hass: HomeAssistant, board_data: dict[str, Any], hass_storage: dict[str, Any]
) -> tuple[MockConfigEntry, str]:
    """A home entry with the attic and the living room, and the living room's LED store."""
    entry = home_entry(
        board_subentry(_attic(board_data), title="Attic", subentry_id=ATTIC_SUBENTRY_ID),
        board_subentry(board_data),
    )
    entry.add_to_hass(hass)
    key = f"{DOMAIN}.led_states.{BOARD_SUBENTRY_ID}"
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": {}}
    return entry, key


async def test_a_board_whose_pin_is_held_stops_only_itself_and_goes_when_deleted(
    hass: HomeAssistant,
    board_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    hass_storage: dict[str, Any],
) -> None:
    """A pin another program holds stops that board only, as it stopped its own entry before
    boards were subentries; deleting the board forgets its files and its repair."""
    hardware = install_fake_hardware(monkeypatch, rpi_gpio="missing")
    assert hardware.gpiod is not None
    hardware.gpiod.claim("/dev/gpiochip0", 17)  # the living room's LED
    entry, key = _attic_beside_the_living_room(hass, board_data, hass_storage)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert set(entry.runtime_data.features) == {ATTIC_SUBENTRY_ID}
    assert hass.states.get("sensor.attic_temperature").state != STATE_UNAVAILABLE
    assert hass.states.get("sensor.living_room_temperature") is None
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, f"pin_conflict_{BOARD_SUBENTRY_ID}") is not None
    # The living room's DHT pin is given back; the attic keeps its LED's.
    assert hardware.gpiod.line("/dev/gpiochip0", 22) is not None

    assert hass.config_entries.async_remove_subentry(entry, BOARD_SUBENTRY_ID)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.state is ConfigEntryState.LOADED
    assert set(entry.runtime_data.features) == {ATTIC_SUBENTRY_ID}
    assert hass.states.get("sensor.attic_temperature").state != STATE_UNAVAILABLE
    assert issues.async_get_issue(DOMAIN, f"pin_conflict_{BOARD_SUBENTRY_ID}") is None
    assert key not in hass_storage


async def test_a_board_added_on_the_page_runs_beside_the_others(
    hass: HomeAssistant, init_integration: MockConfigEntry, board_data: dict[str, Any]
) -> None:
    """A new board starts on its own: the running boards and forecasts carry on as they were.

    A reload of the home entry for it showed every other board's entities unavailable.
    """
    running = feature(init_integration)
    unavailable = record_unavailable(hass)
    attic = _attic_subentry(board_data)
    assert hass.config_entries.async_add_subentry(init_integration, attic)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert unavailable == []
    assert init_integration.state is ConfigEntryState.LOADED
    assert set(init_integration.runtime_data.features) == {BOARD_SUBENTRY_ID, attic.subentry_id}
    assert feature(init_integration) is running
    assert hass.states.get("sensor.attic_temperature").state == "21.0"
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"
    registry = er.async_get(hass)
    attic_entities = {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(registry, init_integration.entry_id)
        if entity.config_subentry_id == attic.subentry_id
    }
    assert {"sensor.attic_temperature", "binary_sensor.attic_temperature_rising"} < attic_entities
    (led,) = (entity_id for entity_id in attic_entities if entity_id.startswith("switch."))
    await hass.services.async_call("switch", "turn_on", {"entity_id": led}, blocking=True)
    assert hass.states.get(led).state == "on"


async def test_a_board_deleted_while_the_home_entry_starts_is_forgotten_cleanly(
    hass: HomeAssistant,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Deleted while the attic's first read holds the set-up: the living room never shows up,
    leaves no files, repairs or devices, and nothing is logged as an error."""
    entry, _ = _attic_beside_the_living_room(hass, board_data, hass_storage)
    reading = threading.Barrier(2)
    fake_hardware.dht.rendezvous = reading
    fake_hardware.dht.stuck = threading.Event()
    setup = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    await hass.async_add_executor_job(reading.wait)  # the attic's first read is on the wire
    fake_hardware.dht.rendezvous = None
    assert entry.state is ConfigEntryState.SETUP_IN_PROGRESS

    assert hass.config_entries.async_remove_subentry(entry, BOARD_SUBENTRY_ID)
    fake_hardware.dht.stuck.set()
    await setup
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.state is ConfigEntryState.LOADED
    assert set(entry.runtime_data.features) == {ATTIC_SUBENTRY_ID}
    assert hass.states.get("sensor.attic_temperature").state == "21.0"
    assert hass.states.get("sensor.living_room_temperature") is None
    assert not [key for key in hass_storage if BOARD_SUBENTRY_ID in key]
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert {value for device in devices for _, value in device.identifiers} == {
        "board0002",
        "board0002_led_led00002",
    }
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_board_added_while_the_home_entry_starts_runs(
    hass: HomeAssistant,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
) -> None:
    """Added while the living room's first read holds the set-up: it runs once that ends."""
    entry = home_entry(board_subentry(board_data))
    entry.add_to_hass(hass)
    reading = threading.Barrier(2)
    fake_hardware.dht.rendezvous = reading
    fake_hardware.dht.stuck = threading.Event()
    setup = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    await hass.async_add_executor_job(reading.wait)
    fake_hardware.dht.rendezvous = None

    attic = _attic_subentry(board_data)
    assert hass.config_entries.async_add_subentry(entry, attic)
    fake_hardware.dht.stuck.set()
    await setup
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.state is ConfigEntryState.LOADED
    assert set(entry.runtime_data.features) == {BOARD_SUBENTRY_ID, attic.subentry_id}
    assert hass.states.get("sensor.attic_temperature").state == "21.0"


async def test_a_board_deleted_beside_a_newer_releases_subentry_stops_alone(
    hass: HomeAssistant, board_data: dict[str, Any], fake_hardware: FakeHardware
) -> None:
    """A subentry of a kind this release does not know (a downgrade) made every change a
    reload: deleting the living room blinked the attic all the same."""
    camera: Any = {
        "data": {"pin": 3},
        "subentry_id": "01JCAMERA0000000000000000000",
        "subentry_type": "camera",
        "title": "Door camera",
        "unique_id": "camera1",
    }
    entry = home_entry(
        board_subentry(_attic(board_data), title="Attic", subentry_id=ATTIC_SUBENTRY_ID),
        board_subentry(board_data),
        camera,
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    attic = feature(entry, ATTIC_SUBENTRY_ID)
    unavailable = record_unavailable(hass, ["sensor.attic_temperature"])

    assert hass.config_entries.async_remove_subentry(entry, BOARD_SUBENTRY_ID)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert unavailable == []
    assert feature(entry, ATTIC_SUBENTRY_ID) is attic
    assert hass.states.get("sensor.living_room_temperature") is None
    assert "01JCAMERA0000000000000000000" in entry.subentries
