"""Each sample weighs the time it stood for: until the next one, none through a silence."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.py_iot_home.analysis.time_weights import stood_for_s, weighted_stats

T0 = 1.75e9
HOUR = 3600.0


def test_a_reading_before_a_silence_does_not_hold_through_it() -> None:
    """20 °C for two hours, then 2 days without readings, then 10 °C for two hours.

    Held through the silence, 20 °C stood for 50 of the 52 hours; each stood for its two.
    """
    times = np.concatenate(
        [T0 + np.arange(0, 2 * HOUR, 600.0), T0 + 50 * HOUR + np.arange(0, 2 * HOUR, 600.0)]
    )
    values = np.where(times < T0 + 10 * HOUR, 20.0, 10.0)
    weights = stood_for_s(times, now_s=T0 + 52 * HOUR, cap_s=2 * HOUR)
    assert weights[11] == 2 * HOUR  # the last reading before the silence: capped
    assert weighted_stats(times, values, weights).mean == pytest.approx(
        (20.0 * (11 * 600 + 2 * HOUR) + 10.0 * 12 * 600) / (23 * 600 + 2 * HOUR)
    )


def test_the_newest_reading_counts_as_long_as_the_one_before_it() -> None:
    """Two readings 10 s apart, the newest taken now: a line through both, not none."""
    times = np.array([T0, T0 + 10.0])
    weights = stood_for_s(times, now_s=T0 + 10.0, cap_s=2 * HOUR)
    stats = weighted_stats(times, np.array([21.3, 21.2]), weights)
    assert weights.tolist() == [10.0, 10.0]
    assert stats.slope_per_day == pytest.approx(-864.0)
    assert stats.mean == pytest.approx(21.25)


def test_one_reading_taken_now_is_its_own_mean() -> None:
    stats = weighted_stats(
        np.array([T0]), np.array([22.5]), stood_for_s(np.array([T0]), now_s=T0, cap_s=2 * HOUR)
    )
    assert (stats.mean, stats.std) == (22.5, 0.0)
    assert np.isnan(stats.slope_per_day)
