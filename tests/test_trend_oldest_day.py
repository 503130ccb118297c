"""A trend shown does not step when the window's oldest day stops being full.

Sliding on, the week's oldest day loses hours; under 80 % of them it left the line through
the daily means at once, at about 05:00: a warm first day going moved the state by 0.05 °C/d
in one analysis. It now leaves over the hour before, like a day entering after midnight.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant

from .fakes import FakeHardware
from .home_entry import feature
from .polled_board import POLL, async_polled_board, async_tick_to

TREND = "sensor.living_room_temperature_trend"


def _room(at_s: float, day_zero_s: float) -> float:
    """0.3 °C a day warmer and a daily swing, the first day half a degree warmer still."""
    days = (at_s - day_zero_s) / 86400.0
    warm_first_day = 0.5 if days < 1.0 else 0.0
    return 20.0 + 0.3 * days + 1.5 * math.sin(2 * math.pi * (days % 1.0 - 0.375)) + warm_first_day


async def test_a_trend_does_not_step_when_the_oldest_day_leaves_the_window(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    board_data: dict[str, Any],
) -> None:
    zone = ZoneInfo(hass.config.time_zone)
    day_zero = datetime(2026, 11, 2, tzinfo=zone)
    at = day_zero + timedelta(days=7, hours=3)
    freezer.move_to(at)
    entry = await async_polled_board(hass, board_data)
    # A week read every 10 minutes: the window's oldest day keeps 20 of its hours (full)
    # until the window passes its 04:50 reading, at 04:50 today.
    noise = np.random.default_rng(4)
    times = np.arange(day_zero.timestamp(), at.timestamp(), 600.0)
    values = [_room(t, day_zero.timestamp()) + noise.normal(0.0, 0.1) for t in times]
    trend = feature(entry).trend
    trend.add_samples("temperature", times, np.round(values, 1))
    await trend.async_refresh()
    await hass.async_block_till_done()

    shown = [float(hass.states.get(TREND).state)]
    while at < day_zero + timedelta(days=7, hours=6):
        at += POLL
        reading = _room(at.timestamp(), day_zero.timestamp()) + float(noise.normal(0.0, 0.1))
        fake_hardware.dht.script(4, (round(reading, 1), 45.0))
        await async_tick_to(hass, freezer, at)
        shown.append(float(hass.states.get(TREND).state))
    assert hass.states.get(TREND).attributes["method"] == "daily_means"
    assert shown[-1] - shown[0] >= 0.04
    assert max(np.abs(np.diff(shown))) <= 0.01 + 1e-9
