"""The absolute-error fit: weighted on out-of-sample errors, chosen on the held-out weeks."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction.features import FEATURE_NAMES, power_scale
from custom_components.py_iot_home.prediction.fold_models import FoldModels
from custom_components.py_iot_home.prediction.history import (
    HOURS_PER_WEEK,
    MAX_HORIZON_HOURS,
    to_grid,
)
from custom_components.py_iot_home.prediction.linear import (
    BASE_COLUMN,
    LinearModel,
    absolute_error_weights,
    ridge_sums,
    solve_ridge,
)
from custom_components.py_iot_home.prediction.model import choose_methods, training_rows
from custom_components.py_iot_home.prediction.rules import RULES
from custom_components.py_iot_home.prediction.walk_forward import (
    ABSOLUTE_ERROR_FIT,
    BLEND,
    BLEND_RULE,
    MODEL,
    RIDGE_GRID,
    HeldOutErrors,
    blend,
    choose_fits,
)

from .conftest import TRAIN_HOURS

FEATURES = len(FEATURE_NAMES)


def test_a_weight_counts_a_row_that_many_times() -> None:
    rng = np.random.default_rng(5)
    rows = rng.normal(0.0, 1.0, (24 * 60, FEATURES))
    horizons = np.tile(np.arange(1, MAX_HORIZON_HOURS + 1, dtype=np.int64), 60)
    target = rows[:, BASE_COLUMN] + 0.4 * rows[:, 1] + rng.normal(0.0, 0.3, len(rows))
    repeats = rng.integers(1, 4, len(rows))
    one_block = np.zeros(len(rows), dtype=np.int64)
    weighted = ridge_sums(
        rows,
        target,
        horizons,
        blocks=one_block,
        block_count=1,
        standardiser_rows=rows,
        weight=repeats.astype(np.float64),
    )
    copied = np.repeat(np.arange(len(rows)), repeats)
    duplicated = ridge_sums(
        rows[copied],
        target[copied],
        horizons[copied],
        blocks=one_block[copied],
        block_count=1,
        standardiser_rows=rows,
    )
    a, b = solve_ridge(weighted, slice(None), 0.02), solve_ridge(duplicated, slice(None), 0.02)
    np.testing.assert_allclose(a.coef, b.coef, atol=1e-10)
    np.testing.assert_allclose(a.intercept, b.intercept, atol=1e-10)


def test_absolute_error_weights_move_a_mean_towards_the_median() -> None:
    """One reweighted mean of skewed values lands nearer their median than the mean did."""
    rng = np.random.default_rng(6)
    values = np.concatenate([rng.normal(0.0, 0.1, 900), rng.exponential(3.0, 100)])
    groups = np.zeros(len(values), dtype=np.int64)
    weights = absolute_error_weights(values - values.mean(), groups)
    reweighted = float(np.sum(weights * values) / np.sum(weights))
    median = float(np.median(values))
    assert abs(reweighted - median) < 0.25 * abs(values.mean() - median)
    assert weights.mean() == pytest.approx(1.0)


def test_a_row_the_fit_matches_weighs_at_most_five_typical_rows() -> None:
    """Errors 0, 0, 0, +-1, +-3: the typical distance from the median (0) is 1, and a row
    at the median counts as if 0.2 away, so five times a row 1 away, fifteen times one 3."""
    weights = absolute_error_weights(
        np.array([0.0, 0.0, 0.0, 1.0, -1.0, 3.0, -3.0]), np.zeros(7, dtype=np.int64)
    )
    assert weights[0] / weights[3] == pytest.approx(5.0)
    assert weights[0] / weights[5] == pytest.approx(15.0)
    assert weights[3] == pytest.approx(weights[4])


def test_absolute_error_weights_average_one_in_each_group() -> None:
    errors = np.array([0.0, 0.1, -0.1, 2.0, 5.0, 5.5, 4.0, 50.0])
    groups = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    weights = absolute_error_weights(errors, groups)
    assert weights[:4].mean() == pytest.approx(1.0)
    assert weights[4:].mean() == pytest.approx(1.0)
    # The farthest from its group's median weighs least.
    assert weights[3] == weights[:4].min()
    assert weights[7] == weights[4:].min()


def test_errors_that_weight_a_fold_never_come_from_its_own_week(hourly: pd.DataFrame) -> None:
    """Changing the last held-out week's power moves only that week's rows' errors, by as
    much as their targets moved: the model that scores them never saw them."""
    history = hourly.iloc[:TRAIN_HOURS]
    grid = to_grid(history)
    end = grid.observed_end
    starts = [end - fold * HOURS_PER_WEEK for fold in range(5, 0, -1)]
    data = training_rows(grid, forecast=False)
    changed_power = data.target_w.copy()
    last_week = data.targets >= starts[-1]
    changed_power[last_week] *= 3.0
    ridge = np.full(MAX_HORIZON_HOURS, RIDGE_GRID[2])

    before = FoldModels(data, starts)
    after = FoldModels(replace(data, target_w=changed_power), starts)
    errors_before = before.out_of_sample_errors(ridge)
    errors_after = after.out_of_sample_errors(ridge)

    known = ~np.isnan(data.target_w)
    moved = last_week[known]
    np.testing.assert_allclose(errors_after[~moved], errors_before[~moved], atol=1e-12)
    shift = power_scale(changed_power[known]) - power_scale(data.target_w[known])
    np.testing.assert_allclose(errors_after[moved] - errors_before[moved], shift[moved], atol=1e-9)


def _errors(
    fit_offsets: dict[object, float], rule_offset: float
) -> tuple[HeldOutErrors, dict[object, LinearModel]]:
    """Held-out errors where each fit errs by its offset (W), the median rule by
    `rule_offset` and the other rules by 50 W; each fit's coefficients are its offset."""
    rng = np.random.default_rng(7)
    horizons = np.tile(np.arange(1, MAX_HORIZON_HOURS + 1, dtype=np.int64), 50)
    actual = rng.uniform(200.0, 800.0, len(horizons))
    rule = actual + rule_offset
    errors = HeldOutErrors()
    for name in RULES:
        errors.add(name, rule if name == BLEND_RULE else actual + 50.0, actual, horizons)
    final: dict[object, LinearModel] = {}
    for key, offset in fit_offsets.items():
        errors.add(key, actual + offset, actual, horizons)
        errors.add((BLEND, key), blend(actual + offset, rule), actual, horizons)
        final[key] = LinearModel(
            mean=np.zeros(FEATURES),
            scale=np.ones(FEATURES),
            coef=np.full((MAX_HORIZON_HOURS, FEATURES), offset),
            intercept=np.zeros(MAX_HORIZON_HOURS),
        )
    return errors, final


