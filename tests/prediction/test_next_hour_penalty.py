"""The next hour leans on recent power: its calendar and weather inputs are penalised harder."""

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import fit_power_model, linear
from custom_components.py_iot_home.prediction.history import HourlyHistory, to_grid
from custom_components.py_iot_home.prediction.walk_forward import MODEL

TRAIN_DAYS = 21
TEST_DAYS = 14


def _drifting_level_home(seed: int) -> pd.DataFrame:
    """A load whose level drifts for hours (the last hours tell the next), under a weather
    that wanders without moving it: three weeks give each hour of day 21 rows, from which
    the next hour's weather and calendar inputs can only learn noise."""
    rng = np.random.default_rng(seed)
    days = TRAIN_DAYS + TEST_DAYS
    index = pd.date_range("2026-01-05", periods=days * 24, freq="h", tz="Europe/Brussels")
    hour = index.hour.to_numpy()
    level = np.zeros(len(index))
    shocks = rng.normal(0, 0.1, len(index))
    for t in range(1, len(index)):
        level[t] = 0.95 * level[t - 1] + shocks[t]
    profile = 200 + 150 * np.exp(-(((hour - 19) / 3.0) ** 2))
    power = profile * np.exp(level) * rng.lognormal(0, 0.05, len(index))
    daily = 8 + np.cumsum(rng.normal(0, 2.5, days)).clip(-14, 14)
    temperature = np.repeat(daily, 24) + 4 * np.sin((hour - 9) / 24 * 2 * np.pi)
    return pd.DataFrame(
        {"power_w": power, "temperature": temperature, "humidity": np.nan}, index=index
    )


def _model_errors(home: pd.DataFrame) -> tuple[float, np.ndarray]:
    """The model's own next-hour MAE over the test days, and its coefficients."""
    train = TRAIN_DAYS * 24
    model = fit_power_model(home.iloc[:train], weather_forecast=True)
    grid = to_grid(HourlyHistory.from_frame(home))
    origins = np.arange(train - 1, len(home) - 1)
    forecast = model.predict_rows(grid, origins, np.ones(len(origins), np.int64), [MODEL] * 24)
    actual = home["power_w"].to_numpy()[origins + 1]
    return float(np.mean(np.abs(forecast - actual))), model.linear.coef


def test_the_next_hour_errs_less_when_its_calendar_and_weather_are_penalised_harder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Eight such homes, two test weeks each: 2.3 % less next-hour error summed (193.0 W
    against 197.5 W; seeds 0-7 one by one -0.4 to +9.8 %); hours 2-24 are fitted as before."""
    homes = [_drifting_level_home(seed) for seed in range(8)]
    penalised = [_model_errors(home) for home in homes]
    monkeypatch.setattr(linear, "NEXT_HOUR_CONTEXT_PENALTY", 1.0, raising=False)
    as_the_others = [_model_errors(home) for home in homes]
    ours = sum(mae for mae, _ in penalised)
    before = sum(mae for mae, _ in as_the_others)
    assert ours < 0.99 * before
    for (_, coef), (_, plain) in zip(penalised, as_the_others, strict=True):
        np.testing.assert_array_equal(coef[1:], plain[1:])
