"""A CSV's value cells as numbers in W and °C: marks, grouping, units named or implied."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from bench.prediction_csv_options import CsvError, CsvOptions, note
from bench.prediction_csv_times import HOUR, epoch_ns

# A region's or a grid operator's load comes in MW (MWh per interval): read as W it would be
# scored a million times too small.
POWER_UNITS = {"W": 1.0, "kW": 1000.0, "MW": 1e6}
ENERGY_UNITS = {"Wh": 1.0, "kWh": 1000.0, "MWh": 1e6}
METER_UNITS = {"Wh-total": 1.0, "kWh-total": 1000.0, "MWh-total": 1e6}
TEMPERATURE_UNITS = ("C", "F", "K")
KW_LOOKING_MEDIAN_W = 20.0  # no home, building or region draws a median 20 W
PLAUSIBLE_MEDIAN_C = (-50.0, 45.0)  # colder or hotter than any inhabited place's median
RARE_NEGATIVE_SHARE = 0.01  # this few negative hours are a meter's noise, not export
# The hour's mean and, from rows within the hour, its end power: read in the same unit.
POWER_END = "power_end_w"  # HourlyHistory's column of the end power (prediction/history.py)
POWER_COLUMNS = ("power_w", POWER_END)
KELVIN_LOOKING_MEDIAN = 150.0  # read as °C or °F: only Kelvin is this high
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
# A spreadsheet's formula errors: no reading, but `#DIV/0!` has a digit, and a cell with
# digits that is no number refuses the file.
EXCEL_ERRORS = r"#(?:DIV/0!|N/A|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!)"
# A space, no-break space or narrow no-break space before three digits groups thousands
# (French Excel's `1 234,5`): it is never a decimal mark, so it needs no option.
SPACE_GROUPING = r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))"


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
    resolved: dict[str, Any] = {}  # unit fields of CsvOptions, by name
    for field, column, units in named:
        tokens = unit_words(column)
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
    # `inf` (or `1e999`) parses: one such cell would make every later hour's mean NaN.
    values = read_as_missing(values, np.isinf(values), column, name, "not finite", notes)
    marked = values.isin(MISSING_MARKS)
    values = read_as_missing(values, marked, column, name, "a logger's missing-value mark", notes)
    return values.astype(np.float64)


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
            # A meter that counts consumption negative: clipped, it would be 0 W throughout.
            signed = " (every hour: consumption counted negative? write it positive)"
            raise CsvError(
                f"{share} have negative power{signed if negative.all() else ''} (export, "
                "e.g. from PV?): the model forecasts consumption; give a consumption "
                "column, or --clip-negative to score max(power, 0)"
            )
        why = "--clip-negative" if options.clip_negative else "so few: a meter's noise"
        notes(f"{share} had negative power, scored as 0 W ({why})")
        power_columns = hourly.columns.intersection(list(POWER_COLUMNS))
        hourly[power_columns] = hourly[power_columns].clip(lower=0.0)
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
            power_columns = hourly.columns.intersection(list(POWER_COLUMNS))
            hourly[power_columns] = hourly[power_columns] * POWER_UNITS["kW"]
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


def check_power_varies(power: pd.Series, options: CsvOptions) -> None:
    """Refuse to score power that never changes: every forecaster is exact and no skill is
    defined (all 0 W, a bench of minutes ended in a ZeroDivisionError)."""
    if power.nunique() == 1:
        clipped = " after --clip-negative (a column of export?)" if options.clip_negative else ""
        raise CsvError(
            f"{options.power!r} is {power.iloc[0]:.4g} W in every hour{clipped}: nothing "
            "to forecast (the wrong column?)"
        )


def note_units_assumed(
    options: CsvOptions, read_by_values: dict[str, str], notes: Callable[[str], None]
) -> None:
    """One note a column whose name says no unit: what its values made of it, or what was
    assumed (a region's MW under a bare name, or °F in a cool season, look like W and °C)."""
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
