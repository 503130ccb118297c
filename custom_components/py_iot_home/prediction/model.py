"""Power model: fit on an hourly history, forecast the next 24 hourly mean powers (W).

A ridge regression per horizon (`linear.py`) on recent power, the simple rules, calendar
and outdoor temperature (`features.py`), scored walk-forward against the rules
(`walk_forward.py`), as are the similar days (`similar_days.py`). Per horizon group (the
next hour; hours 2-24) the published forecast is whichever did best there: a model that
loses to a rule is not published, and where the held-out weeks are unsure which of the two
is better, both are, weighted by how sure the weeks are of each (`learned_rule_mix.py`).
Every hour gets a 10-90 % band from the held-out errors of the method in use. Before each
forecast a learned method (or mix) for the next hour is checked
against that group's best rule on the hours just past (`recent_guard.py`): the rule, with
its own band, takes over where it did clearly better.
The fitted model is plain arrays (`export.py`), evaluated with numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from .conformal_band import band_edges, band_offsets
from .features import FEATURE_NAMES, feature_rows, power_unscale, target_temperature
from .history import (
    HOURS_PER_DAY,
    MAX_HORIZON_HOURS,
    BoolArray,
    FloatArray,
    HourlyGrid,
    HourlyHistory,
    IntArray,
    extend_with_forecast,
    to_grid,
)
from .learned_rule_mix import LEARNED_RULE_MIX, weighted
from .linear import LinearModel
from .odd_days import unrepeated_days
from .recent_guard import GUARDED_GROUPS, recent_errors
from .residual_carry import NextHourRows, last_hour_miss
from .rule_pair import RULE_PAIR_MEAN, pair_key, pair_mean, tied_runner_up
from .rules import RULES, blend
from .similar_days import SIMILAR_DAYS, similar_days_median
from .unusual_days import excluded_positions
from .walk_forward import (
    BEYOND_RULES,
    BLEND_RULES,
    HORIZON_GROUPS,
    LEARNED,
    MODEL,
    TrainingRows,
    WalkForward,
    fold_count,
    walk_forward,
)

if TYPE_CHECKING:
    import pandas as pd

MIN_HISTORY_HOURS = 14 * 24
# A learned forecast stays within 1.25x the highest hour of the last four weeks: room for
# a first cold snap, none for a level the home never came near.
CEILING_FACTOR = 1.25
CEILING_WINDOW_HOURS = 28 * 24


class NotEnoughHistoryError(ValueError):
    """Raised when the history has too few observed hours to train on."""

    def __init__(self, observed_hours: int, needed_hours: int, left_out_hours: int = 0) -> None:
        self.observed_hours = observed_hours
        self.needed_hours = needed_hours
        self.hours_missing = needed_hours - observed_hours
        # Observed hours of the days the user marked, or found unusual: more history does
        # not help while they are what is missing, a wider window or fewer such days does.
        self.left_out_hours = left_out_hours
        super().__init__(
            f"{self.hours_missing} more hours of power history needed "
            f"({observed_hours} of {needed_hours} observed, {left_out_hours} left out)"
        )


def minimum_history_hours() -> int:
    """Observed hours of power the model needs before it can be trained."""
    return MIN_HISTORY_HOURS


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupChoice:
    """The method published for a horizon group, and how it scored walk-forward."""

    method: str
    mae_w: float
    best_rule: str
    best_rule_mae_w: float
    model_mae_w: float
    # With RULE_PAIR_MEAN: the rule averaged with best_rule.
    paired_rule: str = ""
    # With LEARNED_RULE_MIX: the candidate beyond the rules mixed with best_rule, its weight.
    paired_learned: str = ""
    learned_weight: float = 0.0

    @property
    def skill(self) -> float:
        """Fraction by which the published method beats the best rule (0 when it is one)."""
        if not self.best_rule_mae_w > 0:
            return 0.0
        return 1.0 - self.mae_w / self.best_rule_mae_w


@dataclass(frozen=True, slots=True, kw_only=True)
class Forecast:
    """Forecast hours (W) with their 10 % and 90 % band and the method of each hour."""

    start: pd.Timestamp
    power_w: list[float]
    low_w: list[float]
    high_w: list[float]
    methods: list[str]


@dataclass(frozen=True, kw_only=True)
class PowerModel:
    """A trained power model: plain arrays, its choices and its walk-forward scores."""

    linear: LinearModel = field(repr=False)
    methods: tuple[str, ...]  # per horizon 1..24
    band: FloatArray = field(repr=False)  # (24, 2) log-scale offsets of the 10/90 % band
    rule_band: FloatArray = field(repr=False)  # (24, 2) the same for each group's best rule
    groups: dict[str, GroupChoice]
    weather_forecast: bool
    training_rows: int
    holdout_hours: int
    missing_hours: int
    excluded_days: int
    trained_at: datetime
    # Share of the last hour's miss (log scale) the learned next-hour forecast adds.
    next_hour_carry: float = 0.0
    # Days the training found odd (`odd_days.py`): left out of a rule's inputs where it is
    # published alone or as two rules' mean.
    odd_days: tuple[date, ...] = ()
    feature_names: tuple[str, ...] = FEATURE_NAMES

    @property
    def mae_w(self) -> float:
        """Walk-forward MAE (W) of the published day-ahead forecast."""
        return self.groups["day_ahead"].mae_w

    def forecast(
        self,
        history: HourlyHistory | pd.DataFrame,
        future_weather: pd.DataFrame | None = None,
        hours: int = MAX_HORIZON_HOURS,
    ) -> Forecast:
        """Forecast each of the `hours` hours after the history ends, with its band.

        `future_weather` (columns `temperature`, optional `humidity`, time index) is the
        weather forecast; hours it lacks use the same hour of the previous day.
        """
        import pandas as pd

        if not 1 <= hours <= MAX_HORIZON_HOURS:
            raise ValueError(f"hours must be within 1..{MAX_HORIZON_HOURS}")
        grid = to_grid(history)
        if grid.observed_hours == 0:
            raise NotEnoughHistoryError(0, 1)
        extended = extend_with_forecast(grid, hours, future_weather)
        origins = np.full(hours, grid.observed_end - 1, dtype=np.int64)
        horizons = np.arange(1, hours + 1, dtype=np.int64)
        methods, band = self.methods_in_use(grid, hours)
        values = self.predict_rows(extended, origins, horizons, methods)
        low, high = band_edges(values, band[horizons - 1])
        return Forecast(
            start=pd.Timestamp(extended.index[grid.observed_end]),
            power_w=[float(v) for v in values],
            low_w=[float(v) for v in low],
            high_w=[float(v) for v in high],
            methods=[methods[h - 1] for h in horizons],
        )

    def methods_in_use(self, grid: HourlyGrid, hours: int) -> tuple[tuple[str, ...], FloatArray]:
        """Per horizon, the method and band offsets for a forecast from the grid's end.

        The published ones, except where the next hour's learned method erred clearly more
        than its best rule over the hours just past: that rule and its band instead.
        """
        methods = list(self.methods)
        band = self.band.copy()
        for name, group_horizons in HORIZON_GROUPS:
            choice = self.groups[name]
            if (
                name not in GUARDED_GROUPS
                or choice.method not in (*BEYOND_RULES, LEARNED_RULE_MIX)
                or group_horizons.start > hours
            ):
                continue
            recent = recent_errors(
                grid,
                group_horizons,
                partial(self.predict_rows, grid, methods=[choice.method] * MAX_HORIZON_HOURS),
                partial(RULES[choice.best_rule], grid),
                self.band,
            )
            if recent.rule_clearly_better:
                at = np.array(group_horizons) - 1
                for h in at:
                    methods[h] = choice.best_rule
                band[at] = self.rule_band[at]
        return tuple(methods), band

    def predict(
        self,
        history: HourlyHistory | pd.DataFrame,
        future_weather: pd.DataFrame | None = None,
        hours: int = MAX_HORIZON_HOURS,
    ) -> list[float]:
        """The forecast powers (W) alone."""
        return self.forecast(history, future_weather, hours).power_w

    def predict_rows(
        self,
        grid: HourlyGrid,
        origins: np.ndarray,
        horizons: np.ndarray,
        methods: Sequence[str] | None = None,
    ) -> FloatArray:
        """Forecasts (W) for (origin, horizon) pairs of a grid, by the published methods.

        `methods` (per horizon 1..24) replaces the published ones.
        """
        methods = self.methods if methods is None else methods
        out = np.empty(len(origins))
        ceiling: FloatArray | None = None
        # A rule alone (or two rules' mean) skips the odd days; a learned method, and the rule
        # in its blend or mix, read the history it was trained and weighed on.
        learned_grid, grid = grid, self._without_odd_days(grid)
        chosen = np.array([methods[h - 1] for h in horizons])
        for method in set(chosen.tolist()):
            at = chosen == method
            if method in LEARNED:
                learned = power_unscale(self._learned_log(learned_grid, origins[at], horizons[at]))
                if ceiling is None:
                    ceiling = recent_ceiling(learned_grid.power_w)
                out[at] = np.minimum(learned, ceiling[origins[at]])
                if method in BLEND_RULES:
                    rule = RULES[BLEND_RULES[method]]
                    out[at] = blend(out[at], rule(learned_grid, origins[at], horizons[at]))
            elif method == RULE_PAIR_MEAN:
                out[at] = self._pair_means(grid, origins[at], horizons[at])
            elif method == LEARNED_RULE_MIX:
                out[at] = self._learned_rule_mixes(learned_grid, origins[at], horizons[at])
            elif method == SIMILAR_DAYS:
                targets = origins[at] + horizons[at]
                _, target_mean = target_temperature(
                    grid, origins[at], targets, forecast=self.weather_forecast
                )
                out[at] = similar_days_median(learned_grid, origins[at], horizons[at], target_mean)
            else:
                out[at] = RULES[method](grid, origins[at], horizons[at])
        return out

    def _without_odd_days(self, grid: HourlyGrid) -> HourlyGrid:
        """The grid the published rules read: the known odd days' power left out."""
        odd = excluded_positions(grid, self.odd_days, detect_outliers=False)
        return grid.without(odd) if np.any(odd) else grid

    def _learned_log(self, grid: HourlyGrid, origins: IntArray, horizons: IntArray) -> FloatArray:
        """The linear model's forecasts (`power_scale`), the next hour's with the carry."""
        next_hour = np.flatnonzero(horizons == 1) if self.next_hour_carry else np.empty(0, np.int64)
        # One pass over the features: the rows asked for, then each next hour's origin an
        # hour back (what the model forecast for the hour just past).
        before = np.maximum(origins[next_hour] - 1, 0)
        ones = np.ones(len(before), dtype=np.int64)
        all_origins = np.concatenate((origins, before))
        all_horizons = np.concatenate((horizons, ones))
        rows = feature_rows(grid, all_origins, all_horizons, forecast=self.weather_forecast)
        values = self.linear.predict(rows, all_horizons)
        own = values[: len(origins)]
        if len(next_hour):
            miss = last_hour_miss(grid, origins[next_hour], values[len(origins) :])
            own[next_hour] += self.next_hour_carry * miss
        return own

    def _learned_rule_mixes(
        self, grid: HourlyGrid, origins: IntArray, horizons: IntArray
    ) -> FloatArray:
        """A learned candidate mixed with the best rule (W), as each group weighs them."""

        def mix(choice: GroupChoice, at: BoolArray) -> FloatArray:
            learned = [choice.paired_learned] * MAX_HORIZON_HOURS
            return weighted(
                self.predict_rows(grid, origins[at], horizons[at], learned),
                RULES[choice.best_rule](grid, origins[at], horizons[at]),
                choice.learned_weight,
            )

        return self._by_group(horizons, mix)

    def _pair_means(self, grid: HourlyGrid, origins: IntArray, horizons: IntArray) -> FloatArray:
        """Two rules' mean (W) at each horizon, of the two rules its group averages."""
        return self._by_group(
            horizons,
            lambda choice, at: pair_mean(
                grid, origins[at], horizons[at], (choice.best_rule, choice.paired_rule)
            ),
        )

    def _by_group(
        self, horizons: IntArray, forecast: Callable[[GroupChoice, BoolArray], FloatArray]
    ) -> FloatArray:
        """Per horizon group, `forecast` (W) of its choice at the positions of its horizons."""
        out = np.empty(len(horizons))
        for name, group_horizons in HORIZON_GROUPS:
            at = np.isin(horizons, np.array(group_horizons))
            if np.any(at):
                out[at] = forecast(self.groups[name], at)
        return out


