"""Days left out of training: the ones a user marks (holidays, away) and detected outliers.

An outlier day is one whose mean power is far from the usual on a log scale (robust z
score above `OUTLIER_Z`, median and MAD over the history): a week away, a party, a meter
that stuck. Cold days of a heated home are not outliers for this test as long as such
days are common; rare extremes may be, which is why detection is an option.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from .history import BoolArray, HourlyGrid

if TYPE_CHECKING:
    pass

OUTLIER_Z = 4.0
MIN_DAY_HOURS = 12


def outlier_days(grid: HourlyGrid) -> set[date]:
    """Days whose mean power is an outlier among the history's days."""
    import pandas as pd

    power = pd.Series(grid.power_w[: grid.observed_end], index=grid.index[: grid.observed_end])
    days = pd.DatetimeIndex(power.index).date
    daily = power.groupby(days).agg(["mean", "count"])
    daily = daily[daily["count"] >= MIN_DAY_HOURS]
    if len(daily) < 7:
        return set()
    level = np.log1p(daily["mean"].to_numpy(np.float64))
    median = float(np.median(level))
    spread = 1.4826 * float(np.median(np.abs(level - median)))
    if spread <= 0:
        return set()
    z = np.abs(level - median) / spread
    return {day for day, score in zip(daily.index, z, strict=True) if score > OUTLIER_Z}


def excluded_positions(
    grid: HourlyGrid, days: Sequence[date], *, detect_outliers: bool
) -> BoolArray:
    """Grid positions (observed part and after) falling on an excluded day."""
    import pandas as pd

    chosen = set(days)
    if detect_outliers:
        chosen |= outlier_days(grid)
    if not chosen:
        return np.zeros(len(grid.index), dtype=np.bool_)
    local_days = pd.DatetimeIndex(grid.index).date
    return np.array([day in chosen for day in local_days], dtype=np.bool_)


MAX_EXCLUDED_DAYS = 366
# A year of days one by one, each on its own line, is under 5,000 characters. Longer text
# (commas or spaces by the megabyte, which parsed as no day) was stored in the entry.
MAX_EXCLUDED_TEXT = 10_000


def parse_days(text: str) -> list[date]:
    """Days from text like "2026-12-24, 2026-12-31..2027-01-02" (ranges inclusive).

    Raises ValueError naming the first part that is not a date or a forward range, or when
    more than a year of days (or MAX_EXCLUDED_TEXT characters) is given.
    """
    if len(text) > MAX_EXCLUDED_TEXT:
        raise ValueError(f"more than {MAX_EXCLUDED_TEXT} characters")
    days: list[date] = []
    for part in _parts(text):
        days.extend(_part_days(part))
        if len(days) > MAX_EXCLUDED_DAYS:
            raise ValueError(f"more than {MAX_EXCLUDED_DAYS} days")
    return sorted(set(days))


def accepted_days(text: str) -> tuple[list[date], list[str]]:
    """What ``parse_days`` takes of ``text``, however long: its days and the parts it refuses.

    Of more than a year of days, the latest: training looks back at most a year.
    """
    days: set[date] = set()
    refused: list[str] = []
    for part in _parts(text):
        try:
            days.update(_part_days(part))
        except ValueError:
            refused.append(part)
    return sorted(days)[-MAX_EXCLUDED_DAYS:], refused


def days_text(days: Sequence[date]) -> str:
    """The text ``parse_days`` reads as ``days`` (sorted, distinct): consecutive ones a range."""
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()}..{run[-1].isoformat()}"
        for run in runs
    )


def _parts(text: str) -> list[str]:
    pieces = (piece.strip() for piece in text.replace(";", ",").replace("\n", ",").split(","))
    return [piece for piece in pieces if piece]


def _part_days(part: str) -> list[date]:
    """The days of one part, a date or a forward range of at most a year; else ValueError."""
    first, _, last = part.partition("..")
    try:
        start = date.fromisoformat(first.strip())
        end = date.fromisoformat(last.strip()) if last else start
    except ValueError as err:
        raise ValueError(f"not a date or date range: {part!r}") from err
    if end < start or (end - start).days >= MAX_EXCLUDED_DAYS:
        raise ValueError(f"not a forward range of at most a year: {part!r}")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
