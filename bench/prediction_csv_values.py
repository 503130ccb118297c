"""What a CSV's hourly values say about their units, where nothing else says one.

A column's unit comes from its cells (`1.2 kW`), `--power-unit`/`--temperature-unit`, its
name (`load_kw`), else from these checks: a median below 20 W is kW, hours that move as a
region's load are MW, whole numbers no place has as °C, °F or K are tenths of a °C, a
median above 45 "°C" is °F (above 150, K), and so is a month no place's °C makes (a cool
season's °F: prediction_csv_climate). What none of them settles is assumed (W, °C)
and said.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from bench.prediction_csv_climate import month_why_not_celsius
from bench.prediction_csv_options import CsvError, CsvOptions, UnitRead
from bench.prediction_csv_units import POWER_COLUMNS, POWER_UNITS, celsius

KW_LOOKING_MEDIAN_W = 20.0  # no home, building or region draws a median 20 W
PLAUSIBLE_MEDIAN_C = (-50.0, 45.0)  # colder or hotter than any inhabited place's median
RARE_NEGATIVE_SHARE = 0.01  # this few negative hours are a meter's noise, not export
KELVIN_LOOKING_MEDIAN = 150.0  # read as °C or °F: only Kelvin is this high
# A load summed over a region's homes and firms never falls far below its median and moves
# little from one hour to the next: the bench's regions and utilities never fall below 53 %
# and move 4-6 % an hour; its homes and buildings move 10 % or more (all but one fall
# below 45 %), and a test's sine of 400 +- 200 W moves 8 %.
REGION_LOWEST_SHARE = 0.45  # its 1st percentile over its median
# Its median change from one hour to the next over its median, and its days' swing.
REGION_STEP_SHARE = (0.005, 0.07)
REGION_SWING_SHARE = 0.2
REGION_EVIDENCE_HOURS = 7 * 24  # a week of hours: the pattern of days, not of a few hours
REGION_MEDIAN_MW = (KW_LOOKING_MEDIAN_W, 500_000.0)  # a town's to the largest grid's
AMBIGUOUS_MEDIAN = (0.5, 50_000.0)  # a home's kW, a building's W or a region's MW
# A place's hourly temperatures in °C: their spread, a day's range and an hour's change.
PLAUSIBLE_STD_C = 15.0
PLAUSIBLE_DAY_RANGE_C = 25.0
PLAUSIBLE_HOUR_STEP_C = 3.0
ASSUMED_TEMPERATURE = "°C (°F or K where its values can only be those)"
ASSUMED_POWER = "W (kW where its median is below 20 W)"
UNIT_WORDS = {"C": "°C", "F": "°F", "K": "K", "C10": "tenths of a °C"}
FRACTION_EVIDENCE_HOURS = 24  # a day of humidity at or below 1: a fraction, not %
# Beyond the world's records (-89.2 and 56.7 °C) no outdoor air has been: a sensor's fault.
OUTDOOR_C = (-90.0, 60.0)
HUMIDITY_PERCENT = (0.0, 105.0)  # a sensor's 100 % may read a little over


def region_why(power: pd.Series) -> str | None:
    """Why hourly power moves as a region's load does (many consumers summed), or None."""
    known = power.dropna()
    if len(known) < REGION_EVIDENCE_HOURS:
        return None
    median = float(known.median())
    if not REGION_MEDIAN_MW[0] <= median <= REGION_MEDIAN_MW[1]:
        return None
    lowest = float(known.quantile(0.01)) / median
    swing = float(known.quantile(0.99)) / median - lowest
    step = float(np.nanmedian(np.abs(np.diff(power.to_numpy())))) / median
    # A load that barely moves (a meter stuck, a test's constant) is no region's either.
    if lowest < REGION_LOWEST_SHARE or swing < REGION_SWING_SHARE:
        return None
    if not REGION_STEP_SHARE[0] <= step <= REGION_STEP_SHARE[1]:
        return None
    return (
        f"its hours never fall below {lowest:.0%} of its median {median:.5g} and move by a "
        f"median {step:.1%} an hour, as a region's load does and no home's or building's"
    )


