"""Boards and forecasts of before subentries become subentries of one home entry.

Written as the previous release left them (version 1 entries, registries, stores keyed by
each entry's id), they are set up by today's code: each becomes a subentry whose id is its
old entry id, its devices and entities move to it unchanged, and what it stored comes back.
"""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import AsyncMock

import numpy as np
import pytest
from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.analysis.sample_codec import encode_samples
from custom_components.py_iot_home.const import ENTRY_VERSION, HOME_UNIQUE_ID
from custom_components.py_iot_home.trends.persistence import STORAGE_VERSION, storage_key

from .fakes import FakeHardware
from .home_entry import board_subentry, feature, home_entry

DOMAIN = "py_iot_home"  # spelled out: these are the stored values, not today's constants


def _board(board_id: str, title: str, dht_pin: int, led_pin: int, **kwargs: Any) -> MockConfigEntry:
    """A board entry as the previous release stored it (version 1)."""
    return MockConfigEntry(
        domain=DOMAIN,
        version=1,
        title=title,
        unique_id=board_id,
        data={
            "kind": "local",
            "board_id": board_id,
            "dht_pin": dht_pin,
            "dht_model": "dht22",
            "backend": "auto",
            "area": "",
        },
        options={
            "poll_interval": 60,
            "failure_threshold": 3,
            "trend_threshold": 0.5,
            "leds": [
                {
                    "led_id": f"{board_id}led",
                    "name": f"{title} LED",
                    "pin": led_pin,
                    "active_high": True,
                    "initial_on": False,
                }
            ],
        },
        **kwargs,
    )


def _predictor() -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        version=1,
        title="Power forecast",
        unique_id="predictor_sensor.meter_power",
        data={"kind": "predictor"},
        options={
            "power_entity": "sensor.meter_power",
            "temperature_entity": "sensor.outdoor_temperature",
            "training_days": 60,
            "retrain_hours": 24,
        },
    )


def _node() -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        version=1,
        title="Kitchen Pi",
        unique_id="kitchen-pi",
        data={"kind": "node", "node_id": "kitchen-pi", "prefix": DOMAIN, "secret": ""},
    )


def _register(hass: HomeAssistant, entry: MockConfigEntry, **disabled: Any) -> dict[str, str]:
    """The board's device, its LED's device and two of their entities, as registered before."""
    devices, entities = dr.async_get(hass), er.async_get(hass)
    board_id = str(entry.unique_id)
    board = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, board_id)}, name=entry.title
    )
    led = devices.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, f"{board_id}_led_{board_id}led")},
        name=f"{entry.title} LED",
    )
    temperature = entities.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{board_id}_temperature",
        config_entry=entry,
        device_id=board.id,
        suggested_object_id=f"{board_id}_temperature_renamed",
        **disabled,
    )
    entities.async_update_entity(temperature.entity_id, name=f"{board_id} climate")
    switch = entities.async_get_or_create(
        "switch",
        DOMAIN,
        f"{board_id}_led_{board_id}led",
        config_entry=entry,
        device_id=led.id,
        suggested_object_id=f"{board_id}_desk",
    )
    return {
        "board": board.id,
        "led": led.id,
        "temperature": temperature.entity_id,
        "switch": switch.entity_id,
        "temperature_registry_id": temperature.id,
        "switch_registry_id": switch.id,
    }


def _store(hass_storage: dict[str, Any], key: str, data: Any, version: int = 1) -> None:
    hass_storage[key] = {"version": version, "minor_version": 1, "key": key, "data": data}


