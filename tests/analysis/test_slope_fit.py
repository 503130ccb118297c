"""The robust slope and the daily-means line, against pandas, scipy and known signals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import stats

from custom_components.py_iot_home.analysis.slope_fit import (
    NO_FIT,
    bin_means,
    line_over_days,
    robust_slope,
)
from custom_components.py_iot_home.analysis.trend import analyze_trend
from tests.daily_reference import pandas_daily

DAY = 86400.0
T0 = 1_760_000_400.0  # a quarter hour on the UTC grid


def _room(
    days: float,
    slope: float,
    *,
    step_s: float = 60.0,
    cycle: float = 1.5,
    noise: float = 0.1,
    seed: int = 0,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    times = np.arange(T0, T0 + days * DAY, step_s)
    x = (times - T0) / DAY
    rng = np.random.default_rng(seed)
    values = 21.0 + slope * x + cycle * np.sin(2 * np.pi * x + 1.0) + rng.normal(0, noise, x.size)
    return times, values


def test_daily_means_line_is_polyfit_over_pandas_daily_means() -> None:
    rng = np.random.default_rng(4)
    zone = "Europe/Berlin"
    # Five days around the autumn DST change, with a day without samples.
    times = np.sort(rng.uniform(1_761_264_000.0, 1_761_264_000.0 + 5 * DAY, 3000))
    times = times[(times < 1_761_264_000.0 + 2 * DAY) | (times > 1_761_264_000.0 + 3.2 * DAY)]
    values = (18.0 + 0.7 * (times - times[0]) / DAY + rng.normal(0, 0.4, times.size)).astype(
        np.float32
    )

    result = analyze_trend(times, values, tz=zone, now_s=float(times[-1]))

    daily = pandas_daily(times, values, zone)["mean"].dropna()
    x = np.array([(stamp.date() - daily.index[0].date()).days for stamp in daily.index])
    reference = stats.linregress(x, daily.to_numpy())
    assert result.daily_line.slope_per_day == pytest.approx(reference.slope, rel=1e-9)
    assert result.daily_line.intercept == pytest.approx(reference.intercept, rel=1e-9)
    assert result.daily_line.standard_error == pytest.approx(reference.stderr, rel=1e-9)
    # The last day and the days around the gap are partly covered (the first lacks 2 h).
    full = [day.date for day in result.daily_means if day.full]
    assert full == [dt.date(2025, 10, 24), dt.date(2025, 10, 25), dt.date(2025, 10, 28)]


def test_line_over_days_needs_two_days_and_three_for_an_error() -> None:
    assert line_over_days([738000], [20.0]) == NO_FIT
    two = line_over_days([738000, 738002], [20.0, 21.0])
    assert (two.slope_per_day, two.intercept) == (0.5, 20.0)
    assert np.isnan(two.standard_error)


def test_bin_means_average_each_quarter_hour() -> None:
    times = np.array([T0, T0 + 60.0, T0 + 900.0, T0 + 3000.0, T0 + 3100.0])
    values = np.array([1.0, 3.0, 5.0, 7.0, 9.0])
    bin_times, bin_values = bin_means(times, values)
    assert bin_times.tolist() == [T0 + 30.0, T0 + 900.0, T0 + 3050.0]
    assert bin_values.tolist() == [2.0, 5.0, 8.0]


@pytest.mark.parametrize("slope", [-1.2, 0.0, 0.4, 2.5])
def test_recovers_the_trend_under_a_daily_cycle(slope: float) -> None:
    times, values = _room(3, slope, seed=int(abs(slope) * 10) + 7)
    fit = robust_slope(times, values, t_ref_s=T0)
    assert abs(fit.slope_per_day - slope) < 2 * fit.standard_error + 0.02
    assert fit.standard_error < 0.1


def test_glitches_barely_move_it_where_least_squares_jumps() -> None:
    times, values = _room(3, 0.5, seed=3)
    spoilt = values.copy()
    spoilt[-90:-60] += 40.0  # half an hour of a broken sensor near the end
    robust = robust_slope(times, spoilt, t_ref_s=T0)
    least_squares = np.polyfit((times - T0) / DAY, spoilt, 1)[0]
    assert abs(robust.slope_per_day - 0.5) < 0.1
    assert abs(least_squares - 0.5) > 0.3


def test_its_standard_error_is_honest_for_a_flat_room() -> None:
    """Over many flat rooms, the slope stays within two standard errors about 95 % of the time."""
    ratios = []
    for seed in range(200):
        times, values = _room(2, 0.0, step_s=300.0, cycle=1.0, noise=0.2, seed=seed)
        fit = robust_slope(times, values, t_ref_s=T0)
        ratios.append(abs(fit.slope_per_day) / fit.standard_error)
    assert np.mean(np.array(ratios) > 2.0) < 0.1


def test_within_the_first_day_a_daily_cycle_makes_the_slope_uncertain() -> None:
    """Six hours of a warming afternoon: a steep line, but an uncertain trend per day."""
    times, values = _room(0.25, 0.0, cycle=2.0, noise=0.05)
    fit = robust_slope(times, values, t_ref_s=T0)
    assert abs(fit.slope_per_day) > 1.0  # what a straight line over these hours says
    assert fit.standard_error > 2.0
    assert fit.standard_error > abs(fit.slope_per_day) / 2


def test_a_flat_line_is_certain_and_zero() -> None:
    times = np.arange(T0, T0 + 6 * 3600.0, 10.0)
    fit = robust_slope(times, np.full(times.size, 21.0), t_ref_s=T0)
    assert fit.slope_per_day == pytest.approx(0.0, abs=1e-12)
    assert fit.standard_error == pytest.approx(0.0, abs=1e-12)


def test_too_few_quarter_hours_are_no_fit() -> None:
    times = np.array([T0, T0 + 10.0, T0 + 950.0])
    assert robust_slope(times, np.array([20.0, 21.0, 22.0]), t_ref_s=T0) == NO_FIT


def test_a_wandering_room_is_not_taken_for_a_trend() -> None:
    """Weather-like wander (AR(1) over quarter hours): the error widens to cover it."""
    ratios = []
    steps = np.arange(T0, T0 + 2 * DAY, 900.0)
    for seed in range(200):
        rng = np.random.default_rng(seed)
        wander = np.zeros(steps.size)
        for i in range(1, steps.size):
            wander[i] = 0.9 * wander[i - 1] + rng.normal(0.0, 0.1)
        fit = robust_slope(steps, 21.0 + wander, t_ref_s=T0)
        ratios.append(abs(fit.slope_per_day) / fit.standard_error)
    assert np.mean(np.array(ratios) > 2.0) < 0.15
