"""Walk-forward scoring of the model and the rules on the latest weeks of a history.

Each of the last `folds` weeks is forecast, from every hour in it and for horizons
1..24, by models fitted only on the hours before that week (one per ridge strength of
`RIDGE_GRID`, then one reweighted towards the absolute error at the strength chosen), by
each of them averaged with the median rule, and by every rule. The errors choose the fit
per horizon group (homes differ: a regional load wants little shrinkage, a noisy home
much), say which forecaster to publish, by how much it beats the best rule, and how wide
the 10-90 % band must be (split conformal: quantiles of the held-out errors on the log
scale, per horizon).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .features import power_scale, power_unscale
from .fold_models import FoldModels
from .history import (
    HOURS_PER_WEEK,
    MAX_HORIZON_HOURS,
    BoolArray,
    FloatArray,
    HourlyGrid,
    IntArray,
)
from .linear import LinearModel
from .rules import RULES

MODEL = "model"
# The model averaged with the median rule: where noise rules a home, the two err apart.
BLEND = "model_median_blend"
BLEND_RULE = "median_by_hour"
METHODS: tuple[str, ...] = (MODEL, BLEND, *RULES)
BAND_QUANTILES = (0.1, 0.9)
MAX_FOLDS = 5
# From almost none (a regional load) to strong shrinkage towards the ensemble (a noisy home).
RIDGE_GRID = (0.005, 0.02, 0.08, 0.32, 1.28)
# A candidate fit besides the ridge strengths: the chosen strength, reweighted towards
# the absolute error homes are scored by (ABSOLUTE_ERROR_STEPS rounds of IRLS).
ABSOLUTE_ERROR_FIT = "absolute_error"
ABSOLUTE_ERROR_STEPS = 1
# Horizon groups that each publish their own best method: the next hour, the rest of the day.
HORIZON_GROUPS: tuple[tuple[str, range], ...] = (
    ("hour_ahead", range(1, 2)),
    ("day_ahead", range(2, MAX_HORIZON_HOURS + 1)),
)


@dataclass(frozen=True, slots=True)
class TrainingRows:
    """Every (origin, horizon) row of a grid with its features and target."""

    rows: FloatArray
    origins: IntArray
    horizons: IntArray
    target_w: FloatArray  # NaN where unknown or excluded

    @property
    def targets(self) -> IntArray:
        """Position of each row's target hour."""
        return self.origins + self.horizons


@dataclass(frozen=True, slots=True)
class WalkForward:
    """Held-out errors of every method, by horizon (index h - 1)."""

    mae_w: dict[str, FloatArray]  # method -> (horizons,) mean absolute error in W
    log_errors: dict[str, list[FloatArray]]  # method -> per horizon: log1p(actual) - log1p(fc)
    hours: int  # held-out hours


