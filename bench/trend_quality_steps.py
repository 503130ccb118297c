"""The trend bench's hour-to-hour steps: how far the published slope moves in an hour as a
new day enters it (the window's oldest leaving with it), as a day leaves it alone, and
otherwise."""

from __future__ import annotations

import math
from dataclasses import dataclass

from custom_components.py_iot_home.analysis.trend import TrendResult
from custom_components.py_iot_home.analysis.trend_estimate import (
    DAY_ENTRY_S,
    days_in_line,
    line_days,
)

HOUR = 3600.0
# "enters": a day enters the slope, the oldest may leave with it; "leaves": a day leaves it
# and none enters; "neither".
HOUR_KINDS = ("enters", "leaves", "neither")


@dataclass(frozen=True)
class HourSteps:
    """How much the published slope moved in an hour, by what the hour held."""

    largest: dict[str, float]  # "enters", "leaves", "neither": the largest step of each
    # Per kind, an hour's largest step over the slope's error before it.
    largest_in_errors: dict[str, float]
    direction_changes: dict[str, int]  # of the rising sensor's direction, by the same kinds


@dataclass(frozen=True)
class Analysis:
    """One analysis of a run: the slope published (NaN if none), and whether a day was
    leaving or entering the slope then."""

    age_s: float
    slope: float
    leaving: bool
    entering: bool
    direction: str | None = None
    error: float = math.nan


def days_moving(result: TrendResult, now_s: float, *, window_s: float) -> tuple[bool, bool]:
    """Whether a day is leaving the slope, and whether one is entering it.

    As trend_estimate turns the line's days over: over the ``DAY_ENTRY_S`` of readings after
    a midnight, the day that ended enters and the oldest of the span leaves.
    """
    turning = (result.last_time_s - result.newest_day_start_s) / DAY_ENTRY_S
    if not 0.0 <= turning < 1.0:
        return False, False
    span = line_days(window_s)
    before = {day.date for day in days_in_line(result, span_days=span, before_today=True)}
    after = {day.date for day in days_in_line(result, span_days=span)}
    return bool(before - after), bool(after - before)


def hour_steps(timeline: list[Analysis], step_s: float, *, from_s: float) -> HourSteps:
    """The largest |slope(t) - slope(t - 1 h)| over published pairs, by what the hour held,
    over the hours from ``from_s`` into the run on.

    An hour counts as "enters" when any analysis in it (both ends included) had a day
    entering, else "leaves" for one leaving, else "neither". A change of direction counts
    as the same of the two hours before it: the hour the slope moves, and the hour the
    direction waits.
    """
    per_hour = round(HOUR / step_s)
    largest: dict[str, float] = {}
    in_errors: dict[str, float] = {}
    changes = dict.fromkeys(HOUR_KINDS, 0)
    for i in range(per_hour, len(timeline)):
        hour = timeline[i - per_hour : i + 1]
        if hour[0].age_s < from_s:
            continue
        if hour[-1].direction != hour[-2].direction:
            changes[_kind(timeline[max(0, i - 2 * per_hour) : i + 1])] += 1
        step = abs(hour[-1].slope - hour[0].slope)
        if math.isnan(step):
            continue
        kind = _kind(hour)
        largest[kind] = max(largest.get(kind, 0.0), step)
        if hour[0].error > 0:
            in_errors[kind] = max(in_errors.get(kind, 0.0), step / hour[0].error)
    return HourSteps(largest=largest, largest_in_errors=in_errors, direction_changes=changes)


def _kind(analyses: list[Analysis]) -> str:
    """What the analyses saw: "enters" (a day entering the slope at any of them), else
    "leaves" (one leaving it), else "neither"."""
    if any(a.entering for a in analyses):
        return "enters"
    return "leaves" if any(a.leaving for a in analyses) else "neither"
