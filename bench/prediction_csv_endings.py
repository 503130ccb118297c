"""A CSV's times that end their rows' intervals, read as the intervals' starts.

A meter's export often stamps each interval at its end: `00:30` for 00:00-00:30, or the
hour ending `01:00` for the first hour of the day. Read as starts, every value lands an
interval late (an hour, for hourly rows: the morning's rise at the wrong hour, and the
day's first hour in yesterday). The file tells it by the time column's name (`end`,
`Period Ending`, `bis`, `to`) or by its span: whole days from one interval past midnight to
midnight. Where neither tells, times are starts, and a first row one interval past
midnight is said; `--row-time` decides either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from bench.prediction_csv_options import CsvOptions
from bench.prediction_csv_times import HOUR, epoch_ns

ROW_TIMES = ("start", "end")
# Words of a time column's name that say its times end their interval, and words that say
# they start it (`start - end` names both: the name then tells nothing).
END_WORDS = frozenset({"end", "ending", "ended", "ends", "ende", "bis", "to", "until"})
START_WORDS = frozenset({"start", "starting", "begin", "beginning", "from", "von", "beginn"})
REGULAR_SHARE = 0.8  # as the hourly means count rows regular


def name_words(name: str) -> set[str]:
    """The words of a column's name, camel case split (`DateTo`, `interval_end_utc`)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return set(re.split(r"[^a-z0-9]+", spaced.lower())) - {""}


def named_end(columns: list[str]) -> str | None:
    """The time column whose name says its times end their interval, else None."""
    for column in columns:
        words = name_words(column)
        if words & END_WORDS and not words & START_WORDS:
            return column
    return None


def usual_interval(distinct: pd.DatetimeIndex) -> tuple[pd.Timedelta, bool]:
    """The usual time between rows, and whether most rows keep to it."""
    if len(distinct) < 2:
        return HOUR, False
    gaps = np.diff(epoch_ns(distinct))
    usual = int(np.median(gaps))
    return pd.Timedelta(usual, unit="ns"), float(np.mean(gaps == usual)) >= REGULAR_SHARE


def since_midnight(time: pd.Timestamp) -> pd.Timedelta:
    return pd.Timedelta(time - time.normalize())


def interval_starts_of_ends(
    times: pd.Series,
    time_columns: list[str],
    options: CsvOptions,
    notes: Callable[[str], None],
    ends_at_24: bool = False,
) -> pd.Series:
    """Each row's time as its interval's start, where the file or `--row-time` says the
    times end their intervals; else the times as they are.

    `ends_at_24`: the times ran to `24:00` and were read as ends already.
    """
    distinct = pd.DatetimeIndex(times.dropna().unique()).sort_values()
    if ends_at_24 or len(distinct) < 2:
        return times
    interval, regular = usual_interval(distinct)
    if interval > HOUR:
        return times
    first, last = distinct[0], distinct[-1]
    # Whole days of interval-ending stamps: the first at 00:30 (or 01:00), the last at 00:00.
    spans_days = since_midnight(first) == interval and since_midnight(last) == pd.Timedelta(0)
    name = named_end(time_columns)
    minutes = f"{interval.total_seconds() / 60:g} min"
    if options.row_time == "start":
        return times
    if options.row_time == "end":
        why = "--row-time end"
    elif name is not None:
        why = f"the column's name {name!r} says so (--row-time start to read them as starts)"
    elif spans_days and regular:
        why = (
            f"the rows run from {first:%H:%M} to {last:%H:%M}, whole days of {minutes} "
            "intervals stamped at their end (--row-time start to read them as starts)"
        )
    else:
        if since_midnight(first) == interval and regular:
            notes(
                f"the first row is at {first:%H:%M}, one interval past midnight: each row's "
                "time is read as its interval's start (--row-time end if the times end "
                "their intervals)"
            )
        return times
    hold = interval if regular else HOUR
    notes(f"each row's time is read as the end of its interval, {why}: moved to its start")
    return starts_before(times, distinct, hold)


def starts_before(times: pd.Series, distinct: pd.DatetimeIndex, hold: pd.Timedelta) -> pd.Series:
    """Each time moved to its interval's start: the row before, at most `hold` earlier."""
    at = epoch_ns(distinct)
    before = np.r_[at[0] - hold.value, at[:-1]]
    starts = np.maximum(before, at - hold.value)
    moved = pd.Series(pd.to_datetime(starts, utc=True), index=distinct)
    if distinct.tz is not None:
        moved = moved.dt.tz_convert(distinct.tz)
    else:
        moved = moved.dt.tz_localize(None)
    return times.map(moved)
