import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import (
    BASELINES,
    FEATURE_NAMES,
    HourlyHistory,
    NotEnoughHistoryError,
    PowerModel,
    fit_power_model,
    minimum_history_hours,
)
from custom_components.py_iot_home.prediction.features import feature_rows, to_grid
from custom_components.py_iot_home.prediction.model import forest_predict

from .conftest import TRAIN_HOURS

REPO = Path(__file__).parents[2]


def mae(predicted: np.ndarray, actual: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(predicted) - actual)))


def test_fit_reports_scores(trained: PowerModel) -> None:
    assert trained.feature_names == FEATURE_NAMES
    assert trained.training_rows > 20 * TRAIN_HOURS
    assert trained.holdout_hours == 168
    assert trained.missing_hours == 0
    assert 0 < trained.mae_w < 400
    assert 0 < trained.r2 < 1
    assert trained.trained_at.tzinfo is not None


def test_predict_shape_and_plausibility(trained: PowerModel, hourly: pd.DataFrame) -> None:
    history = hourly.iloc[:TRAIN_HOURS]
    forecast = trained.predict(history)
    assert len(forecast) == 24
    observed = history["power_w"]
    assert all(observed.min() * 0.5 <= value <= observed.max() for value in forecast)
    # The daily shape is learned: the night is lower than the evening.
    assert np.mean(forecast[1:5]) < np.mean(forecast[17:21])
    assert len(trained.predict(history, hours=3)) == 3
    with pytest.raises(ValueError, match=r"1\.\.24"):
        trained.predict(history, hours=25)


def test_beats_median_by_hour_on_held_out_days(trained: PowerModel, hourly: pd.DataFrame) -> None:
    power = hourly["power_w"]
    actual = power.to_numpy(float)[TRAIN_HOURS:]
    targets = np.arange(TRAIN_HOURS, len(hourly))
    grid = to_grid(hourly)
    hour_ahead = trained.predict_rows(
        feature_rows(grid, targets - 1, np.ones(len(targets), dtype=np.int64))
    )
    median_hour = [BASELINES["median_by_hour"](power.iloc[:t], 1)[0] for t in targets]
    assert mae(hour_ahead, actual) < 0.9 * mae(np.array(median_hour), actual)

    day_ahead: list[float] = []
    median_day: list[float] = []
    for start in range(TRAIN_HOURS, len(hourly), 24):
        day_ahead += trained.predict(hourly.iloc[:start])
        median_day += list(BASELINES["median_by_hour"](power.iloc[:start], 24))
    assert mae(np.array(day_ahead), actual) < mae(np.array(median_day), actual)


def test_gaps_are_counted_and_tolerated(hourly: pd.DataFrame) -> None:
    history = hourly.iloc[:TRAIN_HOURS].copy()
    history.loc[history.index[100:130], "power_w"] = np.nan
    history = history.drop(history.index[300:340])
    history.loc[history.index[500:520], "humidity"] = np.nan
    model = fit_power_model(history, random_state=0)
    assert model.missing_hours == 70
    # The last hour itself missing still gives a forecast for the hours after it.
    gappy_end = history.copy()
    gappy_end.loc[gappy_end.index[-3:], "power_w"] = np.nan
    forecast = model.predict(gappy_end)
    assert len(forecast) == 24
    assert np.all(np.isfinite(forecast))


def test_not_enough_history_says_how_much_more(hourly: pd.DataFrame) -> None:
    needed = minimum_history_hours()
    history = hourly.iloc[: needed - 10]
    with pytest.raises(NotEnoughHistoryError, match="10 more hours") as caught:
        fit_power_model(history)
    assert caught.value.hours_missing == 10
    assert caught.value.needed_hours == needed


def test_minimum_history_is_enough(hourly: pd.DataFrame) -> None:
    model = fit_power_model(hourly.iloc[: minimum_history_hours()], random_state=0)
    assert len(model.predict(hourly.iloc[: minimum_history_hours()])) == 24


def test_same_random_state_same_model(hourly: pd.DataFrame) -> None:
    history = hourly.iloc[: 21 * 24]
    first = fit_power_model(history, random_state=0)
    again = fit_power_model(history, random_state=0)
    assert again.predict(history) == first.predict(history)
    assert again.mae_w == first.mae_w
    other = fit_power_model(history, random_state=1)
    assert other.predict(history) != first.predict(history)


def test_forecast_weather_is_used(trained: PowerModel, hourly: pd.DataFrame) -> None:
    history = HourlyHistory.from_frame(hourly.iloc[:TRAIN_HOURS])
    future = pd.date_range(history.index[-1], periods=25, freq="h")[1:]
    grid = to_grid(history)
    carried = trained.predict(history)
    same = pd.DataFrame(
        {"temperature": grid.temperature[-24:], "humidity": grid.humidity[-24:]}, index=future
    )
    assert trained.predict(history, same) == carried
    hot = same.assign(temperature=same["temperature"] + 8)
    assert trained.predict(history, hot) != carried


def test_fast_forest_path_matches_sklearn(trained: PowerModel, hourly: pd.DataFrame) -> None:
    grid = to_grid(hourly)
    origins = np.arange(200, 260, dtype=np.int64)
    rows = feature_rows(grid, origins, np.full(len(origins), 5, dtype=np.int64))
    rows[::7, 6] = np.nan
    np.testing.assert_allclose(
        forest_predict(trained.day_ahead, rows), trained.day_ahead.predict(rows), rtol=1e-12
    )


def test_importing_does_not_import_sklearn() -> None:
    code = (
        "import sys; sys.path.insert(0, 'custom_components/py_iot_home');"
        "import prediction;"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'sklearn'], 'sklearn';"
        "assert 'homeassistant' not in sys.modules, 'homeassistant'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_history_across_the_autumn_clock_change(hourly: pd.DataFrame) -> None:
    """Brussels time repeats 02:00-03:00 on 2026-10-25: flooring must not be ambiguous."""
    shifted = hourly.copy()
    shifted.index = pd.date_range(
        start="2026-10-10 00:00", periods=len(hourly), freq="h", tz="UTC"
    ).tz_convert("Europe/Brussels")
    model = fit_power_model(shifted.iloc[: 20 * 24], holdout_hours=48)
    forecast = model.predict(shifted.iloc[: 20 * 24])
    assert len(forecast) == 24
    assert all(value >= 0 for value in forecast)
