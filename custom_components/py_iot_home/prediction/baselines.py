"""Simple forecasts the power model must beat.

Each baseline takes the hourly power history (W, DatetimeIndex, gaps allowed) and a
number of hours, and returns the forecast for the hours right after the last timestamp.
A value a rule cannot find (a gap, too short a history) falls back to the last observed
power, then to 0.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .features import HOURS_PER_DAY, HOURS_PER_WEEK, FloatArray

type Baseline = Callable[[pd.Series, int], FloatArray]


def _regular(history: pd.Series) -> pd.Series:
    """History on a complete hourly grid (gaps as NaN)."""
    series = history.astype(np.float64).groupby(pd.DatetimeIndex(history.index).floor("h")).mean()
    if series.empty:
        return series
    return series.reindex(pd.date_range(series.index[0], series.index[-1], freq="h"))


def _future_index(series: pd.Series, hours: int) -> pd.DatetimeIndex:
    return pd.date_range(series.index[-1], periods=hours + 1, freq="h")[1:]


def _last_observed(series: pd.Series) -> float:
    observed = series.dropna()
    return float(observed.iloc[-1]) if len(observed) else 0.0


def _fill(values: FloatArray, series: pd.Series) -> FloatArray:
    return np.where(np.isnan(values), _last_observed(series), values)


def _seasonal_persistence(history: pd.Series, hours: int, period: int) -> FloatArray:
    """Value one period before each future hour (several periods when hours > period)."""
    series = _regular(history)
    if series.empty:
        return np.zeros(hours)
    values = series.to_numpy()
    n = len(values)
    steps = np.arange(1, hours + 1)
    positions = n - 1 + steps - period * np.ceil(steps / period).astype(np.int64)
    out = np.full(hours, np.nan)
    valid = positions >= 0
    out[valid] = values[positions[valid]]
    return _fill(out, series)


def persistence_1h(history: pd.Series, hours: int) -> FloatArray:
    """Last observed power for every future hour."""
    return np.full(hours, _last_observed(_regular(history)))


def persistence_24h(history: pd.Series, hours: int) -> FloatArray:
    """Power at the same hour one day earlier."""
    return _seasonal_persistence(history, hours, HOURS_PER_DAY)


def persistence_168h(history: pd.Series, hours: int) -> FloatArray:
    """Power at the same hour one week earlier."""
    return _seasonal_persistence(history, hours, HOURS_PER_WEEK)


def hour_of_week_mean(history: pd.Series, hours: int) -> FloatArray:
    """Mean of all past values at the same weekday and hour."""
    grid = _regular(history)
    series = grid.dropna()
    if series.empty:
        return np.zeros(hours)
    future = _future_index(grid, hours)
    index = pd.DatetimeIndex(series.index)
    means = series.groupby([index.dayofweek, index.hour]).mean()
    keys = pd.MultiIndex.from_arrays([future.dayofweek, future.hour])
    return _fill(means.reindex(keys).to_numpy(np.float64), series)


def median_by_hour(history: pd.Series, hours: int) -> FloatArray:
    """Median of all past values at the same hour of day."""
    grid = _regular(history)
    series = grid.dropna()
    if series.empty:
        return np.zeros(hours)
    future = _future_index(grid, hours)
    medians = series.groupby(pd.DatetimeIndex(series.index).hour).median()
    return _fill(medians.reindex(future.hour).to_numpy(np.float64), series)


BASELINES: dict[str, Baseline] = {
    "persistence_1h": persistence_1h,
    "persistence_24h": persistence_24h,
    "persistence_168h": persistence_168h,
    "hour_of_week_mean": hour_of_week_mean,
    "median_by_hour": median_by_hour,
}
