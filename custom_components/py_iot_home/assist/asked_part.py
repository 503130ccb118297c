"""A part of the day asked about, by its name ("tonight") or a weekday's ("friday evening").

No Home Assistant: the words become the part's hours, placed in the home's time zone, and
what is said first of how they were taken.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from .part_of_day import (
    Day,
    PartPlaced,
    Span,
    day_placed,
    in_small_hours,
    part_placed,
    said_part,
    span_on,
    tomorrow_is_today,
)
from .sentence_endings import alternation
from .spoken import tomorrow_taken
from .weekdays import WEEKDAYS, next_weekday

SPANS: tuple[Span, ...] = ("morning", "afternoon", "evening", "night")
# "[On] friday evening", as a sentence template says it: one group, not 56 phrases.
WEEKDAY_PARTS_SAID = f"[on] {alternation(WEEKDAYS)} {alternation(SPANS)}"


def with_weekday_parts(
    endings: Mapping[str, Mapping[str, str]], slot: str
) -> tuple[dict[str, Mapping[str, str]], str]:
    """`endings` and a weekday's part of the day ("on friday evening", its words in `slot`).

    The phrases with their slots, and how a template says them: `endings`' alternation with
    the weekday's parts as one group.
    """
    return (
        {**endings, **_weekday_part_endings(slot)},
        alternation([*endings, WEEKDAY_PARTS_SAID]),
    )


def _weekday_part_endings(slot: str) -> dict[str, dict[str, str]]:
    """Each phrase `WEEKDAY_PARTS_SAID` stands for, with its words (no "on") as `slot`."""
    return {
        f"{on}{weekday} {span}": {slot: f"{weekday} {span}"}
        for on in ("", "on ")
        for weekday in WEEKDAYS
        for span in SPANS
    }


@dataclass(frozen=True, kw_only=True)
class PartAsked:
    """A part of the day placed, and what is said first of it: "tomorrow" taken as today."""

    placed: PartPlaced
    taken: str | None = None


def part_asked(words: str, now: datetime) -> PartAsked | None:
    """The part of the day when it is all the words say, placed from `now` (aware, local)."""
    if (weekday_part := _weekday_part(words)) is not None:
        return PartAsked(placed=weekday_part_placed(*weekday_part, now))
    part = said_part(words)
    if part is None:
        return None
    taken = None
    if part.day == "tomorrow" and tomorrow_is_today(now):
        # In the small hours "tomorrow morning" is this morning, and the answer says so.
        taken = tomorrow_taken(now, night=part.span == "night")
    return PartAsked(placed=part_placed(part, now), taken=taken)


def day_asked(day: Day, now: datetime) -> PartAsked:
    """A whole day asked about, placed from `now` (aware, local).

    In the small hours "tomorrow" is today after the night under way, and is said so first.
    """
    small_hours = day == "tomorrow" and tomorrow_is_today(now)
    return PartAsked(
        placed=day_placed(day, now), taken=tomorrow_taken(now, night=False) if small_hours else None
    )


def weekday_part_placed(weekday: int, span: Span, now: datetime) -> PartPlaced:
    """The part of the next `weekday` (Monday 0) not over yet, named by it and its day.

    Today's own while it lasts; one gone by ("saturday morning" on Saturday afternoon) is
    next week's, as a person means it. In the small hours the night under way is the one of
    yesterday's weekday: "saturday night" at 00:30 on Sunday, not the next Saturday's.
    """
    today = now.date()
    day = next_weekday(weekday, today)
    yesterday = today - timedelta(days=1)
    if span == "night" and in_small_hours(now) and yesterday.weekday() == weekday:
        day = yesterday
    if span_on(span, day, now).end <= now.astimezone(UTC):
        day += timedelta(days=7)
    said = f"{WEEKDAYS[weekday].title()} {span}"
    return replace(span_on(span, day, now), name=_named(said, day, now))


def _named(said: str, day: date, now: datetime) -> str:
    """A weekday's part with its day when that is not today, as the hours are said.

    "Sunday morning" asked on Saturday is "tomorrow, Sunday morning"; a later one has its
    date ("Friday evening, 6 March"), as "on Friday" could be the one gone by. So has the
    next day's in the small hours, when "tomorrow" is taken as today (tomorrow_is_today).
    """
    days = (day - now.date()).days
    if days < 1:
        return said
    if days == 1 and not tomorrow_is_today(now):
        return f"tomorrow, {said}"
    return f"{said}, {day.day} {day:%B}"


def _weekday_part(words: str) -> tuple[int, Span] | None:
    said = " ".join(words.lower().split()).removeprefix("on ")
    weekday, _, span = said.partition(" ")
    if weekday not in WEEKDAYS or span not in SPANS:
        return None
    return WEEKDAYS.index(weekday), next(one for one in SPANS if one == span)
