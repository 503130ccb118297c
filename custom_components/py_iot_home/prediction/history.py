"""Hourly observations and the complete hourly grid every forecaster works on."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Self

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

type FloatArray = npt.NDArray[np.float64]
type IntArray = npt.NDArray[np.int64]
type BoolArray = npt.NDArray[np.bool_]

MAX_HORIZON_HOURS = 24
# An hour above this many times the history's 99th percentile is a glitch, not a load: on
# the six benchmark datasets the highest hour of any 30- or 60-day window is at most 3.6
# times it, and a meter's hiccup (an energy counter read as a huge step) thousands of times.
GLITCH_FACTOR = 10.0
# A glitch over more than 1 % of the hours (a day of mW read as W, a meter stuck at 1e300)
# is its own 99th percentile: then the 90th speaks, at most 8.2 times below the highest hour
# of any 30- or 60-day window of the same datasets (il_home; the others 1.4-6.6).
GLITCH_FACTOR_P90 = 50.0
# Positive hours needed before a percentile says anything about a home's level.
GLITCH_MIN_HOURS = 48
# Outdoor temperatures beyond Earth's records (-89.2 and 56.7 °C), with a margin, are a
# sensor's or a forecast's fault; relative humidity is a percentage.
PLAUSIBLE_TEMPERATURE_C = (-90.0, 60.0)
PLAUSIBLE_HUMIDITY = (0.0, 100.0)
# Power no home draws or exports: a large house's three-phase supply is under 200 kW, and a
# home's heat pump, car and oven together a few tens of kW. Only a stranger's value gets here
# (1e308 and -1e308 a second each average, in the recorder, to a plausible hour).
PLAUSIBLE_POWER_W = (-1e7, 1e7)
HOURS_PER_DAY = 24
HOURS_PER_WEEK = 168
# A history frame's optional column: the mean power of each hour's last minutes.
POWER_END = "power_end_w"


@dataclass(frozen=True, slots=True)
class HourlyHistory:
    """Hourly observations: mean power in W, outdoor temperature in °C, humidity in %.

    `index` is an hourly DatetimeIndex (tz-aware preferred; hour and weekday are taken in
    its time zone). Missing values are NaN; missing hours may simply be absent.
    """

    index: pd.DatetimeIndex
    power_w: FloatArray
    temperature: FloatArray
    humidity: FloatArray
    # The mean power of each hour's last five minutes (Home Assistant's short-term
    # statistics, kept 10 days by default); NaN or None where not known.
    power_end_w: FloatArray | None = None

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        power: str = "power_w",
        temperature: str = "temperature",
        humidity: str = "humidity",
    ) -> Self:
        """Build a history from a frame indexed by time (temperature, humidity optional)."""
        import pandas as pd

        if not isinstance(frame.index, pd.DatetimeIndex):
            raise TypeError("history frame needs a DatetimeIndex")
        nan = np.full(len(frame), np.nan)

        def column(name: str) -> FloatArray:
            return frame[name].to_numpy(np.float64) if name in frame else nan

        return cls(
            index=frame.index,
            power_w=frame[power].to_numpy(np.float64),
            temperature=column(temperature),
            humidity=column(humidity),
            power_end_w=column(POWER_END) if POWER_END in frame else None,
        )


@dataclass(frozen=True, slots=True)
class HourlyGrid:
    """A history on a complete hourly grid: one position per hour, gaps as NaN.

    `temperature` holds the observed values, then (after `extend_with_forecast`) the
    forecast ones; `observed_end` is the number of observed positions.
    """

    index: pd.DatetimeIndex
    power_w: FloatArray
    temperature: FloatArray
    humidity: FloatArray
    missing_hours: int
    observed_end: int
    # Each position's offset from UTC in minutes (all 0 for a naive index): "the same hour
    # yesterday" is the same clock time, 23 or 25 positions back across a clock change.
    utc_offset_min: IntArray
    # Each hour's end power where known and plausible (NaN elsewhere); None: never known.
    power_end_w: FloatArray | None = None

    @property
    def observed_hours(self) -> int:
        """Hours with a power value."""
        return int(np.count_nonzero(~np.isnan(self.power_w)))

    def without(self, excluded: BoolArray) -> HourlyGrid:
        """The grid with the power of the `excluded` positions set to NaN (not trained on)."""
        power = self.power_w.copy()
        power[excluded] = np.nan
        if self.power_end_w is None:
            return replace(self, power_w=power)
        return replace(
            self, power_w=power, power_end_w=np.where(excluded, np.nan, self.power_end_w)
        )


def to_grid(history: HourlyHistory | pd.DataFrame) -> HourlyGrid:
    """Put a history on a complete hourly grid, averaging duplicates and counting gaps."""
    import pandas as pd

    if isinstance(history, pd.DataFrame):
        history = HourlyHistory.from_frame(history)
    if len(history.index) == 0:
        empty = np.empty(0)
        no_hours = pd.DatetimeIndex([], tz=history.index.tz)
        return HourlyGrid(no_hours, empty, empty, empty, 0, 0, utc_offsets_min(no_hours))
    index = _floor_to_hour(history.index)
    columns = {"p": history.power_w, "t": history.temperature, "h": history.humidity}
    if history.power_end_w is not None:
        columns["e"] = history.power_end_w
    frame = pd.DataFrame(columns, index=index)
    # Most histories are already one row per hour, in order: skip the grouping then.
    if not (index.is_monotonic_increasing and index.is_unique):
        frame = frame.groupby(level=0).mean().sort_index()
    full = pd.date_range(frame.index[0], frame.index[-1], freq="h")
    if len(full) != len(frame):
        frame = frame.reindex(full)
    power = np.clip(frame["p"].to_numpy(np.float64), 0.0, None)
    # The recorder's mean of a finite state (1e308 W held for five minutes) can be infinite;
    # above the ceiling's percentiles it made the ceiling NaN, and every training failed.
    power[np.isinf(power)] = np.nan
    # One ceiling for the hours' means and their ends: a percentile of the whole history.
    ceiling = glitch_ceiling(power)
    power = without_glitches(power, ceiling)
    end = hour_end_power(power, frame["e"].to_numpy(np.float64), ceiling) if "e" in frame else None
    return HourlyGrid(
        index=full,
        power_w=power,
        temperature=within(frame["t"].to_numpy(np.float64), PLAUSIBLE_TEMPERATURE_C),
        humidity=within(frame["h"].to_numpy(np.float64), PLAUSIBLE_HUMIDITY),
        missing_hours=int(np.count_nonzero(np.isnan(power))),
        observed_end=len(full),
        utc_offset_min=utc_offsets_min(full),
        power_end_w=end,
    )


def hour_end_power(power: FloatArray, end: FloatArray, ceiling: float | None = None) -> FloatArray:
    """Each hour's end power, NaN where it cannot be one: read as the hour's mean is.

    Below zero counts as 0 W; a value that is not finite, above the history's glitch
    ceiling (`glitch_ceiling` of `power` unless given), or of an hour whose mean is missing
    or impossible is dropped.
    """
    end = np.clip(end, 0.0, None)
    if ceiling is None:
        ceiling = glitch_ceiling(power)
    with np.errstate(invalid="ignore"):
        plausible = np.isfinite(end) & (end <= ceiling) & ~np.isnan(power)
    return np.where(plausible, end, np.nan)


def without_glitches(power: FloatArray, ceiling: float | None = None) -> FloatArray:
    """Power with impossible hours (see ``GLITCH_FACTOR``) made missing.

    One such hour would otherwise enter the rules' means and the model's recent inputs,
    and forecast megawatts for a home for a week. Missing hours are neither trained on nor
    scored, and their neighbours are forecast as after any gap.
    """
    if ceiling is None:
        ceiling = glitch_ceiling(power)
    glitches = power > ceiling
    if not glitches.any():
        return power
    cleaned = power.copy()
    cleaned[glitches] = np.nan
    return cleaned


def glitch_ceiling(power: FloatArray) -> float:
    """The power above which an hour is a glitch (``GLITCH_FACTOR``); inf on a short history."""
    positive = power[power > 0]
    if positive.size < GLITCH_MIN_HOURS:
        return float("inf")
    p90, p99 = np.percentile(positive, [90, 99])
    return min(GLITCH_FACTOR * float(p99), GLITCH_FACTOR_P90 * float(p90))


def within(values: FloatArray, bounds: tuple[float, float]) -> FloatArray:
    """Values outside ``bounds`` (inclusive) made missing; a copy only when some are."""
    low, high = bounds
    with np.errstate(invalid="ignore"):
        outside = (values < low) | (values > high)
    if not outside.any():
        return values
    cleaned = values.copy()
    cleaned[outside] = np.nan
    return cleaned


def _floor_to_hour(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Floor to the hour in UTC: a local hour can be ambiguous on the night clocks go back."""
    nanoseconds = index.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    if not np.any(nanoseconds % 3_600_000_000_000):
        return index  # already whole hours: the common case, and flooring costs a forecast ms
    if index.tz is None:
        return index.floor("h")
    return index.tz_convert("UTC").floor("h").tz_convert(index.tz)


