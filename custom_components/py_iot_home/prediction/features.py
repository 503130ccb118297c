"""Hourly history on a regular grid and the feature rows of the power model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd

type FloatArray = npt.NDArray[np.float64]
type IntArray = npt.NDArray[np.int64]

MAX_HORIZON_HOURS = 24
HOURS_PER_DAY = 24
HOURS_PER_WEEK = 168

FEATURE_NAMES: tuple[str, ...] = (
    "hour",
    "day_of_week",
    "horizon_hours",
    "temperature_delta",
    "humidity_delta",
    "power_last",
    "power_previous",
    "power_mean_3h",
    "power_mean_24h",
    "power_mean_168h",
    "power_same_hour_yesterday",
    "power_same_hour_last_week",
    "power_median_same_hour_7d",
    "power_median_same_hour_28d",
    "power_median_same_hour_56d",
    "power_mean_hour_of_week_4w",
)


@dataclass(frozen=True, slots=True)
class HourlyHistory:
    """Hourly observations: mean power in W, temperature in °C, relative humidity in %.

    `index` is an hourly DatetimeIndex (tz-aware preferred; hour and weekday features are
    taken in its time zone). Missing values are NaN; missing hours may simply be absent.
    """

    index: pd.DatetimeIndex
    power_w: FloatArray
    temperature: FloatArray
    humidity: FloatArray

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        power: str = "power_w",
        temperature: str = "temperature",
        humidity: str = "humidity",
    ) -> Self:
        """Build a history from a frame indexed by time (humidity column optional)."""
        if not isinstance(frame.index, pd.DatetimeIndex):
            raise TypeError("history frame needs a DatetimeIndex")
        nan = np.full(len(frame), np.nan)
        return cls(
            index=frame.index,
            power_w=frame[power].to_numpy(np.float64),
            temperature=frame[temperature].to_numpy(np.float64),
            humidity=frame[humidity].to_numpy(np.float64) if humidity in frame else nan,
        )


@dataclass(frozen=True, slots=True)
class HourlyGrid:
    """A history on a complete hourly grid: one position per hour, gaps as NaN."""

    index: pd.DatetimeIndex
    log_power: FloatArray
    temperature: FloatArray
    humidity: FloatArray
    missing_hours: int
    forecast_temperature: FloatArray
    forecast_humidity: FloatArray

    @property
    def observed_hours(self) -> int:
        """Hours with a power value."""
        return int(np.count_nonzero(~np.isnan(self.log_power)))


def to_grid(history: HourlyHistory | pd.DataFrame) -> HourlyGrid:
    """Put a history on a complete hourly grid, averaging duplicates and counting gaps."""
    if isinstance(history, pd.DataFrame):
        history = HourlyHistory.from_frame(history)
    if len(history.index) == 0:
        empty = np.empty(0)
        return HourlyGrid(
            pd.DatetimeIndex([], tz=history.index.tz), empty, empty, empty, 0, empty, empty
        )
    frame = pd.DataFrame(
        {"p": history.power_w, "t": history.temperature, "h": history.humidity},
        index=_floor_to_hour(history.index),
    )
    frame = frame.groupby(level=0).mean().sort_index()
    full = pd.date_range(frame.index[0], frame.index[-1], freq="h")
    frame = frame.reindex(full)
    power = frame["p"].to_numpy(np.float64)
    return HourlyGrid(
        index=full,
        # log1p: the model works on a log scale so spikes do not dominate the fit.
        log_power=np.log1p(np.clip(power, 0.0, None)),
        temperature=frame["t"].to_numpy(np.float64),
        humidity=frame["h"].to_numpy(np.float64),
        missing_hours=int(np.count_nonzero(np.isnan(power))),
        forecast_temperature=np.full(len(full), np.nan),
        forecast_humidity=np.full(len(full), np.nan),
    )


def _floor_to_hour(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Floor to the hour in UTC: a local hour can be ambiguous on the night clocks go back."""
    if index.tz is None:
        return index.floor("h")
    return index.tz_convert("UTC").floor("h").tz_convert(index.tz)


def extend_with_forecast(
    grid: HourlyGrid, hours: int, future_weather: pd.DataFrame | None
) -> HourlyGrid:
    """Append `hours` future positions (power unknown) with the forecast weather if any.

    `future_weather` has columns `temperature` and optionally `humidity`, indexed by time.
    Hours it does not cover keep NaN, and the features then carry the value of the same
    hour one day earlier forward.
    """
    future = pd.date_range(grid.index[-1], periods=hours + 1, freq="h")[1:]
    forecast_temperature = np.full(hours, np.nan)
    forecast_humidity = np.full(hours, np.nan)
    if future_weather is not None and len(future_weather):
        given = future_weather.copy()
        given.index = pd.DatetimeIndex(given.index).floor("h")
        given = given.groupby(level=0).mean().reindex(future)
        if "temperature" in given:
            forecast_temperature = given["temperature"].to_numpy(np.float64)
        if "humidity" in given:
            forecast_humidity = given["humidity"].to_numpy(np.float64)
    unknown = np.full(hours, np.nan)
    return HourlyGrid(
        index=pd.DatetimeIndex(grid.index.append(future)),
        log_power=np.concatenate([grid.log_power, unknown]),
        temperature=np.concatenate([grid.temperature, unknown]),
        humidity=np.concatenate([grid.humidity, unknown]),
        missing_hours=grid.missing_hours,
        forecast_temperature=np.concatenate([grid.forecast_temperature, forecast_temperature]),
        forecast_humidity=np.concatenate([grid.forecast_humidity, forecast_humidity]),
    )


