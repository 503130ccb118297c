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
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    async_mock_restore_state_shutdown_restart,
)

from .fakes import FakeHardware
from .polled_board import POLL, async_polled_board_with_readings, async_tick_to

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


def _shown(hass: HomeAssistant, entity_ids: tuple[str, ...]) -> dict[str, tuple[str, Any]]:
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
    before = _shown(hass, BOARD_ENTITIES)
    assert before["sensor.living_room_temperature_status"][0] == status
    entry = trend.config_entry
    await async_mock_restore_state_shutdown_restart(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    for entity_id in BOARD_ENTITIES:
        hass.states.async_remove(entity_id)
    freezer.tick(timedelta(seconds=30))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _shown(hass, BOARD_ENTITIES) == before