def test_the_absolute_error_fit_is_published_where_it_did_best() -> None:
    offsets: dict[object, float] = {ridge: 4.0 + ridge for ridge in RIDGE_GRID}
    offsets[ABSOLUTE_ERROR_FIT] = 1.0
    errors, final = _errors(offsets, rule_offset=-20.0)
    chosen = choose_fits(errors, final)
    np.testing.assert_array_equal(chosen.linear.coef, 1.0)
    np.testing.assert_allclose(chosen.scores.mae_w[MODEL], 1.0, atol=1e-9)
    methods, groups = choose_methods(chosen.scores)
    assert set(methods) == {MODEL}
    assert groups["day_ahead"].mae_w == pytest.approx(1.0)


def test_a_rule_is_published_when_every_fit_loses_to_it() -> None:
    """The median rule is exact: each fit, alone or averaged with it, loses to it."""
    offsets: dict[object, float] = dict.fromkeys(RIDGE_GRID, 4.0)
    offsets[ABSOLUTE_ERROR_FIT] = 2.0
    errors, final = _errors(offsets, rule_offset=0.0)
    methods, groups = choose_methods(choose_fits(errors, final).scores)
    assert set(methods) == {BLEND_RULE}
    for group in groups.values():
        assert group.method == BLEND_RULE
        assert group.mae_w == pytest.approx(0.0)
        assert group.model_mae_w == pytest.approx(2.0)
