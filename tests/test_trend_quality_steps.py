"""The trend bench's hour-to-hour steps measure what a day leaving the window does."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench import trend_quality
from bench.trend_quality_steps import Analysis, hour_steps

MIDNIGHT = 1_764_547_200.0  # 2025-12-01 00:00 UTC
DAY = 86400.0


def test_a_warm_first_day_leaving_the_window_is_the_step_of_its_hour() -> None:
    """Nine days at 20 °C with a daily cycle, the first a degree warmer. Through the
    daily means of days 0-6 the line falls 3/28 °C/d (hand-worked: Σ(x-3)(y-ȳ) = -3 over
    Σ(x-3)² = 28); once day 0 leaves, early on day 7, it is flat. Days entering from day 6
    on move it from -1/5 (days 0-4) to -1/7 (0-5), 2/35 at most, and from -1/7 to -3/28."""
    times = np.arange(MIDNIGHT, MIDNIGHT + 9 * DAY + 3600.0, 600.0)
    values = 20.0 + (times < MIDNIGHT + DAY) + 0.5 * np.sin(2 * math.pi * times / DAY)
    stream = trend_quality.Stream("test", "warm first day", "temperature", "UTC", times, values)

    quality = trend_quality.run(stream)
    steps = quality.hour_steps

    assert quality.days_left == 2
    assert steps is not None
    assert steps.largest["leaves"] == pytest.approx(3 / 28, rel=5e-3)
    assert steps.largest["enters"] == pytest.approx(2 / 35, rel=5e-3)
    # Otherwise the line all but stands still.
    assert steps.largest["neither"] < 1e-3


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
    assert steps.leaving_in_errors == pytest.approx(3.0)
    assert steps.direction_changes == {"leaves": 1, "enters": 0, "neither": 1}
