"""Walk-forward scoring of the model and the rules on the latest weeks of a history.

Each of the last `folds` weeks is forecast, from every hour in it and for horizons
1..24, by models fitted only on the hours before that week (one per ridge strength of
`RIDGE_GRID`), by every rule and by the similar days. The errors choose the ridge strength
per horizon group (homes differ: a regional load wants little shrinkage, a noisy home much;
chosen on the plain forecasts), and, with the next hour carrying the last miss as published,
say which forecaster to publish, by how much it beats the best rule, and, through
`conformal_band.py`, how wide the 10-90 % band must be.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .features import FEATURE_NAMES, power_scale, power_unscale, target_hours
from .history import (
    HOURS_PER_WEEK,
    MAX_HORIZON_HOURS,
    FloatArray,
    HourlyGrid,
    IntArray,
)
from .learned_rule_mix import LEARNED_RULE_MIX, learned_weight, weighted
from .linear import (
    BASE_COLUMN,
    LinearModel,
    ridge_sums,
    solve_ridge,
    standardise,
)
from .median_centre import median_recentred
from .residual_carry import NextHourRows
from .rule_pair import RULE_PAIR_MEAN, RULE_PAIRS, pair_key
from .rules import RULES, blend
from .similar_days import SIMILAR_DAYS, similar_days_median

MODEL = "model"
# The model averaged with a rule, each a candidate: where noise rules a home, the model and
# the median err apart; where the week rules a building (an office), the model and the
# hour-of-week mean do.
BLEND = "model_median_blend"
BLEND_RULE = "median_by_hour"
WEEK_BLEND = "model_week_blend"
BLEND_RULES: dict[str, str] = {BLEND: BLEND_RULE, WEEK_BLEND: "hour_of_week_mean"}
LEARNED: tuple[str, ...] = (MODEL, *BLEND_RULES)
# Published only where they beat the best rule: the learned methods and the similar days.
BEYOND_RULES: tuple[str, ...] = (*LEARNED, SIMILAR_DAYS)
# What a group may publish: a learned method, the similar days, a rule, or two tied rules' mean.
# ...or a candidate beyond the rules mixed with the best rule, where the weeks are unsure.
METHODS: tuple[str, ...] = (*BEYOND_RULES, *RULES, RULE_PAIR_MEAN, LEARNED_RULE_MIX)
# The target hour's 24 h mean temperature, as the model sees it: what makes days similar.
TARGET_MEAN_COLUMN = FEATURE_NAMES.index("temperature_24h_mean_c")
MAX_FOLDS = 5
# From almost none (a regional load) to strong shrinkage towards the ensemble (a noisy home).
RIDGE_GRID = (0.005, 0.02, 0.08, 0.32, 1.28)
# Each learned candidate is scored twice: plain (the ridge strength is chosen on these) and
# with the next hour's carry of the last miss, as published (the method and the band).
PLAIN = "plain"
CARRIED = "carried"
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
    # Per horizon: the held-out week (fold) of each log error, in the same order for every method.
    log_weeks: list[IntArray]
    hours: int  # held-out hours
    # method -> (held-out weeks, horizons) MAE in W of each week: how steady a lead is.
    week_mae_w: dict[str, FloatArray] = field(default_factory=dict)
    # pair_key(candidate, rule) -> (horizons,) the candidate's weight in its mix with the
    # rule, where the group's weeks were unsure which is better (scored under the same key).
    mix_weight: dict[str, FloatArray] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _HeldWeek:
    """One held-out week's forecasts, kept to score each candidate's mix with each rule.

    The learned candidates' (carried, per ridge strength) are mixed with a rule only once
    each group's ridge strength, and so the weeks' verdict, is known.
    """

    actual: FloatArray
    horizons: IntArray
    rules: dict[str, FloatArray]
    beyond: dict[tuple[str, float], FloatArray]  # (candidate, ridge) -> forecast (W)


def fold_count(observed_days: int) -> int:
    """Weeks to score on: up to five, and at least a week left to train on."""
    return int(max(1, min(MAX_FOLDS, (observed_days - 7) // 7)))


class _Errors:
    """Absolute and log errors per key and horizon, gathered fold by fold."""

    def __init__(self) -> None:
        self.absolute: dict[object, list[list[FloatArray]]] = {}
        self.log: dict[object, list[list[FloatArray]]] = {}
        self.weeks: list[list[IntArray]] = [[] for _ in range(MAX_HORIZON_HOURS)]

    def add_week(self, fold: int, horizons: IntArray) -> None:
        """Which held-out week the errors added next belong to (once per fold)."""
        for h in range(MAX_HORIZON_HOURS):
            self.weeks[h].append(np.full(int(np.count_nonzero(horizons == h + 1)), fold))

    def add(
        self, key: object, forecast: FloatArray, actual: FloatArray, horizons: IntArray
    ) -> None:
        absolute = self.absolute.setdefault(key, [[] for _ in range(MAX_HORIZON_HOURS)])
        log = self.log.setdefault(key, [[] for _ in range(MAX_HORIZON_HOURS)])
        error = np.abs(forecast - actual)
        log_error = power_scale(actual) - power_scale(forecast)
        for h in range(MAX_HORIZON_HOURS):
            at = horizons == h + 1
            absolute[h].append(error[at])
            log[h].append(log_error[at])

    def mae(self, key: object) -> FloatArray:
        return np.array([_mean(_joined(parts)) for parts in self.absolute[key]])

    def week_mae(self, key: object) -> FloatArray:
        """(weeks, horizons): each held-out week's MAE per horizon (NaN where none)."""
        return np.array([[_mean(part) for part in parts] for parts in self.absolute[key]]).T

    def logs(self, key: object) -> list[FloatArray]:
        return [_joined(parts) for parts in self.log[key]]

    def log_weeks(self) -> list[IntArray]:
        return [
            np.concatenate(parts) if parts else np.empty(0, dtype=np.int64) for parts in self.weeks
        ]


