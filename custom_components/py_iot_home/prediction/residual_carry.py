"""How much of the model's miss on the hour just past carries into the next hour.

The model's next-hour errors are correlated from one hour to the next (out of sample, on the
log scale: 0.18 on a UK home, 0.23 on a Californian one, more on a regional load): what
made the last hour run above the forecast often lasts another hour, and the lags alone do
not tell it. So the learned next-hour forecast adds `carry` x the last hour's miss (its
actual minus what the model forecast for it an hour before, log scale), `carry` being the
lag-1 regression of the model's own next-hour residuals on the rows it was fitted on.

The walk-forward folds score the model without the carry: the choice of method and the
band come from its plain errors, so where the carry is large the next hour's band is wider
than its errors need (docs/prediction.md, *Model*).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .features import power_scale
from .history import FloatArray, HourlyGrid, IntArray

if TYPE_CHECKING:
    from .linear import LinearModel

# Fewer consecutive residual pairs than this (about four days) say nothing: no carry.
MIN_PAIRS = 96
# A miss carries forward in its own direction and fades: never all of it, never reversed.
MAX_CARRY = 0.9


def last_hour_miss(grid: HourlyGrid, origins: IntArray, forecast_log: FloatArray) -> FloatArray:
    """Per origin, its hour's actual minus `forecast_log`, what was forecast for it (log scale).

    `forecast_log` holds, per origin, the model's next-hour forecast (on `power_scale`) made
    an hour before it. 0 where the hour has no reading, no hour before it or no forecast.
    """
    power = grid.power_w[np.clip(origins, 0, len(grid.power_w) - 1)]
    known = (origins >= 1) & (origins < len(grid.power_w)) & ~np.isnan(forecast_log)
    miss = np.where(known, power_scale(power) - forecast_log, np.nan)
    return np.where(np.isnan(miss), 0.0, miss)


def fitted_carry(targets: IntArray, residuals: FloatArray) -> float:
    """The lag-1 regression of next-hour residuals (log scale) on the hour before's.

    `targets` are the positions of the hours the residuals belong to, each once; NaN
    residuals (no reading, an excluded day) break the pairs they are in.
    """
    order = np.argsort(targets)
    targets, residuals = targets[order], residuals[order]
    pair = (np.diff(targets) == 1) & ~np.isnan(residuals[:-1]) & ~np.isnan(residuals[1:])
    if np.count_nonzero(pair) < MIN_PAIRS:
        return 0.0
    before, after = residuals[:-1][pair], residuals[1:][pair]
    before = before - before.mean()
    spread = float(before @ before)
    if not spread > 0:
        return 0.0
    carry = float(before @ (after - after.mean())) / spread
    return float(np.clip(carry, 0.0, MAX_CARRY))


def next_hour_carry(
    linear: LinearModel,
    rows: FloatArray,
    origins: IntArray,
    horizons: IntArray,
    target_w: FloatArray,
) -> float:
    """The carry of a fitted model, from its own residuals on its horizon-1 training rows."""
    at = (horizons == 1) & ~np.isnan(target_w)
    residuals = power_scale(target_w[at]) - linear.predict(rows[at], horizons[at])
    return fitted_carry(origins[at] + 1, residuals)