def recent_ceiling(power_w: FloatArray) -> FloatArray:
    """The most the model may forecast from each hour (no limit before any reading).

    That is CEILING_FACTOR x the highest hour of the four weeks up to it.
    On the log scale the model carries an hour's excess over its usual level into the next
    one; where a timed load switches on early (storage heaters an hour before their tariff),
    an 8-fold excess met a 4 kW usual level and made 16.7 kW, 2.3x anything the home drew.
    """
    known = np.where(np.isnan(power_w), -np.inf, power_w)
    padded = np.concatenate((np.full(CEILING_WINDOW_HOURS - 1, -np.inf), known))
    highest = np.lib.stride_tricks.sliding_window_view(padded, CEILING_WINDOW_HOURS).max(axis=1)
    return np.where(np.isfinite(highest), CEILING_FACTOR * highest, np.inf)


def training_rows(
    grid: HourlyGrid, *, forecast: bool, excluded: BoolArray | None = None
) -> TrainingRows:
    """Every (origin, horizon 1..24) row whose target lies inside the grid."""
    end = grid.observed_end
    origins = np.repeat(np.arange(end - 1, dtype=np.int64), MAX_HORIZON_HOURS)
    horizons = np.tile(np.arange(1, MAX_HORIZON_HOURS + 1, dtype=np.int64), end - 1)
    keep = origins + horizons < end
    origins, horizons = origins[keep], horizons[keep]
    # Rows start a day in, where yesterday's lags exist.
    keep = origins >= HOURS_PER_DAY
    origins, horizons = origins[keep], horizons[keep]
    target = grid.power_w[origins + horizons].copy()
    if excluded is not None:
        target[excluded[origins + horizons]] = np.nan
    rows = feature_rows(grid, origins, horizons, forecast=forecast)
    return TrainingRows(rows=rows, origins=origins, horizons=horizons, target_w=target)


