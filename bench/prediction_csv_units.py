"""A CSV's value cells as numbers in W and °C: marks, grouping, units named or implied."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from bench.prediction_csv_options import CsvError, CsvOptions, note
from bench.prediction_csv_times import HOUR, epoch_ns

# A region's or a grid operator's load comes in MW (MWh per interval): read as W it would be
# scored a million times too small.
POWER_UNITS = {"W": 1.0, "kW": 1000.0, "MW": 1e6}
# Wh per unit. EnergyPlus writes its meters in J per reporting interval: read as W, an
# office's 4 kW was scored as 16 MW.
ENERGY_UNITS = {"Wh": 1.0, "kWh": 1000.0, "MWh": 1e6, "J": 1 / 3600, "kJ": 1 / 3.6, "MJ": 1e3 / 3.6}
# The power whose mean an energy per row is: the unit the table gives its MAEs in.
ENERGY_POWER_UNITS = {"Wh": "W", "kWh": "kW", "MWh": "MW", "J": "W", "kJ": "kW", "MJ": "MW"}
METER_UNITS = {"Wh-total": 1.0, "kWh-total": 1000.0, "MWh-total": 1e6}
# C10: tenths of a °C in whole numbers (the Dutch and German weather services' 123 for 12.3).
TEMPERATURE_UNITS = ("C", "F", "K", "C10")
# The hour's mean and, from rows within the hour, its end power: read in the same unit.
POWER_END = "power_end_w"  # HourlyHistory's column of the end power (prediction/history.py)
POWER_COLUMNS = ("power_w", POWER_END)
RESTART_STEPS = 3.0  # a daily total restarts at most this many usual rises above zero
RISING_ONLY_SHARE = 0.01  # power falls this rarely (or twice) only in a meter's total (resets)
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
# Units run on to a name in camel case (OpenEEmeter's `tempF`, `LoadkWh`), longest first.
CAMEL_CASE_UNITS = ("kWh", "MWh", "kW", "MW", "Wh", "W", "C", "F", "K")
POWER_NAME_UNITS = {
    "w": "W",
    "watt": "W",
    "watts": "W",
    "kw": "kW",
    "wh": "Wh",
    "kwh": "kWh",
    "kilowatt": "kW",
    "kilowatts": "kW",
    "mw": "MW",
    "megawatt": "MW",
    "megawatts": "MW",
    "mwh": "MWh",
    # Emporia Vue's exports: `Mains_A (kWhs)`, kWh per row.
    "whs": "Wh",
    "kwhs": "kWh",
    "mwhs": "MWh",
    "j": "J",
    "kj": "kJ",
    "mj": "MJ",
    "joules": "J",
}
# A name that says tenths of a °C: `T10`, `temperature (0.1 °C)`, `tenths of °C`, `°C x 10`.
TENTHS_NAME = (
    r"(?i)(?:^|[^a-z0-9])(?:t10|tenths?|zehntel)(?:$|[^a-z0-9])|0[.,]1\s*(?:°|deg|grad)"
    r"|1/10\s*(?:°|deg|grad)|°?c\s*[x\u00d7*]\s*10(?!\d)"
)
# Lines under a header before the data: a unit line, TOA5's processing line, one more.
UNIT_LINES = 3
# Loggers and weather services write these for no reading: as power they would be refused
# as export, or scored as 0 W with --clip-negative.
MISSING_MARKS = (-999.0, -9999.0, -99999.0)
# NOAA's Local Climatological Data writes `38s` for a reading its checks doubt: still the
# station's best reading, and without it a file of them could not be read at all.
SUSPECT_VALUE = r"[-+]?\d+(?:\.\d+)?s"
# A spreadsheet's formula errors: no reading, but `#DIV/0!` has a digit, and a cell with
# digits that is no number refuses the file.
EXCEL_ERRORS = r"#(?:DIV/0!|N/A|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!)"
# A space, no-break space or narrow no-break space before three digits groups thousands
# (French Excel's `1 234,5`): it is never a decimal mark, so it needs no option.
SPACE_GROUPING = r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))"


def units_under_header(
    raw: pd.DataFrame, time_columns: list[str], columns: Mapping[str, str]
) -> dict[str, str]:
    """Each column's cell in a line of units under the names (`,kW,°F`), by option field.

    Spreadsheets and loggers (Campbell's TOA5) write one, or more (TOA5's processing,
    `Avg`), each without a time: the row was dropped and its unit unread, and a building's
    kW scored as W, a winter's °F as °C. Only rows before the first with a time count.
    """
    found: dict[str, str] = {}
    for _, row in raw.head(UNIT_LINES).iterrows():
        if any(re.search(r"\d", str(row[column])) for column in time_columns):
            break
        for field, column in columns.items():
            cell = str(row[column]).strip()
            if cell and field not in found and not re.search(r"\d", cell.replace("0.1", "")):
                found[field] = cell
    return found


def camel_case_unit(name: str) -> str | None:
    """The unit a name's last word ends with after a lowercase letter (`tempF`: F).

    The longest unit the word ends with decides: `kWh` alone is no `Wh` after a `k`.
    """
    word = re.split(r"[^A-Za-z0-9]+", name.strip())[-1]
    for unit in CAMEL_CASE_UNITS:
        if word.endswith(unit):
            return unit if word.removesuffix(unit)[-1:].islower() else None
    return None


def unit_words(column: str) -> set[str]:
    """The words of a column's name that may say its unit.

    A one-letter first word with more after it is a quantity's symbol, not a unit: VDI
    4655's `W_el` is electric energy (in kWh), and read as W it refused `--power-unit kWh`.
    """
    words = [word for word in re.split(r"[^a-z0-9]+", column.lower().replace("°", " deg")) if word]
    if len(words) > 1 and len(words[0]) == 1:
        words = words[1:]
    return set(words) | {unit.lower() for unit in [camel_case_unit(column)] if unit}


def check_named_units(
    options: CsvOptions,
    notes: Callable[[str], None] = note,
    by_cells: Collection[str] = (),
    units_below: Mapping[str, str] | None = None,
) -> CsvOptions:
    """The options with each unit not given taken from its column's name, if it says one.

    A unit given that the name contradicts is refused: `temp_f` read as °C passes the
    plausibility check in a cold month (40 °F is a possible 40 °C) and `load_kw` read as W
    in a large building (a median 50 "W"): both would be scored silently wrong. The units
    in `by_cells` (fields) were written in the cells, which outrank the name. A line of
    units under the names (`units_below`: each field's cell, `°F`, `[kW]`) is read as a
    part of its column's name.
    """
    named = (
        ("temperature_unit", options.temperature, TEMPERATURE_NAME_UNITS),
        ("power_unit", options.power, POWER_NAME_UNITS),
    )
    resolved: dict[str, Any] = {}  # unit fields of CsvOptions, by name
    for field, column, units in named:
        below = (units_below or {}).get(field, "")
        full_name = f"{column} {below}" if below else column
        tokens = unit_words(column) | (unit_words(below) if below else set())
        said = {units[token] for token in tokens if token in units}
        if field == "temperature_unit" and re.search(TENTHS_NAME, full_name):
            said = {"C10"}
        if len(said) != 1:
            continue
        name_unit = next(iter(said))
        unit: str | None = getattr(options, field)
        flag = "--" + field.replace("_", "-")
        if field in by_cells:
            if unit != name_unit:
                notes(
                    f"{column!r} is named in {name_unit}, but its cells say {unit}: read in {unit}"
                )
            continue
        if unit is None:
            says = f"the line under its name says ({below!r})" if below else "its name says"
            notes(f"{column!r} is read in {name_unit}, as {says} ({flag} to change)")
            resolved[field] = name_unit
        elif unit != name_unit and not unit.startswith(name_unit):
            shown = f"{column!r} (with {below!r} under it)" if below else repr(column)
            raise CsvError(
                f"the column {shown} is named in {name_unit} but read as {unit}: "
                f"{flag} {name_unit} if so (or rename the column)"
            )
    return replace(options, **resolved)


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
    failed = text.str.fullmatch(EXCEL_ERRORS)
    if failed.any():
        notes(
            f"{int(failed.sum())} cells of {name!r} such as {column[failed].iloc[0]!r}, "
            "a spreadsheet's formula error, read as missing"
        )
        text = text.where(~failed, "")
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
        hint = comma_hint(text[with_digits]) if "," in example and decimal == "." else ""
        raise CsvError(
            f"{int(with_digits.sum())} values of {name!r} are not numbers, e.g. {example!r}{hint}"
        )
    if unread.any():
        example = column[unread].iloc[0]
        notes(f"{int(unread.sum())} cells of {name!r} such as {example!r} read as missing")
    # `inf` (or `1e999`) parses: one such cell would make every later hour's mean NaN.
    values = read_as_missing(values, np.isinf(values), column, name, "not finite", notes)
    marked = values.isin(MISSING_MARKS)
    values = read_as_missing(values, marked, column, name, "a logger's missing-value mark", notes)
    return values.astype(np.float64)


def comma_hint(unread: pd.Series) -> str:
    """What a comma in cells that are no numbers is, as the column's cells say.

    `245,028` alone is 245.028 with a decimal comma or 245028 grouped: a hint for one
    reading sent a column written to three decimals a thousand times off.
    """
    grouped = unread.str.fullmatch(r"[-+]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?").all()
    decimal = unread.str.fullmatch(r"[-+]?\d+,\d+").all()
    if grouped and decimal:
        return (
            " (every such cell reads either way: a decimal comma, --decimal , or thousands "
            "grouped, --thousands ,)"
        )
    return " (thousands grouped? --thousands ,)" if grouped else " (a decimal comma? --decimal ,)"


def read_as_missing(
    values: pd.Series,
    which: pd.Series,
    column: pd.Series,
    name: str,
    why: str,
    notes: Callable[[str], None],
) -> pd.Series:
    """`values` with the cells `which` missing, and a note with one of them as written."""
    if not which.any():
        return values
    example = column[which].iloc[0]
    notes(f"{int(which.sum())} cells of {name!r} such as {example!r}, {why}, read as missing")
    return values.mask(which)


def meter_power(total: pd.Series, wh_per_unit: float, notes: Callable[[str], None]) -> pd.Series:
    """W between each row and the next, from an energy meter's running total."""
    readings = total.dropna()
    # A total near the float limit overflows to inf here: read as missing later, no warning.
    with np.errstate(over="ignore", invalid="ignore"):
        energy_wh = np.diff(readings.to_numpy()) * wh_per_unit
    hours = np.diff(epoch_ns(pd.DatetimeIndex(readings.index))) / HOUR.value
    power = pd.Series(np.append(energy_wh / hours, np.nan), index=readings.index)
    resets = int((energy_wh < 0).sum())
    if resets:
        notes(f"the meter total drops {resets} times (a reset?): those intervals are missing")
        power[power < 0] = np.nan
    return power


def check_not_a_meter_total(power: pd.Series, options: CsvOptions) -> None:
    """Refuse a running total read as power: it would score as a load of megawatts."""
    known = power.dropna()
    steps = np.diff(known.to_numpy())
    if steps.size < 48:  # less than two days of hourly rows: too few to tell
        return
    drops = int((steps < 0).sum())
    rising = float(np.mean(steps > 0)) > 0.5
    # A total that restarts each day (Home Assistant's "energy today", a utility_meter's
    # daily cycle) falls once a day, in 1 of 24 hourly steps, each time to about one
    # step's worth: a load that climbs all day and drops at night stays above that.
    days = pd.DatetimeIndex(known.index).normalize().nunique()
    after_drops = known.to_numpy()[1:][steps < 0]
    with np.errstate(over="ignore"):  # steps near the float limit: compared as inf
        restarts = 0 < drops <= days and bool(
            np.median(after_drops) <= RESTART_STEPS * np.median(steps[steps > 0])
        )
    if rising and (drops <= max(2, RISING_ONLY_SHARE * steps.size) or restarts):
        rises = f"only ever rises ({int((steps > 0).sum())} of {steps.size} steps up)"
        if drops > 2:
            rises = (
                f"rises in {int((steps > 0).sum())} of {steps.size} steps and falls in only "
                f"{drops} (a total that restarts each day?)"
            )
        raise CsvError(
            f"{options.power!r} {rises}: an energy meter's running total? --power-unit "
            "kWh-total (or Wh-total) if so"
        )


def celsius(temperature: pd.Series, unit: str) -> pd.Series:
    """Temperatures in °C from °C, °F, K or tenths of a °C."""
    if unit == "F":
        return (temperature - 32.0) * 5.0 / 9.0
    if unit == "K":
        return temperature - 273.15
    if unit == "C":
        return temperature
    if unit == "C10":
        return temperature / 10.0
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
