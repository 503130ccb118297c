"""A CSV's time cells as instants: formats, epochs, offsets, zone names, clock changes."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from bench.prediction_csv_dates import date_columns, dates_from_parts
from bench.prediction_csv_options import CsvError, CsvOptions
from bench.prediction_csv_zones import (
    offset_minutes,
    written_offsets,
    zone_names_as_offsets,
    zone_of_offsets,
)

HOUR = pd.Timedelta(hours=1)
EPOCH_SECONDS = (1e8, 1e10)  # 1973 .. 2286
EPOCH_MILLISECONDS = (1e11, 1e13)
# pandas' own integer times (`index.astype("int64")`) are nanoseconds; some loggers write µs.
EPOCH_MICROSECONDS = (1e14, 1e16)
EPOCH_NANOSECONDS = (1e17, 1e19)
# Digits of a date and time run together: the German weather service's MESS_DATUM.
COMPACT_FORMATS = {8: "%Y%m%d", 10: "%Y%m%d%H", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
EXCEL_SERIAL_DAYS = (2e4, 8e4)  # 1954 .. 2119: Excel's day numbers
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
TIME_OF_DAY_ONLY = r"\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
# A midnight after a date: `00:00`, `0:00:00.000`, `12:00 AM`.
MIDNIGHT_PATTERN = r"[ T]+(?:0?0:00(?::00(?:\.0+)?)?|12:00(?::00)?\s*[Aa]\.?[Mm]\.?)\s*$"
HOUR_24_PATTERN = r"(?:^|(?<=[\sT]))24:00(?::00)?\s*$"  # the hour 24, after a date or alone
# Hourly or finer rows with gaps: beyond ten years, more hours than this per row is a stray
# row, not data (its hourly grid would hold millions of empty hours).
MAX_HOURS_PER_ROW = 24
ALWAYS_SPANNED_HOURS = 10 * 8766


def epoch_ns(times: pd.DatetimeIndex) -> np.ndarray:
    """Nanoseconds since the epoch of each time, NaT as int64's least (pandas' `asi8`)."""
    return np.asarray(times, dtype="datetime64[ns]").view(np.int64)


def span_ns(times: pd.Series) -> float:
    """How long the times span, in ns: a float, as 1700 to 2261 overflows a Timedelta."""
    known = times.dropna()
    return float(known.max().value - known.min().value) if len(known) else math.inf


def check_span(times: pd.Series, name: str) -> None:
    """Refuse times spanning far more than their rows: one stray row centuries away made an
    hourly grid of millions of hours (memory and minutes) out of a few days of rows."""
    if span_ns(times) / HOUR.value > max(MAX_HOURS_PER_ROW * len(times), ALWAYS_SPANNED_HOURS):
        raise CsvError(
            f"the times in {name!r} run from {times.min()} to {times.max()} for "
            f"{len(times)} rows: a stray row far from the others? (beyond ten years, rows "
            f"must average at least one every {MAX_HOURS_PER_ROW} hours)"
        )


def check_one_calendar(times: pd.Series, name: str) -> None:
    """Refuse a typical year's dates: each month taken from another year (TMY3's, EPW's).

    A typical meteorological year writes each month's own year (January 1986, February
    1977, ...): read as dates they spread over decades, refused as a stray row. Only a
    typical year changes its year where the month steps up (a real year changes it from
    December to January).
    """
    known = pd.DatetimeIndex(times.dropna())  # in row order
    if len(known) < 2:
        return
    years, months = known.year.to_numpy(), known.month.to_numpy()
    # Each month one run of rows, in calendar order, under more than one year (shuffled or
    # several years' rows repeat a month).
    starts = np.flatnonzero(np.r_[True, (np.diff(years) != 0) | (np.diff(months) != 0)])
    run_months, run_years = months[starts], years[starts]
    one_run_each = len(set(run_months)) == len(run_months) and bool((np.diff(run_months) > 0).all())
    if not one_run_each or len(set(run_years)) < 2:
        return
    said = ", ".join(
        f"{pd.Timestamp(2000, int(m), 1):%B} {y}"
        for m, y in zip(run_months[:3], run_years[:3], strict=True)
    )
    raise CsvError(
        f"the years in {name!r} change from month to month ({said}, ...): a typical "
        "meteorological year (TMY, EPW), whose months come from different years? Write one "
        "year, the load's, into every row"
    )


def runs_to_24(raw: pd.DataFrame, time_columns: list[str]) -> bool:
    """Whether the times run to `24:00` (or a whole hour 24): read as interval ends already."""
    for number, column in enumerate(time_columns):
        text = raw[column].str.strip()
        if text.str.contains(HOUR_24_PATTERN).any():
            return True
        if number and number == len(time_columns) - 1 and bool(text.eq("24").any()):
            return True
    return False


def time_parts(time: str, columns: list[str]) -> list[str]:
    """The time column, or the date and time-of-day columns named `Date+Time`."""
    if time in columns or "+" not in time:
        return [time]
    return [part.strip() for part in time.split("+")]


def dates_without_midnight(dates: pd.Series) -> pd.Series:
    """Dates written with a midnight time (`2018-01-01 00:00:00`) as dates alone.

    A date column saved from pandas or Excel carries midnight on every row; joined with a
    time-of-day column (`--time Date+HE`) it read as two times of day and was refused.
    """
    text = dates.str.strip()
    given = text[text != ""]
    if given.empty or not given.str.contains(MIDNIGHT_PATTERN).all():
        return dates
    return text.str.replace(MIDNIGHT_PATTERN, "", regex=True)


def check_dates_given(date: pd.Series, clock: pd.Series, date_name: str, clock_name: str) -> None:
    """Refuse rows with a time of day but no date: pandas would date them today.

    A spreadsheet that writes the date once a day (pycity_base's measured loads, on each
    day's second row) left 95 of 96 rows on the day of the run.
    """
    clock = clock.str.strip()
    undated = (date.str.strip() == "") & clock.str.contains(r"\d")
    if undated.any():
        line = int(np.flatnonzero(undated.to_numpy())[0])
        raise CsvError(
            f"{int(undated.sum())} of {len(date)} rows have a time of day in "
            f"{clock_name!r} but no date in {date_name!r}, e.g. row {line + 1} "
            f"({clock.iloc[line]!r}): a date written once a day? Write it on every row"
        )


def time_of_day(cells: pd.Series, name: str) -> pd.Series:
    """A time-of-day column as text; whole hour numbers (1..24 or 0..23) as `HH:00`.

    Utility exports give the hour as a number: 1..24 is hour ending (24 is the last hour of
    the day, read like `24:00`), 0..23 hour beginning. A column holding both 0 and 24 says
    neither and is refused.
    """
    text = cells.str.strip()
    given = text[text != ""]
    if given.empty or not given.str.fullmatch(r"\d{1,2}").all():
        return text
    hours = given.astype(int)
    if hours.max() > 24 or (hours.min() == 0 and hours.max() == 24):
        raise CsvError(
            f"the hours in {name!r} run from {hours.min()} to {hours.max()}: whole hours "
            "are read as 1..24 (hour ending) or 0..23 (hour beginning)"
        )
    return text.where(text == "", text.str.zfill(2) + ":00")


def check_time_of_day(times: pd.Series, name: str) -> None:
    """Dates without a time of day, a row an hour: the time is in another column."""
    known = pd.DatetimeIndex(times.dropna())
    if len(known) >= 24 and (known == known.normalize()).all() and known.has_duplicates:
        raise CsvError(
            f"the times in {name!r} are dates only, each repeated: is the time of day in "
            "another column? --time DATE+TIME (e.g. --time Date+Time) joins the two"
        )


def utc_named(columns: list[str]) -> str | None:
    """The first of the time columns whose name says UTC (`period_utc`, `Time (UTC)`,
    `DateTimeUTC`), else None."""
    for column in columns:
        spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", column)
        if "utc" in re.split(r"[^a-z0-9]+", spaced.lower()):
            return column
    return None


def parse_times(
    column: pd.Series,
    zone: str | None,
    notes: Callable[[str], None],
    naive_utc: bool = False,
    utc_by_name: str | None = None,
) -> pd.Series:
    """The time column as instants (NaT where a row has no time), in `zone` if given.

    Naive times are `zone`'s local times, left naive here (the clock change's hours are
    placed once it is known whether the times end their intervals:
    `prediction_csv_endings`), or with `naive_utc` UTC (counted in `zone`); `utc_by_name` is
    the column whose name made them UTC, said in a note if they are naive.
    """
    text = column.str.strip()
    present = text != ""
    values = text[present]
    if values.empty:
        raise CsvError(f"the time column {column.name!r} is empty")
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.isna().any() and (serials := excel_serials_with_comma(values)) is not None:
        notes(f"the times in {column.name!r} are read as Excel's serial days with a decimal comma")
        numeric = serials
    compact = compact_times(values)
    if compact is not None:
        parsed = compact
    elif numeric.notna().all():
        parsed = epoch_times(numeric, str(column.name))
    else:
        # Zone names (`PDT`, `BST`) are read as the offsets they stand for, and so is the
        # zone whose clock the offsets follow: else the hours are counted in UTC.
        values = zone_names_as_offsets(interval_starts(values), str(column.name), notes)
        parsed = text_times(values, str(column.name), notes)
    if parsed.dt.tz is None:
        if naive_utc:
            if utc_by_name:
                notes(
                    f"the times in {utc_by_name!r} have no offset and are read as UTC, as its "
                    "name says (--naive-times local to read them as local time)"
                )
            parsed = parsed.dt.tz_localize("UTC")
            if zone:
                parsed = parsed.dt.tz_convert(zone)
    elif zone:
        parsed = parsed.dt.tz_convert(zone)
    elif str(parsed.dt.tz) == "UTC" and written_offsets(values).nunique() > 1:
        found = zone_of_offsets(values, parsed)
        if found is None:
            notes("the UTC offsets change, as no time zone's do: hours are read in UTC; --tz")
        else:
            # Any zone on the same clock gives the same hours: the name is the first of them
            # (a Belgian file reads "Europe/Amsterdam"), not a guess of where the home is.
            notes(
                f"the UTC offsets change as {found}'s do: hours are counted in it (the same "
                "hours as in any zone on its clock; --tz names the home's)"
            )
            parsed = parsed.dt.tz_convert(found)
    return parsed.reindex(column.index)


def excel_serials_with_comma(values: pd.Series) -> pd.Series | None:
    """Excel's serial days written with a decimal comma (`45123,5`) as numbers, else None.

    A German or French Excel saves a time cell formatted as a number so. Only a column of
    five-digit days, some with a comma and every one within Excel's plausible days, is
    read so: thousands grouped (`45,123`) have at most three digits before a comma.
    """
    if not values.str.fullmatch(r"\d{5}(?:,\d+)?").all() or not values.str.contains(",").any():
        return None
    days = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce")
    low, high = EXCEL_SERIAL_DAYS
    return days if bool(days.between(low, high).all()) else None


def compact_times(values: pd.Series) -> pd.Series | None:
    """Digits of a date and time run together (`2019010100`) as naive times, else None.

    Read as epoch seconds they are times a second apart in 2033. Epoch numbers never all
    spell a valid date and time of day.
    """
    lengths = values.str.len().unique()
    if len(lengths) != 1 or lengths[0] not in COMPACT_FORMATS:
        return None
    if not values.str.fullmatch(r"(?:19|20|21)\d+").all():
        return None
    parsed = pd.to_datetime(values, format=COMPACT_FORMATS[lengths[0]], errors="coerce")
    return parsed if parsed.notna().all() else None


def epoch_times(numeric: pd.Series, name: str) -> pd.Series:
    """Epoch seconds, ms, µs or ns (UTC), or Excel's serial days (local time, naive)."""
    median = float(numeric.abs().median())
    low, high = EXCEL_SERIAL_DAYS
    if low <= median <= high:
        # A time cell formatted as a number: hours are fractions of a day, rounded in
        # Excel's last digit, so whole seconds keep regular rows regular.
        days = pd.to_timedelta(numeric, unit="D").dt.round("s")
        return pd.Series(EXCEL_EPOCH + days, index=numeric.index)
    epochs = (
        ("s", EPOCH_SECONDS),
        ("ms", EPOCH_MILLISECONDS),
        ("us", EPOCH_MICROSECONDS),
        ("ns", EPOCH_NANOSECONDS),
    )
    for unit, (low, high) in epochs:
        if low <= median <= high:
            try:
                parsed = pd.to_datetime(numeric, unit=unit, utc=True)  # type: ignore[call-overload]
            except (OverflowError, pd.errors.OutOfBoundsDatetime) as err:
                # Within the band, 2262-2286 is beyond pandas' nanoseconds, and so is a
                # garbage row among good times: one message, not pandas' traceback.
                raise CsvError(
                    f"the time column {name!r} holds epoch {unit} beyond what pandas holds "
                    f"(1677-2262), e.g. {numeric.abs().max()!r}"
                ) from err
            return pd.Series(parsed, index=numeric.index)
    raise CsvError(
        f"the time column {name!r} holds numbers ({numeric.iloc[0]!r}, ...) that are "
        "neither epoch seconds, milli-, micro- or nanoseconds nor Excel's serial days"
    )


