"""A board's readings and trend across a restart of Home Assistant: the same values, or
unknown for the same reason, right after the start as just before the stop.

A silent source's trend is held at its last reading (analysis.ring_buffer.NEWEST_HOLD_S);
a restart analyses the stored samples again, at the start's time.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_restore_state_shutdown_restart,
)

from custom_components.py_iot_home.board.coordinator import FIRST_READ_RETRY_INTERVAL
from custom_components.py_iot_home.const import DEFAULT_FAILURE_THRESHOLD
from custom_components.py_iot_home.hardware.dht import DEFAULT_ADAFRUIT_RETRIES

from .fakes import FakeHardware
from .polled_board import (
    POLL,
    async_polled_board,
    async_polled_board_with_readings,
    async_tick_to,
)
from .test_node_switch_states import record_states

DHT_PIN = 4
# One failed read of the board: every try the driver makes comes back empty.
READ_TRIES = DEFAULT_ADAFRUIT_RETRIES

BOARD_ENTITIES = (
    "sensor.living_room_temperature",
    "sensor.living_room_humidity",
    "sensor.living_room_temperature_trend",
    "sensor.living_room_temperature_status",
    "sensor.living_room_temperature_ready",
    "binary_sensor.living_room_temperature_rising",
)


def _room(at_s: float, day_zero_s: float) -> float:
    days = (at_s - day_zero_s) / 86400.0
    return 20.0 + 0.3 * days + 1.5 * math.sin(2 * math.pi * (days % 1.0 - 0.375))


def shown_as_read(hass: HomeAssistant, entity_ids: tuple[str, ...]) -> dict[str, tuple[str, Any]]:
    """What each entity shows, as a person reads it: its state and attributes."""
    shown: dict[str, tuple[str, Any]] = {}
    for entity_id in entity_ids:
        state = hass.states.get(entity_id)
        assert state is not None
        shown[entity_id] = (state.state, dict(state.attributes))
    return shown


@pytest.mark.parametrize(
    ("silent_for", "status"),
    [
        (timedelta(0), "shown"),
        (timedelta(minutes=30), "shown"),
        (timedelta(hours=3), "no_recent_samples"),
    ],
)
async def test_a_boards_readings_and_trend_read_the_same_after_a_restart(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    board_data: dict[str, Any],
    silent_for: timedelta,
    status: str,
) -> None:
    """Its DHT22 read last `silent_for` before the stop (its wire failing since), or the
    same room's reading at the start."""
    zone = ZoneInfo(hass.config.time_zone)
    day_zero = datetime(2026, 11, 2, 12, tzinfo=zone)
    at = day_zero + timedelta(days=6)
    trend, noise = await async_polled_board_with_readings(
        hass, freezer, board_data, lambda t: _room(t, day_zero.timestamp()), day_zero, at
    )
    stop_at = at + silent_for + timedelta(hours=1)
    while at < stop_at:
        at += POLL
        if at <= stop_at - silent_for:
            reading = _room(at.timestamp(), day_zero.timestamp()) + float(noise.normal(0.0, 0.1))
            fake_hardware.dht.default_reading = (round(reading, 1), 45.0)
        else:
            fake_hardware.dht.default_reading = None
        await async_tick_to(hass, freezer, at)
    await trend.async_refresh()
    await hass.async_block_till_done()
    before = shown_as_read(hass, BOARD_ENTITIES)
    assert before["sensor.living_room_temperature_status"][0] == status
    entry = trend.config_entry
    await async_mock_restore_state_shutdown_restart(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    for entity_id in BOARD_ENTITIES:
        hass.states.async_remove(entity_id)
    freezer.tick(timedelta(seconds=30))
    changes = {entity_id: record_states(hass, entity_id) for entity_id in BOARD_ENTITIES}
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert shown_as_read(hass, BOARD_ENTITIES) == before
    # Written once, as before the stop: no unavailable (nor anything else) on the way.
    assert changes == {entity_id: [(None, before[entity_id][0])] for entity_id in BOARD_ENTITIES}


TEMPERATURE = "sensor.living_room_temperature"


async def _restarted(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry, down: timedelta
) -> list[tuple[str | None, str | None]]:
    """Stopped (the restore state file written, then read as a start does) and started again
    `down` later; every change of the temperature written from the start."""
    await async_mock_restore_state_shutdown_restart(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    hass.states.async_remove(TEMPERATURE)
    freezer.tick(down)
    changes = record_states(hass, TEMPERATURE)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return changes


async def _retries(hass: HomeAssistant, freezer: FrozenDateTimeFactory, count: int) -> None:
    """The board's reads until a first reading comes, every FIRST_READ_RETRY_INTERVAL (and
    the fraction of a second Home Assistant adds to a coordinator's interval)."""
    for _ in range(count):
        freezer.tick(FIRST_READ_RETRY_INTERVAL + timedelta(seconds=1))
        async_fire_time_changed(hass)
        # The read runs in the executor: its next retry is set once it has returned.
        await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_failed_first_read_after_a_restart_shows_the_reading_from_before(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    board_data: dict[str, Any],
) -> None:
    """A DHT22 botches a read now and then; when the one at the start did, the temperature
    was unavailable until the retry 5 s later. Now it shows 21.0 from the start, as a failed
    read holds the last reading while the board runs."""
    entry = await async_polled_board(hass, board_data)
    assert hass.states.get(TEMPERATURE).state == "21.0"
    fake_hardware.dht.script(DHT_PIN, *[None] * READ_TRIES)
    changes = await _restarted(hass, freezer, entry, timedelta(seconds=30))
    await _retries(hass, freezer, 2)
    assert changes == [(None, "21.0")]


async def test_a_sensor_failing_since_the_restart_goes_unavailable_as_it_would_have(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    board_data: dict[str, Any],
) -> None:
    """Failing read after read from the start, the reading from before shows no longer than
    the failures before unavailable allow."""
    entry = await async_polled_board(hass, board_data)
    fake_hardware.dht.default_reading = None
    changes = await _restarted(hass, freezer, entry, timedelta(seconds=30))
    await _retries(hass, freezer, DEFAULT_FAILURE_THRESHOLD + 2)
    assert changes == [(None, "21.0"), ("21.0", STATE_UNAVAILABLE)]


async def test_a_reading_older_than_the_failures_allow_is_not_shown_after_a_restart(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    board_data: dict[str, Any],
) -> None:
    """Down for longer than a board polled every 10 minutes holds a reading through its
    failed reads (five): its reading from before is history, not the temperature now."""
    entry = await async_polled_board(hass, board_data)
    fake_hardware.dht.script(DHT_PIN, *[None] * READ_TRIES)
    changes = await _restarted(hass, freezer, entry, DEFAULT_FAILURE_THRESHOLD * POLL)
    await _retries(hass, freezer, 2)
    assert changes == [(None, STATE_UNAVAILABLE), (STATE_UNAVAILABLE, "21.0")]
