"""The forecast keeps a home's clock across daylight-saving changes.

A home whose routine follows the clock: 07:00 local every day is its big hour. The rules
and lag features took "the same hour" as 24 (or 168) positions back on the UTC hour grid,
which after a clock change is another local hour: the day after, the peak was forecast at
08:00 (New York, spring) or 06:00 (London, autumn), and the 28-day median mixed both for
weeks. Now "the same hour yesterday" is the same clock time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import fit_power_model
from custom_components.py_iot_home.prediction.history import to_grid
from custom_components.py_iot_home.prediction.rules import RULES


def _routine_home(zone: str, end_local: str, days: int = 40) -> pd.DataFrame:
    """Hourly power ending at `end_local`: a 07:00 peak of varying height, random small loads."""
    rng = np.random.default_rng(1)
    end = pd.Timestamp(end_local, tz=zone).tz_convert("UTC")
    index = pd.date_range(
        end=end - pd.Timedelta(hours=1), periods=days * 24, freq="h", tz="UTC"
    ).tz_convert(zone)
    hour = index.hour.to_numpy()
    ordinals = np.array([day.toordinal() for day in index.date])
    heights = {day: rng.uniform(0.3, 1.7) for day in set(ordinals.tolist())}
    peak = 3000.0 * np.array([heights[day] for day in ordinals])
    power = np.where(hour == 7, peak, 300.0) + rng.exponential(150, len(index))
    return pd.DataFrame(
        {"power_w": power, "temperature": np.full(len(index), 10.0), "humidity": np.nan},
        index=index,
    )


@pytest.mark.parametrize(
    ("zone", "end_local"),
    [
        ("America/New_York", "2026-03-08T00:00"),  # spring forward at 02:00 that day
        ("America/New_York", "2026-03-09T00:00"),  # the day after
        ("Europe/London", "2026-10-25T00:00"),  # fall back at 02:00 that day
        ("America/New_York", "2026-03-11T00:00"),  # control: correct three days on
    ],
)
def test_the_forecast_peak_stays_at_the_local_hour(zone: str, end_local: str) -> None:
    frame = _routine_home(zone, end_local)
    model = fit_power_model(frame)
    forecast = model.forecast(frame)
    hours = pd.date_range(forecast.start, periods=24, freq="h")
    peak = hours[int(np.argmax(forecast.power_w))]
    assert peak.hour == 7, (
        f"peak forecast at {peak} ({forecast.methods[0]}), the home's peak is at 07:00"
    )


@pytest.mark.parametrize(
    ("zone", "day", "positions_back"),
    [
        ("Europe/London", "2026-03-29", 23),  # a 23-hour day: yesterday's 09:00 was GMT
        ("Europe/London", "2026-10-25", 25),  # a 25-hour day: yesterday's 09:00 was BST
        ("Europe/London", "2026-06-10", 24),
        ("Asia/Kathmandu", "2026-03-30", 24),  # +5:45, no clock change (hours at :45)
    ],
)
def test_yesterdays_hour_is_the_same_clock_time(zone: str, day: str, positions_back: int) -> None:
    """Power numbered by position: persistence-24h and the median of 28 days at 09:00 local
    read 09:00 of the days before, however many positions back that is."""
    index = pd.date_range(end=pd.Timestamp(f"{day}T12:00", tz=zone), periods=40 * 24, freq="h")
    frame = pd.DataFrame(
        {"power_w": np.arange(len(index), dtype=float), "temperature": 10.0}, index=index
    )
    grid = to_grid(frame)
    local = grid.index.tz_convert(zone)
    nine = int(np.flatnonzero((local.date == pd.Timestamp(day).date()) & (local.hour == 9))[0])
    origin, horizon = np.array([nine - 1]), np.array([1])
    (yesterday,) = RULES["persistence_24h"](grid, origin, horizon)
    assert local[int(yesterday)].hour == 9
    assert nine - yesterday == positions_back
    (median,) = RULES["median_by_hour"](grid, origin, horizon)
    # 28 days back from 09:00, each at 09:00: their positions' median, a whole number or .5.
    days_ago = [
        int(np.flatnonzero(local == local[nine] - pd.DateOffset(days=d))[0]) for d in range(1, 29)
    ]
    assert median == np.median(days_ago)