def fold_count(observed_days: int) -> int:
    """Weeks to score on: up to five, and at least a week left to train on."""
    return int(max(1, min(MAX_FOLDS, (observed_days - 7) // 7)))


class HeldOutErrors:
    """Absolute and log errors per key (a rule, a fit, a blend) and horizon, fold by fold."""

    def __init__(self) -> None:
        self.absolute: dict[object, list[list[FloatArray]]] = {}
        self.log: dict[object, list[list[FloatArray]]] = {}

    def add(
        self, key: object, forecast: FloatArray, actual: FloatArray, horizons: IntArray
    ) -> None:
        """Record a method's forecasts of some held-out hours against what happened."""
        absolute = self.absolute.setdefault(key, [[] for _ in range(MAX_HORIZON_HOURS)])
        log = self.log.setdefault(key, [[] for _ in range(MAX_HORIZON_HOURS)])
        error = np.abs(forecast - actual)
        log_error = power_scale(actual) - power_scale(forecast)
        for h in range(MAX_HORIZON_HOURS):
            at = horizons == h + 1
            absolute[h].append(error[at])
            log[h].append(log_error[at])

    def mae(self, key: object) -> FloatArray:
        """Mean absolute error (W) per horizon."""
        return np.array([_mean(_joined(parts)) for parts in self.absolute[key]])

    def logs(self, key: object) -> list[FloatArray]:
        """Log-scale errors per horizon."""
        return [_joined(parts) for parts in self.log[key]]


def walk_forward(
    grid: HourlyGrid, data: TrainingRows, folds: int
) -> tuple[WalkForward, LinearModel]:
    """Score the model and every rule on the last `folds` weeks; fit the final model too."""
    end = grid.observed_end
    targets = data.targets
    known = ~np.isnan(data.target_w)
    starts = [end - fold * HOURS_PER_WEEK for fold in range(folds, 0, -1)]
    models = FoldModels(data, starts)
    errors = HeldOutErrors()
    held: list[_HeldOut] = []
    for fold, start in enumerate(starts, start=1):
        test = known & (data.origins >= start - 1) & (targets < start + HOURS_PER_WEEK)
        if not np.any(test) or not models.has_training_rows(fold):
            continue
        origins, horizons = data.origins[test], data.horizons[test]
        rules = {name: rule(grid, origins, horizons) for name, rule in RULES.items()}
        for name, forecast in rules.items():
            errors.add(name, forecast, data.target_w[test], horizons)
        held.append(_HeldOut(fold, test, rules[BLEND_RULE]))
    if not held:
        raise ValueError("no held-out week has both training and test hours")
    final: dict[object, LinearModel] = {}
    for ridge in RIDGE_GRID:
        _score_fit(errors, ridge, models=models, ridge=ridge, data=data, held=held)
        final[ridge] = models.fitted(None, ridge)
    squared = choose_fits(errors, final)
    for _ in range(ABSOLUTE_ERROR_STEPS):
        # Reweighted fits at the chosen strength: towards the median the MAE wants.
        models.reweight(models.out_of_sample_errors(squared.ridge))
        _score_fit(
            errors, ABSOLUTE_ERROR_FIT, models=models, ridge=squared.ridge, data=data, held=held
        )
        final[ABSOLUTE_ERROR_FIT] = models.fitted(None, squared.ridge)
    chosen = choose_fits(errors, final)
    return replace(chosen.scores, hours=len(held) * HOURS_PER_WEEK), chosen.linear


@dataclass(frozen=True, slots=True)
class _HeldOut:
    """A held-out week: its fold, its rows and the median rule's forecasts of them."""

    fold: int
    test: BoolArray
    median_rule: FloatArray


def _score_fit(
    errors: HeldOutErrors,
    key: object,
    *,
    models: FoldModels,
    ridge: float | FloatArray,
    data: TrainingRows,
    held: list[_HeldOut],
) -> None:
    """Held-out errors of the fit `key` at `ridge`, alone and blended with the median rule."""
    for week in held:
        horizons = data.horizons[week.test]
        actual = data.target_w[week.test]
        model = models.fitted(week.fold, ridge)
        forecast = power_unscale(model.predict(data.rows[week.test], horizons))
        errors.add(key, forecast, actual, horizons)
        errors.add((BLEND, key), blend(forecast, week.median_rule), actual, horizons)


@dataclass(frozen=True, slots=True)
class _Choice:
    scores: WalkForward
    linear: LinearModel
    ridge: FloatArray  # (horizons,) the chosen strength


def choose_fits(errors: HeldOutErrors, final: dict[object, LinearModel]) -> _Choice:
    """Per horizon group, the fit (ridge strength, loss) whose model or blend did best."""
    mae = {name: errors.mae(name) for name in RULES}
    log_errors = {name: errors.logs(name) for name in RULES}
    model_mae = np.zeros(MAX_HORIZON_HOURS)
    blend_mae = np.zeros(MAX_HORIZON_HOURS)
    ridge = np.zeros(MAX_HORIZON_HOURS)
    model_logs: list[FloatArray] = [np.empty(0)] * MAX_HORIZON_HOURS
    blend_logs: list[FloatArray] = [np.empty(0)] * MAX_HORIZON_HOURS
    base = final[RIDGE_GRID[0]]
    coef = np.zeros_like(base.coef)
    intercept = np.zeros_like(base.intercept)
    for _, horizons_in_group in HORIZON_GROUPS:
        at = np.array(horizons_in_group) - 1

        def group_mae(key: object, at: IntArray = at) -> float:
            return float(np.nanmean(errors.mae(key)[at]))

        fit = min(final, key=lambda k: min(group_mae(k), group_mae((BLEND, k))))
        blended = (BLEND, fit)
        model_mae[at] = errors.mae(fit)[at]
        blend_mae[at] = errors.mae(blended)[at]
        ridge[at] = fit if isinstance(fit, float) else np.nan
        for h in at:
            model_logs[h] = errors.logs(fit)[h]
            blend_logs[h] = errors.logs(blended)[h]
        coef[at] = final[fit].coef[at]
        intercept[at] = final[fit].intercept[at]
    mae[MODEL], mae[BLEND] = model_mae, blend_mae
    log_errors[MODEL], log_errors[BLEND] = model_logs, blend_logs
    return _Choice(
        scores=WalkForward(mae_w=mae, log_errors=log_errors, hours=0),
        linear=LinearModel(mean=base.mean, scale=base.scale, coef=coef, intercept=intercept),
        ridge=ridge,
    )


def blend(model: FloatArray, rule: FloatArray) -> FloatArray:
    """The mean of the model's and the median rule's forecasts (W)."""
    return np.asarray((model + rule) / 2.0, dtype=np.float64)


def _mean(values: FloatArray) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def _joined(parts: list[FloatArray]) -> FloatArray:
    return np.concatenate(parts) if parts else np.empty(0)


def band_offsets(log_errors: FloatArray) -> FloatArray:
    """Log-scale offsets of the 10 % and 90 % quantiles of held-out errors (0 if none)."""
    finite = log_errors[np.isfinite(log_errors)]
    if not len(finite):
        return np.zeros(2)
    return np.asarray(np.quantile(finite, BAND_QUANTILES), dtype=np.float64)
