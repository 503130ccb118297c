"""A trend shown moves once a day, with the new day's readings, not as the oldest day leaves.

A 7-day window holds the six days before today whole, and for a few hours after midnight
also a seventh, the oldest, until the window has passed a fifth of it. That day was in the
line through the daily means for those hours, moved it at each of them as they left the
window, and left it by itself at about 05:00: the trend stepped, and the rising sensor
turned on at 05:40, with nothing new in the room. The line spans the six days before today:
after midnight, over the first hour of readings, the day that ended enters and the oldest
leaves; then the trend stands still through the night.
"""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant

from .fakes import FakeHardware
from .polled_board import POLL, async_polled_board_with_readings, async_tick_to

TREND = "sensor.living_room_temperature_trend"
RISING = "binary_sensor.living_room_temperature_rising"


def _room(at_s: float, day_zero_s: float) -> float:
    """0.3 °C a day warmer and a daily swing, the first day a degree warmer still."""
    days = (at_s - day_zero_s) / 86400.0
    warm_first_day = 1.0 if days < 1.0 else 0.0
    return 20.0 + 0.3 * days + 1.5 * math.sin(2 * math.pi * (days % 1.0 - 0.375)) + warm_first_day


async def test_a_trend_moves_with_the_new_days_readings_not_as_the_oldest_day_leaves(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    board_data: dict[str, Any],
) -> None:
    zone = ZoneInfo(hass.config.time_zone)
    day_zero = datetime(2026, 11, 2, tzinfo=zone)
    midnight = day_zero + timedelta(days=7)
    at = midnight - timedelta(hours=1)
    trend, noise = await async_polled_board_with_readings(
        hass, freezer, board_data, lambda t: _room(t, day_zero.timestamp()), day_zero, at
    )
    await trend.async_refresh()
    await hass.async_block_till_done()

    # Through the first day, warmer, the line of days 0-5 is flatter: steady.
    assert hass.states.get(RISING).state == "off"
    seen: list[tuple[datetime, float, str]] = []
    while at < midnight + timedelta(hours=6, minutes=30):
        at += POLL
        reading = _room(at.timestamp(), day_zero.timestamp()) + float(noise.normal(0.0, 0.1))
        fake_hardware.dht.script(4, (round(reading, 1), 45.0))
        await async_tick_to(hass, freezer, at)
        # The trend's 5-minute timer and the board's poll fall due in the same tick, in an
        # order set by each coordinator's random start-up jitter: the analysis ran before the
        # poll's reading as often as after it. Analysed with the reading, as 5 minutes on.
        await trend.async_refresh()
        await hass.async_block_till_done()
        seen.append((at, float(hass.states.get(TREND).state), hass.states.get(RISING).state))

    shown = np.array([slope for _, slope, _ in seen])
    settled = [slope for when, slope, _ in seen if when >= midnight + timedelta(minutes=90)]
    # Day 6 in, day 0 out over the hour after midnight: about a sixth per 10-minute poll
    # (two analyses), shown to 0.01 °C/d; from 0.16 to 0.3 °C/d, the room's warming.
    assert settled[0] - shown[0] >= 0.1
    assert max(np.abs(np.diff(shown))) <= (settled[0] - shown[0]) / 3
    # Then the trend stands still as the window passes day 0's hours and it stops being full.
    assert set(settled) == {settled[0]}
    assert hass.states.get(TREND).attributes["method"] == "daily_means"
    # The rising sensor turns on once, with the new day, and stays on.
    turns = [when for (_, _, a), (when, _, b) in itertools.pairwise(seen) if a != b]
    assert len(turns) == 1
    assert turns[0] < midnight + timedelta(hours=3)  # the hour it took to enter, the hour waited
    assert seen[-1][2] == "on"
