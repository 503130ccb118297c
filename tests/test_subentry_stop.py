"""A deleted board or forecast stops by itself: the other boards and forecasts run on.

Deleting "Climate sensor 2" reloaded the whole home entry: the other board, its Desk LED and
the power forecast went unavailable and back (13 rows in Activity, a break in History).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.config_entries import ConfigEntry, ConfigEntryState, ConfigSubentry
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.py_iot_home.const import (
    CONF_LEDS,
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TRAINING_DAYS,
    DOMAIN,
    SubentryKind,
)
from custom_components.py_iot_home.forecast.saved_model import model_storage_key
from custom_components.py_iot_home.trends.persistence import storage_key

from .fakes import FakeHardware
from .imported_statistics import imported
from .test_predictor import (
    ENOUGH_DAYS,
    NOW,
    PREDICTED,
    _add_predictor,
    _home,
    _hourly_statistics,
    _seed,
)

LIVING_ROOM_ID = "01JBOARD00000000000000LIVING"
ATTIC_ID = "01JBOARD000000000000000ATTIC"
GARAGE_FORECAST_ID = "01JFORECAST00000000000GARAGE"
GARAGE_POWER = "sensor.garage_power"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _board(
    board_data: dict[str, Any], title: str, subentry_id: str, *, number: int, pins: tuple[int, int]
) -> ConfigSubentry:
    """A board added on the integration's page: its DHT and its desk LED on ``pins``."""
    led = {
        **board_data[CONF_LEDS][0],
        "led_id": f"led0000{number}",
        "name": f"{title} desk LED",
        "pin": pins[1],
    }
    data = {**board_data, "board_id": f"board000{number}", "dht_pin": pins[0], CONF_LEDS: [led]}
    return ConfigSubentry(
        data=data,  # type: ignore[arg-type]
        subentry_type=SubentryKind.BOARD,
        title=title,
        unique_id=f"board000{number}",
        subentry_id=subentry_id,
    )


def _garage_forecast() -> ConfigSubentry:
    """A forecast of a power sensor that never reported: its repair says so every hour."""
    return ConfigSubentry(
        data={CONF_POWER_ENTITY: GARAGE_POWER, CONF_TRAINING_DAYS: 60, CONF_RETRAIN_HOURS: 24},  # type: ignore[arg-type]
        subentry_type=SubentryKind.FORECAST,
        title="Garage forecast",
        unique_id=f"predictor_{GARAGE_POWER}",
        subentry_id=GARAGE_FORECAST_ID,
    )


async def _add(hass: HomeAssistant, home: ConfigEntry, subentry: ConfigSubentry) -> None:
    assert hass.config_entries.async_add_subentry(home, subentry)
    await hass.async_block_till_done(wait_background_tasks=True)


def _entities_of(hass: HomeAssistant, home: ConfigEntry, subentry_id: str) -> set[str]:
    """The subentry's registered entities."""
    registry = er.async_get(hass)
    return {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(registry, home.entry_id)
        if entity.config_subentry_id == subentry_id
    }


def _shown(hass: HomeAssistant, entity_ids: set[str]) -> set[str]:
    """Those in the state machine (not disabled)."""
    return {entity_id for entity_id in entity_ids if hass.states.get(entity_id) is not None}


def _entities_of_others(hass: HomeAssistant, home: ConfigEntry, subentry_id: str) -> set[str]:
    """The shown entities of every board and forecast but that one."""
    return _shown(
        hass,
        {
            entity_id
            for other_id in home.subentries
            if other_id != subentry_id
            for entity_id in _entities_of(hass, home, other_id)
        },
    )


def _record_changes(hass: HomeAssistant) -> list[tuple[str, str | None]]:
    """Every state change from now on: (entity id, new state; None once removed)."""
    changes: list[tuple[str, str | None]] = []

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        changes.append((event.data["entity_id"], new.state if new else None))

    hass.bus.async_listen(EVENT_STATE_CHANGED, _changed)
    return changes


def _its_files(hass_storage: dict[str, Any], subentry_id: str) -> list[str]:
    return [key for key in hass_storage if subentry_id in key]


def _its_repairs(hass: HomeAssistant, subentry_id: str) -> list[str]:
    issues = ir.async_get(hass).issues
    return [issue_id for domain, issue_id in issues if domain == DOMAIN and subentry_id in issue_id]


def _gone_or_unavailable(
    changes: list[tuple[str, str | None]], entity_ids: set[str]
) -> list[tuple[str, str | None]]:
    """The recorded changes that took one of `entity_ids` away or made it unavailable."""
    return [
        change
        for change in changes
        if change[0] in entity_ids and change[1] in (None, STATE_UNAVAILABLE)
    ]


