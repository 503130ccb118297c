import numpy as np
import pandas as pd
import pytest

from bench.prediction_baselines import BASELINES


def series(values: list[float], start: str = "2024-01-01 00:00") -> pd.Series:
    index = pd.date_range(start, periods=len(values), freq="h", tz="UTC")
    return pd.Series(values, index=index, dtype=float)


def test_registry_names() -> None:
    assert set(BASELINES) == {
        "persistence_1h",
        "persistence_24h",
        "persistence_168h",
        "hour_of_week_mean",
        "median_by_hour",
        "persistence_ensemble",
    }


def test_persistence_1h_repeats_last_observed() -> None:
    history = series([1.0, 2.0, 3.0, np.nan])
    np.testing.assert_array_equal(BASELINES["persistence_1h"](history, 3), [3.0, 3.0, 3.0])


def test_persistence_24h_uses_yesterday() -> None:
    history = series([float(h) for h in range(48)])
    np.testing.assert_array_equal(BASELINES["persistence_24h"](history, 24), np.arange(24, 48))
    with pytest.raises(ValueError, match=r"1\.\.24"):
        BASELINES["persistence_24h"](history, 30)


def test_persistence_168h_falls_back_when_too_short() -> None:
    history = series([float(h) for h in range(170)])
    np.testing.assert_array_equal(BASELINES["persistence_168h"](history, 3), [2.0, 3.0, 4.0])
    short = series([5.0, 7.0])
    np.testing.assert_array_equal(BASELINES["persistence_168h"](short, 2), [7.0, 7.0])


def test_median_by_hour() -> None:
    day = [10.0] * 24
    values = day + [v + 1 for v in day] + [v + 100 for v in day]
    values[24 + 5] = 500.0
    forecast = BASELINES["median_by_hour"](series(values), 24)
    expected = np.full(24, 11.0)
    expected[5] = 110.0
    np.testing.assert_array_equal(forecast, expected)


def test_median_by_hour_looks_back_28_days() -> None:
    # 28 days at 10 W after 10 days at 1000 W: the old days are out of the window.
    values = [1000.0] * (10 * 24) + [10.0] * (28 * 24)
    np.testing.assert_array_equal(BASELINES["median_by_hour"](series(values), 24), 10.0)


def test_hour_of_week_mean() -> None:
    # Two weeks: the second one 10 W higher; the forecast is the mean of both.
    week = [float(h % 24) for h in range(168)]
    values = week + [v + 10 for v in week]
    forecast = BASELINES["hour_of_week_mean"](series(values), 5)
    np.testing.assert_array_equal(forecast, [5.0, 6.0, 7.0, 8.0, 9.0])


def test_persistence_ensemble_is_the_mean_of_seven_days() -> None:
    # Day k (0..8) is k W at every hour: the last seven days are 2..8, mean 5.
    values = [float(day) for day in range(9) for _ in range(24)]
    np.testing.assert_array_equal(BASELINES["persistence_ensemble"](series(values), 24), 5.0)


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_gapped_history_gives_finite_forecast(name: str) -> None:
    history = series([float(h % 24) for h in range(24 * 10)]).drop(
        pd.date_range("2024-01-05", periods=30, freq="h", tz="UTC")
    )
    forecast = BASELINES[name](history, 24)
    assert forecast.shape == (24,)
    assert np.all(np.isfinite(forecast))
