"""Two rules the held-out weeks cannot tell apart: their mean is published, not a coin toss."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import PowerModel
from custom_components.py_iot_home.prediction.export import model_from_bytes, model_to_bytes
from custom_components.py_iot_home.prediction.history import MAX_HORIZON_HOURS
from custom_components.py_iot_home.prediction.model import choose_methods
from custom_components.py_iot_home.prediction.rule_pair import (
    RULE_PAIR_MEAN,
    pair_key,
    rules_tied,
)
from custom_components.py_iot_home.prediction.walk_forward import WalkForward

from .conftest import TRAIN_HOURS
from .held_out import held_out_scores

LAST_WEEK, WEEKLY = "persistence_168h", "hour_of_week_mean"


def scores(weeks: dict[str, list[float]], pair_mae: float) -> WalkForward:
    """Held-out scores where `weeks` gives some rules' MAE week by week (same at every horizon).

    Every other rule, every pair's mean but LAST_WEEK's with WEEKLY, and the learned
    methods and the similar days (noise, for this works) err 20 W each week.
    """
    count = len(next(iter(weeks.values())))
    return held_out_scores({**weeks, pair_key(LAST_WEEK, WEEKLY): [pair_mae] * count})


def test_two_rules_that_trade_places_week_by_week_are_averaged() -> None:
    # Last week's hour wins three weeks of five, the four weeks' mean two: 10.4 W against 10.5 W.
    tied = scores({LAST_WEEK: [10, 12, 9, 11, 10], WEEKLY: [11, 10, 10, 10, 11.5]}, pair_mae=9.5)
    methods, groups = choose_methods(tied)
    for name in ("hour_ahead", "day_ahead"):
        choice = groups[name]
        assert choice.method == RULE_PAIR_MEAN
        assert (choice.best_rule, choice.paired_rule) == (LAST_WEEK, WEEKLY)
        assert choice.mae_w == pytest.approx(9.5)
        assert choice.best_rule_mae_w == pytest.approx(10.4)
    assert methods == (RULE_PAIR_MEAN,) * MAX_HORIZON_HOURS


def test_a_rule_that_leads_every_week_is_published_alone() -> None:
    steady = scores(
        {LAST_WEEK: [10, 10.2, 9.9, 10.1, 10], WEEKLY: [11, 11.3, 10.8, 11.1, 11.2]}, 9.5
    )
    _, groups = choose_methods(steady)
    assert groups["day_ahead"].method == LAST_WEEK
    assert groups["day_ahead"].paired_rule == ""


def test_a_mean_that_did_no_better_than_the_best_rule_is_not_published() -> None:
    tied = scores({LAST_WEEK: [10, 12, 9, 11, 10], WEEKLY: [11, 10, 10, 10, 11.5]}, pair_mae=10.4)
    _, groups = choose_methods(tied)
    assert groups["day_ahead"].method == LAST_WEEK


@pytest.mark.parametrize(
    ("best", "other", "tied"),
    [
        (
            [10, 12, 9, 11, 10],
            [11, 10, 10, 10, 11.5],
            True,
        ),  # each won some weeks; lead 0.1, spread 0.6
        ([10, 10, 10, 10, 10], [10.5, 10.6, 10.4, 10.5, 10.5], False),  # a steady lead
        # Even on average, but the other won only the last week, by far: a level shift.
        ([10, 10, 10, 10, 14], [11, 11, 11, 11, 10], False),
        ([10, 10], [10.2, 10.3], False),  # two weeks, both behind by a steady margin
        ([10], [9], False),  # one week says nothing
    ],
)
def test_rules_are_tied_when_the_weekly_lead_is_within_its_noise(
    best: list[float], other: list[float], tied: bool
) -> None:
    assert rules_tied(np.array(best, dtype=float), np.array(other, dtype=float)) is tied


def test_the_pair_is_the_mean_of_its_two_rules_and_survives_saving(
    trained: PowerModel, hourly: pd.DataFrame
) -> None:
    groups = {
        name: replace(choice, method=RULE_PAIR_MEAN, best_rule=LAST_WEEK, paired_rule=WEEKLY)
        for name, choice in trained.groups.items()
    }
    paired = replace(trained, methods=(RULE_PAIR_MEAN,) * MAX_HORIZON_HOURS, groups=groups)
    history = hourly.iloc[: TRAIN_HOURS + 24 * 3]
    forecast = paired.forecast(history)
    # By hand: the same hour a week before, and the mean of the same hour 1..4 weeks before.
    power = history["power_w"].to_numpy()
    targets = len(power) + np.arange(MAX_HORIZON_HOURS)
    last_week = power[targets - 168]
    weekly = np.mean([power[targets - 168 * week] for week in range(1, 5)], axis=0)
    np.testing.assert_allclose(forecast.power_w, (last_week + weekly) / 2, rtol=1e-12)
    assert forecast.methods == [RULE_PAIR_MEAN] * MAX_HORIZON_HOURS
    loaded = model_from_bytes(model_to_bytes(paired))
    assert loaded.groups["day_ahead"].paired_rule == WEEKLY
    assert loaded.forecast(history).power_w == pytest.approx(forecast.power_w, rel=1e-12)
