"""A learned method and a rule the held-out weeks are unsure of: both, weighted by the weeks."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import PowerModel
from custom_components.py_iot_home.prediction.export import model_from_bytes, model_to_bytes
from custom_components.py_iot_home.prediction.history import (
    MAX_HORIZON_HOURS,
    extend_with_forecast,
    to_grid,
)
from custom_components.py_iot_home.prediction.learned_rule_mix import (
    LEARNED_RULE_MIX,
    learned_weight,
)
from custom_components.py_iot_home.prediction.model import choose_methods
from custom_components.py_iot_home.prediction.rule_pair import RULE_PAIR_MEAN, pair_key
from custom_components.py_iot_home.prediction.walk_forward import (
    MODEL,
    WalkForward,
)

from .conftest import TRAIN_HOURS
from .held_out import held_out_scores

LAST_HOUR = "persistence_1h"
# The model wins three weeks of five by a little, loses two by more.
MODEL_WEEKS = [4.6, 4.7, 5.6, 4.6, 5.5]
RULE_WEEKS = [5.0, 5.0, 5.1, 5.0, 5.2]


def scores(model_weeks: list[float], rule_weeks: list[float], weight: float | None) -> WalkForward:
    """Held-out scores: the model's and the last hour's MAE week by week, and their mix's.

    Every other candidate, rule and pair of rules errs 20 W each week (same at every
    horizon); the mix, where `weight` is given, 4.8 W.
    """
    weeks = {MODEL: model_weeks, LAST_HOUR: rule_weeks}
    if weight is None:
        return held_out_scores(weeks)
    mix = pair_key(MODEL, LAST_HOUR)
    return held_out_scores({**weeks, mix: [4.8] * len(model_weeks)}, {mix: weight})


def test_a_model_whose_lead_changes_sides_is_mixed_with_the_rule() -> None:
    unsure = scores(MODEL_WEEKS, RULE_WEEKS, weight=0.4)
    methods, groups = choose_methods(unsure)
    for name in ("hour_ahead", "day_ahead"):
        choice = groups[name]
        assert choice.method == LEARNED_RULE_MIX
        assert (choice.paired_learned, choice.best_rule) == (MODEL, LAST_HOUR)
        assert choice.learned_weight == pytest.approx(0.4)
        assert choice.paired_rule == ""
        assert choice.mae_w == pytest.approx(4.8)
        assert choice.best_rule_mae_w == pytest.approx(5.06)
    assert methods == (LEARNED_RULE_MIX,) * MAX_HORIZON_HOURS


def test_a_leader_the_weeks_are_sure_of_is_published_alone() -> None:
    _, groups = choose_methods(scores([4.6, 4.7, 4.5, 4.6, 4.7], RULE_WEEKS, weight=None))
    assert groups["hour_ahead"].method == MODEL
    assert groups["hour_ahead"].paired_learned == ""
    _, groups = choose_methods(scores([5.6, 5.7, 5.5, 5.6, 5.7], RULE_WEEKS, weight=None))
    assert groups["hour_ahead"].method == LAST_HOUR


def test_two_tied_rules_are_averaged_before_a_learned_method_is_mixed_in() -> None:
    # The model is unsure against the last hour (5.06 W), and so is yesterday's hour (5.08 W),
    # which won two weeks of five: the two rules' mean comes first.
    unsure = scores([4.7, 4.8, 5.7, 4.7, 5.6], RULE_WEEKS, weight=0.45)
    runner_up = "persistence_24h"
    unsure.week_mae_w[runner_up][:] = np.array([5.1, 4.9, 5.2, 5.1, 5.1])[:, None]
    unsure.mae_w[runner_up][:] = 5.08
    unsure.mae_w[pair_key(LAST_HOUR, runner_up)][:] = 4.9
    _, groups = choose_methods(unsure)
    assert groups["day_ahead"].method == RULE_PAIR_MEAN
    assert groups["day_ahead"].paired_rule == runner_up
    assert groups["day_ahead"].paired_learned == ""


@pytest.mark.parametrize(
    ("learned", "rule", "weight"),
    [
        # The model leads by 0.06 W, standard error 0.191 W: it weighs Φ(0.314).
        (MODEL_WEEKS, RULE_WEEKS, 0.6231),
        # The same the other way round: the model weighs as much as the rule did.
        (RULE_WEEKS, MODEL_WEEKS, 0.3769),
        # Ahead four weeks of five, by 0.2 W on average, standard error 0.2 W: Φ(1).
        ([4.6, 4.6, 4.7, 4.6, 5.8], RULE_WEEKS, 0.8413),
        # A steady lead of 0.42 W (standard error 0.02 W): sure, the model alone.
        ([4.6, 4.5, 4.7, 4.6, 4.8], RULE_WEEKS, None),
        ([4.6, np.nan], [5.0, 5.1], None),  # one week with both says nothing
        ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], None),  # both exact: nothing to weigh
    ],
)
def test_the_learned_weight_is_the_chance_the_weeks_give_it(
    learned: list[float], rule: list[float], weight: float | None
) -> None:
    found = learned_weight(np.array(learned), np.array(rule))
    if weight is None:
        assert found is None
    else:
        assert found == pytest.approx(weight, abs=1e-4)


def test_the_mix_weighs_the_learned_and_the_rule_forecast_and_survives_saving(
    trained: PowerModel, hourly: pd.DataFrame
) -> None:
    groups = {
        name: replace(
            choice,
            method=LEARNED_RULE_MIX,
            best_rule=LAST_HOUR,
            paired_learned=MODEL,
            learned_weight=0.3,
        )
        for name, choice in trained.groups.items()
    }
    mixed = replace(trained, methods=(LEARNED_RULE_MIX,) * MAX_HORIZON_HOURS, groups=groups)
    history = hourly.iloc[: TRAIN_HOURS + 24 * 3]
    forecast = mixed.forecast(history)
    grid = to_grid(history)
    origins = np.full(MAX_HORIZON_HOURS, grid.observed_end - 1)
    horizons = np.arange(1, MAX_HORIZON_HOURS + 1)
    extended = extend_with_forecast(grid, MAX_HORIZON_HOURS, None)
    model = trained.predict_rows(extended, origins, horizons, [MODEL] * MAX_HORIZON_HOURS)
    # By hand: the last observed hour, for every hour ahead. The next hour is guarded (the
    # rule may take it), so hours 2-24 are compared.
    last_hour = float(history["power_w"].dropna().iloc[-1])
    expected = 0.3 * model + 0.7 * last_hour
    np.testing.assert_allclose(forecast.power_w[1:], expected[1:], rtol=1e-12)
    assert forecast.methods[1:] == [LEARNED_RULE_MIX] * (MAX_HORIZON_HOURS - 1)
    loaded = model_from_bytes(model_to_bytes(mixed))
    assert loaded.groups["day_ahead"].paired_learned == MODEL
    assert loaded.groups["day_ahead"].learned_weight == pytest.approx(0.3)
    assert loaded.forecast(history).power_w == pytest.approx(forecast.power_w, rel=1e-12)


def test_a_saved_weight_outside_zero_to_one_is_refused(trained: PowerModel) -> None:
    groups = {name: replace(c, learned_weight=1.5) for name, c in trained.groups.items()}
    with pytest.raises(ValueError, match="between 0 and 1"):
        model_from_bytes(model_to_bytes(replace(trained, groups=groups)))