def text_times(values: pd.Series, name: str, notes: Callable[[str], None]) -> pd.Series:
    """One format for the whole column: as pandas infers it, ISO 8601 variants, day first
    (intervals already read as their starts, zone names as their offsets).

    Where both month first and day first read every value (every day of the month at most
    12), the reading that spans less time is taken: rows a day apart read the wrong way
    round jump by months.
    """
    clock_only = values.str.fullmatch(TIME_OF_DAY_ONLY)
    if clock_only.any():
        raise CsvError(
            f"{int(clock_only.sum())} of {len(values)} times in {name!r} are a time of day "
            f"without a date, e.g. {values[clock_only].iloc[0]!r} (pandas would date them "
            "today): is the date in another column? --time Date+Time joins the two"
        )
    looks_like_dates = values.str.contains(r"\d{1,2}[/.-]\d{1,2}").all()
    # A third part after day and month is a two-digit year (`05.01.26`), which has one.
    with_year = values.str.contains(r"\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d\d")
    if looks_like_dates and not with_year.any():
        raise CsvError(
            f"the times in {name!r} have no year, e.g. {values.iloc[0]!r} (an EnergyPlus "
            "export?): write the year into them"
        )
    # Hour-ending data counts the last hour of a day as 24:00, which pandas does not read.
    # The 24 must be the hour: `05:24:00` is minute 24 of a sub-hourly file.
    hour_24 = values.str.contains(HOUR_24_PATTERN)
    if hour_24.any():
        # Midnight written as the rest are (EnergyPlus's `24:00:00` keeps its seconds), or
        # the format pandas infers from the first row refuses it.
        midnight = values.str.replace(HOUR_24_PATTERN, lambda hour: "00" + hour[0][2:], regex=True)
        values = values.where(~hour_24, midnight)
    attempts: list[dict[str, object]] = [{}, {"format": "ISO8601"}]
    if values.str.match(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d|\s*$)").all():
        attempts = [{"format": "ISO8601"}]  # one reading only: a large file's parse is slow
    elif not values.str.match(r"\d{4}-").all():
        attempts.append({"dayfirst": True})
    readings: list[pd.Series] = []
    first_error: Exception | None = None
    for keywords in attempts:
        try:
            readings.append(pd.Series(read_times(values, keywords), index=values.index))
        except (ValueError, TypeError, OverflowError) as error:
            first_error = first_error or error
    if readings:
        best = min(readings, key=span_ns)
        # Only interval-ending data counts to 24:00: each row's time is its interval's end,
        # moved to its start with the others that end theirs (`prediction_csv_endings`).
        return best.where(~hour_24, best + pd.Timedelta(days=1))
    # As instants: pandas warns on naive and offset cells mixed, above the one error line.
    bad = pd.to_datetime(values, errors="coerce", format="mixed", utc=True).isna()
    example = values[bad].iloc[0] if bad.any() else values.iloc[0]
    reason = re.sub(r"[.,]?\s*You might want to try:?.*$", "", str(first_error).splitlines()[0])
    raise CsvError(f"cannot read the times in {name!r} as one format, e.g. {example!r} ({reason})")


