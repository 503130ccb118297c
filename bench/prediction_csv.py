"""A CSV of your own for bench/prediction.py: read it, check it, make it hourly.

The file needs a time column, a power column and an outdoor temperature column (humidity
optional). What a checker's file may look like, and what becomes of it:

- Encoding: UTF-8, UTF-16 with its BOM (Excel's "Unicode text") or else Windows-1252
  (Excel's CSV in Western Europe).
- Header: the first line that names the columns asked for; lines above it (an export's
  account, meter or period) are skipped with a `note:`. A name asked for that heads
  several columns (`power in W` under each building's name) is refused.
- Separator: `,`, `;`, tab or `|`, found from the header line (or `--sep`); a decimal
  comma needs `--decimal ,` (a value such as `1,5` is refused, never guessed), and then
  `.` may only group thousands (`1.234,5`); thousands grouped with `,` need
  `--thousands ,` (`1,234.5`); a space before three digits (`1 234,5`, no-break or
  not) always groups them. A grouping mark anywhere else is refused.
- Times: ISO 8601 with or without a UTC offset or `Z` (or a zone name after the time:
  `GMT`, `CET`/`CEST`, `EST`/`EDT`, ... become their offsets), other date formats pandas
  reads (day first when month first cannot be), intervals `start - end` (ENTSO-E's exports:
  read as their start, `(CET)` as a zone name), digits run together (`2019010100`, read as
  local time), epoch seconds, ms, µs or ns, or Excel's serial day numbers (a time cell
  formatted as a number, read as local time); a date and a time of day in two columns are
  named together, `--time Date+Time` (the time of day may be a whole hour number: 1..24
  hour ending, 0..23 hour beginning); an hour-ending `24:00` is midnight of the next day. A
  time of day without its date (a date written once a day) is refused. A
  time cell without a digit (empty, `NA`, `-`, an export's `Total` row) drops its row, with
  a `note:`. Offsets are
  read as instants; naive times are the home's local time when `--tz` is given (the
  repeated hour of a clock change is told apart by row order, night by night, or dropped
  when it cannot be; rows in the skipped hour are dropped) and are used as they are
  otherwise. Hour of
  day and weekday are taken in `--tz`, else in a zone whose clock changes the file's
  offsets follow (`+01:00` in winter, `+02:00` in summer: a Central European zone, with a
  `note:`), else in the file's one offset, else in UTC. A time is its row's start (an
  hour-ending `24:00` aside): stamps that end their interval with no `24:00` to tell it
  (NREL ResStock's `00:15` for 00:00-00:15) are read one row late, which the file cannot
  show.
- Rows may be unsorted, duplicated (averaged), 1 to 60 minutes apart or irregular: each
  value holds until the next row (for at most the file's usual interval when rows are
  regular, else an hour; a temperature or humidity column filled in less often than the
  rows holds for its own interval, at most 3 hours; power holds no further than a row whose
  power is Home Assistant's `unavailable` or `unknown`), and each hour gets the
  time-weighted mean of what covers it.
  Hours nothing covers stay missing and are not scored. Times spanning more than ten years
  with less than a row a day on average are refused: a stray row centuries away.
- Power in W (`--power-unit W`, the default), kW, MW, energy per row in Wh, kWh or MWh
  (regular rows, or the column's own rows regular: the energy over their interval), or an
  energy meter's running total in Wh-total or kWh-total (a `total_increasing` sensor's
  export: the power between two rows is their difference over their time apart; a drop, the
  meter reset, leaves that interval missing). Temperature in °C, °F or K. Without
  `--power-unit` or `--temperature-unit`, a column whose name says a unit (`temp_f`,
  `Temperature (°F)`, `load_kw`, `Demand (MW)`; NOAA's `HourlyDryBulbTemperature` and IEM's
  `tmpf` are °F) is read in it, and values that can only be in another unit are read in
  that one, with a `note:`: a median power below 20 W is kW, a median above 45 "°C" is °F
  (above 150, K). Otherwise W and °C are assumed: °F under a name without a unit
  (`temperature`) in a cool season, or MW of a region under a bare name
  (`DE_load_actual_entsoe_transparency`), cannot be told apart. A unit given that the name
  or the values contradict is refused (40 °F read as °C passes every other check: the name
  is the only tell), and so is a running total read as power.
- -999, -9999 and -99999 are a logger's mark for no reading: missing, with a `note:`.
- NOAA's flag for a suspect reading after a value (`38s`) is dropped: the value is read,
  with a `note:`.
- Negative power (export, e.g. from PV) is refused: the model forecasts consumption, which
  cannot be below 0 W. `--clip-negative` scores max(power, 0) instead; negative power in
  at most 1 % of the hours is a meter's noise and is scored as 0 W with a `note:`.

Bad input ends in one `CsvError` whose message says what to change.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import math
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import numpy as np
import pandas as pd

from script.demo.uci_data import whole_days

SEPARATORS = (",", ";", "\t", "|")
# A region's or a grid operator's load comes in MW (MWh per interval): read as W it would be
# scored a million times too small.
POWER_UNITS = {"W": 1.0, "kW": 1000.0, "MW": 1e6}
ENERGY_UNITS = {"Wh": 1.0, "kWh": 1000.0, "MWh": 1e6}
METER_UNITS = {"Wh-total": 1.0, "kWh-total": 1000.0, "MWh-total": 1e6}
TEMPERATURE_UNITS = ("C", "F", "K")
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
KW_LOOKING_MEDIAN_W = 20.0  # no home, building or region draws a median 20 W
PLAUSIBLE_MEDIAN_C = (-50.0, 45.0)  # colder or hotter than any inhabited place's median
# After a time of day: `+01:00`, `+0100`, or whole hours, `-06` (Pecan Street's `localminute`),
# which after a date alone would be its day.
OFFSET_PATTERN = r"(?<=\d:\d\d)(?::\d\d(?:\.\d+)?)?([+-])(\d\d)(?::?(\d\d))?\s*$"
TIME_OF_DAY_ONLY = r"\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
HOUR_24_PATTERN = r"(?:^|(?<=[\sT]))24:00(?::00)?\s*$"  # the hour 24, after a date or alone
# Where several zones fit a file's offsets, the first of these areas names it.
ZONE_AREAS = ("Europe", "America", "Australia", "Asia", "Pacific", "Africa", "Atlantic")
RARE_NEGATIVE_SHARE = 0.01  # this few negative hours are a meter's noise, not export
KELVIN_LOOKING_MEDIAN = 150.0  # read as °C or °F: only Kelvin is this high
RISING_ONLY_SHARE = 0.01  # power falls this rarely (or twice) only in a meter's total (resets)
REGULAR_SHARE = 0.8  # rows this often at the usual interval are "regular"
TEMPERATURE_NAME_UNITS = {
    "f": "F",
    "degf": "F",
    "fahrenheit": "F",
    "c": "C",
    "degc": "C",
    "celsius": "C",
    "k": "K",
    "kelvin": "K",
    # Weather services' names that say no unit but always mean one: NOAA's Local
    # Climatological Data and IEM's ASOS write °F, and a winter in °F passes as °C.
    "hourlydrybulbtemperature": "F",
    "hourlywetbulbtemperature": "F",
    "hourlydewpointtemperature": "F",
    "tmpf": "F",
    "tmpc": "C",
}
# What a column whose name says no unit is read in: °F in a cool season, or a region's MW,
# cannot be told from the values.
ASSUMED_TEMPERATURE = "°C (°F or K where its median can only be those)"
ASSUMED_POWER = "W (kW where its median is below 20 W)"
POWER_NAME_UNITS = {
    "w": "W",
    "watt": "W",
    "watts": "W",
    "kw": "kW",
    "wh": "Wh",
    "kwh": "kWh",
    "mw": "MW",
    "mwh": "MWh",
}
# Loggers and weather services write these for no reading: as power they would be refused
# as export, or scored as 0 W with --clip-negative.
MISSING_MARKS = (-999.0, -9999.0, -99999.0)
# NOAA's Local Climatological Data writes `38s` for a reading its checks doubt: still the
# station's best reading, and without it a file of them could not be read at all.
SUSPECT_VALUE = r"[-+]?\d+(?:\.\d+)?s"
# A space, no-break space or narrow no-break space before three digits groups thousands
# (French Excel's `1 234,5`): it is never a decimal mark, so it needs no option.
SPACE_GROUPING = r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))"
# Home Assistant's states for a sensor without a reading: the reading before ends there,
# where an empty cell (a row of another column's) leaves it holding.
NO_READING_STATES = ("unavailable", "unknown")
HEADER_SEARCH_LINES = 50  # an export's preamble (account, meter, period) is a few lines
# Hourly or finer rows with gaps: beyond ten years, more hours than this per row is a stray
# row, not data (its hourly grid would hold millions of empty hours).
MAX_HOURS_PER_ROW = 24
ALWAYS_SPANNED_HOURS = 10 * 8766
WEATHER_HOLD_MAX = pd.Timedelta(hours=3)  # a sparser weather column's reading holds this long
# Zone names after a time, which pandas would drop (read as local time). CST, IST and the
# like name several zones: beside their summer name (US Central's CDT, Israel's IDT) they
# are that zone's; alone they are read as local time, as before.
SHARED_ZONE_NAMES = {("CST", "CDT"): "-06:00", ("IST", "IDT"): "+02:00"}
ZONE_NAMES = {
    "UTC": "+00:00",
    "UT": "+00:00",
    "GMT": "+00:00",
    "WET": "+00:00",
    "BST": "+01:00",
    "WEST": "+01:00",
    "CET": "+01:00",
    "CEST": "+02:00",
    "MEZ": "+01:00",
    "MESZ": "+02:00",
    "EET": "+02:00",
    "EEST": "+03:00",
    "EST": "-05:00",
    "EDT": "-04:00",
    "CDT": "-05:00",
    "MST": "-07:00",
    "MDT": "-06:00",
    "PST": "-08:00",
    "PDT": "-07:00",
    "AEST": "+10:00",
    "AEDT": "+11:00",
}


class CsvError(ValueError):
    """The CSV cannot be read as asked; the message says what to change."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CsvOptions:
    """How to read the file: column names, units and time zone."""

    time: str
    power: str
    temperature: str
    humidity: str | None = None
    tz: str | None = None
    sep: str | None = None
    decimal: str = "."
    thousands: str | None = None
    # None: the unit the column's name says (`load_kw`, `Temp °F`), else W and °C, or kW,
    # °F or K where the values can only be those (with a note).
    power_unit: str | None = None
    temperature_unit: str | None = None
    clip_negative: bool = False