def _gather(values: FloatArray, positions: IntArray) -> FloatArray:
    """values[positions] with NaN where a position falls before the start."""
    out = np.full(positions.shape, np.nan)
    valid = (positions >= 0) & (positions < len(values))
    out[valid] = values[positions[valid]]
    return out


def _forecast_or_carried(
    forecast: FloatArray, observed: FloatArray, targets: IntArray
) -> FloatArray:
    """Forecast weather at each target, else the observation of the same hour a day earlier.

    Training uses the carried value too, so the model learns from the input it gets live.
    """
    given = _gather(forecast, targets)
    return np.where(np.isnan(given), _gather(observed, targets - HOURS_PER_DAY), given)


def _nan_reduce(stack: FloatArray, *, median: bool) -> FloatArray:
    """Row-wise nanmedian/nanmean of a 2-D stack that tolerates all-NaN rows silently."""
    counts = np.count_nonzero(~np.isnan(stack), axis=1)
    out = np.full(stack.shape[0], np.nan)
    rows = counts > 0
    if np.any(rows):
        reducer = np.nanmedian if median else np.nanmean
        out[rows] = reducer(stack[rows], axis=1)
    return out


def _trailing(values: FloatArray, ends: IntArray, width: int, *, step: int = 1) -> FloatArray:
    """Stack of values[end], values[end - step], ... (width of them) for every end."""
    offsets = np.arange(width, dtype=np.int64) * step
    return _gather(values, ends[:, None] - offsets[None, :])


def feature_rows(grid: HourlyGrid, origins: IntArray, horizons: IntArray) -> FloatArray:
    """Feature matrix for predicting position origin + horizon from data up to origin.

    Every lag is at least `horizon` hours older than the target, so the same rows serve
    the hour-ahead (horizon 1) and the day-ahead (horizons 1..24) forecasts. Weather
    enters as the target hour's value minus the 24 h mean up to the origin, which removes
    the seasonal drift of indoor temperature and humidity.
    """
    if np.any(horizons < 1) or np.any(horizons > MAX_HORIZON_HOURS):
        raise ValueError(f"horizons must be within 1..{MAX_HORIZON_HOURS}")
    targets = origins + horizons
    # Each lag depends on the origin or on the target alone: compute once per position.
    at_origin = _origin_features(grid, *np.unique(origins, return_inverse=True))
    at_target = _target_features(grid, *np.unique(targets, return_inverse=True))
    return np.column_stack(
        (
            at_target[:, :2],
            horizons.astype(np.float64),
            at_target[:, 2:4] - at_origin[:, :2],
            at_origin[:, 2:],
            at_target[:, 4:],
        )
    )


def _origin_features(grid: HourlyGrid, origins: IntArray, inverse: IntArray) -> FloatArray:
    """Columns known at the origin: 24 h weather means, then the recent power lags."""
    lp = grid.log_power
    columns = (
        _nan_reduce(_trailing(grid.temperature, origins, HOURS_PER_DAY), median=False),
        _nan_reduce(_trailing(grid.humidity, origins, HOURS_PER_DAY), median=False),
        _gather(lp, origins),
        _gather(lp, origins - 1),
        _nan_reduce(_trailing(lp, origins, 3), median=False),
        _nan_reduce(_trailing(lp, origins, HOURS_PER_DAY), median=False),
        _nan_reduce(_trailing(lp, origins, HOURS_PER_WEEK), median=False),
    )
    return np.column_stack(columns)[inverse]


def _target_features(grid: HourlyGrid, targets: IntArray, inverse: IntArray) -> FloatArray:
    """Columns of the target hour: calendar, weather, same-hour lags (all >= 24 h old)."""
    lp = grid.log_power
    index = grid.index[targets]
    day_ago = targets - HOURS_PER_DAY
    columns = (
        index.hour.to_numpy(np.float64),
        index.dayofweek.to_numpy(np.float64),
        _forecast_or_carried(grid.forecast_temperature, grid.temperature, targets),
        _forecast_or_carried(grid.forecast_humidity, grid.humidity, targets),
        _gather(lp, day_ago),
        _gather(lp, targets - HOURS_PER_WEEK),
        _nan_reduce(_trailing(lp, day_ago, 7, step=HOURS_PER_DAY), median=True),
        _nan_reduce(_trailing(lp, day_ago, 28, step=HOURS_PER_DAY), median=True),
        _nan_reduce(_trailing(lp, day_ago, 56, step=HOURS_PER_DAY), median=True),
        _nan_reduce(_trailing(lp, targets - HOURS_PER_WEEK, 4, step=HOURS_PER_WEEK), median=False),
    )
    return np.column_stack(columns)[inverse]
