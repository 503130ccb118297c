"""The next hour carries part of the model's miss on the hour just past."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import PowerModel, fit_power_model
from custom_components.py_iot_home.prediction.history import HourlyHistory, to_grid
from custom_components.py_iot_home.prediction.residual_carry import (
    MAX_CARRY,
    MIN_PAIRS,
    NextHourRows,
    fitted_carry,
    last_hour_miss,
)
from custom_components.py_iot_home.prediction.rules import LOOKBACK_HOURS
from custom_components.py_iot_home.prediction.walk_forward import MODEL

from .conftest import TRAIN_HOURS


def _ar1(phi: float, hours: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = np.zeros(hours)
    for t in range(1, hours):
        values[t] = phi * values[t - 1] + rng.normal()
    return values


def test_the_carry_is_the_lag_one_regression_of_the_residuals() -> None:
    residuals = _ar1(0.4, 2000)
    targets = np.arange(2000)
    expected = np.polyfit(residuals[:-1], residuals[1:], 1)[0]
    assert abs(expected - 0.4) < 0.06
    assert np.isclose(fitted_carry(targets, residuals), expected)
    shuffled = np.random.default_rng(1).permutation(2000)
    assert np.isclose(fitted_carry(targets[shuffled], residuals[shuffled]), expected)


def test_only_consecutive_known_hours_pair_up() -> None:
    residuals = _ar1(0.6, 1000)
    # Every other hour missing or absent: no two residuals are an hour apart.
    assert fitted_carry(np.arange(0, 2000, 2), residuals) == 0.0
    gappy = residuals.copy()
    gappy[1::2] = np.nan
    assert fitted_carry(np.arange(1000), gappy) == 0.0


def test_a_carry_from_too_few_hours_or_against_the_miss_is_none() -> None:
    short = _ar1(0.6, MIN_PAIRS)  # MIN_PAIRS - 1 pairs
    assert fitted_carry(np.arange(MIN_PAIRS), short) == 0.0
    alternating = _ar1(-0.5, 2000)
    assert fitted_carry(np.arange(2000), alternating) == 0.0
    random_walk = np.cumsum(np.random.default_rng(2).normal(size=2000))
    assert fitted_carry(np.arange(2000), random_walk) <= MAX_CARRY


def test_the_last_hour_miss_is_its_actual_against_the_forecast_for_it() -> None:
    index = pd.date_range("2026-01-05", periods=6, freq="h", tz="UTC")
    power = np.array([10.0, 20.0, np.nan, 40.0, 50.0, 60.0])
    grid = to_grid(
        HourlyHistory.from_frame(
            pd.DataFrame({"power_w": power, "temperature": 5.0, "humidity": np.nan}, index=index)
        )
    )
    forecast = np.log1p(np.array([30.0, 30.0, 30.0, np.nan, 25.0]))
    miss = last_hour_miss(grid, np.array([0, 1, 2, 3, 4]), forecast)
    # Hour 0 has no hour before it, hour 2 no reading, hour 3 no forecast.
    np.testing.assert_allclose(miss, [0.0, np.log(21 / 31), 0.0, 0.0, np.log(51 / 26)])


def _drifting_home(days: int = 74, seed: int = 0, noise_sd: float = 0.02) -> pd.DataFrame:
    """A load whose level drifts with momentum around its daily profile.

    The deviation from the usual level (log scale) keeps its direction for hours (an AR(2)
    with a double root at 0.9, as a load through a warming afternoon): the last two hours
    read where it is, not where it is heading, so the model's own next-hour misses run in
    the same direction from one hour to the next. The less `noise_sd` (each hour's own
    noise) hides the drift, the more they do: a carry of about 0.4 at 0.02, 0.7 at 0.005.
    """
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-01-05", periods=days * 24, freq="h", tz="Europe/Brussels")
    hour = index.hour.to_numpy()
    evening = 300 * np.exp(-(((hour - 19) / 3.0) ** 2))
    morning = 150 * np.exp(-(((hour - 8) / 1.5) ** 2))
    drift = np.zeros(len(index))
    shocks = rng.normal(0, 0.03, len(index))
    for t in range(2, len(index)):
        drift[t] = 1.8 * drift[t - 1] - 0.81 * drift[t - 2] + shocks[t]
    noise = rng.normal(0, noise_sd, len(index))
    power = np.exp(np.log(200 + evening + morning) + drift + noise)
    return pd.DataFrame({"power_w": power, "temperature": 8.0, "humidity": np.nan}, index=index)


@pytest.fixture(scope="module")
def smooth_drifting_home() -> tuple[pd.DataFrame, PowerModel]:
    """74 days of a drift its noise hides little, and the model of their first 60 (read only)."""
    home = _drifting_home(days=60 + 14, noise_sd=0.005)
    return home, fit_power_model(home.iloc[: 60 * 24])


def test_the_next_hour_forecast_gains_from_the_carry_on_a_drifting_load() -> None:
    home = _drifting_home()
    train = 60 * 24
    model = fit_power_model(home.iloc[:train])
    assert model.next_hour_carry > 0.2
    without = replace(model, next_hour_carry=0.0)
    grid = to_grid(HourlyHistory.from_frame(home))
    origins = np.arange(train - 1, len(home) - 1)
    ones = np.ones(len(origins), dtype=np.int64)
    actual = home["power_w"].to_numpy()[origins + 1]
    carried = model.predict_rows(grid, origins, ones, [MODEL] * 24)
    plain = without.predict_rows(grid, origins, ones, [MODEL] * 24)
    # Seeds 0-4 gain 4.9-20 % over the two test weeks.
    assert np.mean(np.abs(carried - actual)) < 0.97 * np.mean(np.abs(plain - actual))
    # Hours after the next are not touched.
    later = np.full(len(origins), 5, dtype=np.int64)
    np.testing.assert_array_equal(
        model.predict_rows(grid, origins, later, [MODEL] * 24),
        without.predict_rows(grid, origins, later, [MODEL] * 24),
    )


def test_a_smooth_drifting_load_gains_an_hour_ahead_and_its_band_still_covers_80_percent(
    smooth_drifting_home: tuple[pd.DataFrame, PowerModel],
) -> None:
    """Two held-out weeks of hour-ahead forecasts, as published (the guard, the band).

    A load whose drift its noise hides little, like a regional demand: its next-hour misses
    correlate at about 0.7. Skill over `persistence_1h` with the carry 0.81 (seeds 0-5:
    0.80-0.82), without it 0.75 (0.67-0.75). A band still drawn from the folds' plain errors
    covered 96 % (91-99 %); from their carried errors 83 % (79-86 %).
    """
    home, model = smooth_drifting_home
    train = 60 * 24
    assert model.next_hour_carry > 0.5
    power = home["power_w"].to_numpy()
    forecasts = [
        model.forecast(home.iloc[t - LOOKBACK_HOURS : t], hours=1) for t in range(train, len(home))
    ]
    ours = np.array([f.power_w[0] for f in forecasts])
    low = np.array([f.low_w[0] for f in forecasts])
    high = np.array([f.high_w[0] for f in forecasts])
    actual = power[train:]
    last_hour = power[train - 1 : -1]
    assert np.mean(np.abs(ours - actual)) < 0.22 * np.mean(np.abs(last_hour - actual))
    assert 0.75 <= np.mean((low <= actual) & (actual <= high)) <= 0.85


def test_a_forecast_moves_its_next_hour_by_the_carry_of_the_last_miss(
    trained: PowerModel, hourly: pd.DataFrame
) -> None:
    plain = replace(trained, next_hour_carry=0.0, methods=(MODEL,) * 24)
    carrying = replace(plain, next_hour_carry=0.5)
    history = hourly.iloc[: TRAIN_HOURS + 30].copy()
    history.iloc[-1, history.columns.get_loc("power_w")] *= 3.0  # a last hour far above
    # What the model forecast for the last hour, an hour before it, and what came.
    before = plain.forecast(history.iloc[:-1], hours=1)
    assert before.methods == [MODEL]
    miss = np.log1p(history["power_w"].iloc[-1]) - np.log1p(before.power_w[0])
    assert miss > 0.5
    without, carried = plain.forecast(history), carrying.forecast(history)
    assert carried.methods[0] == without.methods[0] == MODEL
    assert np.log1p(carried.power_w[0]) - np.log1p(without.power_w[0]) == pytest.approx(0.5 * miss)
    assert carried.power_w[1:] == without.power_w[1:]


def test_the_folds_choose_the_ridge_on_plain_errors_and_the_method_on_carried_ones(
    monkeypatch: pytest.MonkeyPatch, smooth_drifting_home: tuple[pd.DataFrame, PowerModel]
) -> None:
    """The choice and the band see the next hour as published; the ridge strength does not.

    A carry fitted per fold moves each strength's errors by chance: chosen on them, the
    folds took other strengths and a UK home lost 0.47 % an hour ahead (docs, *Model*).
    """
    home = smooth_drifting_home[0].iloc[: 60 * 24]
    carried = smooth_drifting_home[1]
    rng = np.random.default_rng(5)
    # Next hours carried anyhow: the ridge strengths would rank at random on such errors
    # (with seeds 3 and 4 they happen to rank as on the plain ones; 5-7 do not).
    monkeypatch.setattr(
        NextHourRows,
        "carried",
        lambda self, linear, carry, grid, origins, horizons: (
            rng.normal(0, 1, len(origins)) * (horizons == 1)
        ),
    )
    np.testing.assert_array_equal(fit_power_model(home).linear.coef, carried.linear.coef)
    monkeypatch.setattr(
        NextHourRows,
        "carried",
        lambda self, linear, carry, grid, origins, horizons: np.zeros(len(origins)),
    )
    plain = fit_power_model(home)
    np.testing.assert_array_equal(carried.linear.coef, plain.linear.coef)
    assert carried.next_hour_carry == plain.next_hour_carry > 0.5
    hour, day = carried.groups["hour_ahead"], carried.groups["day_ahead"]
    assert hour.model_mae_w < 0.9 * plain.groups["hour_ahead"].model_mae_w
    assert day.model_mae_w == plain.groups["day_ahead"].model_mae_w
    width = carried.band[0, 1] - carried.band[0, 0]
    assert width < 0.9 * (plain.band[0, 1] - plain.band[0, 0])
    np.testing.assert_array_equal(carried.band[1:], plain.band[1:])
