"""A CSV's rows as hourly time-weighted means, whole days only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from bench.prediction_csv_options import CsvError, CsvOptions
from bench.prediction_csv_times import HOUR, epoch_ns
from bench.prediction_csv_units import (
    METER_UNITS,
    POWER_END,
    celsius,
    check_not_a_meter_total,
    meter_power,
    power_factor,
)
from bench.prediction_csv_values import checked_values

REGULAR_SHARE = 0.8  # rows this often at the usual interval are "regular"
WEATHER_HOLD_MAX = pd.Timedelta(hours=3)  # a sparser weather column's reading holds this long
HOUR_END = pd.Timedelta(minutes=5)  # Home Assistant's short-term statistics' period
# No meter or thermometer reads more (the world's power plants make about 3e12 W together).
MAX_MAGNITUDE = 1e15


def hourly_frame(
    rows: pd.DataFrame,
    options: CsvOptions,
    notes: Callable[[str], None],
    read_by_values: dict[str, tuple[str, str]],
    whole_temperatures: bool = False,
) -> pd.DataFrame:
    """Hourly time-weighted means of the rows, in W and °C, whole days only.

    `read_by_values` gets, for a column read in a unit only its values say, which and why
    (`whole_temperatures`: every temperature row a whole number, as tenths of a °C are).
    """
    if rows.empty:
        raise CsvError("no rows with a time")
    duplicated = int(rows.index.duplicated().sum())
    if duplicated:
        # Naive local times repeat the hour the clocks go back: --tz tells them apart.
        hint = (
            ""
            if pd.DatetimeIndex(rows.index).tz
            else " (local times? --tz tells a clock change's apart)"
        )
        notes(f"{duplicated} rows repeat a time: their values are averaged{hint}")
    rows = rows.groupby(level=0).mean().sort_index()
    usual, regular = cadence(pd.DatetimeIndex(rows.index))
    if usual > HOUR:
        raise CsvError(f"rows are usually {usual} apart; the bench needs hourly or finer data")
    hold = usual if regular else HOUR
    power_unit = options.power_unit or "W"
    if power_unit in METER_UNITS:
        power = meter_power(rows["power"], METER_UNITS[power_unit], notes)
    else:
        check_not_a_meter_total(rows["power"], options)
        # A meter's rows joined with weather read at other times (NOAA's hh:51) are
        # irregular together: energy per row is over the meter's own interval.
        energy_usual, energy_regular = (
            (usual, regular) if regular else cadence(pd.DatetimeIndex(rows["power"].dropna().index))
        )
        power = rows["power"] * power_factor(power_unit, energy_regular, energy_usual)
    temperature = celsius(rows["temperature"], options.temperature_unit or "C")
    series = {"power_w": power, "temperature": temperature}
    if "humidity" in rows:
        series["humidity"] = rows["humidity"]
    names = {"power_w": options.power, "temperature": options.temperature}
    series = {
        key: within_magnitude(values, names.get(key, options.humidity or key), notes)
        for key, values in series.items()
    }
    stops = pd.DatetimeIndex(rows.index[rows["stopped"] > 0])
    hourly = pd.DataFrame(
        {
            key: hourly_means(value, hold, stops)
            if key == "power_w"
            else hourly_means(value, weather_hold(value, hold))
            for key, value in series.items()
        }
    )
    if usual < HOUR:
        # Rows within the hour: how each hour ended, as the recorder's five-minute
        # statistics give it to the next hour's forecast (docs/prediction-lab.md).
        hourly[POWER_END] = hourly_means(power, hold, stops, tail=HOUR_END)
    if "humidity" not in hourly:
        hourly["humidity"] = np.nan
    regular_rows = usual if regular else None
    return whole_days_or_error(
        checked_values(hourly, options, notes, read_by_values, whole_temperatures, regular_rows)
    )


def within_magnitude(values: pd.Series, name: str, notes: Callable[[str], None]) -> pd.Series:
    """`values` without those no reading has, read as missing with a note.

    A cell of 1e308 is finite as read; in W, or weighted by the seconds it held, it made
    its hour's mean infinite, and the table's MAE with it.
    """
    large = ~(values.abs() <= MAX_MAGNITUDE) & values.notna()
    if not large.any():
        return values
    at = pd.Timestamp(large.index[large.to_numpy()][0])
    notes(
        f"{int(large.sum())} values of {name!r} such as {float(values[large].iloc[0]):.3g} "
        f"(row {at:%Y-%m-%d %H:%M}), beyond {MAX_MAGNITUDE:.0e} in W or °C, read as missing"
    )
    return values.mask(large)


def cadence(index: pd.DatetimeIndex) -> tuple[pd.Timedelta, bool]:
    """The usual time between rows, and whether most rows keep to it."""
    gaps = np.diff(epoch_ns(index)) / 1e9 if len(index) > 1 else np.array([3600.0])
    usual = pd.Timedelta(seconds=float(np.median(gaps)))
    return usual, float(np.mean(np.isclose(gaps, usual.total_seconds()))) >= REGULAR_SHARE


def weather_hold(values: pd.Series, hold: pd.Timedelta) -> pd.Timedelta:
    """How long a weather reading holds: the rows' interval, or its own when sparser.

    A meter every 15 minutes with the temperature filled in every 3 hours (a synop
    station's cadence) would otherwise leave two hours in three without a temperature.
    """
    known = pd.DatetimeIndex(values.dropna().index)
    if len(known) < 2:
        return hold
    usual = pd.Timedelta(seconds=float(np.median(np.diff(epoch_ns(known)))) / 1e9)
    return max(hold, min(usual, WEATHER_HOLD_MAX))


def clock_hour_edges(first: int, last: int, zone: Any) -> pd.DatetimeIndex:
    """The instants the zone's clock shows a whole hour, from the one at or before `first`
    to the one after `last` (ns since the epoch); naive (UTC's hours) without a zone.

    India's +05:30 and Nepal's +05:45 put them a part of an hour past UTC's, and Lord Howe
    Island's clock moves by half an hour (+11:00 to +10:30): taken from one offset, the
    hours after the change ran from half past, each the mean of two of the file's.
    """
    start, stop = first // HOUR.value, last // HOUR.value + 1
    if zone is None:
        return pd.DatetimeIndex(pd.to_datetime(np.arange(start, stop + 1) * HOUR.value))
    # Every zone's offset is a whole number of quarter hours: its whole hours are among them.
    quarter = HOUR.value // 4
    candidates = np.arange((start - 2) * 4, (stop + 2) * 4 + 1) * quarter
    local = pd.DatetimeIndex(pd.to_datetime(candidates, utc=True)).tz_convert(zone)
    whole = local[(local.minute == 0) & (local.second == 0)]
    at = epoch_ns(whole)
    lower = max(int(np.searchsorted(at, first, side="right")) - 1, 0)
    upper = int(np.searchsorted(at, last, side="right"))
    return whole[lower : upper + 1]


def hourly_means(
    values: pd.Series,
    hold: pd.Timedelta,
    stops: pd.DatetimeIndex | None = None,
    tail: pd.Timedelta = HOUR,
) -> pd.Series:
    """Time-weighted mean of each hour: a value holds until the next row, at most `hold`,
    and never past one of `stops` (a sensor's state saying it has no reading).

    With `tail` shorter than an hour, the mean of each hour's last `tail` only (the hour's
    end power: Home Assistant's five-minute statistic at hh:55).
    """
    known = values.dropna()
    index = pd.DatetimeIndex(values.index)
    # The zone's clock hours as instants: a local floor is ambiguous on the night the
    # clocks go back.
    nanoseconds = epoch_ns(index)
    grid = clock_hour_edges(int(nanoseconds[0]), int(nanoseconds[-1]), index.tz)
    if known.empty:
        return pd.Series(np.nan, index=grid[:-1])
    starts = epoch_ns(pd.DatetimeIndex(known.index)).astype(np.float64)
    ends = np.minimum(np.append(starts[1:], np.inf), starts + hold.value)
    if stops is not None and len(stops):
        stop_at = np.sort(epoch_ns(stops).astype(np.float64))
        following = np.searchsorted(stop_at, starts, side="right")
        ends = np.minimum(ends, np.append(stop_at, np.inf)[following])
    # Each row's value times the time it holds within each hour it reaches, summed per
    # hour: a running total over the file would let one absurd value (an instrument's
    # 9.9e37 overload mark) swamp the precision of every later hour.
    edges = epoch_ns(grid).astype(np.float64)
    hours = len(edges) - 1
    # Hours differ in length where the clock moves by a part of an hour (a 30-minute hour).
    first_hour = np.searchsorted(edges, starts, side="right").astype(np.int64) - 1
    last_hour = np.searchsorted(edges, np.minimum(ends, edges[-1]), side="left") - 1
    reach = int(np.max(last_hour - first_hour)) + 1
    area = np.zeros(hours)
    covered = np.zeros(hours)
    for step in range(reach):
        hour = first_hour + step
        inside = hour < hours
        hour = hour[inside]
        low = np.maximum(starts[inside], edges[hour + 1] - tail.value)
        high = np.minimum(ends[inside], edges[hour + 1])
        held = np.clip(high - low, 0.0, None)
        area += np.bincount(hour, weights=known.to_numpy()[inside] * held, minlength=hours)
        covered += np.bincount(hour, weights=held, minlength=hours)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = area / covered
    means[covered <= 0] = np.nan
    return pd.Series(means, index=grid[:-1])


def whole_days_or_error(hourly: pd.DataFrame) -> pd.DataFrame:
    """The hours from the first whole local day to the last.

    A day is whole with all its hours: 23 or 25 where the clocks change. Counted as 24, a
    file that began or ended on a clock change's day lost that day.
    """
    index = pd.DatetimeIndex(hourly.index)
    days = index.normalize()
    sizes = index.to_series().groupby(days).size()
    full = sizes.index[sizes.to_numpy() == day_hours(pd.DatetimeIndex(sizes.index))]
    if full.empty:
        raise CsvError("not one whole day (24 hours from midnight) in the file")
    return pd.DataFrame(hourly.loc[(days >= full[0]) & (days <= full[-1])])


def day_hours(midnights: pd.DatetimeIndex) -> np.ndarray:
    """The hours of each local day from its midnight: 23 or 25 where the clocks change."""
    if midnights.tz is None:
        return np.full(len(midnights), 24)
    next_midnights = (midnights.tz_localize(None) + pd.Timedelta(days=1)).tz_localize(
        midnights.tz, ambiguous="NaT", nonexistent="shift_forward"
    )
    hours = ((next_midnights - midnights) / HOUR).to_numpy(dtype=float, na_value=24.0)
    return np.asarray(hours).round().astype(int)


def what_was_read(times: pd.DatetimeIndex, hourly: pd.DataFrame, options: CsvOptions) -> str:
    """One line a checker can hold against the file: its rows, interval, span and zone."""
    distinct = times.unique().sort_values()
    usual, regular = cadence(distinct)
    minutes = f"{usual.total_seconds() / 60:g} min"
    every = f"every {minutes}" if regular else f"irregular (usually {minutes} apart)"
    naive_utc = options.naive_times == "utc"
    if options.tz and naive_utc:
        zone = f"naive times read as UTC, hours of the day in {options.tz} (--naive-times utc --tz)"
    elif naive_utc:
        zone = "naive times read as UTC, hours of the day in UTC (--tz to count them in a zone)"
    elif options.tz:
        zone = f"local time in {options.tz} (--tz)"
    elif str(times.tz) == "UTC":
        # Epoch times and `Z` name no home: a Californian home's days would start at 16:00.
        zone = "hours of the day in UTC, as the file's times give them (--tz to give the home's)"
    elif times.tz is not None:
        zone = f"hours of the day in {times.tz} (the file's offsets)"
    else:
        zone = "no time zone: hours of the day as written (--tz to give the home's)"
    missing = int(hourly["power_w"].isna().sum())
    # A weather file joined to a meter's often covers less: the model then sees no weather.
    cold = int(hourly["temperature"].isna().sum())
    without_temperature = f", {cold} without temperature" if cold else ""
    days = pd.DatetimeIndex(hourly.index).normalize().nunique()  # a clock change's are 23 or 25 h
    # The means as read, in W and °C: a unit read wrong shows here, not in the skills.
    means = (
        f"; hourly means {hourly['power_w'].mean():.4g} W and {hourly['temperature'].mean():.3g} °C"
    )
    if hourly["humidity"].notna().any():
        means += f", humidity {hourly['humidity'].mean():.3g} %"
    return (
        f"read {len(times)} rows {every}, {distinct[0]:%Y-%m-%d %H:%M} to "
        f"{distinct[-1]:%Y-%m-%d %H:%M}, {zone}: {days} whole days, "
        f"{missing} of {len(hourly)} hours without power{without_temperature}{means}"
    )


def days_with_power(data: pd.DataFrame, notes: Callable[[str], None]) -> pd.DataFrame:
    """The days from the first with power to the last, with a note if any are cut.

    A competition's file ends with the weeks to forecast (BigDEAL 2022: its last 61 days
    carry temperature only): a test block there would score nothing.
    """
    return days_with(data, "power_w", "power", notes)


def days_with_temperature(data: pd.DataFrame, notes: Callable[[str], None]) -> pd.DataFrame:
    """The days from the first with a temperature to the last, with a note if any are cut.

    A meter's seven years joined to a weather file's one (EIA-930's CISO and one year of
    Fontana's weather): five of six test blocks had no weather, and the table read as
    the model's with the observed temperature.
    """
    return days_with(data, "temperature", "temperature", notes)


def days_with(
    data: pd.DataFrame, column: str, what: str, notes: Callable[[str], None]
) -> pd.DataFrame:
    """The days from the first with a reading of `column` to the last (a note if any cut)."""
    index = pd.DatetimeIndex(data.index)
    read = index[data[column].notna().to_numpy()]
    if read.empty:
        return data
    days = index.normalize()
    keep = (days >= read[0].normalize()) & (days <= read[-1].normalize())
    if not keep.all():
        before = days[days < read[0].normalize()].nunique()
        after = days[days > read[-1].normalize()].nunique()
        notes(
            f"{before} days before the first {what} reading and {after} after the last left "
            f"out: the test blocks fall where there is {what}"
        )
    return data.loc[keep]
