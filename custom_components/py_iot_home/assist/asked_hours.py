"""Hours asked about between two times ("between 6 and 9 pm", "from 6 to 9 tonight").

No Home Assistant: the end is placed as a time is ("9 pm" the next 9 PM, "9 tonight"
tonight's), the start as its last reading before the end, unless it names its own day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .asked_time import AskedTime, MomentAsked, moment_asked, parse_asked_time, readings
from .part_of_day import PartPlaced
from .spoken import clock_time, time_ahead

_HOUR = timedelta(hours=1)
_NOW_SAID = frozenset({"now", "right now"})


@dataclass(frozen=True, kw_only=True)
class HoursAsked:
    """The hours asked about, whole hours (UTC), as the forecast has them, and how the end fell.

    `passed`: the end has gone by (a day named, "between 6 and 9 am today" at 8 PM).
    `tomorrow_as_today`, `tomorrow_night`: as `MomentAsked` and `AskedTime` say of the end.
    """

    start: datetime
    end: datetime
    passed: bool
    tomorrow_as_today: bool
    tomorrow_night: bool


def hours_asked(start_words: str, end_words: str, now: datetime) -> HoursAsked | None:
    """The hours from the start to the end said, or None when they are no such hours.

    "6" before "9 pm" is 6 PM, the last 6 before it; "10 pm" before "2 am" the evening
    before. More than a day between them, or a start that is not before the end, is none.
    """
    end_asked = parse_asked_time(end_words)
    if end_asked is None:
        return None
    if " ".join(start_words.lower().split()) in _NOW_SAID:
        # "From now to midnight": the hour under way for what is left of it, to the end.
        from_now = MomentAsked(at=now.astimezone(UTC), wall=now.replace(tzinfo=None), skipped=False)
        return _hours(from_now, _coming_end(end_asked, now), end_asked.tomorrow_night, now)
    start_asked = parse_asked_time(start_words)
    if start_asked is None:
        return None
    start: MomentAsked | None
    end: MomentAsked | None
    if start_asked.day is None and start_asked.weekday is None:
        end = _coming_end(end_asked, now)
        start = _last_before(start_asked, end, now)
    else:
        start = moment_asked(start_asked, now)
        end = (
            moment_asked(end_asked, now)
            if end_asked.day is not None or end_asked.weekday is not None
            else _first_after(end_asked, start.at, now)
        )
    if start is None or end is None:
        return None
    tomorrow_night = end_asked.tomorrow_night or start_asked.tomorrow_night
    return _hours(start, end, tomorrow_night, now)


def _coming_end(end_asked: AskedTime, now: datetime) -> MomentAsked:
    """Where the end said falls when no day is said with the start."""
    end = moment_asked(end_asked, now)
    if end.at <= now.astimezone(UTC) and end_asked.day is None and end_asked.weekday is None:
        # Hours that would end in the hour under way ("between 2 and 4 pm" at 4:10 PM) are
        # asked of what comes: tomorrow's.
        end = _first_after(end_asked, now.astimezone(UTC), now) or end
    return end


def _hours(
    start: MomentAsked, end: MomentAsked, tomorrow_night: bool, now: datetime
) -> HoursAsked | None:
    """The whole hours from `start` to `end`, or None when they are none or over a day."""
    if not timedelta() < end.at - start.at <= timedelta(days=1):
        return None
    return HoursAsked(
        start=_on_the_hour(start.at),
        # Up to the end of the hour it falls in: the forecast has one figure per hour.
        end=_on_the_hour(end.at - timedelta(microseconds=1)) + _HOUR,
        passed=end.passed or end.at <= now.astimezone(UTC),
        tomorrow_as_today=end.tomorrow_as_today or start.tomorrow_as_today,
        tomorrow_night=tomorrow_night,
    )


def hours_placed(hours: HoursAsked, now: datetime) -> PartPlaced:
    """The hours as a part of the day named by its clock: "from 6:00 PM to 9:00 PM today".

    Under way, they are named from now: "from 7:10 PM to 9:00 PM today".
    """
    start = hours.start.astimezone(now.tzinfo) if hours.start > now.astimezone(UTC) else now
    end = hours.end.astimezone(now.tzinfo)
    from_said = clock_time(start)
    # Hours that end at midnight end on the day they began ("from 6:00 PM to midnight tonight").
    if start.date() != (end - timedelta(microseconds=1)).date():
        from_said = time_ahead(start, now)
    return PartPlaced(
        name=f"from {from_said} to {time_ahead(end, now)}",
        start=hours.start,
        end=hours.end,
        hours_named=True,
    )


def _last_before(asked: AskedTime, end: MomentAsked, now: datetime) -> MomentAsked | None:
    ending = end.at.astimezone(now.tzinfo).date()
    days = [ending - timedelta(days=1), ending]
    before = [one for one in readings(asked, days, now.tzinfo) if one.at < end.at]
    return max(before, key=lambda one: one.at, default=None)


def _first_after(asked: AskedTime, instant: datetime, now: datetime) -> MomentAsked | None:
    starting = instant.astimezone(now.tzinfo).date()
    days = [starting, starting + timedelta(days=1)]
    after = [one for one in readings(asked, days, now.tzinfo) if one.at > instant]
    return min(after, key=lambda one: one.at, default=None)


def _on_the_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