def note(message: str) -> None:
    """A remark about the input, on stderr: the bench's table stays on stdout."""
    print(f"note: {message}", file=sys.stderr)


def load_csv(path: Path, options: CsvOptions, notes: Callable[[str], None] = note) -> pd.DataFrame:
    """The file as whole days of hourly `power_w` (W), `temperature` (°C), `humidity`."""
    check_zone(options.tz)
    # Headers pad names (London's smart meters: `KWH/hh (per half hour) `): asked for as
    # they read, with or without the spaces, they are the same column.
    options = replace(
        options,
        time=options.time.strip(),
        power=options.power.strip(),
        temperature=options.temperature.strip(),
        humidity=options.humidity.strip() if options.humidity else None,
    )
    raw = read_table(path, options, notes)
    raw.columns = raw.columns.str.strip()
    time_columns = time_parts(options.time, list(raw))
    wanted = {"power": options.power, "temperature": options.temperature}
    if options.humidity:
        wanted["humidity"] = options.humidity
    named = list(wanted.values())
    if shared := next((column for column in named if named.count(column) > 1), None):
        both = " and ".join(key for key, column in wanted.items() if column == shared)
        raise CsvError(
            f"the column {shared!r} for both {both}: each needs a column of its own (a "
            "history export listing every entity's state in one column, beside entity_id? "
            "give each entity's states a column)"
        )
    absent = [column for column in [*time_columns, *wanted.values()] if column not in raw]
    if absent:
        raise CsvError(f"no column {', '.join(map(repr, absent))}; the file has {list(raw)}")
    options = check_named_units(options, notes)
    time_text = raw[time_columns[0]].str.strip()
    if len(time_columns) > 1:
        check_dates_given(raw, time_columns)
    for column in time_columns[1:]:
        time_text = time_text + " " + time_of_day(raw[column], column)
    # Empty or word-only cells (NA, -, null, an export's "Total" row) carry no time.
    blank = ~time_text.str.contains(r"\d")
    if blank.any():
        words = time_text[blank & (time_text.str.strip() != "")]
        such_as = f" (such as {words.iloc[0].strip()!r})" if not words.empty else ""
        if blank.all() and not words.empty:
            raise CsvError(
                f"cannot read the times in {options.time!r}: no cell holds a time, "
                f"e.g. {words.iloc[0].strip()!r}"
            )
        notes(f"{int(blank.sum())} rows without a time{such_as} dropped")
        time_text = time_text.where(~blank, "")
    times = parse_times(time_text.rename(options.time), options.tz, notes)
    check_time_of_day(times, options.time)
    keep = times.notna()
    check_span(times[keep], options.time)
    rows = pd.DataFrame(
        {
            key: numbers(raw[column], column, options.decimal, notes, options.thousands)
            for key, column in wanted.items()
        }
    )
    rows["stopped"] = raw[options.power].str.strip().str.lower().isin(NO_READING_STATES)
    rows = rows[keep.to_numpy()]
    rows.index = pd.DatetimeIndex(times[keep])
    read_by_values: dict[str, str] = {}
    hourly = hourly_frame(rows, options, notes, read_by_values)
    # Said once the file is read: a refused file's message stays the only line. One note a
    # column: what its values made of the unit its name does not say, or what was assumed.
    for key, column, unit, assumed, flag in (
        (
            "temperature",
            options.temperature,
            options.temperature_unit,
            ASSUMED_TEMPERATURE,
            "--temperature-unit",
        ),
        ("power", options.power, options.power_unit, ASSUMED_POWER, "--power-unit"),
    ):
        if unit is None:
            why = read_by_values.get(key, f": read in {assumed} ({flag} to set it)")
            notes(f"{column!r} names no unit{why}")
    return hourly


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


