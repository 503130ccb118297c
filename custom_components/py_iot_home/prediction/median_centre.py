"""The fitted ridge model moved to the median of its training residuals, per hour of day.

A squared-error fit forecasts the mean (of `log1p` power); the absolute error homes are
scored by is smallest at the median, and a home's spikes pull the two apart. How far
depends on the hour: a quiet night errs little either way, an evening's cooking far more
above than below. So each horizon's intercept goes to its median residual, and then each
target hour of day towards its own median residual, through the hour's one-hot coefficient.

About sixty rows per horizon and hour give a noisy median: where the hours' medians differ
no more than that noise explains (a home whose spikes come at any hour), moving each hour to
its own would fit the noise. So the hours' offsets are shrunk towards the horizon's median by
how much of their spread is signal (James-Stein): 1 - (their sampling variance, summed) /
(their squares, summed), within 0..1, per horizon. A median's sampling variance is taken as
pi/2 x sigma^2 / rows, sigma from the hour's median absolute deviation.
"""

from __future__ import annotations

import numpy as np

from .features import HOUR_COLUMNS
from .history import HOURS_PER_DAY, MAX_HORIZON_HOURS, FloatArray, IntArray
from .linear import LinearModel

# Fewer training rows than this at a horizon and hour of day (a week and a day) leave that
# hour on its horizon's median.
MIN_HOUR_ROWS = 8
# A median's variance over a mean's, for normal errors; and sigma over the median absolute
# deviation.
MEDIAN_VARIANCE_FACTOR = np.pi / 2
MAD_TO_SIGMA = 1.4826


def median_recentred(
    model: LinearModel,
    standard: FloatArray,
    residual: FloatArray,
    horizons: IntArray,
    hours: IntArray,
) -> LinearModel:
    """The model moved, per horizon and target hour of day, to its median training residual.

    `standard` are the training rows standardised as the model was fitted, `residual`
    their target minus the base column, `hours` their target's local hour (-1: unknown,
    only the horizon's median applies).
    """
    fitted = np.einsum("ij,ij->i", standard, model.coef[horizons - 1])
    left = residual - fitted - model.intercept[horizons - 1]
    horizon_median, horizon_rows = grouped_median(left, horizons - 1, MAX_HORIZON_HOURS)
    centre = np.where(horizon_rows >= 2, horizon_median, 0.0)
    left = left - centre[horizons - 1]
    known = hours >= 0
    offsets = shrunk_hour_offsets(left[known], horizons[known], hours[known])
    # An hour's one-hot, standardised by a fixed 0.5, is never clipped: its coefficient
    # moves only that hour's rows, by offset x scale, and every row by -offset x mean,
    # which the intercept gives back.
    coef = model.coef.copy()
    coef[:, HOUR_COLUMNS] += offsets * model.scale[HOUR_COLUMNS]
    intercept = model.intercept + centre + offsets @ model.mean[HOUR_COLUMNS]
    return LinearModel(mean=model.mean, scale=model.scale, coef=coef, intercept=intercept)


def shrunk_hour_offsets(left: FloatArray, horizons: IntArray, hours: IntArray) -> FloatArray:
    """(horizons, hours) median residual of each hour, shrunk by how much of it is signal."""
    groups = MAX_HORIZON_HOURS * HOURS_PER_DAY
    keys = (horizons - 1) * HOURS_PER_DAY + hours
    median, rows = grouped_median(left, keys, groups)
    usable = rows >= MIN_HOUR_ROWS
    median = np.where(usable, median, 0.0)
    deviation, _ = grouped_median(np.abs(left - median[keys]), keys, groups)
    sigma = MAD_TO_SIGMA * np.where(usable, deviation, 0.0)
    noise = MEDIAN_VARIANCE_FACTOR * sigma**2 / np.maximum(rows, 1)
    offsets = median.reshape(MAX_HORIZON_HOURS, HOURS_PER_DAY)
    signal = (offsets**2).sum(axis=1)
    kept = 1.0 - noise.reshape(MAX_HORIZON_HOURS, HOURS_PER_DAY).sum(axis=1) / np.where(
        signal > 0, signal, np.inf
    )
    return np.asarray(offsets * np.clip(kept, 0.0, 1.0)[:, None], dtype=np.float64)


def grouped_median(values: FloatArray, keys: IntArray, groups: int) -> tuple[FloatArray, IntArray]:
    """Per key 0..groups - 1, the median of its values (NaN if none) and how many it has."""
    order = np.lexsort((values, keys))
    bounds = np.searchsorted(keys[order], np.arange(groups + 1))
    counts = np.diff(bounds)
    if not len(values):
        return np.full(groups, np.nan), counts
    low = bounds[:-1] + np.maximum(counts - 1, 0) // 2
    high = bounds[:-1] + counts // 2
    ranked = values[order]
    middle = ranked[np.minimum(np.stack((low, high)), len(values) - 1)].mean(axis=0)
    return np.where(counts > 0, middle, np.nan), counts
