"""What bench/prediction_csv.py is asked to read, and the one error it ends in."""

from __future__ import annotations

import sys
from dataclasses import dataclass

NAIVE_TIMES = ("local", "utc")


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
    # "local": naive times are the home's (`tz`); "utc": they are UTC, counted in `tz`;
    # None: "utc" where the time column's name says UTC (`period_utc`), else "local".
    naive_times: str | None = None
    # "start" or "end": each row's time starts or ends its interval; None: the file says
    # (a column named `end`, whole days from 00:30 to 00:00), else start.
    row_time: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitRead:
    """The unit a column was read in (`--power-unit`'s or `--temperature-unit`'s names), and
    why: a person checks the bench's figures against it."""

    unit: str
    why: str


def note(message: str) -> None:
    """A remark about the input, on stderr: the bench's table stays on stdout."""
    print(f"note: {message}", file=sys.stderr)