async def test_boards_become_subentries_of_one_home_entry_keeping_their_stores(
    hass: HomeAssistant, hass_storage: dict[str, Any], fake_hardware: FakeHardware
) -> None:
    living = _board("board0001", "Living room", 4, 17)
    attic = _board("board0002", "Attic", 5, 22)
    node = _node()
    for entry in (living, attic, node):
        entry.add_to_hass(hass)
    living_ids = _register(hass, living)
    attic_ids = _register(hass, attic)
    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - 3600.0, now_s, 60.0)
    key = storage_key(living.entry_id)
    _store(
        hass_storage,
        key,
        encode_samples([("temperature", (times, np.full(times.size, 21.5, np.float32)))]),
        STORAGE_VERSION,
    )
    _store(hass_storage, f"{DOMAIN}.led_states.{living.entry_id}", {"board0001led": True})

    await hass.config_entries.async_setup(living.entry_id)
    await hass.async_block_till_done()

    entries = hass.config_entries.async_entries(DOMAIN)
    assert sorted(entry.data["kind"] for entry in entries) == ["home", "node"]
    (home,) = (entry for entry in entries if entry.data["kind"] == "home")
    assert (home.title, home.unique_id, home.version) == ("Py IoT Home", HOME_UNIQUE_ID, 2)
    assert home.state is ConfigEntryState.LOADED
    assert node.version == ENTRY_VERSION
    subentries = {s.subentry_id: s for s in home.subentries.values()}
    assert set(subentries) == {living.entry_id, attic.entry_id}
    moved = subentries[living.entry_id]
    assert (moved.subentry_type, moved.title, moved.unique_id) == (
        "board",
        "Living room",
        "board0001",
    )
    assert dict(moved.data) == {
        "board_id": "board0001",
        "dht_pin": 4,
        "dht_model": "dht22",
        "backend": "auto",
        "area": "",
        "poll_interval": 60,
        "failure_threshold": 3,
        "trend_threshold": 0.5,
        "leds": [
            {
                "led_id": "board0001led",
                "name": "Living room LED",
                "pin": 17,
                "active_high": True,
                "initial_on": False,
            }
        ],
    }

    devices, entities = dr.async_get(hass), er.async_get(hass)
    moved_ids = {living.entry_id: "board0001", attic.entry_id: "board0002"}
    for entry, ids in ((living, living_ids), (attic, attic_ids)):
        for device_id in (ids["board"], ids["led"]):
            device = devices.async_get(device_id)
            assert device is not None
            assert (device.config_entry_id, device.config_subentry_id) == (
                home.entry_id,
                entry.entry_id,
            )
        for name in ("temperature", "switch"):
            registered = entities.async_get(ids[name])
            assert registered is not None, ids[name]
            assert (registered.id, registered.config_entry_id, registered.config_subentry_id) == (
                ids[f"{name}_registry_id"],
                home.entry_id,
                entry.entry_id,
            )
        # The name the user gave stays (the forecast test shows the entries are moved, not remade).
        assert entities.async_get(ids["temperature"]).name == f"{moved_ids[entry.entry_id]} climate"
    # The same entity ids, on the same devices, now with states from today's code.
    assert hass.states.get(living_ids["temperature"]).state == "21.0"
    assert entities.async_get(living_ids["temperature"]).device_id == living_ids["board"]
    # The LED's saved level drove it at set-up; the trends started from the stored hour.
    assert hass.states.get(living_ids["switch"]).state == STATE_ON
    assert fake_hardware.rpi_gpio.levels[17] == 1
    samples = feature(home, living.entry_id).trend.store.buffer("temperature")
    assert len(samples) >= times.size
    # The stores stayed where they were: nothing was forgotten with the old entries.
    assert key in hass_storage
    assert f"{DOMAIN}.led_states.{living.entry_id}" in hass_storage


async def test_a_forecast_becomes_a_subentry_with_its_options_as_data(
    hass: HomeAssistant, mock_setup_entry: AsyncMock
) -> None:
    """Set up is skipped here: what the migration itself did is all there is to see."""
    node = _node()
    forecast = _predictor()
    node.add_to_hass(hass)
    forecast.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=forecast.entry_id,
        identifiers={(DOMAIN, "predictor_sensor.meter_power")},
        name="Power forecast",
    )
    entities = er.async_get(hass)
    predicted = entities.async_get_or_create(
        "sensor",
        DOMAIN,
        "predictor_sensor.meter_power_predicted_power",
        config_entry=forecast,
        device_id=device.id,
        suggested_object_id="my_forecast",
    )
    entities.async_update_entity(predicted.entity_id, name="My forecast")
    await hass.config_entries.async_setup(node.entry_id)
    await hass.async_block_till_done()

    assert node.version == ENTRY_VERSION
    (home,) = (e for e in hass.config_entries.async_entries(DOMAIN) if e.data["kind"] == "home")
    assert home.entry_id == forecast.entry_id
    (predictor,) = home.subentries.values()
    assert predictor.subentry_id == forecast.entry_id
    assert (predictor.subentry_type, predictor.title, predictor.unique_id) == (
        "forecast",
        "Power forecast",
        "predictor_sensor.meter_power",
    )
    assert dict(predictor.data) == {
        "power_entity": "sensor.meter_power",
        "temperature_entity": "sensor.outdoor_temperature",
        "training_days": 60,
        "retrain_hours": 24,
    }
    # Moved, not deleted and made again: the same registry entry, with the user's name.
    moved = entities.async_get("sensor.my_forecast")
    assert moved is not None
    assert (moved.id, moved.name, moved.config_subentry_id) == (
        predicted.id,
        "My forecast",
        forecast.entry_id,
    )
    assert dr.async_get(hass).async_get(device.id).config_subentry_id == forecast.entry_id


