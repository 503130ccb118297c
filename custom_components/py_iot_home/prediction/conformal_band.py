"""The 10-90 % band: split conformal, from the held-out weeks' errors on the log scale.

Per horizon, quantiles of the errors the method in use made on the walk-forward weeks
(`walk_forward.py`), at tail levels calibrated on how a band drawn from the other held-out
weeks covered each week: docs/prediction-lab.md, *Uncertainty*.
"""

from __future__ import annotations

import numpy as np

from .features import power_scale, power_unscale
from .history import FloatArray, IntArray

# Each tail of the band holds 10 % of hours: a 10-90 % band covers 80 %.
BAND_TAIL = 0.1
# Tail levels the band's quantiles may take once calibrated across the held-out weeks: from
# a band twice as sure (1 % each side) to one that leaves 20 % out on each side.
BAND_TAIL_LEVELS = np.linspace(0.01, 0.2, 39)
# Fewer held-out errors than this beside a week do not calibrate the tails against it.
MIN_BAND_ERRORS = 20
# A day-ahead band misses whole days (a stop, a heat wave), so five weeks only roughly say how
# often it will miss the next one, and a band too narrow costs more than one too wide: each
# side aims the weeks' mean miss share this many of its standard errors below 10 %, more
# where the weeks disagree (docs/prediction-lab.md, *Uncertainty*).
WEEKS_SPREAD_STANDARD_ERRORS = 0.5


def band_offsets(
    log_errors: list[FloatArray], weeks: list[IntArray], *, whole_days: bool = False
) -> FloatArray:
    """Log-scale offsets of the band's low and high ends for a group of horizons (0 if none).

    Split conformal: quantiles of each horizon's held-out log errors. Their tail levels are
    not taken as 10 % on trust: the band assumes the next day errs like the held-out weeks
    did, and a home whose weeks differ (a holiday, a heat wave, a season turning, a level
    that shifts) breaks a band drawn from weeks that were calmer. So each tail's level is
    the one at which a band drawn from the other held-out weeks left 10 % of each week's
    errors out on that side (`calibrated_tails`), over all the group's horizons; for a
    group that errs by whole days (`whole_days`: the day ahead), a little below 10 %.
    """
    kept = [(e[np.isfinite(e)], w[np.isfinite(e)]) for e, w in zip(log_errors, weeks, strict=True)]
    low_tail, high_tail = calibrated_tails(kept, whole_days=whole_days)
    offsets = np.zeros((len(kept), 2))
    for h, (errors, _) in enumerate(kept):
        if len(errors):
            offsets[h] = np.quantile(errors, (low_tail, 1.0 - high_tail))
    return offsets


def band_edges(forecast: FloatArray, offsets: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The band's low and high ends (W) around forecasts, from their log-scale offsets.

    The band always holds the forecast, even where the held-out errors were one-sided.
    """
    scaled = power_scale(forecast)
    low = np.minimum(power_unscale(scaled + offsets[:, 0]), forecast)
    high = np.maximum(power_unscale(scaled + offsets[:, 1]), forecast)
    return low, high


def calibrated_tails(
    errors_and_weeks: list[tuple[FloatArray, IntArray]], *, whole_days: bool = False
) -> tuple[float, float]:
    """Tail levels (low, high) at which a band from the other weeks misses 10 % of a week.

    Leave one held-out week out: per horizon, the quantiles of the other weeks' errors at
    every level of BAND_TAIL_LEVELS, and how many of the left-out week's errors fall below
    the low end or above the high end. Summed over the weeks and the group's horizons (with
    `whole_days`, plus WEEKS_SPREAD_STANDARD_ERRORS standard errors of the weeks' mean
    share), the level where each side's share of misses reaches BAND_TAIL is interpolated.
    With a single week there is nothing to leave out: 10 %.
    """
    below: dict[int, FloatArray] = {}
    above: dict[int, FloatArray] = {}
    scored: dict[int, int] = {}
    for errors, weeks in errors_and_weeks:
        for week in np.unique(weeks):
            held = errors[weeks == week]
            rest = errors[weeks != week]
            if len(rest) < MIN_BAND_ERRORS:
                continue
            low = np.quantile(rest, BAND_TAIL_LEVELS)
            high = np.quantile(rest, 1.0 - BAND_TAIL_LEVELS)
            key = int(week)
            zeros = np.zeros(len(BAND_TAIL_LEVELS))
            below[key] = below.get(key, zeros) + np.count_nonzero(held[None, :] < low[:, None], 1)
            above[key] = above.get(key, zeros) + np.count_nonzero(held[None, :] > high[:, None], 1)
            scored[key] = scored.get(key, 0) + len(held)
    if not scored:
        return BAND_TAIL, BAND_TAIL
    allowance = WEEKS_SPREAD_STANDARD_ERRORS if whole_days else 0.0
    return (
        _level_missing(_weeks_missed(below, scored, allowance)),
        _level_missing(_weeks_missed(above, scored, allowance)),
    )


def _weeks_missed(
    misses: dict[int, FloatArray], scored: dict[int, int], standard_errors: float
) -> FloatArray:
    """Per tail level, the share missed over all the weeks, plus that many standard errors.

    The standard error is that of the weeks' mean share: their spread over the square root
    of their number.
    """
    missed = np.sum(list(misses.values()), axis=0) / sum(scored.values())
    if len(scored) < 2 or not standard_errors:
        return np.asarray(missed, dtype=np.float64)
    shares = np.array([misses[week] / scored[week] for week in scored])
    spread = shares.std(axis=0, ddof=1) / np.sqrt(len(shares))
    return np.asarray(missed + standard_errors * spread, dtype=np.float64)


def _level_missing(missed: FloatArray) -> float:
    """The tail level at which the share missed reaches BAND_TAIL (it rises with the level)."""
    missed = np.maximum.accumulate(missed)
    at = int(np.searchsorted(missed, BAND_TAIL))
    if at == 0:
        return float(BAND_TAIL_LEVELS[0])
    if at == len(missed):
        return float(BAND_TAIL_LEVELS[-1])
    levels = BAND_TAIL_LEVELS
    share = (BAND_TAIL - missed[at - 1]) / (missed[at] - missed[at - 1])
    return float(levels[at - 1] + share * (levels[at] - levels[at - 1]))
