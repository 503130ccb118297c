"""The trend bench's hour-to-hour steps measure what a day leaving the window does."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench import trend_quality
from bench.trend_quality_steps import Analysis, hour_steps

MIDNIGHT = 1_764_547_200.0  # 2025-12-01 00:00 UTC
DAY = 86400.0


def test_a_warm_first_day_leaves_the_window_in_the_hour_a_new_day_enters() -> None:
    """Nine days at 20 °C with a daily cycle, the first a degree warmer. The line spans the
    six days before today. Through the daily means of days 0-5 it falls 1/7 °C/d
    (hand-worked: Σ(x-2.5)(y-ȳ) = -2.5 over Σ(x-2.5)² = 17.5); after day 7's midnight day 6
    enters and day 0 leaves, and it is flat. Day 5 entering after day 6's midnight moved it
    from -1/5 (days 0-4) to -1/7: 2/35. No day leaves by itself, as the window passes the
    oldest day's hours in the night: the line stands still then."""
    times = np.arange(MIDNIGHT, MIDNIGHT + 9 * DAY + 3600.0, 600.0)
    values = 20.0 + (times < MIDNIGHT + DAY) + 0.5 * np.sin(2 * math.pi * times / DAY)
    stream = trend_quality.Stream("test", "warm first day", "temperature", "UTC", times, values)

    quality = trend_quality.run(stream)
    steps = quality.hour_steps

    assert quality.days_left == 2
    assert steps is not None
    assert steps.largest["enters"] == pytest.approx(1 / 7, rel=5e-3)
    assert "leaves" not in steps.largest
    assert steps.largest["neither"] == 0.0


def test_direction_changes_count_as_the_hour_before_or_the_one_before_that() -> None:
    """Half-hour analyses (two an hour): a day leaves at 1.0 h, the direction changes
    at 2.0 h (the hour it waits), again at 4.0 h with nothing moving."""
    timeline = [
        Analysis(0.0, 0.0, False, False, "steady", 0.1),
        Analysis(1800.0, 0.0, False, False, "steady", 0.1),
        Analysis(3600.0, 0.3, True, False, "steady", 0.1),
        Analysis(5400.0, 0.3, False, False, "steady", 0.1),
        Analysis(7200.0, 0.3, False, False, "rising", 0.1),
        Analysis(9000.0, 0.3, False, False, "rising", 0.1),
        Analysis(10800.0, 0.3, False, False, "rising", 0.1),
        Analysis(12600.0, 0.3, False, False, "rising", 0.1),
        Analysis(14400.0, 0.35, False, False, "steady", 0.1),
    ]

    steps = hour_steps(timeline, 1800.0, from_s=0.0)

    assert steps.largest == {"leaves": pytest.approx(0.3), "neither": pytest.approx(0.05)}
    assert steps.largest_in_errors == {"leaves": pytest.approx(3.0), "neither": pytest.approx(0.5)}
    assert steps.direction_changes == {"leaves": 1, "enters": 0, "neither": 1}


def test_an_hour_in_which_a_day_enters_and_the_oldest_leaves_counts_as_entering() -> None:
    """The days turn over together after midnight: the hour is a new day's, not a leaving."""
    timeline = [
        Analysis(0.0, 0.1, False, False, "steady", 0.1),
        Analysis(1800.0, 0.2, True, True, "steady", 0.1),
        Analysis(3600.0, 0.4, False, False, "steady", 0.1),
    ]

    steps = hour_steps(timeline, 1800.0, from_s=0.0)

    assert steps.largest == {"enters": pytest.approx(0.3)}
    assert steps.largest_in_errors == {"enters": pytest.approx(3.0)}