def choose_methods(scores: WalkForward) -> tuple[tuple[str, ...], dict[str, GroupChoice]]:
    """Per horizon group, the method with the lowest held-out MAE (a rule on a tie).

    Where the weeks cannot tell two apart: the mean of the best rule and the runner-up rule
    (`rule_pair.py`), or else the best learned candidate and the best rule, weighted by how
    sure the weeks are of each (`learned_rule_mix.py`).
    """
    methods = [MODEL] * MAX_HORIZON_HOURS
    groups: dict[str, GroupChoice] = {}
    for name, horizons in HORIZON_GROUPS:
        at = np.array(horizons) - 1
        # A mix is scored only in the groups whose weeks were unsure of it.
        scored = [m for m, v in scores.mae_w.items() if np.any(np.isfinite(v[at]))]
        mae = {m: float(np.nanmean(scores.mae_w[m][at])) for m in scored}
        rules = {m: v for m, v in mae.items() if m in RULES and np.isfinite(v)}
        best_rule = min(rules, key=lambda m: rules[m])
        model_mae = mae[MODEL]
        learned = {m: mae[m] for m in BEYOND_RULES if np.isfinite(mae[m])}
        top = min(learned, key=lambda m: learned[m]) if learned else best_rule
        best = top if learned and learned[top] < rules[best_rule] else best_rule
        weeks = {m: np.nanmean(scores.week_mae_w[m][:, at], axis=1) for m in RULES}
        paired = tied_runner_up(mae, weeks, best_rule) if best == best_rule else ""
        mix = pair_key(top, best_rule)
        unsure = not paired and top in learned and mix in mae and mix in scores.mix_weight
        paired_learned = top if unsure else ""
        weight = float(scores.mix_weight[mix][at[0]]) if unsure else 0.0
        published_mae = mae[best]
        if paired_learned:
            best, published_mae = LEARNED_RULE_MIX, mae[mix]
        elif paired:
            best, published_mae = RULE_PAIR_MEAN, mae[pair_key(best_rule, paired)]
        for h in horizons:
            methods[h - 1] = best
        groups[name] = GroupChoice(
            method=best,
            mae_w=published_mae,
            best_rule=best_rule,
            best_rule_mae_w=rules[best_rule],
            model_mae_w=model_mae,
            paired_rule=paired,
            paired_learned=paired_learned,
            learned_weight=weight,
        )
    return tuple(methods), groups


