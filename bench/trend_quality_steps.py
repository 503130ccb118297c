"""The trend bench's hour-to-hour steps: how far the published slope moves in an hour as the
window's oldest day leaves it, as a new day enters it, and otherwise."""

from __future__ import annotations

import math
from dataclasses import dataclass

from custom_components.py_iot_home.analysis.trend import TrendResult
from custom_components.py_iot_home.analysis.trend_estimate import DAY_ENTRY_S, DAY_EXIT_S

HOUR = 3600.0
HOUR_KINDS = ("leaves", "enters", "neither")


@dataclass(frozen=True)
class HourSteps:
    """How much the published slope moved in an hour, by what the hour held."""

    largest: dict[str, float]  # "leaves", "enters", "neither": the largest step of each
    leaving_in_errors: float  # a leaving hour's largest step over the slope's error before it
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
    """Whether the oldest full day is leaving the slope, and whether the newest is entering it.

    As trend_estimate weighs them: over the window's last ``DAY_EXIT_S`` before the oldest
    stops being full, and over the ``DAY_ENTRY_S`` of readings after the newest's midnight.
    """
    staying = (result.oldest_full_day_leaves_s - (now_s - window_s)) / DAY_EXIT_S
    entering = (result.last_time_s - result.newest_full_day_end_s) / DAY_ENTRY_S
    return 0.0 <= staying < 1.0, 0.0 <= entering < 1.0


def hour_steps(timeline: list[Analysis], step_s: float, *, from_s: float) -> HourSteps:
    """The largest |slope(t) - slope(t - 1 h)| over published pairs, by what the hour held,
    over the hours from ``from_s`` into the run on.

    An hour counts as "leaves" when any analysis in it (both ends included) had a day
    leaving, else "enters" for one entering, else "neither". A change of direction counts
    as the same of the two hours before it: the hour the slope moves, and the hour the
    direction waits.
    """
    per_hour = round(HOUR / step_s)
    largest: dict[str, float] = {}
    changes = dict.fromkeys(HOUR_KINDS, 0)
    in_errors = 0.0
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
        if kind == "leaves" and hour[0].error > 0:
            in_errors = max(in_errors, step / hour[0].error)
    return HourSteps(largest=largest, leaving_in_errors=in_errors, direction_changes=changes)


def _kind(analyses: list[Analysis]) -> str:
    """What the analyses saw: "leaves" (a day leaving the slope at any of them), else
    "enters" (one entering it), else "neither"."""
    if any(a.leaving for a in analyses):
        return "leaves"
    return "enters" if any(a.entering for a in analyses) else "neither"
