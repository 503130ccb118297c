"""Fixtures for the power-prediction tests: a real 56-day hourly slice and a heated home."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import PowerModel, fit_power_model

SLICE = Path(__file__).parents[1] / "data" / "uci_appliances_hourly_56d.csv"
TRAIN_HOURS = 42 * 24


@pytest.fixture(scope="session")
def hourly() -> pd.DataFrame:
    """56 days of hourly power (W), temperature and humidity, Brussels time."""
    frame = pd.read_csv(SLICE, parse_dates=["time"]).set_index("time")
    frame.index = pd.DatetimeIndex(frame.index).tz_localize("Europe/Brussels")
    return frame


@pytest.fixture(scope="session")
def trained(hourly: pd.DataFrame) -> PowerModel:
    """A model fitted on the first 42 days."""
    return fit_power_model(hourly.iloc[:TRAIN_HOURS])


@pytest.fixture(scope="session")
def trained_on_all(hourly: pd.DataFrame) -> PowerModel:
    """A model fitted on all 56 days (a fit is deterministic: test_same_history_same_model)."""
    return fit_power_model(hourly)


def heated_home(days: int = 56, seed: int = 0) -> pd.DataFrame:
    """A made-up home with electric heating: 80 W per degree below 16 °C, mostly by day.

    Outdoor temperature follows weather fronts (a random walk of daily means) plus a daily
    swing, so yesterday's power says little about a day that is 6 °C colder.
    """
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-01-05", periods=days * 24, freq="h", tz="Europe/Brussels")
    daily_mean = 8 + np.cumsum(rng.normal(0, 2.5, days)).clip(-14, 14)
    hour = index.hour.to_numpy()
    temperature = np.repeat(daily_mean, 24) + 4 * np.sin((hour - 9) / 24 * 2 * np.pi)
    occupied = np.where((hour >= 7) & (hour <= 22), 1.0, 0.4)
    base = 150 + 250 * np.exp(-(((hour - 19) / 2.5) ** 2))
    heating = 80 * np.clip(16 - temperature, 0, None) * occupied
    power = (base + heating) * rng.lognormal(0, 0.08, len(index))
    return pd.DataFrame(
        {"power_w": power, "temperature": temperature, "humidity": np.nan}, index=index
    )


def shop_closed_on_sundays(days: int = 88, seed: int = 0) -> pd.DataFrame:
    """A made-up shop: open 08:00-20:00 on weekdays, 08:00-14:00 on Saturdays, closed on Sundays.

    Open, it draws 6 kW plus a little cooling; closed, 1.5 kW. Saturday and Sunday differ
    most in the morning, where one weekend correction per block of hours is half right.
    """
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-04-06", periods=days * 24, freq="h", tz="Europe/Brussels")
    hour = index.hour.to_numpy()
    weekday = index.dayofweek.to_numpy()
    daily_mean = 16 + np.cumsum(rng.normal(0, 1.0, days)).clip(-8, 10)
    temperature = np.repeat(daily_mean, 24) + 5 * np.sin((hour - 9) / 24 * 2 * np.pi)
    closing = np.select([weekday < 5, weekday == 5], [20, 14], 0)
    open_now = (hour >= 8) & (hour < closing)
    cooling = 50 * np.clip(temperature - 18, 0, None)
    power = np.where(open_now, 6000 + cooling, 1500) * rng.lognormal(0, 0.06, len(index))
    return pd.DataFrame(
        {"power_w": power, "temperature": temperature, "humidity": np.nan}, index=index
    )
