"""A time of day as a sentence says it ("6 pm tomorrow", "18:00", "noon"), and when it falls.

No Home Assistant: the words become an `AskedTime`, and `moment_asked` places it in the
home's time zone from now, clock changes included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from .clock_words import NUMBER_WORDS, normalised, number
from .part_of_day import (
    Day,
    HourOfNight,
    Span,
    hour_of_night,
    span_said_amiss,
    tomorrow_is_today,
    without_part_of_day,
)
from .weekdays import next_weekday, without_weekday

_DAYS: tuple[Day, ...] = ("today", "tomorrow")
# "6 pm", "6:30 p.m.", "18:00", "6 o'clock", "06:00", "six pm"; what is left once the day
# and the words around a time are taken off.
_CLOCK = re.compile(
    r"(?P<hour>\d{1,2}|[a-z]+)(?::(?P<minute>\d{2}))?\s*(?P<half>am|pm|oclock)?",
)


@dataclass(frozen=True, kw_only=True)
class AskedTime:
    """A time of day asked about: its hours (two for "6 o'clock": 6 and 18), minute and day.

    `ends_day`: it falls in the night after the day named, at the midnight that ends it
    ("midnight today") or in the small hours after ("1 am tomorrow night").
    `tomorrow_night`: said of it ("10 tomorrow night"), which in the small hours begins this
    evening, as the answer then says. `amiss`: the part of the day said and the one the hour
    is in, when they differ ("3 this evening" is 3 PM, in the afternoon). `weekday`: the one
    said ("on friday"), Monday 0.
    """

    hours: tuple[int, ...]
    minute: int
    day: Day | None
    ends_day: bool = False
    tomorrow_night: bool = False
    amiss: tuple[Span, Span] | None = None
    weekday: int | None = None


@dataclass(frozen=True, kw_only=True)
class MomentAsked:
    """Where an asked time falls: its instant (UTC), whether it was skipped or had gone by.

    `wall` is the clock reading asked, naive, on its date. Skipped: the clocks jumped over
    it (2:30 AM the night they go forward); repeated: the clock reads it twice (2:30 AM the
    night they go back), this the first or the second; `change_at` is when the clocks change,
    for either. Gone by: the day named has no such time left (6 am today, asked at 8 pm).
    `tomorrow_as_today`: "tomorrow" was said in the small hours and taken as today's date.
    """

    at: datetime
    wall: datetime
    skipped: bool
    passed: bool = False
    repeated: Literal["first", "second"] | None = None
    change_at: datetime | None = None
    tomorrow_as_today: bool = False


# "In two hours", "in 2 hours", "in an hour", "in half an hour", "in 90 minutes": from now.
_FROM_NOW = re.compile(
    r"\bin (?:(?P<half>half an)|(?P<count>an|a|\d{1,3}|[a-z]+)) (?P<unit>hour|minute)s?$"
)
# The sentences' own words for them, as Home Assistant's templates take alternatives.
_HOURS = "|".join([*(str(n) for n in range(2, 25)), *list(NUMBER_WORDS)[2:]])
_MINUTES = "|".join(str(n) for n in range(2, 181))
HOURS_FROM_NOW = f"(half an hour|(an|a|one) hour|({_HOURS}) hours|({_MINUTES}) minutes)"


def hours_from_now(text: str) -> timedelta | None:
    """How far ahead "… in two hours" (its last words) asks; None when it says no such time."""
    match = _FROM_NOW.search(normalised(text))
    if match is None:
        return None
    if match["half"]:
        return timedelta(minutes=30)
    count = 1 if match["count"] in ("an", "a") else number(match["count"])
    if not count:
        return None
    return timedelta(hours=count) if match["unit"] == "hour" else timedelta(minutes=count)


def asked_day(text: str) -> Day | None:
    """The day when "today" or "tomorrow" is all the words say (the day's own question)."""
    words = normalised(text)
    return next((day for day in _DAYS if day == words), None)


def parse_asked_time(text: str) -> AskedTime | None:
    """The time of day in `text`, or None when it is no time of day ("banana", "25 pm").

    12 h with am/pm, "noon", "midnight", 24 h ("18:00", "06:00"), and "6", "6 o'clock" or
    "6:30" without am/pm as either 6 or 18, whichever comes next; "today" or "tomorrow"
    before or after it pins the day, and so do "this morning", "this afternoon", "this
    evening", "tonight" (today's) and "tomorrow morning", "tomorrow afternoon", "tomorrow
    evening", "tomorrow night", and a weekday ("7 pm on friday"); two days that differ are
    no time.
    """
    words, weekday = without_weekday(normalised(text))
    asked = _parsed(words)
    if weekday is None or asked is None:
        return asked
    # "7 on friday" is that day's next 7; "7 pm tomorrow on friday" names two days.
    return replace(asked, weekday=weekday) if asked.day is None else None


def _parsed(words: str) -> AskedTime | None:
    """The time of day in normalised `words`, without a weekday."""
    # "Tomorrow morning at 7" is a part of the day; "7 in the morning tomorrow" a day after one.
    words, part = without_part_of_day(words)
    words, day = _without_day(words)
    if part is None:
        words, part = without_part_of_day(words)
    words = words.removeprefix("at ")
    if part is not None and part.day is not None:
        if day not in (None, part.day):
            return None
        day = part.day
    if words in ("noon", "midday", "12 noon"):
        return None if part else AskedTime(hours=(12,), minute=0, day=day)
    if words in ("midnight", "12 midnight"):
        if part is not None and part.half != "night":
            return None
        of_tomorrow_night = part is not None and day == "tomorrow"
        return AskedTime(
            hours=(0,), minute=0, day=day, ends_day=True, tomorrow_night=of_tomorrow_night
        )
    match = _CLOCK.fullmatch(words)
    if match is None:
        return None
    hour = number(match["hour"])
    minute = int(match["minute"] or 0)
    said_half = match["half"] if match["half"] in ("am", "pm") else ""
    twenty_four = match["hour"].startswith("0") or 13 <= (hour or 0) <= 23
    if hour is None or minute > 59:
        return None
    if part is not None and part.half == "night":
        night = hour_of_night(hour, said_half, twenty_four=twenty_four)
        return _of_the_night(night, minute, day=day) if night is not None else None
    # "9 am in the evening" is no time; "9 pm this evening" is.
    if part is not None and said_half not in ("", part.half):
        return None
    # "12 this evening" is its midnight, as "12 tonight" is.
    if part is not None and part.span == "evening" and hour == 12 and not said_half:
        return AskedTime(hours=(0,), minute=minute, day=day, ends_day=day is not None)
    hours = _hours_of(
        hour,
        said_half or (part.half if part is not None else ""),
        twenty_four=twenty_four,
        oclock=match["half"] == "oclock",
    )
    if not hours:
        return None
    is_in = span_said_amiss(part.span, hours[0]) if part is not None else None
    amiss = (part.span, is_in) if part is not None and is_in is not None else None
    return AskedTime(hours=hours, minute=minute, day=day, amiss=amiss)


def _of_the_night(night: HourOfNight, minute: int, *, day: Day | None) -> AskedTime:
    """An hour of the night of `day`, if one is named, else of any night.

    Tonight's evening is today's, its midnight the one that ends today. Its small hours are
    the next ones, as a person means "1 am tonight" at 11 PM (tomorrow's date) or at 00:30
    (the night under way). Tomorrow night's come after tomorrow's midnight, as tonight's
    after today's; but in the small hours, when tonight is the night under way, tomorrow
    night is the next, from this evening (`moment_asked`).
    """
    named, tomorrow = day is not None, day == "tomorrow"
    if night.hour == 0:
        return AskedTime(
            hours=(0,), minute=minute, day=day, ends_day=named, tomorrow_night=tomorrow
        )
    if not night.after_midnight:
        return AskedTime(hours=(night.hour,), minute=minute, day=day, tomorrow_night=tomorrow)
    if day == "today":
        return AskedTime(hours=(night.hour,), minute=minute, day=None)
    return AskedTime(
        hours=(night.hour,), minute=minute, day=day, ends_day=named, tomorrow_night=tomorrow
    )


def _hours_of(hour: int, half: str, *, twenty_four: bool, oclock: bool) -> tuple[int, ...]:
    """The hours of the day (0-23) a clock hour can be; none when it is no hour."""
    if half:
        return (hour % 12 + (12 if half == "pm" else 0),) if 1 <= hour <= 12 else ()
    # "06:00", "0:30" and "18:00" are 24 h; "6", "6:30" and "6 o'clock" either 6 or 18.
    if twenty_four:
        return () if oclock else (hour,)
    return (hour % 12, hour % 12 + 12) if 1 <= hour <= 12 else ()


def _without_day(words: str) -> tuple[str, Day | None]:
    for day in _DAYS:
        if words.endswith(f" {day}"):
            return words.removesuffix(f" {day}"), day
        if words.startswith(f"{day} "):
            return words.removeprefix(f"{day} "), day
    return words, None


def moment_asked(asked: AskedTime, now: datetime) -> MomentAsked:
    """The next time the clock reads `asked` from the hour under way, on its day if it names one.

    `now` is aware, in the home's time zone. On the night the clocks go back, 2:30 comes
    twice: the next of the two, with `repeated` set. On the night they go forward, 2:30
    never comes: the moment the clocks jump to, with `skipped` set. When the day named has
    no such time left (6 am today at 20:30), the last that went by, with `passed` set; a
    weekday names its next such time, next week's when today's has gone by.
    """
    this_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    today = now.date()
    if asked.day == "tomorrow" and tomorrow_is_today(now):
        # In the small hours "tomorrow" is the day to come, today's date ("7 am tomorrow" at
        # 00:30 is 6.5 hours ahead); a time of it gone by ("4 am" at 5:30) is the next one.
        coming = [
            moment
            for moment in readings(asked, [today], now.tzinfo)
            if moment.at > now.astimezone(UTC)
        ]
        if coming:
            return replace(min(coming, key=lambda m: m.at), tomorrow_as_today=True)
    # A weekday's time gone by today ("7 am on monday" at 8:30 on Monday) is next week's.
    days = (
        [next_weekday(asked.weekday, today) + timedelta(days=weeks) for weeks in (0, 7)]
        if asked.weekday is not None
        else [today]
        if asked.day == "today"
        else [today + timedelta(days=1)]
        if asked.day == "tomorrow"
        else [today, today + timedelta(days=1), today + timedelta(days=2)]
    )
    candidates = readings(asked, days, now.tzinfo)
    ahead = sorted((moment for moment in candidates if moment.at >= this_hour), key=lambda m: m.at)
    if ahead:
        return ahead[0]
    gone = max(candidates, key=lambda moment: moment.at)
    return MomentAsked(at=gone.at, wall=gone.wall, skipped=gone.skipped, passed=True)


def readings(asked: AskedTime, days: list[date], zone: tzinfo | None) -> list[MomentAsked]:
    """Each reading of `asked` on `days`: two of a wall time the night the clocks go back."""
    # "Midnight today" is the one that ends today; "1 am tomorrow night" after tomorrow's.
    named = asked.day is not None or asked.weekday is not None
    shift = timedelta(days=1) if asked.ends_day and named else timedelta()
    return [
        _placed(day + shift, time(hour, asked.minute, fold=fold), zone)
        for day in days
        for hour in asked.hours
        for fold in (0, 1)
    ]


def moment_at(at: datetime) -> MomentAsked:
    """The instant `at` (aware, in the home's zone) as a moment asked: "in two hours".

    The night the clocks go back, which of the two readings of its wall time it is.
    """
    return _placed(at.date(), at.timetz().replace(tzinfo=None), at.tzinfo)


def _placed(day: date, clock: time, zone: tzinfo | None) -> MomentAsked:
    local = datetime.combine(day, clock, tzinfo=zone)
    wall = local.replace(tzinfo=None, fold=0)
    at = local.astimezone(UTC)
    earlier, later = sorted(local.replace(fold=fold).astimezone(UTC) for fold in (0, 1))
    if earlier == later:
        return MomentAsked(at=at, wall=wall, skipped=False)
    change_at = _clock_change(earlier, later, zone)
    # A wall time the clocks jump over comes back as another one: it does not exist.
    if at.astimezone(zone).replace(tzinfo=None) != wall:
        return MomentAsked(at=change_at, wall=wall, skipped=True, change_at=change_at)
    return MomentAsked(
        at=at,
        wall=wall,
        skipped=False,
        repeated="first" if at == earlier else "second",
        change_at=change_at,
    )


def _clock_change(earlier: datetime, later: datetime, zone: tzinfo | None) -> datetime:
    """When the clocks change between a wall time's two readings (the offsets either side)."""
    offset = earlier.astimezone(zone).utcoffset()
    while earlier < later and earlier.astimezone(zone).utcoffset() == offset:
        earlier += timedelta(minutes=1)
    return earlier
