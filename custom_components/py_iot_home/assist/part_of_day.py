"""Words for a part of the day ("in the evening", "tonight", "tomorrow morning"): no Home Assistant.

What a clock hour said with them is: its half of the clock, its day, its night's hours; and
the hours the part itself covers, placed in the home's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

type Day = Literal["today", "tomorrow"]
type Half = Literal["am", "pm", "night"]
type Span = Literal["morning", "afternoon", "evening", "night"]


@dataclass(frozen=True)
class PartOfDay:
    """A part of the day: its half of the clock, the day it pins if it names one, its hours.

    "night" is the evening and the small hours after midnight: "9 tonight" is 9 PM, "1 tonight"
    1 AM.
    """

    half: Half
    day: Day | None
    span: Span


PARTS_OF_DAY = {
    "in the morning": PartOfDay("am", None, "morning"),
    "in the afternoon": PartOfDay("pm", None, "afternoon"),
    "in the evening": PartOfDay("pm", None, "evening"),
    "at night": PartOfDay("night", None, "night"),
    "this morning": PartOfDay("am", "today", "morning"),
    "this afternoon": PartOfDay("pm", "today", "afternoon"),
    "this evening": PartOfDay("pm", "today", "evening"),
    "tonight": PartOfDay("night", "today", "night"),
    "overnight": PartOfDay("night", "today", "night"),
    "tomorrow morning": PartOfDay("am", "tomorrow", "morning"),
    "tomorrow afternoon": PartOfDay("pm", "tomorrow", "afternoon"),
    "tomorrow evening": PartOfDay("pm", "tomorrow", "evening"),
    "tomorrow night": PartOfDay("night", "tomorrow", "night"),
}
# The night's hours: its small hours up to 5 AM, its evening from 5 PM.
_SMALL_HOURS_END = 6
_EVENING_START = 17
# Each span's first hour and its end, counted from its day's midnight (past 24: the next day).
# They hold every hour a sentence reads in them: "9 tonight" (9 PM) and "1 tonight" (1 AM) are
# the night's, "11 this evening" the evening's; the morning begins where the night ends.
_SPAN_HOURS: dict[Span, tuple[int, int]] = {
    "morning": (_SMALL_HOURS_END, 12),
    "afternoon": (12, _EVENING_START),
    "evening": (_EVENING_START, 24),
    "night": (_EVENING_START, 24 + _SMALL_HOURS_END),
}


# The afternoon and evening hours a clock hour said with them may be: 5 and 6 PM are either.
_PM_HOURS_SAID: dict[Span, range] = {
    "afternoon": range(12, _EVENING_START + 2),
    "evening": range(_EVENING_START, 24),
}


def span_said_amiss(span: Span, hour: int) -> Span | None:
    """The span a PM hour (12-23) is in when it is not the one said with it, else None.

    "3 this evening" is 3 PM, in the afternoon; any AM hour is the morning's ("5 in the
    morning").
    """
    if span not in _PM_HOURS_SAID or hour in _PM_HOURS_SAID[span]:
        return None
    return "afternoon" if hour < _EVENING_START else "evening"


@dataclass(frozen=True, kw_only=True)
class PartPlaced:
    """A part of the day placed: its name as said of it now, its start and end (UTC).

    The hours between are real hours: the night the clocks go forward has one fewer.
    `hours_named`: the name says its hours ("from 6:00 PM to 9:00 PM today").
    """

    name: str
    start: datetime
    end: datetime
    hours_named: bool = False


@dataclass(frozen=True, kw_only=True)
class HourOfNight:
    """A clock hour said of the night (0-23), and whether it falls after the night's midnight."""

    hour: int
    after_midnight: bool


def without_part_of_day(words: str) -> tuple[str, PartOfDay | None]:
    """The words without a part of the day said after them, or before them ("tonight at 9")."""
    for phrase, part in PARTS_OF_DAY.items():
        if words.endswith(f" {phrase}"):
            return words.removesuffix(f" {phrase}"), part
        if words.startswith(f"{phrase} at "):
            return words.removeprefix(f"{phrase} at "), part
    return words, None


def hour_of_night(hour: int, said_half: str, *, twenty_four: bool) -> HourOfNight | None:
    """A clock hour said of the night: in its evening, or in its small hours after midnight.

    None when the night has no such hour ("9 am tonight", "3 pm tonight"). Without am/pm an
    hour under 5 is the small hours' ("1 tonight"), any other the evening's ("9 tonight").
    """
    if twenty_four:
        of_day = hour
    elif not 1 <= hour <= 12 or (said_half == "pm" and hour == 12):
        return None
    elif said_half == "am" or (not said_half and hour % 12 < 5):
        of_day = hour % 12
    else:
        of_day = hour % 12 + 12
    if _SMALL_HOURS_END <= of_day < _EVENING_START:
        return None
    return HourOfNight(hour=of_day, after_midnight=of_day < _SMALL_HOURS_END)