def plausible_celsius(temperature: pd.Series) -> bool:
    """Hourly temperatures in °C that a place could have: level, spread, days and hours."""
    known = temperature.dropna()
    if known.empty:
        return False
    low, high = PLAUSIBLE_MEDIAN_C
    if not low <= float(known.median()) <= high or float(known.std()) > PLAUSIBLE_STD_C:
        return False
    days = known.groupby(pd.DatetimeIndex(known.index).normalize())
    ranges = (days.max() - days.min())[days.size() >= 12]
    if len(ranges) and float(ranges.median()) > PLAUSIBLE_DAY_RANGE_C:
        return False
    steps = np.abs(np.diff(temperature.to_numpy()))
    # No two known hours in a row: nothing to judge (nanmedian warned on stderr).
    steps = steps[~np.isnan(steps)]
    return steps.size == 0 or not float(np.median(steps)) > PLAUSIBLE_HOUR_STEP_C


def tenths_why(temperature: pd.Series) -> str | None:
    """Why whole numbers can only be tenths of a °C (KNMI's, DWD's 123 for 12.3 °C), or None.

    Read as °C, °F or K their days span tens of degrees and their hours jump several: as °F,
    a Dutch winter's 30 to 80 passes the median's check and was scored as a hot week.
    """
    # Whole K (283) would be a plausible 28.3 °C as tenths: K is taken where it fits.
    if any(plausible_celsius(celsius(temperature, unit)) for unit in ("C", "F", "K")):
        return None
    if not plausible_celsius(celsius(temperature, "C10")):
        return None
    return (
        f", and its whole numbers (median {float(temperature.median()):.4g}) are no place's "
        "°C, °F or K (days spanning tens of degrees, hours jumping several): read as tenths of a "
        "°C "
        "(--temperature-unit C to refuse)"
    )


def fahrenheit_why(temperature: pd.Series) -> str | None:
    """Why values under a bare name, read as °C, can only be °F (a cool season's), or None.

    41 °F, a UK winter's median, passed the median's check as 41 °C: a month's median,
    and how alike its days are, tell a place's °C from its °F (prediction_csv_climate).
    """
    why = month_why_not_celsius(temperature)
    if why is None:
        return None
    in_f = celsius(temperature, "F")
    if not plausible_celsius(in_f) or month_why_not_celsius(in_f) is not None:
        return None
    return f", and as °C {why}: read as °F (--temperature-unit C to read them as °C)"


