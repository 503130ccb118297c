"""One ridge regression per horizon, fitted and evaluated with numpy alone.

Each horizon's model predicts the power (on `features.power_scale`) as the persistence
ensemble plus a correction, so the ridge penalty pulls an unsure model towards that rule
rather than towards a constant. Missing inputs are imputed with the training mean. The
fitted model is plain arrays: means, scales, coefficients and intercepts.

The fit goes through sums per (horizon, block of rows): the walk-forward folds and the
final model are then each a few small solves over those sums, not a pass over the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import END_FEATURE, FEATURE_NAMES, FIXED_SCALES, POWER_FEATURES
from .history import MAX_HORIZON_HOURS, FloatArray, IntArray

BASE_COLUMN = FEATURE_NAMES.index("persistence_ensemble")
# Penalty per training row on standardised inputs (walk_forward chooses among several).
RIDGE_PER_ROW = 0.02
# Smallest spread a power input is scaled by (log scale): a flat history stays finite.
MIN_POWER_SCALE = 0.05
# Inputs are bounded to this many scales from their training mean: a forecast may go
# beyond what training saw, but not without limit.
MAX_STANDARD = 4.0
# The next hour is told by the hours just past; its calendar and weather inputs, which
# 60 days give ~60 rows per hour of day to learn, are penalised four times harder there
# (docs/prediction-lab.md, *The next hour leans on recent power*).
NEXT_HOUR_HORIZONS = 1
NEXT_HOUR_CONTEXT_PENALTY = 4.0
RECENT_POWER_INPUTS = frozenset((*POWER_FEATURES, END_FEATURE))


def penalty_factors(horizon: int) -> FloatArray:
    """Per input, how many times the ridge strength it is penalised by at a horizon."""
    if horizon > NEXT_HOUR_HORIZONS:
        return np.ones(len(FEATURE_NAMES))
    return np.array(
        [
            1.0 if name in RECENT_POWER_INPUTS else NEXT_HOUR_CONTEXT_PENALTY
            for name in FEATURE_NAMES
        ]
    )


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Per-horizon ridge coefficients: row h - 1 serves horizon h."""

    mean: FloatArray  # (features,)
    scale: FloatArray  # (features,)
    coef: FloatArray  # (horizons, features)
    intercept: FloatArray  # (horizons,)

    def predict(self, rows: FloatArray, horizons: IntArray) -> FloatArray:
        """Power on `power_scale` for each row (its horizon picks the coefficients)."""
        standard = standardise(rows, self.mean, self.scale)
        correction = np.einsum("ij,ij->i", standard, self.coef[horizons - 1])
        return np.asarray(
            rows[:, BASE_COLUMN] + correction + self.intercept[horizons - 1], dtype=np.float64
        )


def standardiser(rows: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Column means and standard deviations ignoring NaN (0 and 1 where undefined)."""
    known = ~np.isnan(rows)
    counts = known.sum(axis=0)
    filled = np.where(known, rows, 0.0)
    mean = filled.sum(axis=0) / np.maximum(counts, 1)
    spread = np.where(known, rows - mean, 0.0)
    scale = np.sqrt((spread**2).sum(axis=0) / np.maximum(counts, 1))
    fixed = np.array(FIXED_SCALES)
    return mean, np.where(fixed > 0, fixed, np.maximum(scale, MIN_POWER_SCALE))


def standardise(rows: FloatArray, mean: FloatArray, scale: FloatArray) -> FloatArray:
    """Standardised rows; a missing input becomes 0 (the mean), so it moves nothing."""
    standard = np.clip((rows - mean) / scale, -MAX_STANDARD, MAX_STANDARD)
    return np.where(np.isnan(standard), 0.0, standard)


@dataclass(frozen=True, slots=True)
class RidgeSums:
    """Sums of the standardised rows per (horizon, block): enough to solve any prefix."""

    mean: FloatArray
    scale: FloatArray
    count: FloatArray  # (H, B)
    x: FloatArray  # (H, B, F)
    y: FloatArray  # (H, B)
    xx: FloatArray  # (H, B, F, F)
    xy: FloatArray  # (H, B, F)


def ridge_sums(
    rows: FloatArray,
    target: FloatArray,
    horizons: IntArray,
    *,
    blocks: IntArray,
    block_count: int,
    standardiser_rows: FloatArray | None = None,
) -> RidgeSums:
    """Accumulate the sums; `standardiser_rows` (default: all rows) set the scaling."""
    mean, scale = standardiser(rows if standardiser_rows is None else standardiser_rows)
    standard = standardise(rows, mean, scale)
    residual = target - rows[:, BASE_COLUMN]
    features = rows.shape[1]
    shape = (MAX_HORIZON_HOURS, block_count)
    sums = RidgeSums(
        mean=mean,
        scale=scale,
        count=np.zeros(shape),
        x=np.zeros((*shape, features)),
        y=np.zeros(shape),
        xx=np.zeros((*shape, features, features)),
        xy=np.zeros((*shape, features)),
    )
    group = (horizons - 1) * block_count + blocks
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(MAX_HORIZON_HOURS * block_count + 1))
    for key in range(MAX_HORIZON_HOURS * block_count):
        chosen = order[bounds[key] : bounds[key + 1]]
        if len(chosen) == 0:
            continue
        h, b = divmod(key, block_count)
        x, y = standard[chosen], residual[chosen]
        sums.count[h, b] = len(chosen)
        sums.x[h, b] = x.sum(axis=0)
        sums.y[h, b] = y.sum()
        sums.xx[h, b] = x.T @ x
        sums.xy[h, b] = x.T @ y
    return sums


def solve_ridge(sums: RidgeSums, blocks: slice, ridge: float = RIDGE_PER_ROW) -> LinearModel:
    """The per-horizon ridge model fitted on the rows of `blocks`, `ridge` per row."""
    features = sums.x.shape[-1]
    coef = np.zeros((MAX_HORIZON_HOURS, features))
    intercept = np.zeros(MAX_HORIZON_HOURS)
    for h in range(MAX_HORIZON_HOURS):
        count = float(sums.count[h, blocks].sum())
        if count < 2:
            continue
        x_mean = sums.x[h, blocks].sum(axis=0) / count
        y_mean = float(sums.y[h, blocks].sum()) / count
        gram = sums.xx[h, blocks].sum(axis=0) - count * np.outer(x_mean, x_mean)
        cross = sums.xy[h, blocks].sum(axis=0) - count * x_mean * y_mean
        penalty = ridge * count * np.diag(penalty_factors(h + 1))
        beta = np.linalg.solve(gram + penalty, cross)
        coef[h] = beta
        intercept[h] = y_mean - float(x_mean @ beta)
    return LinearModel(mean=sums.mean, scale=sums.scale, coef=coef, intercept=intercept)


def fit_linear(rows: FloatArray, target: FloatArray, horizons: IntArray) -> LinearModel:
    """Fit one ridge model per horizon on rows whose target (power_scale) is known."""
    blocks = np.zeros(len(rows), dtype=np.int64)
    return solve_ridge(
        ridge_sums(rows, target, horizons, blocks=blocks, block_count=1), slice(None)
    )
