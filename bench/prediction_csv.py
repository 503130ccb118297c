"""A CSV of your own for bench/prediction.py: read it, check it, make it hourly.

The file needs a time column, a power column and an outdoor temperature column (humidity
optional). What a checker's file may look like, and what becomes of it:

- Encoding: UTF-8, UTF-16 with its BOM (Excel's "Unicode text") or else Windows-1252
  (Excel's CSV in Western Europe); compressed with gzip, bzip2 or xz, or a zip of one file
  (EIA-930's `.csv.gz`), it is unpacked first, with a `note:`; an Excel workbook is
  refused (save its sheet as CSV).
- Header: the first line that names the columns asked for (a column without a name,
  as `DataFrame.to_csv` writes an unnamed index, is asked for as `--time ''`); lines
  above it (an export's account, meter or period) are skipped with a `note:`; a line of
  units under it (`,kW,°F`, Campbell's TOA5) is read as part of each column's name. A name
  asked for that heads several columns (`power in W` under each building's name) is
  refused.
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
  formatted as a number, read as local time; `45123,5` with a decimal comma too, where every
  cell is a five-digit day in Excel's plausible range); a date and a time of day in two columns are
  named together, `--time Date+Time` (the time of day may be a whole hour number: 1..24
  hour ending, 0..23 hour beginning), and a date in three whole-number columns too,
  `--time year+month+day+hour` (GEFCom's and BigDEAL's layout; the year has four digits,
  the day passes 12; a date column that carries midnight on every row, as pandas and
  Excel save dates, is read as the date); an hour-ending `24:00` is midnight of the next
  day. A time of day without its date (a date written once a day) is refused. A
  time cell without a digit (empty, `NA`, `-`, an export's `Total` row) drops its row, with
  a `note:`. Offsets are
  read as instants; naive times are the home's local time when `--tz` is given (the
  repeated hour of a clock change is told apart by row order, night by night, or dropped
  when it cannot be; rows in the skipped hour are dropped) and are used as they are
  otherwise; with `--naive-times utc` they are UTC instants (the German weather service's
  stamps), their hours of the day counted in `--tz` (in UTC without it), and so they are
  without the option where the time column's name says UTC (EIA-930's `period_utc`,
  `Time (UTC)`, `DateTimeUTC`; with a `note:`). Hour of
  day and weekday are taken in `--tz`, else in a zone whose clock changes the file's
  offsets or zone names follow (`+01:00` in winter, `+02:00` in summer: a Central European
  zone, with a `note:`), else in the file's one offset, else in UTC. A time is its row's start, but
  where the file says it ends its interval: times running to `24:00`, whole days from one
  interval past midnight to midnight (NREL ResStock's `00:15` for 00:00-00:15, ... the next
  year's `00:00`), or a time column named for the end (`end`, `Period Ending`, `bis`), each
  with a `note:` (`prediction_csv_endings`); `--row-time start|end` decides either way.
  Naive local ends through a clock change are read whichever way the file stamps them: as
  the clock showed them (spring's 01:00-02:00 ends at 03:00) or as the start's clock plus
  the interval (02:00, and 03:00 twice in autumn); the reading that loses fewer rows.
  A typical year's dates (TMY3's and EPW's years, one per month) are refused.
- Rows that do not fit the header (a comment after the data, a cut last line, a cell more)
  are dropped with one `note:`; a file whose rows mostly do not fit is refused.
- Rows may be unsorted, duplicated (averaged), 1 to 60 minutes apart or irregular: each
  value holds until the next row (for at most the file's usual interval when rows are
  regular, else an hour; a temperature or humidity column filled in less often than the
  rows holds for its own interval, at most 3 hours; power holds no further than a row whose
  power is Home Assistant's `unavailable` or `unknown`), and each hour gets the
  time-weighted mean of what covers it. The hours are the zone's clock hours, also where
  it is a part of an hour off UTC (India's +05:30, Nepal's +05:45, Adelaide's +09:30).
  Hours nothing covers stay missing and are not scored; the whole days kept run from the
  first with all its hours to the last (23 or 25 on a clock change's day). Times spanning
  more than ten years with less than a row a day on average are refused: a stray row
  centuries away.
- Power in W (`--power-unit W`, the default), kW, MW, energy per row in Wh, kWh or MWh,
  or J, kJ or MJ as EnergyPlus writes its meters (regular rows, or the column's own rows
  regular: the energy over their interval), or an energy meter's running total in Wh-total
  or kWh-total (a `total_increasing` sensor's export: the power between two rows is their
  difference over their time apart; a drop, the meter reset, leaves that interval
  missing). Temperature in °C, °F, K or whole tenths of a °C (`C10`: KNMI's and DWD's
  123 for 12.3 °C). Cells that carry their unit (`1.2 kW`, `450 W`, `12.3 °C`, `81 %`)
  are read in it, over the option and the name (with a `note:`
  where these say another); a column whose cells carry two units is refused. Without
  `--power-unit` or `--temperature-unit`, a column whose name says a unit (`temp_f`,
  `Temperature (°F)`, `load_kw`, `Demand (MW)`, camel case `tempF`; `T10`, `0.1 °C` and
  `tenths` are C10; NOAA's `HourlyDryBulbTemperature` and IEM's `tmpf` are °F; a one-letter
  first word is a quantity's symbol, VDI 4655's `W_el` no watt) is read in it, and values
  that can only be in another unit are read in that one, with a `note:`: a median power
  below 20 W is kW (over the hours that draw any, for a load off in half of them: a heat
  pump, a normalised profile); power whose hours never fall below 45 % of its median and move less
  than 7 % an hour (a region's or a utility's load, summed over many consumers: 53-68 %
  and 4-6 % in the bench's; its homes and buildings move 10 % an hour or more) is MW; whole
  numbers that as °C, °F or K make no place's weather (days spanning over 25 degrees, hours
  jumping over 3, or a spread over 15) but as tenths do are C10; a median above 45 "°C" is
  °F (above 150, K), and so is a month no place's °C makes, a cool season's °F: a month's
  median above the hottest that month has had anywhere (37 °C from October to March) or a
  hot month whose days are as unalike as a cool season's (`prediction_csv_climate`;
  `--temperature-unit C` reads them as °C). Otherwise W and °C are assumed: a home's kW, a
  building's W and a region's MW in between cannot be told apart (a median of 0.5 to
  50,000, said so), nor a month below 25 °F (-4 °C) on its own from a mild °C one. The
  bench prints, with its table, the unit each column was read in and why, and gives the
  MAEs in the power's unit. A unit given that
  the name or the values contradict is refused (40 °F read as °C passes every other check:
  the name is the only tell), and so is a running total read as power (one that
  restarts each day too: Home Assistant's "energy today"). Humidity is in %; a column
  whose every value lies in 0..1 (Dark Sky's and opengrid's 0.81) is a fraction, read as
  % with a `note:`.
- Unicode's minus sign (U+2212, .NET's Swedish, Norwegian and Finnish number format) is
  read as `-`.
- -999, -9999 and -99999 are a logger's mark for no reading, and `inf` and a
  spreadsheet's formula errors (`#DIV/0!`, `#VALUE!`) are none either: missing, with a
  `note:`; so is a value beyond 1e15 in W or °C (`1e308`, or a meter's step to it: its
  hour's mean was infinite).
- NOAA's flag for a suspect reading after a value (`38s`) is dropped: the value is read,
  with a `note:`.
- Hours of outdoor temperature beyond -90..60 °C (past the world's records) or humidity
  beyond 0..105 % are a sensor's fault: missing, with a `note:`.
- Small numbers under a bare name in regular rows every 15 or 30 minutes are read as kW
  and the note says the other reading (kWh per row: 4 or 2 times the power, `--power-unit
  kWh`); the values cannot tell a power sensor's kW from a meter's kWh per interval.
- Negative power (export, e.g. from PV) is refused: the model forecasts consumption, which
  cannot be below 0 W. `--clip-negative` scores max(power, 0) instead; negative power in
  at most 1 % of the hours is a meter's noise and is scored as 0 W with a `note:`.

Once the file is read, one `note:` says what was read, for a checker to hold against the
file: its rows, their interval, their span, the zone the hours of the day are counted in,
the whole days and the hours without power (and without temperature, if any), and the
hourly means of power in W, temperature in °C and humidity in % as read (a unit read wrong
shows there).
Bad input ends in one `CsvError` whose message says what to change.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from bench.prediction_csv_archive import uncompressed
from bench.prediction_csv_arguments import add_arguments, options_from
from bench.prediction_csv_cells import units_in_cells, with_ascii_minus
from bench.prediction_csv_endings import ROW_TIMES, interval_starts_of_ends
from bench.prediction_csv_hours import hourly_frame, what_was_read
from bench.prediction_csv_options import NAIVE_TIMES, CsvError, CsvOptions, UnitRead, note
from bench.prediction_csv_rows import read_cells
from bench.prediction_csv_times import (
    check_one_calendar,
    check_span,
    row_times,
    runs_to_24,
    time_parts,
    utc_named,
)
from bench.prediction_csv_units import check_named_units, numbers, units_under_header
from bench.prediction_csv_values import note_units_assumed, unit_read
from bench.prediction_csv_zones import check_zone

__all__ = [
    "CsvError",
    "CsvOptions",
    "CsvRead",
    "UnitRead",
    "add_arguments",
    "load_csv",
    "note",
    "options_from",
    "read_csv",
]

SEPARATORS = (",", ";", "\t", "|")
# Home Assistant's states for a sensor without a reading: the reading before ends there,
# where an empty cell (a row of another column's) leaves it holding.
NO_READING_STATES = ("unavailable", "unknown")
UNNAMED = re.compile(r"Unnamed: \d+")
HEADER_SEARCH_LINES = 50  # an export's preamble (account, meter, period) is a few lines


def load_csv(path: Path, options: CsvOptions, notes: Callable[[str], None] = note) -> pd.DataFrame:
    """The file as whole days of hourly `power_w` (W), `temperature` (°C), `humidity`."""
    return read_csv(path, options, notes).hourly


@dataclass(frozen=True, slots=True)
class CsvRead:
    """A file read: its hourly whole days, and the unit each column was read in, and why."""

    hourly: pd.DataFrame
    power: UnitRead
    temperature: UnitRead


def read_csv(path: Path, options: CsvOptions, notes: Callable[[str], None] = note) -> CsvRead:
    """The file as hourly whole days, with the units its power and temperature were read in."""
    check_zone(options.tz)
    if options.naive_times not in (*NAIVE_TIMES, None):
        raise CsvError(f"--naive-times is one of {', '.join(NAIVE_TIMES)}")
    if options.row_time not in (*ROW_TIMES, None):
        raise CsvError(f"--row-time is one of {', '.join(ROW_TIMES)}")
    # Headers pad names (London's smart meters: `KWH/hh (per half hour) `): asked for as
    # they read, with or without the spaces, they are the same column.
    options = replace(
        options,
        time=options.time.strip(),
        power=options.power.strip(),
        temperature=options.temperature.strip(),
        humidity=options.humidity.strip() if options.humidity else None,
    )
    with uncompressed(path, notes) as plain:
        raw = read_table(plain, options, notes)
    raw.columns = raw.columns.str.strip()
    time_columns = time_parts(options.time, [str(name) for name in raw.columns])
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
    given = {"power": options.power_unit, "temperature": options.temperature_unit}
    cells: dict[str, pd.Series] = {}
    in_cells: dict[str, str] = {}
    for key, column in wanted.items():
        cells[key], unit = units_in_cells(with_ascii_minus(raw[column]), column, key, notes)
        if unit is not None and key in given:
            in_cells[key] = unit
            if given[key] not in (None, unit):
                notes(
                    f"{column!r} is read in {unit}, as its cells say, not --{key}-unit {given[key]}"
                )
    units_given: dict[str, Any] = {f"{key}_unit": unit for key, unit in in_cells.items()}
    options = replace(options, **units_given)
    below = units_under_header(
        raw, time_columns, {"power_unit": options.power, "temperature_unit": options.temperature}
    )
    options = check_named_units(
        options, notes, by_cells={f"{key}_unit" for key in in_cells}, units_below=below
    )
    # EIA's `period_utc` read as the home's local time was 8 hours off in California.
    utc_by_name = utc_named(time_columns) if options.naive_times is None else None
    options = replace(options, naive_times="utc" if utc_by_name else options.naive_times or "local")
    times = row_times(raw, time_columns, options, notes, utc_by_name)
    times = interval_starts_of_ends(
        times, time_columns, options, notes, runs_to_24(raw, time_columns)
    )
    keep = times.notna()
    check_one_calendar(times[keep], options.time)
    check_span(times[keep], options.time)
    # Only rows with a time: a line of units under the names (`kW`) is no missing reading.
    kept = keep.to_numpy()
    rows = pd.DataFrame(
        {
            key: numbers(cells[key][kept], column, options.decimal, notes, options.thousands)
            for key, column in wanted.items()
        }
    )
    rows["stopped"] = raw[options.power][kept].str.strip().str.lower().isin(NO_READING_STATES)
    rows.index = pd.DatetimeIndex(times[keep])
    read_by_values: dict[str, tuple[str, str]] = {}
    temperatures = rows["temperature"].dropna()
    whole = not temperatures.empty and bool((temperatures == temperatures.round()).all())
    hourly = hourly_frame(rows, options, notes, read_by_values, whole)
    # Said once the file is read: a refused file's message stays the only line.
    notes(what_was_read(pd.DatetimeIndex(rows.index), hourly, options))
    note_units_assumed(options, read_by_values, notes)
    units = {
        key: unit_read(
            key, wanted[key], given[key], key in in_cells, options, read_by_values, hourly
        )
        for key in ("power", "temperature")
    }
    return CsvRead(hourly, units["power"], units["temperature"])


def read_table(
    path: Path, options: CsvOptions, notes: Callable[[str], None] = note
) -> pd.DataFrame:
    """All cells as text: what they mean is decided column by column."""
    try:
        encoding = file_encoding(path)
        with open(path, encoding=encoding, errors="replace") as file:
            lines = [line for _, line in zip(range(HEADER_SEARCH_LINES), file, strict=False)]
        if not any(line.strip() for line in lines):
            raise CsvError(f"{path} is empty")
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
        if len(separator) == 1:
            table = read_cells(path, encoding, skip, separator, notes)
        else:
            table = pd.read_csv(
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
    return with_unnamed_column(table, header, separator)


def with_unnamed_column(table: pd.DataFrame, header: str, separator: str) -> pd.DataFrame:
    """The first column without a name named `` (asked for as `--time ''`).

    `DataFrame.to_csv` writes an unnamed index (a load's times) under an empty name, which
    pandas reads back as `Unnamed: 0`; asked for by either name, neither was found.
    """
    names = split_header(header, separator)
    empty = next((number for number, name in enumerate(names) if not name), None)
    if empty is None or empty >= len(table.columns):
        return table
    return table.rename(columns={table.columns[empty]: ""})


def split_header(header: str, separator: str) -> list[str]:
    """The header line's names, unquoted and stripped."""
    if len(separator) == 1:
        fields = next(csv.reader([header.rstrip("\r\n")], delimiter=separator), [])
    else:
        fields = header.rstrip("\r\n").split(separator)
    return [field.strip().strip('"') for field in fields]


def check_unique_names(header: str, separator: str, options: CsvOptions) -> None:
    """Refuse a column asked for by a name that heads several columns.

    pandas renames the later ones (`power in W.1`) and the first would be read without a
    word: a spreadsheet with one line of names over a line of units (`power in W` under
    each building's name) made every building the first one.
    """
    names = split_header(header, separator)
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
    separators = [options.sep] if options.sep else SEPARATORS
    for number, line in enumerate(lines):
        for separator in separators:
            fields = {field.strip().strip('"') for field in line.split(separator)}
            if wanted <= fields or {options.time, options.power, options.temperature} <= fields:
                return number
    check_one_header_line(lines, wanted, list(separators))
    return 0


def check_one_header_line(lines: list[str], wanted: set[str], separators: list[str]) -> None:
    """Refuse names asked for that are spread over two lines (names above, units below).

    pycity_base's measured loads name each building on one line and `Date`, `Time` and
    `power in W` on the next: the bench reads one line of names, and said only that the
    first line had no `Date`.
    """
    for number, (upper, lower) in enumerate(itertools.pairwise(lines)):
        for separator in separators:
            above = {field.strip().strip('"') for field in upper.split(separator)} & wanted
            below = {field.strip().strip('"') for field in lower.split(separator)} & wanted
            if above and below and above | below == wanted:
                raise CsvError(
                    f"the columns asked for are named on two lines: {sorted(above)} on line "
                    f"{number + 1}, {sorted(below)} on line {number + 2}; the bench reads "
                    "one line of names: write them on one"
                )


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
        # pandas' name for a column without one: the file's header leaves it empty.
        unnamed = " (a column without a name? --time '')" if UNNAMED.fullmatch(time_column) else ""
        raise CsvError(
            f"no column {time_column!r} in the header {header.strip()!r}{unnamed} "
            f"(separators tried: , ; tab |; --sep to give one)"
        )
    return max(candidates, key=lambda sep: len(header.split(sep)))
