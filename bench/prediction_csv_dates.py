"""A CSV's date in three whole-number columns (year, month, day), as utilities write it.

GEFCom's and BigDEAL's files give `year,month,day` (then the hour) as numbers; joined as
text they would read as a date and two times of day.
"""

from __future__ import annotations

import pandas as pd

from bench.prediction_csv_options import CsvError

DATE_PARTS = 3
LAST_MONTH = 12


def whole_numbers(cells: pd.Series) -> bool:
    """Every filled cell is a whole number, and at least one cell is filled."""
    given = cells.str.strip()
    given = given[given != ""]
    return not given.empty and bool(given.str.fullmatch(r"\d{1,4}").all())


def date_columns(raw: pd.DataFrame, time_columns: list[str]) -> list[str]:
    """The columns that make the date: three whole-number columns named first, else one."""
    first = time_columns[:DATE_PARTS]
    if len(first) == DATE_PARTS and all(whole_numbers(raw[column]) for column in first):
        return first
    return time_columns[:1]


def dates_from_parts(raw: pd.DataFrame, columns: list[str]) -> pd.Series:
    """ISO dates from a year, a month and a day column in any order ("" where one is empty).

    The year is the column with four digits; of the other two, the day is the one that
    passes 12. Named after the year (`year+month+day`), they are month then day.
    """
    parts = {column: pd.to_numeric(raw[column].str.strip(), errors="coerce") for column in columns}
    years = [column for column, values in parts.items() if values.max() >= 100]
    if len(years) != 1:
        raise CsvError(
            f"cannot tell the year among {', '.join(map(repr, columns))}: "
            f"{'none' if not years else 'several'} of them hold four-digit years"
        )
    month, day = (column for column in columns if column != years[0])
    if min(parts[month].max(), parts[day].max()) > LAST_MONTH:
        raise CsvError(f"neither {month!r} nor {day!r} holds months: both pass 12")
    if parts[month].max() > LAST_MONTH:
        month, day = day, month
    elif parts[day].max() <= LAST_MONTH and columns[0] != years[0]:
        raise CsvError(
            f"cannot tell the month from the day in {month!r} and {day!r} (neither passes "
            "12): name them after the year, as --time year+month+day"
        )
    dates = pd.to_datetime(
        pd.DataFrame({"year": parts[years[0]], "month": parts[month], "day": parts[day]}),
        errors="coerce",
    )
    return dates.dt.strftime("%Y-%m-%d").fillna("")