def interval_starts(values: pd.Series) -> pd.Series:
    """Rows given as `start - end` (ENTSO-E's exports) as their start; `(CET)` as `CET`.

    Through the autumn clock change such an export tells the repeated hour apart only by
    the zone name in brackets after each time.
    """
    parts = values.str.extract(r"^\s*(.*?\d)\s*(?:\(([A-Z]{2,5})\))?\s+-\s+.*\d")
    if parts[0].isna().any():
        return values
    return parts[0] + (" " + parts[1]).fillna("")


def read_times(values: pd.Series, keywords: dict[str, object]) -> pd.DatetimeIndex | pd.Series:
    # Offsets that change are read as instants straight away: pandas' first reading of
    # them ends in objects, after the slow path, and is then read again.
    changing = offset_minutes(values).nunique() > 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mixed offsets or a guessed format: handled here
        if changing:
            instants: pd.Series = pd.to_datetime(values, utc=True, **keywords)  # type: ignore[call-overload]
            return instants
        parsed: pd.DatetimeIndex | pd.Series = pd.to_datetime(values, **keywords)  # type: ignore[call-overload]
        if parsed.dtype == object:  # offsets that change: read as instants
            parsed = pd.to_datetime(values, utc=True, **keywords)  # type: ignore[call-overload]
    return parsed