def extend_with_forecast(
    grid: HourlyGrid, hours: int, future_weather: pd.DataFrame | None
) -> HourlyGrid:
    """Append `hours` future positions (power unknown) with the forecast weather if any.

    `future_weather` has a `temperature` column and optionally `humidity`, indexed by time.
    Hours it does not cover stay NaN; the features then use the same hour a day earlier.
    """
    import pandas as pd

    future = pd.date_range(grid.index[-1], periods=hours + 1, freq="h")[1:]
    temperature = np.full(hours, np.nan)
    humidity = np.full(hours, np.nan)
    if future_weather is not None and len(future_weather):
        given = future_weather.copy()
        given.index = _floor_to_hour(pd.DatetimeIndex(given.index))
        given = given.groupby(level=0).mean()
        given.index = (
            pd.DatetimeIndex(given.index).tz_convert(future.tz) if future.tz else given.index
        )
        given = given.reindex(future)
        if "temperature" in given:
            temperature = within(given["temperature"].to_numpy(np.float64), PLAUSIBLE_TEMPERATURE_C)
        if "humidity" in given:
            humidity = within(given["humidity"].to_numpy(np.float64), PLAUSIBLE_HUMIDITY)
    index = pd.DatetimeIndex(grid.index.append(future))
    return HourlyGrid(
        index=index,
        power_w=np.concatenate([grid.power_w, np.full(hours, np.nan)]),
        temperature=np.concatenate([grid.temperature, temperature]),
        humidity=np.concatenate([grid.humidity, humidity]),
        missing_hours=grid.missing_hours,
        observed_end=grid.observed_end,
        utc_offset_min=utc_offsets_min(index),
        power_end_w=(
            None
            if grid.power_end_w is None
            else np.concatenate([grid.power_end_w, np.full(hours, np.nan)])
        ),
    )


