"""The bench's plain tree yardstick and its CityLearn dataset's heat-pump electricity."""

import numpy as np
import pandas as pd
import pytest

from bench.prediction_data import cooling_cop
from bench.prediction_yardstick import Yardstick, YardstickData

from .conftest import heated_home


def test_cooling_cop_is_citylearns_carnot_estimate() -> None:
    outdoor = np.array([30.0, 18.0, 9.0, 8.0, 0.0])
    # 0.24 x (8 + 273.15) / (outdoor - 8), and 20 where that is above 20 or negative.
    expected = [0.24 * 281.15 / 22, 0.24 * 281.15 / 10, 20.0, 20.0, 20.0]
    np.testing.assert_allclose(cooling_cop(outdoor), expected)


ORIGIN = 25 * 24 - 1


@pytest.fixture(scope="module")
def home() -> pd.DataFrame:
    return heated_home(days=30)


@pytest.fixture(scope="module")
def tree(home: pd.DataFrame) -> Yardstick:
    return Yardstick.fit(YardstickData.from_frame(home), 0, ORIGIN + 1, forecast=True)


def test_yardstick_follows_the_temperature_it_is_given(home: pd.DataFrame, tree: Yardstick) -> None:
    data = YardstickData.from_frame(home)
    future = home["temperature"].to_numpy()[ORIGIN + 1 : ORIGIN + 25]
    mild = tree.predict(data, ORIGIN, 24, future)
    cold = tree.predict(data, ORIGIN, 24, future - 6)
    assert mild.shape == (24,)
    assert np.all(mild >= 0)
    # 80 W per degree below 16 °C, mostly by day: six degrees colder costs hundreds of W.
    assert np.mean(cold) > np.mean(mild) + 100
    actual = home["power_w"].to_numpy()[ORIGIN + 1 : ORIGIN + 25]
    assert np.mean(np.abs(mild - actual)) < np.mean(np.abs(actual - np.mean(actual)))


def test_yardstick_never_sees_the_hours_it_forecasts(home: pd.DataFrame, tree: Yardstick) -> None:
    hidden = home.copy()
    hidden.iloc[ORIGIN + 1 :, hidden.columns.get_loc("power_w")] = np.nan
    future = home["temperature"].to_numpy()[ORIGIN + 1 : ORIGIN + 25]
    seen = tree.predict(YardstickData.from_frame(home), ORIGIN, 24, future)
    data = YardstickData.from_frame(hidden)
    blind = Yardstick.fit(data, 0, ORIGIN + 1, forecast=True).predict(data, ORIGIN, 24, future)
    np.testing.assert_array_equal(seen, blind)


def test_yardstick_without_a_forecast_reads_yesterdays_temperature() -> None:
    index = pd.date_range("2026-01-05", periods=30 * 24, freq="h")
    frame = pd.DataFrame(
        {"power_w": 500.0, "temperature": np.arange(30 * 24, dtype=float)}, index=index
    )
    data = YardstickData.from_frame(frame)
    targets = np.array([100, 200])
    np.testing.assert_array_equal(data.known_temperature(targets, forecast=False), [76.0, 176.0])
    np.testing.assert_array_equal(data.known_temperature(targets, forecast=True), [100.0, 200.0])


def test_yardstick_with_too_few_rows_forecasts_nothing() -> None:
    data = YardstickData.from_frame(heated_home(days=20))
    # A day and ten hours: 45 (origin, horizon) rows, too few to fit a tree on.
    tree = Yardstick.fit(data, 0, 34, forecast=True)
    assert tree.model is None
    assert np.isnan(tree.predict(data, 33, 24, None)).all()
