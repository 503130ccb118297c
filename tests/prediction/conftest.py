"""Fixtures for the power-prediction tests: a real 56-day hourly slice (see tests/data)."""

from pathlib import Path

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
    return fit_power_model(hourly.iloc[:TRAIN_HOURS], random_state=0)
