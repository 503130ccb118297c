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
from bench.prediction_csv_zones import localize

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

    `ends_at_24`: the times ran to `24:00`, so they end their intervals. Naive times come
    naive and leave in `options.tz` where it is given (`local_starts`).
    """
    local = options.tz is not None and pd.DatetimeIndex(times.dropna()).tz is None
    hold, why = end_reading(times, time_columns, options, notes, ends_at_24)
    if hold is None:
        return localize(times, times, options.tz, notes) if options.tz and local else times
    notes(why)
    if options.tz and local:
        return local_starts(times, hold, options.tz, notes, by_start_first=ends_at_24)
    return starts_before(times, hold)


def end_reading(
    times: pd.Series,
    time_columns: list[str],
    options: CsvOptions,
    notes: Callable[[str], None],
    ends_at_24: bool,
) -> tuple[pd.Timedelta | None, str]:
    """How far a row's value holds before its time, and the note that says why; None where
    the times start their intervals."""
    distinct = pd.DatetimeIndex(times.dropna().unique()).sort_values()
    if len(distinct) < 2:
        return None, ""
    interval, regular = usual_interval(distinct)
    hold = interval if regular else HOUR
    if ends_at_24:
        span = f"{hold.total_seconds() / 60:g} min"
        return hold, f"times run to 24:00: each row is read as the {span} before its time"
    if interval > HOUR:
        return None, ""
    first, last = distinct[0], distinct[-1]
    # Whole days of interval-ending stamps: the first at 00:30 (or 01:00), the last at 00:00.
    spans_days = since_midnight(first) == interval and since_midnight(last) == pd.Timedelta(0)
    name = named_end(time_columns)
    minutes = f"{interval.total_seconds() / 60:g} min"
    if options.row_time == "start":
        return None, ""
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
        return None, ""
    return hold, f"each row's time is read as the end of its interval, {why}: moved to its start"


def local_starts(
    ends: pd.Series,
    hold: pd.Timedelta,
    zone: str,
    notes: Callable[[str], None],
    by_start_first: bool,
) -> pd.Series:
    """Naive local times that end their intervals as the intervals' starts in `zone`.

    Through a clock change a file stamps an interval's end in one of two ways: as the clock
    shows it (the spring's 01:00-02:00 ends at 03:00, and in autumn the ends of 02:00-02:59
    repeat), or as the start's clock plus the interval (02:00, which no clock shows that
    night, and in autumn 03:00 repeats). Read the other way, each loses or merges rows of
    those nights; the reading that loses fewer is taken (`by_start_first`: the second on a
    tie, as the hour-ending 1..24 of utility exports count).
    """
    said: dict[str, list[str]] = {"clock": [], "start": []}
    by_clock = starts_before(localize(ends, ends, zone, said["clock"].append), hold)
    by_start = localize(ends, starts_before(ends, hold), zone, said["start"].append)
    lost = {
        "clock": rows_lost(by_clock, ends),
        "start": rows_lost(by_start, ends),
    }
    first, second = ("start", "clock") if by_start_first else ("clock", "start")
    taken = second if lost[second] < lost[first] else first
    for line in said[taken]:
        notes(line)
    if taken != first:
        notes(
            "the times at the clock changes end their intervals "
            + (
                "as the clock showed them at the end"
                if taken == "clock"
                else "as their start's clock plus the interval (one in the hour the clocks skip)"
            )
            + f": read so ({lost[first]} rows lost the other way)"
        )
    return by_clock if taken == "clock" else by_start


def rows_lost(starts: pd.Series, ends: pd.Series) -> int:
    """Rows with a time that got none, or the start another row got."""
    known = starts.dropna()
    return int(ends.notna().sum() - len(known) + known.duplicated().sum())


def starts_before(times: pd.Series, hold: pd.Timedelta) -> pd.Series:
    """Each time moved to its interval's start: the row before, at most `hold` earlier."""
    distinct = pd.DatetimeIndex(times.dropna().unique()).sort_values()
    at = epoch_ns(distinct)
    before = np.r_[at[0] - hold.value, at[:-1]]
    starts = np.maximum(before, at - hold.value)
    moved = pd.Series(pd.to_datetime(starts, utc=True), index=distinct)
    if distinct.tz is not None:
        moved = moved.dt.tz_convert(distinct.tz)
    else:
        moved = moved.dt.tz_localize(None)
    return times.map(moved)