class _FoldModels:
    """Ridge models fitted on the rows before a held-out week, or on all of them."""

    def __init__(self, data: TrainingRows, starts: list[int]) -> None:
        known = ~np.isnan(data.target_w)
        # Block 0: before the first held-out week; block k: targets in the k-th held-out week.
        self.blocks = np.searchsorted(np.array(starts), data.targets[known], side="right")
        rows = data.rows[known]
        target = power_scale(data.target_w[known])
        self.horizons = data.horizons[known]
        self.hours = target_hours(rows)
        self.sums = ridge_sums(
            rows,
            target,
            self.horizons,
            blocks=self.blocks.astype(np.int64),
            block_count=len(starts) + 1,
            standardiser_rows=rows[self.blocks == 0],
        )
        self.standard = standardise(rows, self.sums.mean, self.sums.scale)
        self.residual = target - rows[:, BASE_COLUMN]

    def has_training_rows(self, fold: int) -> bool:
        return bool(self.sums.count[:, :fold].sum() > 0)

    def fitted(self, fold: int | None, ridge: float) -> LinearModel:
        """The model on the blocks before `fold` (None: all), recentred on those rows."""
        if fold is None:
            model = solve_ridge(self.sums, slice(None), ridge)
            return median_recentred(model, self.standard, self.residual, self.horizons, self.hours)
        at = self.blocks < fold
        model = solve_ridge(self.sums, slice(0, fold), ridge)
        return median_recentred(
            model, self.standard[at], self.residual[at], self.horizons[at], self.hours[at]
        )


def walk_forward(
    grid: HourlyGrid, data: TrainingRows, folds: int
) -> tuple[WalkForward, LinearModel]:
    """Score the model and every rule on the last `folds` weeks; fit the final model too."""
    end = grid.observed_end
    targets = data.targets
    known = ~np.isnan(data.target_w)
    starts = [end - fold * HOURS_PER_WEEK for fold in range(folds, 0, -1)]
    models = _FoldModels(data, starts)
    next_hour = NextHourRows.of(data.rows, data.origins, data.horizons, data.target_w)
    errors = _Errors()
    held: list[_HeldWeek] = []
    held_hours = 0
    for fold, start in enumerate(starts, start=1):
        test = known & (data.origins >= start - 1) & (targets < start + HOURS_PER_WEEK)
        if not np.any(test) or not models.has_training_rows(fold):
            continue
        held_hours += HOURS_PER_WEEK
        actual = data.target_w[test]
        origins, horizons = data.origins[test], data.horizons[test]
        errors.add_week(fold, horizons)
        rules = {name: rule(grid, origins, horizons) for name, rule in RULES.items()}
        beyond: dict[tuple[str, float], FloatArray] = {}
        for ridge in RIDGE_GRID:
            model = models.fitted(fold, ridge)
            plain = model.predict(data.rows[test], horizons)
            carry = next_hour.carry(model, before=start)
            carried = plain + next_hour.carried(model, carry, grid, origins, horizons)
            for scored, log_forecast in ((PLAIN, plain), (CARRIED, carried)):
                forecast = power_unscale(log_forecast)
                errors.add((scored, MODEL, ridge), forecast, actual, horizons)
                published = {MODEL: forecast}
                for name, rule in BLEND_RULES.items():
                    published[name] = blend(forecast, rules[rule])
                    errors.add((scored, name, ridge), published[name], actual, horizons)
            # The loop's last forecasts: the carried ones, as published.
            beyond.update({(name, ridge): forecast for name, forecast in published.items()})
        for name, forecast in rules.items():
            errors.add(name, forecast, actual, horizons)
        target_mean = data.rows[test][:, TARGET_MEAN_COLUMN]
        similar = similar_days_median(grid, origins, horizons, target_mean)
        errors.add(SIMILAR_DAYS, similar, actual, horizons)
        beyond.update({(SIMILAR_DAYS, ridge): similar for ridge in RIDGE_GRID})
        held.append(_HeldWeek(actual, horizons, rules, beyond))
        for first, second in RULE_PAIRS:
            mean = blend(rules[first], rules[second])
            errors.add(pair_key(first, second), mean, actual, horizons)
    if not held_hours:
        raise ValueError("no held-out week has both training and test hours")
    final = {ridge: models.fitted(None, ridge) for ridge in RIDGE_GRID}
    scores, linear = _per_group_ridge(errors, final, held)
    return replace(scores, hours=held_hours), linear


