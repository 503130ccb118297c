"""A trend shown does not move at local midnight when no reading came.

At the midnight that completes a board's second full day the trend went from the robust fit
over the samples to the line through the daily means (and at every later midnight a day
entered that line): the state moved with nothing new measured, 0.30 to 0.31 °C/d here.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant

from .fakes import FakeHardware
from .polled_board import POLL, async_polled_board, async_tick_to

TREND = "sensor.living_room_temperature_trend"
TRANSLATIONS = Path(__file__).parents[1] / "custom_components/py_iot_home/translations/en.json"


def _room(at: datetime, day_zero: datetime) -> float:
    """0.3 °C a day warmer, a daily swing, and the heating on from 6 to 9 in the morning."""
    hours = (at - day_zero).total_seconds() / 3600.0
    hour = hours % 24
    heating = 1.2 if 6 <= hour < 9 else 0.0
    return 20.0 + 0.3 * hours / 24 + 1.5 * math.sin(2 * math.pi * (hour - 9) / 24) + heating


async def test_a_trend_does_not_move_at_midnight_without_a_reading(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    board_data: dict[str, Any],
) -> None:
    zone = ZoneInfo(hass.config.time_zone)
    day_zero = datetime(2026, 11, 2, tzinfo=zone)
    midnight = day_zero + timedelta(days=2)  # ends the second full day
    at = day_zero - timedelta(hours=4)
    freezer.move_to(at)
    await async_polled_board(hass, board_data)
    noise = np.random.default_rng(3)
    while at + POLL < midnight - timedelta(minutes=5):
        at += POLL
        reading = _room(at, day_zero) + float(noise.normal(0.0, 0.1))
        fake_hardware.dht.script(4, (round(reading, 1), 45.0))
        await async_tick_to(hass, freezer, at)
    fake_hardware.dht.default_reading = None  # the sensor stops answering: no reading

    await async_tick_to(hass, freezer, midnight - timedelta(minutes=2))
    before = hass.states.get(TREND)
    await async_tick_to(hass, freezer, midnight + timedelta(minutes=3))
    after = hass.states.get(TREND)

    assert before.attributes["last_sample_at"] == after.attributes["last_sample_at"]
    assert before.state == after.state
    assert float(after.state) == pytest.approx(0.3, abs=0.05)

    # Readings again: the day that ended enters over their first hour, a step at a time.
    fake_hardware.dht.default_reading = (21.0, 45.0)
    shown = [float(after.state)]
    at = midnight
    while at < midnight + timedelta(hours=1, minutes=30):
        at += POLL
        reading = _room(at, day_zero) + float(noise.normal(0.0, 0.1))
        fake_hardware.dht.script(4, (round(reading, 1), 45.0))
        await async_tick_to(hass, freezer, at)
        shown.append(float(hass.states.get(TREND).state))
    assert hass.states.get(TREND).attributes["method"] == "daily_means"
    assert max(np.abs(np.diff(shown))) <= 0.01 + 1e-9


async def test_the_method_names_both_fits_while_the_second_full_day_enters(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    board_data: dict[str, Any],
) -> None:
    """Over the first hour of readings after the midnight that completes the second full
    day, the slope goes from the robust fit to the line through the daily means, part one
    and part the other: `method` said robust_fit for the first half hour and daily_means for
    the second, whichever weighed more, of a slope that was neither."""
    zone = ZoneInfo(hass.config.time_zone)
    day_zero = datetime(2026, 11, 2, tzinfo=zone)
    midnight = day_zero + timedelta(days=2)
    at = day_zero - timedelta(hours=4)
    freezer.move_to(at)
    await async_polled_board(hass, board_data)
    noise = np.random.default_rng(3)
    methods: list[tuple[timedelta, str]] = []  # by the newest reading analysed
    while at < midnight + timedelta(hours=1, minutes=30):
        at += POLL
        reading = _room(at, day_zero) + float(noise.normal(0.0, 0.1))
        fake_hardware.dht.script(4, (round(reading, 1), 45.0))
        await async_tick_to(hass, freezer, at)
        attributes = hass.states.get(TREND).attributes
        newest = datetime.fromisoformat(attributes["last_sample_at"]) - midnight
        if newest >= -timedelta(minutes=30):
            methods.append((newest, attributes["method"]))

    mixed = "robust_fit_and_daily_means"
    hour = timedelta(hours=1)
    before = [method for newest, method in methods if newest <= timedelta(0)]
    entering = [method for newest, method in methods if timedelta(0) < newest < hour]
    entered = [method for newest, method in methods if newest >= hour]
    assert before == ["robust_fit"] * len(before)
    assert entering == [mixed] * len(entering)
    assert entered == ["daily_means"] * len(entered)
    assert min(len(before), len(entering), len(entered)) >= 3
    words = json.loads(TRANSLATIONS.read_text())["entity"]["sensor"]
    for sensor in ("temperature_trend", "humidity_trend"):
        assert "Both" in words[sensor]["state_attributes"]["method"]["state"][mixed]