def fit_power_model(
    history: HourlyHistory | pd.DataFrame,
    *,
    weather_forecast: bool = False,
    excluded_days: Sequence[date] = (),
    exclude_outliers: bool = False,
) -> PowerModel:
    """Train on the history: score walk-forward, choose per horizon, refit on everything.

    `weather_forecast` says whether forecasts will get a weather forecast (then the
    target hour's observed temperature trains the model); `excluded_days` (local dates)
    and, with `exclude_outliers`, days far from the usual are not trained or scored on.
    Raises `NotEnoughHistoryError` with the hours still missing when fewer than
    `minimum_history_hours()` hours have a power value.
    """
    import pandas as pd

    grid = to_grid(history)
    excluded = excluded_positions(grid, excluded_days, detect_outliers=exclude_outliers)
    left_out = int(np.count_nonzero(excluded & ~np.isnan(grid.power_w)))
    usable = grid.observed_hours - left_out
    if usable < MIN_HISTORY_HOURS:
        raise NotEnoughHistoryError(usable, MIN_HISTORY_HOURS, left_out)
    data = training_rows(grid, forecast=weather_forecast, excluded=excluded)
    scores, linear = walk_forward(grid, data, fold_count(usable // HOURS_PER_DAY))
    methods, groups = choose_methods(scores)
    band = np.zeros((MAX_HORIZON_HOURS, 2))
    rule_band = np.zeros((MAX_HORIZON_HOURS, 2))
    for name, horizons in HORIZON_GROUPS:
        at = np.array(horizons) - 1
        weeks = [scores.log_weeks[h] for h in at]
        method = methods[at[0]]  # one method per group
        if method == RULE_PAIR_MEAN:
            method = pair_key(groups[name].best_rule, groups[name].paired_rule)
        elif method == LEARNED_RULE_MIX:
            method = pair_key(groups[name].paired_learned, groups[name].best_rule)
        # The day ahead's group of horizons errs by whole days; the next hour, hour by hour.
        whole_days = len(at) > 1
        logs = [scores.log_errors[method][h] for h in at]
        band[at] = band_offsets(logs, weeks, whole_days=whole_days)
        rule = groups[name].best_rule
        rule_logs = [scores.log_errors[rule][h] for h in at]
        rule_band[at] = band_offsets(rule_logs, weeks, whole_days=whole_days)
    known = ~np.isnan(data.target_w)
    excluded_count = len(set(pd.DatetimeIndex(grid.index[excluded]).date))
    return PowerModel(
        linear=linear,
        methods=methods,
        band=band,
        rule_band=rule_band,
        groups=groups,
        weather_forecast=weather_forecast,
        training_rows=int(np.count_nonzero(known)),
        holdout_hours=scores.hours,
        missing_hours=grid.missing_hours,
        excluded_days=excluded_count,
        trained_at=datetime.now(UTC),
        odd_days=unrepeated_days(grid),
        next_hour_carry=NextHourRows.of(
            data.rows, data.origins, data.horizons, data.target_w
        ).carry(linear),
    )
