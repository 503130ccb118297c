"""Recent-level features: what the last hours usually are, and their range today."""

import numpy as np
import pandas as pd

from custom_components.py_iot_home.prediction.features import FEATURE_NAMES, feature_rows
from custom_components.py_iot_home.prediction.history import to_grid


def home(power: np.ndarray) -> pd.DataFrame:
    index = pd.date_range("2026-03-02", periods=len(power), freq="h", tz="Europe/Brussels")
    return pd.DataFrame({"power_w": power, "temperature": 5.0}, index=index)


def column(rows: np.ndarray, name: str) -> float:
    return float(rows[0, FEATURE_NAMES.index(name)])


def test_a_day_running_high_shows_against_its_usual_level() -> None:
    # Ten days of 100 + hour W; the last six hours of the last day run at twice that.
    profile = 100.0 + np.arange(24.0)
    power = np.tile(profile, 10)
    power[-6:] *= 2
    rows = feature_rows(
        to_grid(home(power)),
        np.array([len(power) - 1]),
        np.array([1]),
        forecast=False,
    )
    # The last hour is 23:00: usually 123 W, 121-123 W for the last three hours.
    assert column(rows, "typical_at_last") == np.log1p(123.0)
    assert column(rows, "typical_last_3h") == np.log1p(122.0)
    assert column(rows, "power_min_6h") == np.log1p(2 * 118.0)
    assert column(rows, "power_max_6h") == np.log1p(2 * 123.0)
    assert column(rows, "power_last") == np.log1p(2 * 123.0)


def test_a_gap_over_the_last_hours_takes_the_ensemble() -> None:
    power = np.tile(100.0 + np.arange(24.0), 10)
    power[-7:-1] = np.nan
    rows = feature_rows(
        to_grid(home(power)),
        np.array([len(power) - 2]),
        np.array([1]),
        forecast=False,
    )
    ensemble = column(rows, "persistence_ensemble")
    assert ensemble == np.log1p(123.0)
    assert column(rows, "power_min_6h") == ensemble
    assert column(rows, "power_max_6h") == ensemble
