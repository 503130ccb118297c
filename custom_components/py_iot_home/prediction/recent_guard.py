"""Recent-error guard: a group's best rule takes over when it has clearly done better lately.

The walk-forward choice holds until the next retrain. When a home stops following its
usual pattern (a holiday, an away day, a works that does not start its shifts), a learned
method chosen on calmer held-out weeks can err far more than the simplest rule for a day
or two: on pycity_base's metal works over Christmas the model erred 8.3 W an hour ahead
where the last hour's power erred 4.8 W. So before each forecast the published method and
the group's best rule are scored on the hours just past, and the rule is used for that
forecast when it did clearly better: over the last day as a whole, or over the last few
hours when every one of them fell beyond the same side of the method's 10-90 % band (a
shift the day's average is still too slow to show: a works that shuts down at 20:00).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .conformal_band import band_edges
from .history import FloatArray, HourlyGrid, IntArray

type Forecaster = Callable[[IntArray, IntArray], FloatArray]

# Targets scored: the last day. Two days came a day late into a holiday and, on a works whose
# model usually wins, switched on more chance streaks (bench: metal_works_1 and _2).
GUARD_HOURS = 24
# The rule must have erred less than this share of the method's error: on usual days the
# two trade places hour by hour, and a switch on noise would cost the model's gain.
GUARD_RATIO = 0.6
# Fewer observed targets than this (a gap in the readings) say nothing.
GUARD_MIN_HOURS = 12
# Hours in a row beyond one side of the band that say the home has left its usual pattern:
# each misses on that side one hour in ten on the held-out weeks, so four in a row
# are rare on usual days even though errors run in streaks. Three switched on the
# noisy uci home's streaks (+0.9 % to its hour-ahead MAE); four cost it nothing.
OFF_BAND_HOURS = 4
# Only the next hour is guarded: it is checked again an hour later, so a wrong switch
# costs an hour or two. A day-ahead switch holds for a whole day, and one after a holiday
# (the rule better on the holiday, the model again the day after) cost vic_demand 1.6 %
# of its day-ahead MAE over the bench's twelve weeks.
GUARDED_GROUPS = frozenset({"hour_ahead"})


@dataclass(frozen=True, slots=True)
class RecentErrors:
    """MAE (W) of the published method and of the best rule over the hours just past."""

    method_mae_w: float
    rule_mae_w: float
    hours: int
    # The last OFF_BAND_HOURS hours all fell beyond one side of the method's band, and
    # the rule erred less on them.
    off_band_run: bool = False

    @property
    def rule_clearly_better(self) -> bool:
        """Whether the rule erred clearly less over enough observed hours."""
        return self.off_band_run or (
            self.hours >= GUARD_MIN_HOURS
            and np.isfinite(self.method_mae_w)
            and bool(self.rule_mae_w < GUARD_RATIO * self.method_mae_w)
        )


def recent_pairs(grid: HourlyGrid, horizons: range) -> tuple[IntArray, IntArray, IntArray]:
    """(origin, horizon, target) for every observed target of the last GUARD_HOURS hours."""
    end = grid.observed_end
    targets = np.arange(max(0, end - GUARD_HOURS), end, dtype=np.int64)
    targets = targets[~np.isnan(grid.power_w[targets])]
    steps = np.array(horizons, dtype=np.int64)
    origins = (targets[:, None] - steps[None, :]).ravel()
    ahead = np.tile(steps, len(targets))
    targets = np.repeat(targets, len(steps))
    keep = origins >= 0
    return origins[keep], ahead[keep], targets[keep]


def recent_errors(
    grid: HourlyGrid, horizons: range, method: Forecaster, rule: Forecaster, band: FloatArray
) -> RecentErrors:
    """Score a method and a rule on the group's horizons over the hours just past.

    `band` holds the method's log-scale band offsets (low, high) per horizon 1..24.
    """
    origins, ahead, targets = recent_pairs(grid, horizons)
    if not len(targets):
        return RecentErrors(float("nan"), float("nan"), 0)
    actual = grid.power_w[targets]
    by_method = method(origins, ahead)
    by_rule = rule(origins, ahead)
    last = targets >= grid.observed_end - OFF_BAND_HOURS
    return RecentErrors(
        method_mae_w=float(np.mean(np.abs(by_method - actual))),
        rule_mae_w=float(np.mean(np.abs(by_rule - actual))),
        hours=len(np.unique(targets)),
        off_band_run=len(np.unique(targets[last])) == OFF_BAND_HOURS
        and off_one_side(actual[last], by_method[last], band[ahead[last] - 1])
        and bool(
            np.mean(np.abs(by_rule[last] - actual[last]))
            < np.mean(np.abs(by_method[last] - actual[last]))
        ),
    )


def off_one_side(actual: FloatArray, forecast: FloatArray, band: FloatArray) -> bool:
    """Whether every actual value lies above its forecast's band, or every one below it."""
    low, high = band_edges(forecast, band)
    return bool(np.all(actual < low) or np.all(actual > high))