def check_named_units(options: CsvOptions, notes: Callable[[str], None] = note) -> CsvOptions:
    """The options with each unit not given taken from its column's name, if it says one.

    A unit given that the name contradicts is refused: `temp_f` read as °C passes the
    plausibility check in a cold month (40 °F is a possible 40 °C) and `load_kw` read as W
    in a large building (a median 50 "W"): both would be scored silently wrong.
    """
    named = (
        ("temperature_unit", options.temperature, TEMPERATURE_NAME_UNITS),
        ("power_unit", options.power, POWER_NAME_UNITS),
    )
    resolved: dict[str, str] = {}
    for field, column, units in named:
        tokens = set(re.split(r"[^a-z0-9]+", column.lower().replace("°", " deg")))
        said = {units[token] for token in tokens if token in units}
        if len(said) != 1:
            continue
        name_unit = next(iter(said))
        unit: str | None = getattr(options, field)
        flag = "--" + field.replace("_", "-")
        if unit is None:
            notes(f"{column!r} is read in {name_unit}, as its name says ({flag} to change)")
            resolved[field] = name_unit
        elif unit != name_unit and not unit.startswith(name_unit):
            raise CsvError(
                f"the column {column!r} is named in {name_unit} but read as {unit}: "
                f"{flag} {name_unit} if so (or rename the column)"
            )
    return replace(options, **resolved)


def time_parts(time: str, columns: list[str]) -> list[str]:
    """The time column, or the date and time-of-day columns named `Date+Time`."""
    if time in columns or "+" not in time:
        return [time]
    return [part.strip() for part in time.split("+")]


