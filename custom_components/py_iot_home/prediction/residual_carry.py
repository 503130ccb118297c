"""How much of the model's miss on the hour just past carries into the next hour.

The model's next-hour errors are correlated from one hour to the next (out of sample, on the
log scale: 0.18 on a UK home, 0.23 on a Californian one, more on a regional load): what
made the last hour run above the forecast often lasts another hour, and the lags alone do
not tell it. So the learned next-hour forecast adds `carry` x the last hour's miss (its
actual minus what the model forecast for it an hour before, log scale), `carry` being the
lag-1 regression of the model's own next-hour residuals on the rows it was fitted on.

The walk-forward folds score each fold's model both ways: the ridge strength is chosen on
its plain errors (a carry fitted per fold moves them by chance), the method and the band on
the carried ones, the forecast as it is published (the carry narrows the next hour's errors,
and a band from the plain ones covered 88 % of a regional load's hours).
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class NextHourRows:
    """The horizon-1 training rows: what a model forecast for each hour an hour before.

    The final fit reads its carry from them; the walk-forward folds read each fold model's
    carry and the last hour's miss from them, as a forecast reads the miss from the grid.
    """

    rows: FloatArray
    targets: IntArray
    target_log: FloatArray  # NaN where unknown or excluded
    by_origin: IntArray  # row of each origin's next-hour forecast, -1 where none

    @classmethod
    def of(
        cls, rows: FloatArray, origins: IntArray, horizons: IntArray, target_w: FloatArray
    ) -> NextHourRows:
        """The horizon-1 rows out of every (origin, horizon) row."""
        at = np.flatnonzero(horizons == 1)
        by_origin = np.full(int(origins.max(initial=-1)) + 1, -1, dtype=np.int64)
        by_origin[origins[at]] = np.arange(len(at))
        return cls(
            rows=rows[at],
            targets=origins[at] + 1,
            target_log=power_scale(target_w[at]),
            by_origin=by_origin,
        )

    def carry(self, linear: LinearModel, before: int | None = None) -> float:
        """The carry of a model fitted on the hours before `before` (None: all), on those."""
        keep = ~np.isnan(self.target_log)
        if before is not None:
            keep &= self.targets < before
        ones = np.ones(int(np.count_nonzero(keep)), dtype=np.int64)
        residuals = self.target_log[keep] - linear.predict(self.rows[keep], ones)
        return fitted_carry(self.targets[keep], residuals)

    def carried(
        self,
        linear: LinearModel,
        carry: float,
        grid: HourlyGrid,
        origins: IntArray,
        horizons: IntArray,
    ) -> FloatArray:
        """What the carry adds to each (origin, horizon) forecast (log scale): 0 after 1 h."""
        added = np.zeros(len(origins))
        next_hour = horizons == 1
        if carry and np.any(next_hour):
            at = origins[next_hour]
            added[next_hour] = carry * last_hour_miss(grid, at, self._forecast_log(linear, at - 1))
        return added

    def _forecast_log(self, linear: LinearModel, origins: IntArray) -> FloatArray:
        """The model's next-hour forecast (log scale) from each origin; NaN without a row."""
        inside = (origins >= 0) & (origins < len(self.by_origin))
        at = np.where(inside, self.by_origin[np.clip(origins, 0, len(self.by_origin) - 1)], -1)
        known = at >= 0
        out = np.full(len(origins), np.nan)
        ones = np.ones(int(np.count_nonzero(known)), dtype=np.int64)
        out[known] = linear.predict(self.rows[at[known]], ones)
        return out