async def _deleted_beside_the_others(
    hass: HomeAssistant, home: ConfigEntry, subentry_id: str, *, others_include: set[str]
) -> tuple[set[str], set[str], list[tuple[str, str | None]]]:
    """Delete one subentry: no other entity changes, its own leave, its repairs go.

    Returns the entities it showed, the others', and the changes recorded from before.
    """
    deleted = _shown(hass, _entities_of(hass, home, subentry_id))
    assert deleted
    others = _entities_of_others(hass, home, subentry_id)
    assert others_include < others
    changes = _record_changes(hass)

    assert hass.config_entries.async_remove_subentry(home, subentry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert home.state is ConfigEntryState.LOADED
    assert not [change for change in changes if change[0] in others]
    assert {entity_id for entity_id, state in changes if state is None} == deleted
    assert not [entity_id for entity_id in deleted if hass.states.get(entity_id) is not None]
    assert not _entities_of(hass, home, subentry_id)
    assert _its_repairs(hass, subentry_id) == []
    return deleted, others, changes


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, after: timedelta) -> None:
    freezer.tick(after)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _home_with_two_boards_and_a_forecast(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, board_data: dict[str, Any]
) -> ConfigEntry:
    """The power forecast (trained), the attic and the living room, as a user adds them."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    home = _home(hass)
    await _add(hass, home, _board(board_data, "Attic", ATTIC_ID, number=2, pins=(5, 22)))
    living_room = _board(board_data, "Living room", LIVING_ROOM_ID, number=1, pins=(4, 17))
    await _add(hass, home, living_room)
    assert hass.states.get(PREDICTED).state != STATE_UNAVAILABLE
    assert hass.states.get("sensor.attic_temperature").state == "21.0"
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"
    return home


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_deleted_board_stops_alone_and_its_pins_files_and_entities_go(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
) -> None:
    """The attic and the forecast never go unavailable; the living room's entities leave,
    nothing of it runs or writes afterwards, and a new board takes its pins."""
    home = await _home_with_two_boards_and_a_forecast(hass, freezer, board_data)
    led = "switch.living_room_desk_led"
    await hass.services.async_call("switch", "turn_on", {"entity_id": led}, blocking=True)
    await _tick(hass, freezer, timedelta(seconds=2))  # its LED's level is saved
    assert _its_files(hass_storage, LIVING_ROOM_ID)
    deleted, others, changes = await _deleted_beside_the_others(
        hass, home, LIVING_ROOM_ID, others_include={"switch.attic_desk_led", PREDICTED}
    )
    assert {"sensor.living_room_temperature", led} < deleted
    assert _its_files(hass_storage, LIVING_ROOM_ID) == []

    # Nothing of it runs any more: no poll of its sensor's pin, no save of its files.
    reads = len(fake_hardware.dht.transfers)
    for _ in range(3):
        await _tick(hass, freezer, timedelta(minutes=31))
    polled = fake_hardware.dht.transfers[reads:]
    assert 5 in polled
    assert 4 not in polled
    assert _its_files(hass_storage, LIVING_ROOM_ID) == []
    for entity_id in others:
        assert hass.states.get(entity_id).state != STATE_UNAVAILABLE, entity_id
    assert _gone_or_unavailable(changes, others) == []

    # Its pins are free: a new board on the same ones starts and drives its LED.
    study = _board(board_data, "Study", "01JBOARD000000000000000STUDY", number=3, pins=(4, 17))
    await _add(hass, home, study)
    assert hass.states.get("sensor.study_temperature").state == "21.0"
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.study_desk_led"}, blocking=True
    )
    assert hass.states.get("switch.study_desk_led").state == "on"

    # The whole entry unloading stops the rest once; the deleted board writes nothing again.
    assert await hass.config_entries.async_unload(home.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert storage_key(ATTIC_ID) in hass_storage
    assert _its_files(hass_storage, LIVING_ROOM_ID) == []
    reads = len(fake_hardware.dht.transfers)
    await _tick(hass, freezer, timedelta(hours=2))
    assert fake_hardware.dht.transfers[reads:] == []


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_deleted_forecast_stops_alone_and_its_model_and_repairs_go(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
) -> None:
    """The boards and the other forecast never go unavailable; the garage forecast's
    entities and repair leave, and no hourly forecast of it brings the repair back."""
    home = await _home_with_two_boards_and_a_forecast(hass, freezer, board_data)
    await _add(hass, home, _garage_forecast())
    assert _its_repairs(hass, GARAGE_FORECAST_ID)
    _, others, changes = await _deleted_beside_the_others(
        hass,
        home,
        GARAGE_FORECAST_ID,
        others_include={"switch.attic_desk_led", "sensor.living_room_temperature", PREDICTED},
    )
    assert model_storage_key(GARAGE_FORECAST_ID) not in hass_storage

    # Two hours on: the power forecast forecasts each hour, the deleted one no more.
    forecast = hass.states.get(PREDICTED).attributes["forecast"]
    await _tick(hass, freezer, timedelta(hours=1))
    await _tick(hass, freezer, timedelta(hours=1))
    assert hass.states.get(PREDICTED).attributes["forecast"] != forecast
    assert _its_repairs(hass, GARAGE_FORECAST_ID) == []
    assert _its_files(hass_storage, GARAGE_FORECAST_ID) == []
    assert _gone_or_unavailable(changes, others) == []
