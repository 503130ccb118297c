"""Units written in a CSV's value cells (`12.3 °C`, `1.2 kW`, `450 W`, `81 %`).

A spreadsheet's or a logger's export may keep the unit beside each number. The unit in the
cell says more than the column's name or a guess from the values, so it decides; one
column holding two units (`450 W` beside `1.2 kW`) is refused rather than read half wrong.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from bench.prediction_csv_options import CsvError
from bench.prediction_csv_units import SUSPECT_VALUE

# The unit words a cell may end with, by quantity, as the reader's unit names.
CELL_UNITS = {
    "power": {
        "W": "W",
        "kW": "kW",
        "MW": "MW",
        "Wh": "Wh",
        "kWh": "kWh",
        "MWh": "MWh",
    },
    "temperature": {
        "°C": "C",
        "℃": "C",
        "degC": "C",
        "C": "C",
        "°F": "F",
        "℉": "F",
        "degF": "F",
        "F": "F",
        "K": "K",
    },
    "humidity": {"%": "%", "%RH": "%"},
}
# Unicode's minus sign, which .NET's Swedish, Norwegian and Finnish cultures write for `-`.
MINUS_SIGN = "\u2212"
# A number, then a space or none, then a unit word: `12,3 °C`, `1.234,5kWh`, `-3 °C`, and
# a float's exponent as pandas writes a rounding error (`-5.55111512312578e-17 °C`, UCI's).
CELL_PATTERN = (
    r"\s*([-+]?[\d.,\s\u00a0\u202f]*\d\.?(?:[eE][-+]?\d+)?)\s*([°℃℉%A-Za-z][A-Za-z%]*)\s*"
)


def with_ascii_minus(cells: pd.Series) -> pd.Series:
    """The cells with Unicode's minus sign (U+2212) as `-`: it means nothing else."""
    return cells.str.replace(MINUS_SIGN, "-", regex=False)


def units_in_cells(
    cells: pd.Series, name: str, quantity: str, notes: Callable[[str], None]
) -> tuple[pd.Series, str | None]:
    """The cells without the unit each is written with, and that one unit (None if none).

    Cells without a unit (an empty cell, `NA`, a bare `0`) are left as they are; a unit
    the quantity does not have, or two units in the column, end in one `CsvError`.
    """
    text = cells.str.strip()
    # NOAA's `38s` flags a suspect reading (prediction_csv_units.py): an `s` is no unit here.
    parts = text.str.fullmatch(CELL_PATTERN) & ~text.str.fullmatch(SUSPECT_VALUE)
    if not parts.any():
        return cells, None
    split = text[parts].str.extract(CELL_PATTERN)
    known = CELL_UNITS[quantity]
    written = split[1].value_counts()
    unknown = [unit for unit in written.index if unit not in known]
    if unknown:
        example = text[parts][split[1] == unknown[0]].iloc[0]
        raise CsvError(
            f"the cells of {name!r} hold numbers with a unit, but {unknown[0]!r} is no unit "
            f"of {quantity} the bench reads (one of {', '.join(known)}), e.g. {example!r}"
        )
    units = {known[unit] for unit in written.index}
    if len(units) > 1:
        counts = ", ".join(f"{count} in {unit}" for unit, count in written.items())
        raise CsvError(
            f"the cells of {name!r} are written in more than one unit ({counts}): write the "
            "column in one unit"
        )
    unit = units.pop()
    bare = int((~parts & text.str.contains(r"\d")).sum())
    and_bare = f"; {bare} cells without a unit read in it too" if bare else ""
    notes(f"{name!r} is read in {unit}, as its cells say ({int(parts.sum())} cells){and_bare}")
    return text.where(~parts, split[0].str.strip()), unit