def row_times(
    raw: pd.DataFrame,
    time_columns: list[str],
    options: CsvOptions,
    notes: Callable[[str], None],
    utc_by_name: str | None = None,
) -> pd.Series:
    """Each row's time (NaT where it has none), from one column or a date and a time of day.

    `utc_by_name`: the time column whose name made naive times UTC (`utc_named`).
    """
    name = options.time
    dates = date_columns(raw, time_columns)
    time_text = dates_from_parts(raw, dates) if len(dates) > 1 else raw[dates[0]].str.strip()
    clocks = time_columns[len(dates) :]
    if clocks:
        time_text = dates_without_midnight(time_text)
        check_dates_given(time_text, raw[clocks[0]], "+".join(dates), clocks[0])
    for column in clocks:
        time_text = time_text + " " + time_of_day(raw[column], column)
    # Empty or word-only cells (NA, -, null, an export's "Total" row) carry no time.
    blank = ~time_text.str.contains(r"\d")
    if blank.any():
        words = time_text[blank & (time_text.str.strip() != "")]
        such_as = f" (such as {words.iloc[0].strip()!r})" if not words.empty else ""
        if blank.all() and not words.empty:
            raise CsvError(
                f"cannot read the times in {name!r}: no cell holds a time, "
                f"e.g. {words.iloc[0].strip()!r}"
            )
        notes(f"{int(blank.sum())} rows without a time{such_as} dropped")
        time_text = time_text.where(~blank, "")
    times = parse_times(
        time_text.rename(name), options.tz, notes, options.naive_times == "utc", utc_by_name
    )
    check_time_of_day(times, name)
    return times
