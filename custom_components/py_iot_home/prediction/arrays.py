"""A history and a weather forecast as plain arrays: what Home Assistant's side builds.

pandas costs Home Assistant about 37 MiB that stay once imported, so the predictor's side
of the process reads the recorder and the weather reply into these numpy-only types, and
the short-lived worker (`worker.py`) turns them into pandas objects where it fits and
forecasts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .history import FloatArray, HourlyHistory, IntArray

if TYPE_CHECKING:
    import pandas as pd


def _utc_index(time_ns: IntArray) -> pd.DatetimeIndex:
    import pandas as pd

    return pd.DatetimeIndex(pd.to_datetime(time_ns, unit="ns", utc=True))


@dataclass(frozen=True, slots=True, kw_only=True)
class HourlyArrays:
    """Hourly observations at UTC hour starts (ns since the epoch), in a named time zone.

    `time_zone` is the home's (hour of day and weekday are taken there); None keeps the
    times naive.
    """

    time_ns: IntArray
    time_zone: str | None
    power_w: FloatArray
    temperature: FloatArray
    humidity: FloatArray
    # Each hour's last five minutes' mean power (NaN unknown); None: the sensor has none.
    power_end_w: FloatArray | None = None

    def to_history(self) -> HourlyHistory:
        """The history the forecasters work on (imports pandas)."""
        index = _utc_index(self.time_ns)
        index = index.tz_convert(self.time_zone) if self.time_zone else index.tz_localize(None)
        return HourlyHistory(
            index=index,
            power_w=self.power_w.astype(np.float64),
            temperature=self.temperature.astype(np.float64),
            humidity=self.humidity.astype(np.float64),
            power_end_w=None if self.power_end_w is None else self.power_end_w.astype(np.float64),
        )

    @classmethod
    def from_history(cls, history: HourlyHistory) -> HourlyArrays:
        """The arrays of a history (its index must be a pandas DatetimeIndex)."""
        import pandas as pd

        index = pd.DatetimeIndex(history.index)
        utc = index.tz_convert("UTC") if index.tz is not None else index
        return cls(
            time_ns=utc.to_numpy(dtype="datetime64[ns]").astype(np.int64),
            time_zone=str(index.tz) if index.tz is not None else None,
            power_w=history.power_w,
            temperature=history.temperature,
            humidity=history.humidity,
            power_end_w=history.power_end_w,
        )


def as_history(history: HourlyHistory | HourlyArrays) -> HourlyHistory:
    """A history the forecasters take, from either form (arrays import pandas)."""
    return history.to_history() if isinstance(history, HourlyArrays) else history


@dataclass(frozen=True, slots=True, kw_only=True)
class WeatherArrays:
    """A weather forecast: temperature (°C) and humidity (%) at UTC times (ns); NaN unknown."""

    time_ns: IntArray
    temperature: FloatArray
    humidity: FloatArray

    def to_frame(self) -> pd.DataFrame:
        """The frame `PowerModel.forecast` takes (imports pandas)."""
        import pandas as pd

        return pd.DataFrame(
            {"temperature": self.temperature, "humidity": self.humidity},
            index=_utc_index(self.time_ns),
        )