def said_part(words: str) -> PartOfDay | None:
    """The part of the day when it is all the words say ("tomorrow morning", "tonight").

    "Night" alone is "at night": the sentence's own "at" comes before it. A day before a part
    that names none pins it: "tomorrow at night" is tomorrow night, "today in the morning"
    this morning.
    """
    words = " ".join(words.lower().split())
    # "For the morning" is "in the morning"; "for the night" "at night".
    said = (f"in {words}", f"at {words.removeprefix('the ')}") if words.startswith("the ") else ()
    if part := next(
        (PARTS_OF_DAY[one] for one in (words, f"at {words}", *said) if one in PARTS_OF_DAY), None
    ):
        return part
    day, _, rest = words.partition(" ")
    part = PARTS_OF_DAY.get(rest)
    if day not in ("today", "tomorrow") or part is None or part.day is not None:
        return None
    return PartOfDay(part.half, "today" if day == "today" else "tomorrow", part.span)


def part_placed(part: PartOfDay, now: datetime) -> PartPlaced:
    """The hours of `part` in the time zone of `now` (aware): of the day it names, else the next.

    Tonight is the night not yet over: at 00:30 the one under way, from 5 PM yesterday, as
    "1 am tonight" at 00:30 is this night's; "tomorrow morning" then is this morning. A part
    of today gone by ("this morning" at 4 PM) is placed all the same: its end is before `now`.
    """
    today = now.date()
    if part.day == "tomorrow":
        # In the small hours "tomorrow" is the day to come, today's date (`tomorrow_is_today`).
        days = [today] if tomorrow_is_today(now) else [today + timedelta(days=1)]
    elif part.day == "today":
        days = [today - timedelta(days=1), today] if part.span == "night" else [today]
    else:
        days = [today + timedelta(days=offset) for offset in (-1, 0, 1)]
    placed = [span_on(part.span, day, now) for day in days]
    return next((one for one in placed if one.end > now.astimezone(UTC)), placed[-1])


def in_small_hours(now: datetime) -> bool:
    """Whether `now` (aware, local) is in a night's small hours, after its midnight."""
    return now.hour < _SMALL_HOURS_END


def tomorrow_is_today(now: datetime) -> bool:
    """Whether "tomorrow" said at `now` means today's date: it does in the small hours.

    A person still up at 00:30 has not slept yet: "tomorrow morning" is the one after they
    do, and tonight the night under way, so tomorrow night begins this evening. Phone
    assistants set an alarm "for tomorrow at 7" asked then for 7 AM today, and say so.
    """
    return in_small_hours(now)


def span_on(span: Span, day: date, now: datetime) -> PartPlaced:
    """The hours of `span` of `day` (the night: from its evening) in the zone of `now`."""
    first, end = _SPAN_HOURS[span]
    offset = (day - now.date()).days
    if span == "night":
        # The night under way, or the next to begin, is tonight; the one after it tomorrow night.
        nights_on = offset + (1 if in_small_hours(now) else 0)
        name = "tonight" if nights_on < 1 else "tomorrow night"
    else:
        name = f"{'tomorrow' if offset == 1 else 'this'} {span}"
    return PartPlaced(name=name, start=_instant(day, first, now), end=_instant(day, end, now))


def day_placed(day: Day, now: datetime) -> PartPlaced:
    """A whole day asked about: the rest of today, or tomorrow from midnight to midnight.

    In the small hours "tomorrow" is the day to come, today's date (`tomorrow_is_today`), from
    the end of the night under way: its small hours are tonight's, which "tomorrow" is not.
    """
    today = now.date()
    if day == "tomorrow" and tomorrow_is_today(now):
        return PartPlaced(
            name=f"today, from {_SMALL_HOURS_END}:00 AM to midnight",
            start=_instant(today, _SMALL_HOURS_END, now),
            end=_instant(today, 24, now),
            hours_named=True,
        )
    if day == "tomorrow":
        tomorrow = today + timedelta(days=1)
        return PartPlaced(
            name="tomorrow",
            start=_instant(tomorrow, 0, now),
            end=_instant(tomorrow, 24, now),
            hours_named=True,
        )
    return PartPlaced(
        name="for the rest of today",
        start=_instant(today, 0, now),
        end=_instant(today, 24, now),
        hours_named=True,
    )


def _instant(day: date, hour: int, now: datetime) -> datetime:
    """`hour` (past 24: of the next day) of `day` on the clock of `now`'s zone, in UTC."""
    local = datetime.combine(day + timedelta(days=hour // 24), time(hour % 24), tzinfo=now.tzinfo)
    return local.astimezone(UTC)
