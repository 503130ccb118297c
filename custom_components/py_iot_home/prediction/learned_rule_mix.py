"""The best learned candidate and the best rule, weighted by how sure the weeks are of each.

The walk-forward choice publishes whichever of the two erred less over the held-out weeks.
Where the lead changes sides from week to week (a smooth works whose next hour is nearly its
last, a home whose season turns), that pick is a coin toss, and it costs the whole gap each
time it lands wrong. There both are published, each weighted by the chance the weeks give
it of being the better one: the weekly lead's mean over its standard error (paired on each
week's MAE), read as a normal probability. An even lead weighs them half and half; a lead
of two standard errors or more is sure, and the leader is published alone, as before.
The mix errs no more than the weighted mean of the two errors at any hour (the absolute
error is convex), and less wherever the two err on opposite sides.
"""

from __future__ import annotations

from math import erf, sqrt

import numpy as np

from .history import FloatArray

LEARNED_RULE_MIX = "learned_rule_mix"
# A weekly lead this many standard errors from even is sure: the leader alone.
SURE_STANDARD_ERRORS = 2.0


def learned_weight(learned_week_mae: FloatArray, rule_week_mae: FloatArray) -> float | None:
    """The learned candidate's weight in its mix with a rule; None where the weeks are sure.

    Also None where they cannot say: fewer than two weeks with both, or two that erred
    alike every week (both exact).
    """
    lead = rule_week_mae - learned_week_mae
    lead = lead[np.isfinite(lead)]
    if len(lead) < 2:
        return None
    spread = float(np.std(lead, ddof=1)) / np.sqrt(len(lead))
    if not spread > 0:
        return None
    standard = float(np.mean(lead)) / spread
    if abs(standard) >= SURE_STANDARD_ERRORS:
        return None
    return 0.5 * (1.0 + erf(standard / sqrt(2.0)))


def weighted(learned: FloatArray, rule: FloatArray, weight: float) -> FloatArray:
    """The mix (W) of a learned candidate's forecasts and a rule's."""
    return np.asarray(weight * learned + (1.0 - weight) * rule, dtype=np.float64)