def _per_group_ridge(
    errors: _Errors, final: dict[float, LinearModel], held: list[_HeldWeek]
) -> tuple[WalkForward, LinearModel]:
    """Per horizon group, the ridge strength whose model (alone or blended) did best plain.

    The learned candidates' scores and log errors are then those of the carried forecast,
    as are their mixes with each rule the weeks could not tell them from
    (`pair_key(candidate, rule)`, `learned_rule_mix.py`).
    """
    scored = [*RULES, SIMILAR_DAYS, *(pair_key(*pair) for pair in RULE_PAIRS)]
    mae = {name: errors.mae(name) for name in scored}
    log_errors = {name: errors.logs(name) for name in scored}
    week_mae = {name: errors.week_mae(name) for name in scored}
    weeks = week_mae[next(iter(RULES))].shape[0]
    for name in LEARNED:
        mae[name] = np.zeros(MAX_HORIZON_HOURS)
        log_errors[name] = [np.empty(0)] * MAX_HORIZON_HOURS
        week_mae[name] = np.zeros((weeks, MAX_HORIZON_HOURS))
    weights: dict[str, FloatArray] = {}
    base = final[RIDGE_GRID[0]]
    coef = np.zeros_like(base.coef)
    intercept = np.zeros_like(base.intercept)

    for _, horizons_in_group in HORIZON_GROUPS:
        at = np.array(horizons_in_group) - 1
        ridge = min(
            RIDGE_GRID,
            key=lambda r: min(float(np.nanmean(errors.mae((PLAIN, m, r))[at])) for m in LEARNED),
        )
        for name in LEARNED:
            mae[name][at] = errors.mae((CARRIED, name, ridge))[at]
            week_mae[name][:, at] = errors.week_mae((CARRIED, name, ridge))[:, at]
            carried_logs = errors.logs((CARRIED, name, ridge))
            for h in at:
                log_errors[name][h] = carried_logs[h]
        group_weights = _unsure_weights(week_mae, at)
        group = _mixes_with_rules(held, horizons_in_group, ridge, group_weights)
        for key, weight in group_weights.items():
            weights.setdefault(key, np.full(MAX_HORIZON_HOURS, np.nan))[at] = weight
            mae.setdefault(key, np.full(MAX_HORIZON_HOURS, np.nan))[at] = group.mae(key)[at]
            mix_weeks = week_mae.setdefault(key, np.full((weeks, MAX_HORIZON_HOURS), np.nan))
            mix_weeks[:, at] = group.week_mae(key)[:, at]
            logs = log_errors.setdefault(key, [np.empty(0)] * MAX_HORIZON_HOURS)
            for h in at:
                logs[h] = group.logs(key)[h]
        coef[at] = final[ridge].coef[at]
        intercept[at] = final[ridge].intercept[at]
    linear = LinearModel(mean=base.mean, scale=base.scale, coef=coef, intercept=intercept)
    return WalkForward(
        mae_w=mae,
        log_errors=log_errors,
        log_weeks=errors.log_weeks(),
        hours=0,
        week_mae_w=week_mae,
        mix_weight=weights,
    ), linear


def _unsure_weights(week_mae: dict[str, FloatArray], at: IntArray) -> dict[str, float]:
    """Per candidate and rule the weeks of a group were unsure of: the candidate's weight."""
    weeks = {name: np.nanmean(week_mae[name][:, at], axis=1) for name in (*BEYOND_RULES, *RULES)}
    out: dict[str, float] = {}
    for name in BEYOND_RULES:
        for rule in RULES:
            weight = learned_weight(weeks[name], weeks[rule])
            if weight is not None:
                out[pair_key(name, rule)] = weight
    return out


def _mixes_with_rules(
    held: list[_HeldWeek], horizons: range, ridge: float, weights: dict[str, float]
) -> _Errors:
    """Each candidate mixed with each rule the weeks were unsure of, on a group's horizons."""
    errors = _Errors()
    for week in held:
        at = np.isin(week.horizons, np.array(horizons))
        actual, ahead = week.actual[at], week.horizons[at]
        for name in BEYOND_RULES:
            forecast = week.beyond[name, ridge][at]
            for rule, by_rule in week.rules.items():
                key = pair_key(name, rule)
                if key in weights:
                    mix = weighted(forecast, by_rule[at], weights[key])
                    errors.add(key, mix, actual, ahead)
    return errors


def _mean(values: FloatArray) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def _joined(parts: list[FloatArray]) -> FloatArray:
    return np.concatenate(parts) if parts else np.empty(0)