async def test_a_disabled_entity_and_a_disabled_board_stay_disabled(
    hass: HomeAssistant, fake_hardware: FakeHardware
) -> None:
    """Moved to an enabled entry, Home Assistant would enable what the old entry's being
    disabled had disabled: it stays disabled, and what the user disabled stays theirs."""
    living = _board("board0001", "Living room", 4, 17)
    attic = _board("board0002", "Attic", 5, 22, disabled_by=ConfigEntryDisabler.USER)
    # The disabled one first: the enabled one still becomes the home entry.
    attic.add_to_hass(hass)
    living.add_to_hass(hass)
    living_ids = _register(hass, living, disabled_by=er.RegistryEntryDisabler.USER)
    attic_ids = _register(hass, attic)
    # What disabling the entry did to them (set here: older releases do not on registering).
    entities = er.async_get(hass)
    for key in ("temperature", "switch"):
        entities.async_update_entity(
            attic_ids[key], disabled_by=er.RegistryEntryDisabler.CONFIG_ENTRY
        )
    for key in ("board", "led"):
        dr.async_get(hass).async_update_device(
            attic_ids[key], disabled_by=dr.DeviceEntryDisabler.CONFIG_ENTRY
        )
    assert entities.async_get(attic_ids["switch"]).disabled_by is (
        er.RegistryEntryDisabler.CONFIG_ENTRY
    )

    await hass.config_entries.async_setup(living.entry_id)
    await hass.async_block_till_done()

    (home,) = hass.config_entries.async_entries(DOMAIN)
    assert home.entry_id == living.entry_id
    assert home.disabled_by is None
    assert set(home.subentries) == {living.entry_id, attic.entry_id}
    assert entities.async_get(living_ids["temperature"]).disabled_by is (
        er.RegistryEntryDisabler.USER
    )
    assert entities.async_get(attic_ids["switch"]).disabled_by is er.RegistryEntryDisabler.DEVICE
    assert entities.async_get(attic_ids["temperature"]).disabled_by is (
        er.RegistryEntryDisabler.DEVICE
    )
    assert dr.async_get(hass).async_get(attic_ids["board"]).disabled_by is (
        dr.DeviceEntryDisabler.USER
    )
    assert hass.states.get(attic_ids["switch"]) is None


async def test_removing_a_migrated_board_forgets_what_it_stored(
    hass: HomeAssistant, hass_storage: dict[str, Any], fake_hardware: FakeHardware
) -> None:
    living = _board("board0001", "Living room", 4, 17)
    attic = _board("board0002", "Attic", 5, 22)
    living.add_to_hass(hass)
    attic.add_to_hass(hass)
    _store(hass_storage, f"{DOMAIN}.led_states.{attic.entry_id}", {"board0002led": True})
    await hass.config_entries.async_setup(living.entry_id)
    await hass.async_block_till_done()
    (home,) = hass.config_entries.async_entries(DOMAIN)
    assert f"{DOMAIN}.led_states.{attic.entry_id}" in hass_storage
    assert dr.async_get(hass).async_get_device_by_identifier((DOMAIN, "board0002"), home.entry_id)

    assert hass.config_entries.async_remove_subentry(home, attic.entry_id)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.led_states.{attic.entry_id}" not in hass_storage
    assert set(home.subentries) == {living.entry_id}
    assert (
        dr.async_get(hass).async_get_device_by_identifier((DOMAIN, "board0002"), home.entry_id)
        is None
    )


@pytest.mark.parametrize("home_first", [True, False], ids=["home_entry_has_it", "two_old_entries"])
async def test_a_board_the_home_entry_has_already_is_not_moved_in_twice(
    hass: HomeAssistant,
    fake_hardware: FakeHardware,
    caplog: pytest.LogCaptureFixture,
    home_first: bool,
) -> None:
    """An old board entry of a board the home entry has (one config copied onto another, a
    restored old entry): Home Assistant refused the second subentry, and the integration,
    its nodes too, did not set up at all, with a traceback at every start."""
    if home_first:
        board = {"board_id": "board0001", "dht_pin": 4, "dht_model": "dht22", "leds": []}
        home_entry(board_subentry(board)).add_to_hass(hass)
    else:
        _board("board0001", "Living room", 4, 17).add_to_hass(hass)
    old = _board("board0001", "Old living room", 5, 22)
    old.add_to_hass(hass)
    node = _node()
    node.add_to_hass(hass)

    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()

    (home,) = (e for e in hass.config_entries.async_entries(DOMAIN) if e.data["kind"] == "home")
    assert home.state is ConfigEntryState.LOADED
    assert [s.title for s in home.subentries.values()] == ["Living room"]
    # Set up: it waits for MQTT, which this test has not (before, it was never set up).
    assert node.state is ConfigEntryState.SETUP_RETRY
    # Left as it was: it cannot set up, and says so; deleting it forgets nothing of the board.
    assert old.state is ConfigEntryState.MIGRATION_ERROR
    ours = [r for r in caplog.records if r.name.startswith("custom_components.py_iot_home")]
    assert [r.getMessage() for r in ours if r.levelno == logging.WARNING] == [
        "Old living room is not moved into Py IoT Home: Living room there is the same board"
        " or forecast (board0001); delete one of them"
    ]
