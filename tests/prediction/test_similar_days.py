"""Similar days: the same hour of the recent days whose temperature came closest."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from bench.prediction_baselines import BASELINES
from custom_components.py_iot_home.prediction import PowerModel, fit_power_model
from custom_components.py_iot_home.prediction.export import model_from_bytes, model_to_bytes
from custom_components.py_iot_home.prediction.history import HOURS_PER_DAY, to_grid
from custom_components.py_iot_home.prediction.rules import LOOKBACK_HOURS, median_by_hour
from custom_components.py_iot_home.prediction.similar_days import (
    SIMILAR_DAYS,
    similar_days_median,
    trailing_mean_24h,
)

from .conftest import TRAIN_HOURS


def season_turning_home(seed: int, train_days: int = 56, test_days: int = 14) -> pd.DataFrame:
    """A made-up home with electric heating whose kind of day follows the day's temperature.

    As VDI 4655's reference profiles: a heating day (the day's mean below 10 °C) and a mild
    day, each with a fixed profile, Sundays their own, plus a little noise. For `train_days`
    the season turns (days either side of 10 °C, the kind changes every other day or so),
    then it settles cold.
    """
    rng = np.random.default_rng(seed)
    days = train_days + test_days
    index = pd.date_range("2026-01-05", periods=days * 24, freq="h", tz="Europe/Brussels")
    hour = index.hour.to_numpy()
    daily_mean = np.concatenate(
        (10 + rng.normal(0, 4, train_days), 2 + rng.normal(0, 1.5, test_days))
    )
    temperature = np.repeat(daily_mean, 24) + 3 * np.sin((hour - 9) / 24 * 2 * np.pi)
    morning = np.exp(-(((hour - 7) / 1.5) ** 2))
    midday = np.exp(-(((hour - 12) / 2.0) ** 2))
    evening = np.exp(-(((hour - 19) / 2.0) ** 2))
    sunday = np.repeat(index[::24].dayofweek.to_numpy() == 6, 24)
    heating = np.where(
        sunday, 2000 + 1500 * midday + 1000 * evening, 1500 + 1500 * morning + 1800 * evening
    )
    mild = np.where(sunday, 500 + 800 * midday, 600 + 300 * morning + 900 * evening)
    power = np.where(np.repeat(daily_mean < 10, 24), heating, mild)
    power = power * rng.lognormal(0, 0.05, len(index))
    return pd.DataFrame(
        {"power_w": power, "temperature": temperature, "humidity": np.nan}, index=index
    )


def test_the_trailing_mean_is_pandas_rolling_mean() -> None:
    rng = np.random.default_rng(1)
    temperature = rng.normal(8, 5, 200)
    temperature[[3, 50, 51, 52]] = np.nan
    expected = pd.Series(temperature).rolling(24, min_periods=1).mean().to_numpy()
    np.testing.assert_allclose(trailing_mean_24h(temperature), expected, rtol=1e-12)


def _two_kinds_of_day(days: int) -> pd.DataFrame:
    """Cold days (2 °C) draw 2000 W at every hour, mild days (12 °C) 500 W; they alternate
    in runs of three, so each kind has at least seven of the last 28 days."""
    index = pd.date_range("2026-03-02", periods=days * 24, freq="h", tz="UTC")
    cold = (np.arange(days) // 3) % 2 == 0
    power = np.repeat(np.where(cold, 2000.0, 500.0), 24)
    temperature = np.repeat(np.where(cold, 2.0, 12.0), 24)
    return pd.DataFrame({"power_w": power, "temperature": temperature}, index=index)


def test_the_hours_of_days_like_the_target_are_taken() -> None:
    grid = to_grid(_two_kinds_of_day(40))
    origins = np.full(24, 40 * 24 - 1, dtype=np.int64)
    horizons = np.arange(1, 25, dtype=np.int64)
    # A cold day forecast: the hours whose last 24 h were all cold (2 °C) drew 2000 W.
    cold = similar_days_median(grid, origins, horizons, np.full(24, 2.0))
    mild = similar_days_median(grid, origins, horizons, np.full(24, 12.0))
    np.testing.assert_array_equal(cold, 2000.0)
    np.testing.assert_array_equal(mild, 500.0)


def test_without_a_temperature_it_is_the_hourly_median() -> None:
    frame = _two_kinds_of_day(40)
    frame.loc[frame.index[-5 * 24 :], "power_w"] += np.arange(5 * 24)  # an uneven median
    grid = to_grid(frame)
    origins = np.full(24, 40 * 24 - 1, dtype=np.int64)
    horizons = np.arange(1, 25, dtype=np.int64)
    unknown = similar_days_median(grid, origins, horizons, np.full(24, np.nan))
    np.testing.assert_allclose(unknown, median_by_hour(grid, origins, horizons))
    no_weather = to_grid(frame.assign(temperature=np.nan))
    given = similar_days_median(no_weather, origins, horizons, np.full(24, 2.0))
    np.testing.assert_allclose(given, median_by_hour(no_weather, origins, horizons))


@pytest.mark.parametrize("seed", [0, 1])
def test_after_the_season_turns_the_day_ahead_is_not_worse_than_a_rule(seed: int) -> None:
    """Fitted on the 56 turning days, forecast from each of the 14 settled midnights with the
    weather forecast: the similar days are published and beat every rule on those days.

    Without them the model was published (it led the rules on the turning weeks) and erred
    2-4x the best rule once the season settled (1344 W against 322 W with seed 0). On other
    seeds of this home the model still wins the weeks and errs so: a model extrapolating
    after the season turns is not solved here (docs/prediction-lab.md, *Similar days*).
    """
    frame = season_turning_home(seed)
    train = 56 * HOURS_PER_DAY
    model = fit_power_model(frame.iloc[:train], weather_forecast=True)
    assert model.groups["day_ahead"].method == SIMILAR_DAYS
    published: list[float] = []
    rules: dict[str, list[float]] = {name: [] for name in BASELINES}
    for origin in range(train, len(frame), HOURS_PER_DAY):
        history = frame.iloc[origin - LOOKBACK_HOURS : origin]
        future = frame.iloc[origin : origin + HOURS_PER_DAY]
        published += model.forecast(history, future[["temperature"]]).power_w
        for name, baseline in BASELINES.items():
            rules[name] += list(baseline(history["power_w"], HOURS_PER_DAY))
    actual = frame["power_w"].to_numpy()[train:]
    ours = float(np.mean(np.abs(np.array(published) - actual)))
    best_rule = min(float(np.mean(np.abs(np.array(v) - actual))) for v in rules.values())
    assert ours < best_rule


def test_published_similar_days_survive_saving(trained: PowerModel, hourly: pd.DataFrame) -> None:
    groups = {name: replace(c, method=SIMILAR_DAYS) for name, c in trained.groups.items()}
    similar = replace(trained, methods=(SIMILAR_DAYS,) * 24, groups=groups)
    history = hourly.iloc[: TRAIN_HOURS + 24 * 3]
    forecast = similar.forecast(history)
    assert forecast.methods == [SIMILAR_DAYS] * 24
    # Without a weather forecast the target's 24 h mean is the one up to the last hour.
    grid = to_grid(history)
    origins = np.full(24, grid.observed_end - 1, dtype=np.int64)
    known_mean = np.full(24, trailing_mean_24h(grid.temperature)[grid.observed_end - 1])
    by_hand = similar_days_median(grid, origins, np.arange(1, 25, dtype=np.int64), known_mean)
    np.testing.assert_allclose(forecast.power_w, by_hand, rtol=1e-12)
    loaded = model_from_bytes(model_to_bytes(similar))
    assert loaded.forecast(history).power_w == pytest.approx(forecast.power_w, rel=1e-12)
