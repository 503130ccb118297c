"""Simple forecasting rules on the hourly grid, for any (origin, horizon) pairs at once.

Each rule sees the power up to the origin only. A value a rule cannot find (a gap, too
short a history) falls back to the last observed power, then to 0. The persistence
ensemble is the bar NREL's BuildingsBench sets for single buildings day-ahead: the mean of
the same hour over the last seven days.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .history import (
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    FloatArray,
    HourlyGrid,
    IntArray,
    gather,
    hours_back,
    nan_mean,
    nan_median,
    same_hour_stack,
)

type Rule = Callable[[HourlyGrid, IntArray, IntArray], FloatArray]

MEDIAN_DAYS = 28
HOUR_OF_WEEK_WEEKS = 4
ENSEMBLE_DAYS = 7
# The longest look-back of any rule or feature: what a forecast needs as context.
LOOKBACK_HOURS = MEDIAN_DAYS * HOURS_PER_DAY + HOURS_PER_DAY


def last_observed(power: FloatArray) -> FloatArray:
    """At every position, the latest power observed at or before it (NaN before any)."""
    positions = np.where(np.isnan(power), -1, np.arange(len(power)))
    latest = np.maximum.accumulate(positions) if len(power) else positions
    return np.where(latest >= 0, power[np.maximum(latest, 0)], np.nan)


def _or_last(values: FloatArray, grid: HourlyGrid, origins: IntArray) -> FloatArray:
    fallback = np.nan_to_num(gather(last_observed(grid.power_w), origins), nan=0.0)
    return np.where(np.isnan(values), fallback, values)


def persistence_1h(grid: HourlyGrid, origins: IntArray, horizons: IntArray) -> FloatArray:
    """Last observed power, for every hour ahead."""
    return _or_last(np.full(len(origins), np.nan), grid, origins)


def persistence_24h(grid: HourlyGrid, origins: IntArray, horizons: IntArray) -> FloatArray:
    """Power at the same hour one day earlier."""
    back = hours_back(grid, origins + horizons, HOURS_PER_DAY)
    return _or_last(gather(grid.power_w, back), grid, origins)


def persistence_168h(grid: HourlyGrid, origins: IntArray, horizons: IntArray) -> FloatArray:
    """Power at the same hour one week earlier."""
    back = hours_back(grid, origins + horizons, HOURS_PER_WEEK)
    return _or_last(gather(grid.power_w, back), grid, origins)


def persistence_ensemble(grid: HourlyGrid, origins: IntArray, horizons: IntArray) -> FloatArray:
    """Mean power at the same hour over the last seven days."""
    stack = same_hour_stack(
        grid.power_w, origins + horizons, ENSEMBLE_DAYS, HOURS_PER_DAY, grid.utc_offset_min
    )
    return _or_last(nan_mean(stack), grid, origins)


def median_by_hour(grid: HourlyGrid, origins: IntArray, horizons: IntArray) -> FloatArray:
    """Median power at the same hour of day over the last 28 days."""
    stack = same_hour_stack(
        grid.power_w, origins + horizons, MEDIAN_DAYS, HOURS_PER_DAY, grid.utc_offset_min
    )
    return _or_last(nan_median(stack), grid, origins)


def hour_of_week_mean(grid: HourlyGrid, origins: IntArray, horizons: IntArray) -> FloatArray:
    """Mean power at the same weekday and hour over the last four weeks."""
    stack = same_hour_stack(
        grid.power_w, origins + horizons, HOUR_OF_WEEK_WEEKS, HOURS_PER_WEEK, grid.utc_offset_min
    )
    return _or_last(nan_mean(stack), grid, origins)


def blend(first: FloatArray, second: FloatArray) -> FloatArray:
    """The mean of two forecasts (W): the model's with a rule's, or two rules'."""
    return np.asarray((first + second) / 2.0, dtype=np.float64)


RULES: dict[str, Rule] = {
    "persistence_1h": persistence_1h,
    "persistence_24h": persistence_24h,
    "persistence_168h": persistence_168h,
    "hour_of_week_mean": hour_of_week_mean,
    "median_by_hour": median_by_hour,
    "persistence_ensemble": persistence_ensemble,
}