def checked_values(
    hourly: pd.DataFrame,
    options: CsvOptions,
    notes: Callable[[str], None],
    read_by_values: dict[str, tuple[str, str]],
    whole_temperatures: bool = False,
    regular_rows: pd.Timedelta | None = None,
) -> pd.DataFrame:
    """The hourly frame, or one error where it would give silently wrong numbers.

    Where a unit was not given, values that can only be in another one are read in it,
    and `read_by_values` says which and why: a median of 0.45 "W" is a home's kW, a median
    of 55 "°C" a place's °F. `regular_rows`: the rows' interval where they keep one.
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
            if negative.all():
                # A meter or an energy model (Calliope's demand) that counts consumption
                # negative: clipped, it would be 0 W throughout, which the bench refuses.
                raise CsvError(
                    f"{share} have negative power (every hour: consumption counted negative? "
                    "write it positive, -1 times the column; --clip-negative would leave 0 W "
                    "in every hour)"
                )
            raise CsvError(
                f"{share} have negative power (export, e.g. from PV?): the model forecasts "
                "consumption; give a consumption column, or --clip-negative to score "
                "max(power, 0)"
            )
        why = "--clip-negative" if options.clip_negative else "so few: a meter's noise"
        notes(f"{share} had negative power, scored as 0 W ({why})")
        power_columns = hourly.columns.intersection(list(POWER_COLUMNS))
        hourly[power_columns] = hourly[power_columns].clip(lower=0.0)
    median, over = power_level(hourly["power_w"].dropna())
    power_columns = hourly.columns.intersection(list(POWER_COLUMNS))
    if 0 < median < KW_LOOKING_MEDIAN_W:
        if options.power_unit is not None and options.power_unit in ("W", "Wh"):
            raise CsvError(
                f"the median power{over} is {median:.4g} W: kW (or kWh) read as W (Wh)? "
                "--power-unit kW (or kWh) if so"
            )
        if options.power_unit is None:
            read_by_values["power"] = (
                "kW",
                f", and its median{over} would be {median:.4g} W, which no home draws: read as kW "
                f"{energy_per_row_hint(regular_rows)}(--power-unit W to refuse)",
            )
            hourly[power_columns] = hourly[power_columns] * POWER_UNITS["kW"]
    elif options.power_unit is None and (region := region_why(hourly["power_w"])):
        read_by_values["power"] = (
            "MW",
            f", and {region}: read as MW "
            "(--power-unit kW for a utility's kW, W for a building's W)",
        )
        hourly[power_columns] = hourly[power_columns] * POWER_UNITS["MW"]
    hourly = checked_humidity(hourly, options, notes)
    hourly = checked_temperatures(hourly, options, read_by_values, whole_temperatures)
    return without_impossible_weather(hourly, options, notes)


def power_level(power: pd.Series) -> tuple[float, str]:
    """The median that tells kW from W, and over which hours where not all: the running ones.

    A load off in half its hours or more (a heat pump, an EV charger, a normalised
    profile) has a median of 0, which says nothing of its unit: SimBench's heat pump at
    a median 0 and a mean 0.11 was read as W. The hours it draws say what it draws.
    """
    median = float(power.median())
    running = power[power > 0]
    if median > 0 or running.empty:
        return median, ""
    return float(running.median()), f" over the {len(running)} hours that draw any"


def without_impossible_weather(
    hourly: pd.DataFrame, options: CsvOptions, notes: Callable[[str], None]
) -> pd.DataFrame:
    """Hours of outdoor weather no air has, read as missing with a note.

    A thermometer's fault (85 °C for two days in a winter) went into the model's training
    and the forecasts' weather unsaid; the unit checks read the median, which it leaves.
    """
    limits = {"temperature": (OUTDOOR_C, "°C"), "humidity": (HUMIDITY_PERCENT, "%")}
    for key, ((low, high), unit) in limits.items():
        values = hourly[key]
        wrong = (values < low) | (values > high)
        if not wrong.any():
            continue
        at = pd.Timestamp(values.index[wrong.to_numpy()][0])
        column = options.temperature if key == "temperature" else options.humidity
        notes(
            f"{int(wrong.sum())} hours of {column!r} outside {low:g}..{high:g} {unit}, "
            f"such as {float(values[wrong].iloc[0]):.4g} {unit} ({at:%Y-%m-%d %H:%M}), "
            "read as missing"
        )
        hourly[key] = values.mask(wrong)
    if hourly["temperature"].isna().all():
        raise CsvError(f"no temperature values in {options.temperature!r} that outdoor air has")
    return hourly


def energy_per_row_hint(regular_rows: pd.Timedelta | None) -> str:
    """What kWh per row would make of rows read as kW, where they come more than hourly.

    A smart meter's kWh per half hour (a UK home's export) reads as kW at half its power:
    the values cannot tell the two apart, so the note says the other reading.
    """
    if regular_rows is None or not pd.Timedelta(0) < regular_rows < pd.Timedelta(hours=1):
        return ""
    minutes = regular_rows.total_seconds() / 60
    times = pd.Timedelta(hours=1) / regular_rows
    return (
        f"(if it is kWh per {minutes:g}-min row, the power is {times:g} times this: "
        "--power-unit kWh) "
    )


def checked_humidity(
    hourly: pd.DataFrame, options: CsvOptions, notes: Callable[[str], None]
) -> pd.DataFrame:
    """Relative humidity in %, from a fraction where every value says it is one.

    Dark Sky's and opengrid's weather give 0.81 for 81 %; read as %, the model's humidity
    input (scaled by 20 %) would barely move. No place's air stays at or below 1 % for long.
    """
    humidity = hourly["humidity"].dropna()
    if len(humidity) < FRACTION_EVIDENCE_HOURS or not humidity.between(0.0, 1.0).all():
        return hourly
    notes(
        f"{options.humidity!r} runs {humidity.min():.3g}..{humidity.max():.3g}: a fraction "
        "(Dark Sky's, opengrid's), read as % (x 100)"
    )
    hourly["humidity"] = hourly["humidity"] * 100.0
    return hourly


def checked_temperatures(
    hourly: pd.DataFrame,
    options: CsvOptions,
    read_by_values: dict[str, tuple[str, str]],
    whole_temperatures: bool,
) -> pd.DataFrame:
    """The temperatures in °C, read in the unit their values say where none was given."""
    tenths = whole_temperatures and options.temperature_unit is None
    if tenths and (why := tenths_why(hourly["temperature"])):
        read_by_values["temperature"] = ("C10", why)
        hourly["temperature"] = celsius(hourly["temperature"], "C10")
        return hourly
    median_c = float(hourly["temperature"].median())
    low, high = PLAUSIBLE_MEDIAN_C
    if low <= median_c <= high:
        if options.temperature_unit is None and (why := fahrenheit_why(hourly["temperature"])):
            read_by_values["temperature"] = ("F", why)
            hourly["temperature"] = celsius(hourly["temperature"], "F")
        return hourly
    unit = options.temperature_unit or "C"
    as_given = {
        "C": median_c,
        "F": median_c * 9.0 / 5.0 + 32.0,
        "K": median_c + 273.15,
        "C10": median_c * 10.0,
    }[unit]
    if as_given > KELVIN_LOOKING_MEDIAN and unit != "K":
        likely, hint = "K", "Kelvin? --temperature-unit K"
    elif as_given > high and unit == "C":
        likely, hint = "F", "°F? --temperature-unit F"
    else:
        likely, hint = None, "check --temperature-unit (C, F, K or C10)"
    if options.temperature_unit is None and likely is not None:
        celsius_now = celsius(hourly["temperature"], likely)
        if low <= float(celsius_now.median()) <= high:
            read_by_values["temperature"] = (
                likely,
                f", and its median would be {median_c:.1f} °C: read as {likely} "
                "(--temperature-unit C to refuse)",
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


def assumed_why(key: str, column: str, median: float) -> str:
    """Why a column whose name, cells and values say no unit is read in W or °C."""
    if key == "temperature":
        return f"{column!r} names no unit: read in {ASSUMED_TEMPERATURE}"
    low, high = AMBIGUOUS_MEDIAN
    could = (
        f"; its median {median:.5g} could be a home's kW, a building's W or a region's MW"
        if low <= median <= high
        else ""
    )
    return f"{column!r} names no unit: read in {ASSUMED_POWER}{could}"


def note_units_assumed(
    options: CsvOptions,
    read_by_values: dict[str, tuple[str, str]],
    notes: Callable[[str], None],
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
            why = read_by_values.get(key, ("", f": read in {assumed} ({flag} to set it)"))[1]
            notes(f"{column!r} names no unit{why}")


def unit_read(
    key: str,
    column: str,
    given: str | None,
    from_cells: bool,
    options: CsvOptions,
    read_by_values: dict[str, tuple[str, str]],
    hourly: pd.DataFrame,
) -> UnitRead:
    """The unit `key`'s column was read in and why, for the bench to print with its table."""
    unit: str | None = getattr(options, f"{key}_unit")
    flag = f"--{key}-unit"
    if from_cells:
        return UnitRead(unit=str(unit), why=f"{column!r}: its cells say so")
    if given is not None:
        return UnitRead(unit=given, why=f"{column!r}: given with {flag}")
    if unit is not None:
        return UnitRead(unit=unit, why=f"{column!r}: its name says so ({flag} to change)")
    if key in read_by_values:
        found, why = read_by_values[key]
        return UnitRead(unit=found, why=f"{column!r} names no unit{why}")
    median = float(hourly["power_w"].median()) if key == "power" else math.nan
    return UnitRead(
        unit="W" if key == "power" else "C", why=f"{assumed_why(key, column, median)} ({flag})"
    )
