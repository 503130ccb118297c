"""What Assist says of the power over a part of the day ("tonight"): no Home Assistant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from .part_of_day import PartPlaced
from .power_answers import ForecastHour, ask_again, expected_over, not_ended
from .spoken import clock_time, hour_said, sentence_start, time_ahead, watts

# A forecast reaches 24 hours from the start of the hour under way.
_REACH = timedelta(hours=24)


def power_part_answer(
    *, name: str, hours: Sequence[ForecastHour], now: datetime, part: PartPlaced
) -> str:
    """What a predictor expects over a part of the day, as the day's answer says it.

    "Tonight, from 5:00 PM to 6:00 AM, …"; a part under way from now: "For the rest of this
    afternoon, from 4:10 PM to 5:00 PM, …". A part the forecast does not see to its end gets
    no figure (a few of its hours would be heard as all of it): how far the forecast sees,
    and when it will see the whole part.
    """
    of_part = _hours_of_part(name=name, hours=hours, now=now, part=part)
    if isinstance(of_part, str):
        return of_part
    when = part_when(part, now)
    return expected_over(when=when, name=name, hours=of_part, now=now, note=None)


def power_part_peak_answer(
    *, name: str, hours: Sequence[ForecastHour], now: datetime, part: PartPlaced
) -> str:
    """The highest hour a predictor expects in a part of the day, said as its energy is.

    "Tonight, from 5:00 PM to 6:00 AM, Power forecast expects the peak at 7:00 PM, about
    1,240 W."; the hour under way is "this hour". No peak of a part the forecast does not see
    to its end: its highest hour may be one it does not see yet.
    """
    of_part = _hours_of_part(name=name, hours=hours, now=now, part=part)
    if isinstance(of_part, str):
        return of_part
    peak = max(of_part, key=lambda hour: hour.power_w)
    at = "this hour" if _start(peak) <= now.astimezone(UTC) else f"at {hour_said(peak.start)}"
    return f"{part_when(part, now)}, {name} expects the peak {at}, about {watts(peak.power_w)}."


def _hours_of_part(
    *, name: str, hours: Sequence[ForecastHour], now: datetime, part: PartPlaced
) -> list[ForecastHour] | str:
    """The forecast's hours of `part` from the one under way, or what to say when it has none.

    A part the forecast does not see to its end: how far it sees, and when it will.
    """
    ahead = [hour for hour in hours if not_ended(hour, now)]
    if not ahead:
        return f"{name} has no forecast yet."
    seen_to = _start(ahead[-1]) + timedelta(hours=1)
    of_part = [hour for hour in ahead if part.start <= _start(hour) < part.end]
    if seen_to < part.end or not of_part:
        reach = seen_to.astimezone(now.tzinfo)
        ask_from = (part.end - _REACH).astimezone(now.tzinfo)
        return (
            f"{name} forecasts the next 24 hours only, up to {time_ahead(reach, now)}; "
            f"{ask_again(ask_from, now)}, when it sees "
            f"{_all_of(part, now)}."
        )
    return of_part


def _all_of(part: PartPlaced, now: datetime) -> str:
    """What the forecast must see to answer: "all of tonight", "up to 9:00 PM tomorrow"."""
    if part.hours_named:
        end = part.end.astimezone(now.tzinfo)
        return f"up to {time_ahead(end, now)}"
    return f"all of {part.name}"


def part_when(part: PartPlaced, now: datetime) -> str:
    """When the answer is of: the part and its hours, or from now to its end while under way."""
    if part.hours_named:
        return sentence_start(part.name)
    if part.start < now.astimezone(UTC):
        end = clock_time(part.end.astimezone(now.tzinfo))
        return f"For the rest of {part.name}, from {clock_time(now)} to {end}"
    return sentence_start(part_hours_said(part, now))


def part_hours_said(part: PartPlaced, now: datetime) -> str:
    """The part and its hours on the clock of `now`'s zone: "tonight, from 5:00 PM to 6:00 AM"."""
    start, end = (moment.astimezone(now.tzinfo) for moment in (part.start, part.end))
    return f"{part.name}, from {clock_time(start)} to {clock_time(end)}"


def part_passed(part: PartPlaced, now: datetime) -> str:
    """A part of today gone by: "This morning, from 6:00 AM to 12:00 PM, has passed"."""
    return f"{sentence_start(part_hours_said(part, now))}, has passed"


def _start(hour: ForecastHour) -> datetime:
    return hour.start.astimezone(UTC)
