"""A source silent across midnight: its trend stands still until it counts as silent.

The line through the daily means spans the six days before the newest reading's day. A
source that stopped reading at 23:50 kept that line after midnight, while the window, cut
from the clock's now, passed its oldest day's first hours: the trend and its standard error
moved at each hour that left, with nothing new in the room, until the source counted as
silent two hours after its last reading.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant

from .fakes import FakeHardware
from .polled_board import POLL, async_polled_board_with_readings, async_tick_to

TREND = "sensor.living_room_temperature_trend"
RISING = "binary_sensor.living_room_temperature_rising"


def _room(at_s: float, day_zero_s: float) -> float:
    """0.3 °C a day warmer and a daily swing; a heater on in the first day's small hours."""
    days = (at_s - day_zero_s) / 86400.0
    heater = 8.0 if days < 3 / 24 else 0.0
    return 20.0 + 0.3 * days + 1.5 * math.sin(2 * math.pi * (days % 1.0 - 0.375)) + heater


async def test_a_trend_stands_still_while_its_source_is_silent_across_midnight(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    board_data: dict[str, Any],
) -> None:
    zone = ZoneInfo(hass.config.time_zone)
    day_zero = datetime(2026, 11, 2, tzinfo=zone)
    midnight = day_zero + timedelta(days=7)
    at = midnight - timedelta(minutes=30)
    trend, noise = await async_polled_board_with_readings(
        hass, freezer, board_data, lambda t: _room(t, day_zero.timestamp()), day_zero, at
    )

    seen: list[tuple[datetime, str, Any, str]] = []
    while at < midnight + timedelta(hours=3):
        at += POLL
        if at < midnight:
            reading = _room(at.timestamp(), day_zero.timestamp()) + float(noise.normal(0.0, 0.1))
            fake_hardware.dht.script(4, (round(reading, 1), 45.0))
        else:
            # The sensor's wire fails at midnight: every read from then on comes back empty.
            fake_hardware.dht.default_reading = None
        await async_tick_to(hass, freezer, at)
        # Analysed with the poll's reading, whichever of the two timers fell due first.
        await trend.async_refresh()
        await hass.async_block_till_done()
        state = hass.states.get(TREND)
        shown = (state.state, state.attributes.get("standard_error"))
        seen.append((at, *shown, hass.states.get(RISING).state))

    last_reading = midnight - POLL
    # Silent once two hours have passed since its last reading (three of its 10-minute gaps
    # are less).
    silent_after = last_reading + timedelta(hours=2)
    held = {(state, error, rising) for when, state, error, rising in seen if when <= silent_after}
    # One trend, its error and direction, from the last reading until the source is silent.
    assert len(held) == 1, sorted({row[1:] for row in seen})
    ((shown, _, rising),) = held
    assert float(shown) > 0.0
    assert rising == "off"
    after = [row for row in seen if row[0] > silent_after]
    assert {(state, rising) for _, state, _, rising in after} == {("unknown", "unknown")}
    assert hass.states.get(TREND).attributes["unknown_reason"] == "no_recent_samples"
