"""The command-line options of bench/prediction.py --csv, and the CsvOptions they make."""

from __future__ import annotations

import argparse

from bench.prediction_csv_endings import ROW_TIMES
from bench.prediction_csv_options import NAIVE_TIMES, CsvOptions
from bench.prediction_csv_units import ENERGY_UNITS, METER_UNITS, POWER_UNITS, TEMPERATURE_UNITS
from bench.prediction_csv_values import REGION_LOWEST_SHARE, REGION_STEP_SHARE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `--csv` (module docstring: what each one accepts)."""
    csv = parser.add_argument_group(
        "your own CSV",
        "Rows 1-60 min apart or irregular, unsorted or repeated, become hourly time-weighted\n"
        "means: each value counts from its row's time until the next row (rows within the hour\n"
        "also give each hour's last 5 minutes, as Home Assistant's recorder keeps them, for the\n"
        "next hour's forecast: --short-term-days). A unit in the cells (`1.2 kW`, `12.3 °C`)\n"
        "decides; else --power-unit/--temperature-unit, else the column's name (`load_kw`,\n"
        "`Demand (MW)`, `T10`), else the values: a median below 20 W is kW (of the hours\n"
        "that draw any, for a load off in half of them), hours that move\n"
        "as a region's load (never below "
        f"{REGION_LOWEST_SHARE * 100:.0f} % of the median, at most "
        f"{REGION_STEP_SHARE[1] * 100:.0f} % an hour) "
        "are MW, whole\n"
        "numbers no place has as °C, °F or K are tenths of a °C, months no place has in °C\n"
        "(hotter than any place's that month, or hot with a cool season's unalike days) are\n"
        "°F (--temperature-unit C reads them as °C); else W and °C are assumed. The\n"
        "table says which unit was read and why, and gives the MAEs in it. Negative power\n"
        "(export) is refused unless --clip-negative or it is rare (at most 1 % of hours: a\n"
        "meter's noise, scored as 0 W).",
    )
    csv.add_argument("--csv", metavar="FILE")
    csv.add_argument(
        "--time",
        default="time",
        help="time column: ISO 8601, dates, epoch s to ns or Excel days (45123.5 or 45123,5)",
    )
    csv.add_argument("--power", default="power", help="power (or energy per row) column")
    csv.add_argument("--temperature", default="temperature", help="outdoor temperature column")
    csv.add_argument(
        "--humidity", help="outdoor humidity column (%%, or a fraction: 0.81), optional"
    )
    csv.add_argument(
        "--tz",
        help="the home's time zone, e.g. Europe/London: naive times are its local time "
        "(unless --naive-times utc), hours of the day are counted in it",
    )
    csv.add_argument(
        "--naive-times",
        choices=NAIVE_TIMES,
        help="times without an offset are local (the home's with --tz) or utc: UTC "
        "instants, whose hours of the day are counted in --tz (e.g. --naive-times utc "
        "--tz Europe/Berlin for the German weather service's UTC stamps); default: utc "
        "where the time column's name says UTC (period_utc, 'Time (UTC)'), else local",
    )
    csv.add_argument(
        "--row-time",
        choices=ROW_TIMES,
        help="each row's time is the start or the end of its interval (a meter's 00:30 for "
        "00:00-00:30); default: end where the time column's name says so (end, Period "
        "Ending, bis, to) or the rows run whole days from one interval past midnight to "
        "midnight, else start (read as the start in any case)",
    )
    csv.add_argument(
        "--power-unit",
        choices=[*POWER_UNITS, *ENERGY_UNITS, *METER_UNITS],
        help="W, kW or MW; Wh, kWh or MWh (or J, kJ, MJ: EnergyPlus's meters): energy per "
        "row over the rows' regular interval; "
        "Wh-total, kWh-total or MWh-total: an energy meter's running total; a unit written "
        "in the cells (1.2 kW) overrides it (default: the one the column's name says, else "
        "kW where a median below 20 W says so, MW where the hours move as a region's load, "
        "else W)",
    )
    csv.add_argument(
        "--temperature-unit",
        choices=TEMPERATURE_UNITS,
        help="C, F, K or C10 (whole tenths of a °C: 123 is 12.3 °C); a unit written in the "
        "cells (12.3 °C) overrides it (default: the one the column's name says, T10, '0.1 °C' "
        "and 'tenths' being C10, else C, or F, K or C10 where the values can only be those)",
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
        naive_times=args.naive_times,
        row_time=args.row_time,
    )