def gather(values: FloatArray, positions: IntArray) -> FloatArray:
    """values[positions] with NaN where a position falls outside the array."""
    out = np.full(positions.shape, np.nan)
    valid = (positions >= 0) & (positions < len(values))
    out[valid] = values[positions[valid]]
    return out


def nan_mean(stack: FloatArray) -> FloatArray:
    """Row-wise mean ignoring NaN; NaN (silently) for rows with no value."""
    counts = np.count_nonzero(~np.isnan(stack), axis=1)
    sums = np.nansum(stack, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def nan_median(stack: FloatArray) -> FloatArray:
    """Row-wise median ignoring NaN; NaN (silently) for rows with no value."""
    # np.sort puts NaN last: the median sits in the first `counts` entries of each row.
    ordered = np.sort(stack, axis=1)
    counts = np.count_nonzero(~np.isnan(stack), axis=1)
    rows = np.arange(len(stack))
    low = ordered[rows, np.maximum(counts - 1, 0) // 2]
    high = ordered[rows, np.minimum(counts // 2, stack.shape[1] - 1)]
    return np.where(counts > 0, (low + high) / 2.0, np.nan)


def same_hour_stack(
    values: FloatArray,
    targets: IntArray,
    periods: int,
    step: int,
    utc_offset_min: IntArray | None = None,
) -> FloatArray:
    """values[t - step], values[t - 2 step], ... (`periods` of them) for every target t.

    With the grid's `utc_offset_min` and whole days as the step, each is the same clock time
    that many days earlier, however the clocks moved in between.
    """
    offsets = np.arange(1, periods + 1, dtype=np.int64) * step
    positions = targets[:, None] - offsets[None, :]
    if utc_offset_min is not None and step % HOURS_PER_DAY == 0:
        positions = same_clock_time(utc_offset_min, targets[:, None], positions)
    return gather(values, positions)


def same_clock_time(utc_offset_min: IntArray, targets: IntArray, earlier: IntArray) -> IntArray:
    """Positions `earlier` (whole days before `targets`) moved to the targets' clock time.

    Clocks that went forward in between put yesterday's 07:00 23 positions back, not 24.
    """
    if len(utc_offset_min) == 0:
        return earlier
    last = len(utc_offset_min) - 1
    moved_min = (
        utc_offset_min[np.clip(targets, 0, last)] - utc_offset_min[np.clip(earlier, 0, last)]
    )
    return earlier + np.rint(moved_min / 60.0).astype(np.int64)


def hours_back(grid: HourlyGrid, targets: IntArray, hours: int) -> IntArray:
    """The positions `hours` (whole days) before the targets, at the targets' clock time."""
    return same_clock_time(grid.utc_offset_min, targets, targets - hours)


def utc_offsets_min(index: pd.DatetimeIndex) -> IntArray:
    """Each time's offset from UTC in minutes (0 for a naive index)."""
    if index.tz is None or len(index) == 0:
        return np.zeros(len(index), dtype=np.int64)
    utc = index.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    wall = index.tz_localize(None).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    offsets: IntArray = (wall - utc) // 60_000_000_000
    return offsets