def check_dates_given(raw: pd.DataFrame, time_columns: list[str]) -> None:
    """Refuse rows with a time of day but no date: pandas would date them today.

    A spreadsheet that writes the date once a day (pycity_base's measured loads, on each
    day's second row) left 95 of 96 rows on the day of the run.
    """
    date = raw[time_columns[0]].str.strip()
    clock = raw[time_columns[1]].str.strip()
    undated = (date == "") & clock.str.contains(r"\d")
    if undated.any():
        line = int(np.flatnonzero(undated.to_numpy())[0])
        raise CsvError(
            f"{int(undated.sum())} of {len(raw)} rows have a time of day in "
            f"{time_columns[1]!r} but no date in {time_columns[0]!r}, e.g. row {line + 1} "
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


def read_table(
    path: Path, options: CsvOptions, notes: Callable[[str], None] = note
) -> pd.DataFrame:
    """All cells as text: what they mean is decided column by column."""
    try:
        encoding = file_encoding(path)
        with open(path, encoding=encoding, errors="replace") as file:
            lines = [line for _, line in zip(range(HEADER_SEARCH_LINES), file, strict=False)]
        skip = header_line(lines, options)
        if skip:
            notes(f"{skip} lines above the header skipped (an export's preamble?)")
        header = lines[skip] if lines else ""
        first_time_column = options.time.split("+")[0].strip()
        separator = options.sep or (
            sniff_separator(header, options.time)
            if options.time in header
            else sniff_separator(header, first_time_column)
        )
        check_unique_names(header, separator, options)
        return pd.read_csv(
            path,
            sep=separator,
            skiprows=skip,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            encoding=encoding,
            encoding_errors="replace",
        )
    except FileNotFoundError as error:
        raise CsvError(f"no such file: {path}") from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as error:
        raise CsvError(f"not a readable CSV ({error})") from error


def check_unique_names(header: str, separator: str, options: CsvOptions) -> None:
    """Refuse a column asked for by a name that heads several columns.

    pandas renames the later ones (`power in W.1`) and the first would be read without a
    word: a spreadsheet with one line of names over a line of units (`power in W` under
    each building's name) made every building the first one.
    """
    if len(separator) == 1:
        fields = next(csv.reader([header.rstrip("\r\n")], delimiter=separator), [])
    else:
        fields = header.rstrip("\r\n").split(separator)
    names = [field.strip().strip('"') for field in fields]
    asked = [*time_parts(options.time, names), options.power, options.temperature]
    if options.humidity:
        asked.append(options.humidity)
    for column in asked:
        places = [str(number) for number, name in enumerate(names, 1) if name == column]
        if len(places) > 1:
            raise CsvError(
                f"{len(places)} columns are named {column!r} (columns "
                f"{', '.join(places)}): rename them apart (a line of names above this one?)"
            )


def header_line(lines: list[str], options: CsvOptions) -> int:
    """The first line that names every column asked for; 0 if none does.

    Utility and logger exports open with lines about the account or the meter: the header
    is the line that holds the columns, not necessarily the first.
    """
    wanted = {*time_parts(options.time, []), options.power, options.temperature}
    for number, line in enumerate(lines):
        for separator in [options.sep] if options.sep else SEPARATORS:
            fields = {field.strip().strip('"') for field in line.split(separator)}
            if wanted <= fields or {options.time, options.power, options.temperature} <= fields:
                return number
    return 0


def file_encoding(path: Path) -> str:
    """UTF-8 (with or without a BOM), UTF-16 by its BOM, else Windows-1252.

    Excel saves "CSV" in Windows' code page (1252 in Western Europe) and "Unicode text" as
    UTF-16: read as UTF-8, a header's `°C` or `ß` no longer matches the column asked for.
    """
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def sniff_separator(header: str, time_column: str) -> str:
    """The separator that splits the header into the most fields, one of them the time."""
    candidates = [
        sep
        for sep in SEPARATORS
        if time_column in (field.strip().strip('"') for field in header.split(sep))
    ]
    if not candidates:
        raise CsvError(
            f"no column {time_column!r} in the header {header.strip()!r} "
            f"(separators tried: , ; tab |; --sep to give one)"
        )
    return max(candidates, key=lambda sep: len(header.split(sep)))


def parse_times(column: pd.Series, zone: str | None, notes: Callable[[str], None]) -> pd.Series:
    """The time column as instants (NaT where a row has no time), in `zone` if given."""
    text = column.str.strip()
    present = text != ""
    values = text[present]
    if values.empty:
        raise CsvError(f"the time column {column.name!r} is empty")
    numeric = pd.to_numeric(values, errors="coerce")
    compact = compact_times(values)
    if compact is not None:
        parsed = compact
    elif numeric.notna().all():
        parsed = epoch_times(numeric, str(column.name))
    else:
        parsed = text_times(values, str(column.name), notes)
    if parsed.dt.tz is None:
        if zone:
            parsed = localize(values, parsed, zone, notes)
    elif zone:
        parsed = parsed.dt.tz_convert(zone)
    elif str(parsed.dt.tz) == "UTC" and written_offsets(values).nunique() > 1:
        found = zone_of_offsets(values, parsed)
        if found is None:
            notes("the UTC offsets change, as no time zone's do: hours are read in UTC; --tz")
        else:
            notes(f"the UTC offsets change as {found}'s do: hours are counted in it (--tz)")
            parsed = parsed.dt.tz_convert(found)
    return parsed.reindex(column.index)


def zone_of_offsets(values: pd.Series, instants: pd.Series) -> str | None:
    """A time zone whose UTC offset at each row's instant is the offset written in it.

    Times written with the offsets of a zone's clock changes (`+01:00` in winter, `+02:00`
    in summer) are its local times: read in UTC, every hour of the day would be an hour
    off for half the year. Any zone that matches every row gives the same local times.
    """
    minutes = written_offsets(values)
    known = minutes.notna() & instants.notna()
    pairs = pd.DataFrame({"at": instants[known], "minutes": minutes[known]}).drop_duplicates()
    pairs = pairs.sort_values("at")
    # Each change of offset and its row before, plus every hundredth row: a zone that fits
    # these fits the rest of the span between them.
    changed = pairs["minutes"].ne(pairs["minutes"].shift()) | pairs["minutes"].ne(
        pairs["minutes"].shift(-1)
    )
    sample = pairs[changed | (np.arange(len(pairs)) % 100 == 0)]
    at = pd.DatetimeIndex(sample["at"])
    expected = sample["minutes"].to_numpy()
    if len(at) == 0:
        return None
    first = at[0].to_pydatetime()
    areas = {area: rank for rank, area in enumerate(ZONE_AREAS)}
    candidates = [name for name in available_timezones() if name.split("/")[0] in areas]
    for name in sorted(candidates, key=lambda name: (areas[name.split("/")[0]], name)):
        offset = first.astimezone(ZoneInfo(name)).utcoffset()
        if offset is None or offset.total_seconds() / 60 != expected[0]:
            continue
        local = at.tz_convert(name)
        offsets = (local.tz_localize(None) - at.tz_localize(None)).total_seconds() / 60
        if np.array_equal(offsets.to_numpy(), expected):
            return name
    return None


def offset_minutes(values: pd.Series) -> pd.Series:
    """The UTC offset written after each time, in minutes (NaN where none is)."""
    written = values.str.extract(OFFSET_PATTERN)
    minutes = pd.to_numeric(written[1], errors="coerce") * 60 + pd.to_numeric(
        written[2], errors="coerce"
    ).fillna(0)
    return minutes.where(written[0] != "-", -minutes)


def written_offsets(values: pd.Series) -> pd.Series:
    """The UTC offset of each time in minutes, `Z` as 0 (NaN where none is written)."""
    return offset_minutes(values).where(~values.str.contains(r"Z\s*$"), 0)


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
                parsed = pd.to_datetime(numeric, unit=unit, utc=True)
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
    """One format for the whole column: as pandas infers it, ISO 8601 variants, day first.

    Where both month first and day first read every value (every day of the month at most
    12), the reading that spans less time is taken: rows a day apart read the wrong way
    round jump by months.
    """
    values = interval_starts(values)
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
    values = zone_names_as_offsets(values, name, notes)
    # Hour-ending data counts the last hour of a day as 24:00, which pandas does not read.
    # The 24 must be the hour: `05:24:00` is minute 24 of a sub-hourly file.
    hour_24 = values.str.contains(HOUR_24_PATTERN)
    if hour_24.any():
        values = values.where(~hour_24, values.str.replace(HOUR_24_PATTERN, "00:00", regex=True))
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
        if not hour_24.any():
            return best
        # Only interval-ending data counts to 24:00: each row's time is its interval's end.
        ending = best.where(~hour_24, best + pd.Timedelta(days=1))
        steps = np.diff(np.unique(ending.dropna().to_numpy().astype("datetime64[ns]")))
        interval = pd.Timedelta(np.median(steps)) if steps.size else HOUR
        notes(f"times run to 24:00: each row is read as the {interval} before its time")
        return ending - interval
    bad = pd.to_datetime(values, errors="coerce", format="mixed").isna()
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


def zone_names_as_offsets(values: pd.Series, name: str, notes: Callable[[str], None]) -> pd.Series:
    """`... GMT`, `... CEST` as UTC offsets: pandas drops the name and reads a local time."""
    named = values.str.extract(r"(?<=[\d\s])([A-Z]{2,5})\s*$", expand=False)
    named = named.where(~named.isin(["AM", "PM"]))
    if named.isna().all():
        return values
    present = set(named.dropna())
    zones = ZONE_NAMES | {
        shared: offset
        for (shared, summer), offset in SHARED_ZONE_NAMES.items()
        if summer in present
    }
    stripped = values.str.replace(r"\s*[A-Z]{2,5}\s*$", "", regex=True)
    if unknown := sorted(present - set(zones)):
        if present & set(zones):
            raise CsvError(
                f"the times in {name!r} end in {unknown[0]!r} beside other zone names: "
                "write UTC offsets such as +01:00 instead"
            )
        notes(
            f"the times in {name!r} end in {unknown[0]!r}, a name this reader does not tell "
            "apart (several zones share it): read as local time (see --tz)"
        )
        return stripped
    return values.where(named.isna(), stripped + named.map(zones))


def read_times(values: pd.Series, keywords: dict[str, object]) -> pd.DatetimeIndex | pd.Series:
    # Offsets that change are read as instants straight away: pandas' first reading of
    # them ends in objects, after the slow path, and is then read again.
    changing = offset_minutes(values).nunique() > 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mixed offsets or a guessed format: handled here
        if changing:
            return pd.to_datetime(values, utc=True, **keywords)  # type: ignore[call-overload]
        parsed = pd.to_datetime(values, **keywords)  # type: ignore[call-overload]
        if parsed.dtype == object:  # offsets that change: read as instants
            parsed = pd.to_datetime(values, utc=True, **keywords)  # type: ignore[call-overload]
    return parsed


def localize(
    values: pd.Series, parsed: pd.Series, zone: str, notes: Callable[[str], None]
) -> pd.Series:
    """Naive local times in `zone`; the clock change's repeated hour by row order if it can.

    Night by night: one row written twice (a meter's repeat) must not cost the repeated
    hour of every other clock change in the file.
    """
    try:
        return parsed.dt.tz_localize(zone, ambiguous="infer", nonexistent="NaT")
    except Exception:  # pytz's AmbiguousTimeError, no ValueError: the order cannot tell
        local = parsed.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").copy()
    skipped = parsed.dt.tz_localize(zone, ambiguous=True, nonexistent="NaT").isna()
    repeated = local.isna() & ~skipped & parsed.notna()
    lost = 0
    for _, night in parsed[repeated].groupby(parsed[repeated].dt.normalize()):
        day = parsed[parsed.dt.normalize() == night.iloc[0].normalize()]
        # A row repeating the one before it is the same instant: infer without it.
        first = day[day != day.shift()]
        try:
            inferred = first.dt.tz_localize(zone, ambiguous="infer", nonexistent="NaT")
        except Exception:
            lost += int(repeated[day.index].sum())
            continue
        local[day.index] = inferred.reindex(day.index).ffill()
    if lost:
        notes(f"{lost} rows in a clock change's repeated hour dropped: their order does not tell")
    return local


def check_zone(zone: str | None) -> None:
    if zone is None:
        return
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise CsvError(f"unknown time zone {zone!r} (e.g. Europe/London)") from error


def numbers(
    column: pd.Series,
    name: str,
    decimal: str,
    notes: Callable[[str], None],
    thousands: str | None = None,
) -> pd.Series:
    """A column as floats: empty or word-only cells (NA, n/a, -) are missing values.

    A grouping mark (`thousands`; `.` with a decimal comma) is taken only between groups
    of three digits: `1.234,5` is 1234.5, while `800.5` read with a decimal comma is
    refused rather than read as 8005.
    """
    text = column.str.strip()
    suspect = text.str.fullmatch(SUSPECT_VALUE)
    if suspect.any():
        notes(
            f"{int(suspect.sum())} cells of {name!r} such as {column[suspect].iloc[0]!r}, "
            "NOAA's flag for a suspect reading, read as their value"
        )
        text = text.where(~suspect, text.str[:-1])
    text = text.str.replace(SPACE_GROUPING, "", regex=True)
    grouping = thousands if thousands is not None else ("." if decimal == "," else None)
    if grouping is not None:
        grouped = text.str.contains(grouping, regex=False)
        well_grouped = text.str.fullmatch(
            rf"[-+]?\d{{1,3}}(?:{re.escape(grouping)}\d{{3}})+(?:{re.escape(decimal)}\d*)?"
        )
        wrong = grouped & ~well_grouped
        if wrong.any():
            example = column[wrong].iloc[0]
            raise CsvError(
                f"{int(wrong.sum())} values of {name!r} hold {grouping!r} elsewhere than "
                f"between groups of three digits, e.g. {example!r}: is {grouping!r} the "
                f"decimal mark? (read with --decimal {decimal!r}"
                + (f" --thousands {thousands!r})" if thousands else ")")
            )
        text = text.str.replace(grouping, "", regex=False)
    if decimal != ".":
        text = text.str.replace(decimal, ".", regex=False)
    values = pd.to_numeric(text, errors="coerce")
    unread = values.isna() & (text != "")
    with_digits = unread & text.str.contains(r"\d")
    if with_digits.any():
        example = column[with_digits].iloc[0]
        hint = ""
        if "," in example and decimal == ".":
            grouped_by_comma = re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?", example)
            hint = " (thousands grouped? --thousands ,)" if grouped_by_comma else ""
            hint = hint or " (a decimal comma? --decimal ,)"
        raise CsvError(
            f"{int(with_digits.sum())} values of {name!r} are not numbers, e.g. {example!r}{hint}"
        )
    if unread.any():
        example = column[unread].iloc[0]
        notes(f"{int(unread.sum())} cells of {name!r} such as {example!r} read as missing")
    marked = values.isin(MISSING_MARKS)
    if marked.any():
        example = column[marked].iloc[0]
        notes(
            f"{int(marked.sum())} cells of {name!r} such as {example!r}, a logger's "
            "missing-value mark, read as missing"
        )
        values = values.mask(marked)
    return values.astype(np.float64)


def hourly_frame(
    rows: pd.DataFrame,
    options: CsvOptions,
    notes: Callable[[str], None],
    read_by_values: dict[str, str],
) -> pd.DataFrame:
    """Hourly time-weighted means of the rows, in W and °C, whole days only.

    `read_by_values` gets, for a column read in a unit only its values say, why.
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
    stops = pd.DatetimeIndex(rows.index[rows["stopped"] > 0])
    hourly = pd.DataFrame(
        {
            key: hourly_means(value, hold, stops)
            if key == "power_w"
            else hourly_means(value, weather_hold(value, hold))
            for key, value in series.items()
        }
    )
    if "humidity" not in hourly:
        hourly["humidity"] = np.nan
    return whole_days_or_error(checked_values(hourly, options, notes, read_by_values))


def cadence(index: pd.DatetimeIndex) -> tuple[pd.Timedelta, bool]:
    """The usual time between rows, and whether most rows keep to it."""
    gaps = np.diff(index.asi8) / 1e9 if len(index) > 1 else np.array([3600.0])
    usual = pd.Timedelta(seconds=float(np.median(gaps)))
    return usual, float(np.mean(np.isclose(gaps, usual.total_seconds()))) >= REGULAR_SHARE


def meter_power(total: pd.Series, wh_per_unit: float, notes: Callable[[str], None]) -> pd.Series:
    """W between each row and the next, from an energy meter's running total."""
    readings = total.dropna()
    energy_wh = np.diff(readings.to_numpy()) * wh_per_unit
    hours = np.diff(pd.DatetimeIndex(readings.index).asi8) / HOUR.value
    power = pd.Series(np.append(energy_wh / hours, np.nan), index=readings.index)
    resets = int((energy_wh < 0).sum())
    if resets:
        notes(f"the meter total drops {resets} times (a reset?): those intervals are missing")
        power[power < 0] = np.nan
    return power


def check_not_a_meter_total(power: pd.Series, options: CsvOptions) -> None:
    """Refuse a running total read as power: it would score as a load of megawatts."""
    steps = np.diff(power.dropna().to_numpy())
    if steps.size < 48:  # less than two days of hourly rows: too few to tell
        return
    drops = int((steps < 0).sum())
    if drops <= max(2, RISING_ONLY_SHARE * steps.size) and float(np.mean(steps > 0)) > 0.5:
        raise CsvError(
            f"{options.power!r} only ever rises ({int((steps > 0).sum())} of {steps.size} "
            "steps up): an energy meter's running total? --power-unit kWh-total (or "
            "Wh-total) if so"
        )


def celsius(temperature: pd.Series, unit: str) -> pd.Series:
    """Temperatures in °C from °C, °F or K."""
    if unit == "F":
        return (temperature - 32.0) * 5.0 / 9.0
    if unit == "K":
        return temperature - 273.15
    if unit == "C":
        return temperature
    raise CsvError(f"unknown temperature unit {unit!r}: one of {', '.join(TEMPERATURE_UNITS)}")


def power_factor(unit: str, regular: bool, usual: pd.Timedelta) -> float:
    """W per unit of the power column."""
    if unit in POWER_UNITS:
        return POWER_UNITS[unit]
    if unit in ENERGY_UNITS:
        if not regular:
            raise CsvError(f"energy per row ({unit}) needs rows at a regular interval")
        return ENERGY_UNITS[unit] / (usual / HOUR)
    known = ", ".join(POWER_UNITS | ENERGY_UNITS | METER_UNITS)
    raise CsvError(f"unknown power unit {unit!r}: one of {known}")


def weather_hold(values: pd.Series, hold: pd.Timedelta) -> pd.Timedelta:
    """How long a weather reading holds: the rows' interval, or its own when sparser.

    A meter every 15 minutes with the temperature filled in every 3 hours (a synop
    station's cadence) would otherwise leave two hours in three without a temperature.
    """
    known = pd.DatetimeIndex(values.dropna().index)
    if len(known) < 2:
        return hold
    usual = pd.Timedelta(seconds=float(np.median(np.diff(known.asi8))) / 1e9)
    return max(hold, min(usual, WEATHER_HOLD_MAX))


def hourly_means(
    values: pd.Series, hold: pd.Timedelta, stops: pd.DatetimeIndex | None = None
) -> pd.Series:
    """Time-weighted mean of each hour: a value holds until the next row, at most `hold`,
    and never past one of `stops` (a sensor's state saying it has no reading)."""
    known = values.dropna()
    index = pd.DatetimeIndex(values.index)
    # Whole hours in UTC: a local floor is ambiguous on the night the clocks go back.
    first, last = index.asi8[0] // HOUR.value, index.asi8[-1] // HOUR.value + 1
    edges_utc = pd.to_datetime(np.arange(first, last + 1) * HOUR.value, utc=True)
    local = edges_utc.tz_convert(index.tz) if index.tz else edges_utc.tz_localize(None)
    grid = pd.DatetimeIndex(local)
    if known.empty:
        return pd.Series(np.nan, index=grid[:-1])
    starts = known.index.asi8.astype(np.float64)
    ends = np.minimum(np.append(starts[1:], np.inf), starts + hold.value)
    if stops is not None and len(stops):
        stop_at = np.sort(stops.asi8.astype(np.float64))
        following = np.searchsorted(stop_at, starts, side="right")
        ends = np.minimum(ends, np.append(stop_at, np.inf)[following])
    # Cumulative integral and covered time at each row's start and end, linear in between.
    widths = ends - starts
    area = np.cumsum(known.to_numpy() * widths)
    covered = np.cumsum(widths)
    points = np.column_stack([starts, ends]).ravel()
    area_at = np.column_stack([area - known.to_numpy() * widths, area]).ravel()
    covered_at = np.column_stack([covered - widths, covered]).ravel()
    edges = grid.asi8.astype(np.float64)
    area_edges = np.interp(edges, points, area_at)
    covered_edges = np.interp(edges, points, covered_at)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.diff(area_edges) / np.diff(covered_edges)
    means[np.diff(covered_edges) <= 0] = np.nan
    return pd.Series(means, index=grid[:-1])


def checked_values(
    hourly: pd.DataFrame,
    options: CsvOptions,
    notes: Callable[[str], None],
    read_by_values: dict[str, str],
) -> pd.DataFrame:
    """The hourly frame, or one error where it would give silently wrong numbers.

    Where a unit was not given, values that can only be in another one are read in it,
    and `read_by_values` says why: a median of 0.45 "W" is a home's kW, a median of 55
    "°C" a place's °F.
    """
    power = hourly["power_w"].dropna()
    if power.empty:
        raise CsvError(f"no power values in {options.power!r}")
    if hourly["temperature"].isna().all():
        raise CsvError(f"no temperature values in {options.temperature!r}")
    negative = power < 0
    if negative.any():
        share = f"{int(negative.sum())} of {len(power)} hours"
        rare = negative.mean() <= RARE_NEGATIVE_SHARE
        if not (options.clip_negative or rare):
            raise CsvError(
                f"{share} have negative power (export, e.g. from PV?): the model forecasts "
                "consumption; give a consumption column, or --clip-negative to score "
                "max(power, 0)"
            )
        why = "--clip-negative" if options.clip_negative else "so few: a meter's noise"
        notes(f"{share} had negative power, scored as 0 W ({why})")
        hourly["power_w"] = hourly["power_w"].clip(lower=0.0)
    median = float(power.median())
    if 0 < median < KW_LOOKING_MEDIAN_W:
        if options.power_unit is not None and options.power_unit in ("W", "Wh"):
            raise CsvError(
                f"the median power is {median:.4g} W: kW (or kWh) read as W (Wh)? "
                "--power-unit kW (or kWh) if so"
            )
        if options.power_unit is None:
            read_by_values["power"] = (
                f", and its median would be {median:.4g} W, which no home draws: read as kW "
                "(--power-unit W to refuse)"
            )
            hourly["power_w"] = hourly["power_w"] * POWER_UNITS["kW"]
    median_c = float(hourly["temperature"].median())
    low, high = PLAUSIBLE_MEDIAN_C
    if low <= median_c <= high:
        return hourly
    unit = options.temperature_unit or "C"
    as_given = {"C": median_c, "F": median_c * 9.0 / 5.0 + 32.0, "K": median_c + 273.15}[unit]
    if as_given > KELVIN_LOOKING_MEDIAN and unit != "K":
        likely, hint = "K", "Kelvin? --temperature-unit K"
    elif as_given > high and unit == "C":
        likely, hint = "F", "°F? --temperature-unit F"
    else:
        likely, hint = None, "check --temperature-unit (C, F or K)"
    if options.temperature_unit is None and likely is not None:
        celsius_now = celsius(hourly["temperature"], likely)
        if low <= float(celsius_now.median()) <= high:
            read_by_values["temperature"] = (
                f", and its median would be {median_c:.1f} °C: read as {likely} "
                "(--temperature-unit C to refuse)"
            )
            hourly["temperature"] = celsius_now
            return hourly
    raise CsvError(f"the median temperature, read as {unit}, is {median_c:.1f} °C: {hint}")


def whole_days_or_error(hourly: pd.DataFrame) -> pd.DataFrame:
    index = pd.DatetimeIndex(hourly.index)
    if not (index.to_series().groupby(index.normalize()).size() == 24).any():
        raise CsvError("not one whole day (24 hours from midnight) in the file")
    return whole_days(hourly)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `--csv` (module docstring: what each one accepts)."""
    csv = parser.add_argument_group(
        "your own CSV",
        "Rows 1-60 min apart or irregular, unsorted or repeated, become hourly time-weighted\n"
        "means: each value counts from its row's time until the next row. Power is taken in W\n"
        "unless --power-unit or the column's name says otherwise (a median below 20 W is read\n"
        "as kW, with a note). Negative power (export) is refused unless --clip-negative or\n"
        "it is rare (at most 1 % of hours: a meter's noise, scored as 0 W).",
    )
    csv.add_argument("--csv", metavar="FILE")
    csv.add_argument(
        "--time", default="time", help="time column: ISO 8601, dates, epoch s to ns or Excel days"
    )
    csv.add_argument("--power", default="power", help="power (or energy per row) column")
    csv.add_argument("--temperature", default="temperature", help="outdoor temperature column")
    csv.add_argument("--humidity", help="outdoor humidity column (%%), optional")
    csv.add_argument(
        "--tz",
        help="the home's time zone, e.g. Europe/London: naive times are its local time, "
        "hours of the day are counted in it",
    )
    csv.add_argument(
        "--power-unit",
        choices=[*POWER_UNITS, *ENERGY_UNITS, *METER_UNITS],
        help="W, kW or MW; Wh, kWh or MWh: energy per row over the rows' regular interval; "
        "Wh-total, kWh-total or MWh-total: an energy meter's running total (default: the "
        "unit the column's name says, else W, or kW where a median below 20 W says so)",
    )
    csv.add_argument(
        "--temperature-unit",
        choices=TEMPERATURE_UNITS,
        help="default: the unit the column's name says, else C, or F or K where the median says so",
    )
    csv.add_argument("--sep", help="field separator (default: , ; tab or | from the header)")
    csv.add_argument(
        "--decimal",
        default=".",
        help="decimal mark, e.g. ',' (default .; with ',' a '.' may group thousands)",
    )
    csv.add_argument("--thousands", help="thousands separator, e.g. ',' for 1,234.5")
    csv.add_argument(
        "--clip-negative",
        action="store_true",
        help="score negative power (export) as 0 W instead of refusing the file",
    )


def options_from(args: argparse.Namespace) -> CsvOptions:
    return CsvOptions(
        time=args.time,
        power=args.power,
        temperature=args.temperature,
        humidity=args.humidity,
        tz=args.tz,
        sep=args.sep,
        decimal=args.decimal,
        thousands=args.thousands,
        power_unit=args.power_unit,
        temperature_unit=args.temperature_unit,
        clip_negative=args.clip_negative,
    )
