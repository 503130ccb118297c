"""The forecast method sensor says which method is in use, and why, when the guard steps in."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from custom_components.py_iot_home.forecast.entities import PREDICTOR_SENSORS
from custom_components.py_iot_home.forecast.snapshot import (
    ForecastPoint,
    PredictionSnapshot,
    method_choices,
)
from custom_components.py_iot_home.prediction import PowerModel, fit_power_model
from custom_components.py_iot_home.prediction.learned_rule_mix import LEARNED_RULE_MIX
from custom_components.py_iot_home.prediction.rule_pair import RULE_PAIR_MEAN
from custom_components.py_iot_home.prediction.walk_forward import MODEL

SLICE = Path(__file__).parent / "data" / "uci_appliances_hourly_56d.csv"
TRANSLATIONS = Path(__file__).parents[1] / "custom_components/py_iot_home/translations/en.json"
START = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def model() -> PowerModel:
    """A model fitted on the slice, publishing the learned model in both groups."""
    frame = pd.read_csv(SLICE, parse_dates=["time"]).set_index("time")
    fitted = fit_power_model(frame.iloc[: 42 * 24])
    groups = {name: replace(choice, method=MODEL) for name, choice in fitted.groups.items()}
    return replace(fitted, methods=(MODEL,) * 24, groups=groups)


def _snapshot(model: PowerModel, methods: list[str]) -> PredictionSnapshot:
    forecast = tuple(
        ForecastPoint(
            start=START + timedelta(hours=hour), power_w=1.0, low_w=0.5, high_w=2.0, method=m
        )
        for hour, m in enumerate(methods)
    )
    return PredictionSnapshot(
        forecast=forecast,
        mae_w=model.mae_w,
        skill=model.groups["day_ahead"].skill,
        choices=method_choices(model, forecast),
        training_rows=model.training_rows,
        excluded_days=0,
        trained_at=model.trained_at,
        hours_needed=None,
        missing_power_hours=0,
        converted_series=0,
    )


def _method_sensor(snap: PredictionSnapshot) -> tuple[object, dict]:
    description = next(d for d in PREDICTOR_SENSORS if d.key == "forecast_method")
    assert description.attributes_fn is not None
    return description.value_fn(snap), description.attributes_fn(snap)


def test_the_published_method_in_use_says_it_did_best_held_out(model: PowerModel) -> None:
    state, attributes = _method_sensor(_snapshot(model, list(model.methods)))
    assert state == model.groups["day_ahead"].method
    assert attributes["day_ahead_method_in_use"] == state
    assert attributes["day_ahead_reason"] == attributes["hour_ahead_reason"] == "held_out_best"


def test_a_fall_back_names_the_rule_and_says_why(model: PowerModel) -> None:
    hour = model.groups["hour_ahead"]
    methods = [hour.best_rule] + [MODEL] * 23
    state, attributes = _method_sensor(_snapshot(model, methods))
    assert state == MODEL  # the day ahead's
    assert attributes["hour_ahead_method"] == MODEL
    assert attributes["hour_ahead_method_in_use"] == hour.best_rule
    assert attributes["hour_ahead_reason"] == "rule_better_recently"
    assert attributes["day_ahead_reason"] == "held_out_best"
    words = json.loads(TRANSLATIONS.read_text())["entity"]["sensor"]["forecast_method"]
    reason = words["state_attributes"]["hour_ahead_reason"]["state"]["rule_better_recently"]
    assert "last 24 hours" in reason
    assert "last 4" in reason


def _publishing(model: PowerModel, method: str, **choice: Any) -> PowerModel:
    """The model with `method` published in both groups, with those fields of its choice."""
    groups = {name: replace(c, method=method, **choice) for name, c in model.groups.items()}
    return replace(model, methods=(method,) * 24, groups=groups)


def test_a_mean_of_two_rules_names_both_rules(model: PowerModel) -> None:
    paired = _publishing(
        model, RULE_PAIR_MEAN, best_rule="persistence_168h", paired_rule="hour_of_week_mean"
    )
    state, attributes = _method_sensor(_snapshot(paired, [RULE_PAIR_MEAN] * 24))
    assert state == RULE_PAIR_MEAN
    assert attributes["day_ahead_best_rule"] == "persistence_168h"
    assert attributes["day_ahead_paired_rule"] == "hour_of_week_mean"
    assert attributes["day_ahead_reason"] == "held_out_best"
    words = json.loads(TRANSLATIONS.read_text())["entity"]["sensor"]["forecast_method"]
    assert words["state"][RULE_PAIR_MEAN] == "Mean of two rules"
    paired_rule = words["state_attributes"]["day_ahead_paired_rule"]["state"]["hour_of_week_mean"]
    assert paired_rule == "Weekly profile"
    # A single method names no second rule (the frontend showed the empty one as "Unknown").
    _, attributes = _method_sensor(_snapshot(model, list(model.methods)))
    assert "day_ahead_paired_rule" not in attributes


def test_a_mix_names_its_learned_method_and_weight(model: PowerModel) -> None:
    """A mix of a learned method and the best rule says which one and how much of it."""
    mixed = _publishing(
        model,
        LEARNED_RULE_MIX,
        best_rule="median_by_hour",
        paired_learned="model_week_blend",
        learned_weight=0.6234,
    )
    state, attributes = _method_sensor(_snapshot(mixed, [LEARNED_RULE_MIX] * 24))
    assert state == LEARNED_RULE_MIX
    assert attributes["day_ahead_best_rule"] == "median_by_hour"
    assert attributes["day_ahead_mixed_method"] == "model_week_blend"
    assert attributes["day_ahead_learned_weight_percent"] == 62.3
    assert attributes["hour_ahead_learned_weight_percent"] == 62.3
    # Not "it did best held out": the weeks could not tell the two apart.
    assert attributes["day_ahead_reason"] == attributes["hour_ahead_reason"] == "weeks_unsure"
    sensors = json.loads(TRANSLATIONS.read_text())["entity"]["sensor"]
    reason = sensors["forecast_skill"]["state_attributes"]["day_ahead_reason"]["state"]
    assert "could not tell the learned method from the best rule" in reason["weeks_unsure"]
    words = json.loads(TRANSLATIONS.read_text())["entity"]["sensor"]["forecast_method"]
    mixed_name = words["state_attributes"]["day_ahead_mixed_method"]["state"]["model_week_blend"]
    assert mixed_name == "Model + weekly"
    # A method alone names no learned partner, even where the fit kept one aside.
    alone = {name: replace(choice, method=MODEL) for name, choice in mixed.groups.items()}
    _, attributes = _method_sensor(_snapshot(replace(mixed, groups=alone), [MODEL] * 24))
    assert "day_ahead_mixed_method" not in attributes
    assert "day_ahead_learned_weight_percent" not in attributes
