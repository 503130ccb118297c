"""What Assist says about power: the forecast, its peak, the reading now. No Home Assistant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..markdown_text import with_unit
from .spoken import (
    clock_time,
    day_ahead,
    day_begins,
    half_up,
    hour_said,
    kwh,
    time_ahead,
    watts,
)


@dataclass(frozen=True, kw_only=True)
class ForecastHour:
    """One hour of a power forecast: its start (local time) and its 10-90 % band, in W."""

    start: datetime
    power_w: float
    low_w: float
    high_w: float


def power_forecast_answer(*, name: str, hours: Sequence[ForecastHour], now: datetime) -> str:
    """What a predictor expects: this hour with its band, the highest hour ahead, the energy.

    The energy is what "how much energy will we use" asks: the hours' mean power from now to
    the forecast's end, the hour under way for what is left of it. Counted whole, it took in
    the part of the hour gone by (50 minutes of it at 20:50) and said "the next 24 hours".
    """
    # Hours that ended are no forecast: a refresh that came late must not speak of them.
    hours = [hour for hour in hours if not_ended(hour, now)]
    if not hours:
        return f"{name} has no forecast yet."
    current = hours[0]
    said = (
        f"{name} expects about {watts(current.power_w)} this hour (likely "
        f"{watts(current.low_w)} to {watts(current.high_w)})"
    )
    peak = max(hours, key=lambda hour: hour.power_w)
    if peak is not current and half_up(peak.power_w, 0) > half_up(current.power_w, 0):
        said += (
            f"; the highest hour ahead is {hour_said(peak.start, now)}, about {watts(peak.power_w)}"
        )
    if len(hours) > 1:
        # From now: the hour under way for what is left of it, as the day's answers count it.
        energy_kwh = sum(hour.power_w * _share_ahead(hour, now) for hour in hours) / 1000
        end = _hour_later(hours[-1].start)
        said += f"; about {kwh(energy_kwh)} from now to {time_ahead(end, now)}"
    return f"{said}."


def power_day_answer(
    *, name: str, hours: Sequence[ForecastHour], now: datetime, tomorrow: bool
) -> str:
    """What a predictor expects over the rest of today, or over tomorrow as far as it sees.

    A forecast covers the next 24 hours: all that is left of today, and tomorrow up to
    this hour. The answer says how far it reaches rather than passing a part for the day,
    and gives no figure for a tomorrow it hardly sees (after midnight, an hour or two of
    it: its energy read as a day's). The hour under way counts for what is left of it.
    """
    seen = _hours_of_day(name=name, hours=hours, now=now, tomorrow=tomorrow)
    if isinstance(seen, str):
        return seen
    of_day, reaches = seen
    if tomorrow:
        return expected_over(
            when="Tomorrow", name=name, hours=of_day, now=now, note=reaches or "the whole day"
        )
    return expected_over(
        when="For the rest of today", name=name, hours=of_day, now=now, note=reaches
    )


def expected_over(
    *, when: str, name: str, hours: Sequence[ForecastHour], now: datetime, note: str | None
) -> str:
    """What a predictor expects over `hours` (a day's, or a part's): the energy, the highest hour.

    "{when}, Power forecast expects about 6.1 kWh ({note}); the highest hour is 7:00 PM, about
    1,240 W." The hour under way counts for what is left of it.
    """
    energy_kwh = sum(hour.power_w * _share_ahead(hour, now) for hour in hours) / 1000
    said = f"{when}, {name} expects about {kwh(energy_kwh)}"
    if note:
        said += f" ({note})"
    peak = max(hours, key=lambda hour: hour.power_w)
    return f"{said}; the highest hour is {hour_said(peak.start)}, about {watts(peak.power_w)}."


def power_day_peak_answer(
    *, name: str, hours: Sequence[ForecastHour], now: datetime, tomorrow: bool
) -> str:
    """The highest hour of the rest of today, or of tomorrow as far as the forecast sees.

    As `power_day_answer`: a tomorrow seen for less than half a day gives no peak (at
    00:30 the highest of two hours is not tomorrow's peak); one seen only to this hour
    says so.
    """
    seen = _hours_of_day(name=name, hours=hours, now=now, tomorrow=tomorrow)
    if isinstance(seen, str):
        return seen
    of_day, reaches = seen
    peak = max(of_day, key=lambda hour: hour.power_w)
    when = "this hour" if _utc(peak.start) <= _utc(now) else f"at {hour_said(peak.start, now)}"
    if tomorrow and not (peak.start.hour or peak.start.minute):
        when = f"at {day_begins(peak.start, now)}"
    said = f"{name} expects the peak {when}, about {watts(peak.power_w)}"
    return f"{said} ({reaches})." if reaches else f"{said}."


def _hours_of_day(
    *, name: str, hours: Sequence[ForecastHour], now: datetime, tomorrow: bool
) -> tuple[list[ForecastHour], str | None] | str:
    """The forecast's hours of today (from the one under way) or of tomorrow.

    With them, how far they reach when short of the day's end; or, when there is no day's
    figure to give, what to say instead.
    """
    hours = [hour for hour in hours if not_ended(hour, now)]
    if not hours:
        return f"{name} has no forecast yet."
    day = now.date() + timedelta(days=1 if tomorrow else 0)
    of_day = [hour for hour in hours if hour.start.date() == day]
    if not of_day:
        end = _hour_later(hours[-1].start)
        if not tomorrow:
            return f"{name} forecasts the next 24 hours only, up to {time_ahead(end, now)}."
        # Just after midnight: "ask again after midnight", said at 00:20, sent the user to
        # the next one, while half of tomorrow is seen from noon.
        seen_from = _hour_later(hours[0].start, HALF_DAY_HOURS)
        return (
            f"{name} sees none of tomorrow yet: it forecasts up to midnight tonight; ask again "
            f"after {time_ahead(seen_from, now)}, when it sees half of "
            "the day."
        )
    end = _hour_later(of_day[-1].start)
    if end.date() > day:
        return of_day, None
    if tomorrow and len(of_day) < HALF_DAY_HOURS:
        seen_from = _hour_later(hours[0].start, HALF_DAY_HOURS - len(of_day))
        return (
            f"{name} sees only {_hours_of(len(of_day))} of tomorrow yet, up to "
            f"{clock_time(end)}; ask again after {time_ahead(seen_from, now)}, "
            f"when it sees half of the day."
        )
    # Tomorrow up to this hour; today short of midnight: on the 25-hour day of a clock
    # change, 24 hours end at 23:00.
    if tomorrow:
        return of_day, f"midnight to {clock_time(end)}, as far as it sees"
    return of_day, f"until {clock_time(end)}, as far as it sees"


# Less of tomorrow than this is no day's figure.
HALF_DAY_HOURS = 12


def _hours_of(count: int) -> str:
    return "1 hour" if count == 1 else f"{count} hours"


def _share_ahead(hour: ForecastHour, now: datetime) -> float:
    """How much of the hour is still to come: all of it, or what is left of the one under way."""
    left_s = (_utc(hour.start) + timedelta(hours=1) - _utc(now)).total_seconds()
    return min(max(left_s / 3600.0, 0.0), 1.0)


def power_peak_answer(*, name: str, hours: Sequence[ForecastHour], now: datetime) -> str:
    """The hour of the highest forecast in the next 24 hours, with its watts.

    The hour under way is "this hour"; a later one is said with its day (after midnight it
    is tomorrow's).
    """
    ahead = [
        hour
        for hour in hours
        if not_ended(hour, now) and _utc(hour.start) < _utc(now) + timedelta(hours=24)
    ]
    if not ahead:
        return f"{name} has no forecast yet."
    peak = max(ahead, key=lambda hour: hour.power_w)
    if _utc(peak.start) <= _utc(now):
        return f"{name} expects the peak this hour, about {watts(peak.power_w)}."
    return f"{name} expects the peak at {hour_said(peak.start, now)}, about {watts(peak.power_w)}."


def power_now_answer(*, name: str, number: str, unit: str) -> str:
    """What a power sensor reads now, rounded as it shows ("Home power reads 1,234 W now").

    Below zero a net meter is sending power back to the grid, and says so.
    """
    if number.startswith("-"):
        return (
            f"{name} reads {with_unit(number, unit)} now: the home is sending "
            f"{with_unit(number.removeprefix('-'), unit)} to the grid."
        )
    return f"{name} reads {with_unit(number, unit)} now."


def power_at_answer(
    *, name: str, hours: Sequence[ForecastHour], now: datetime, at: datetime
) -> str:
    """What a predictor expects in the hour of `at` (aware), in the home's time zone.

    An hour past the forecast's end says how far it sees and when it will see that hour:
    the forecast reaches 24 hours from the hour under way.
    """
    hours = [hour for hour in hours if not_ended(hour, now)]
    if not hours:
        return f"{name} has no forecast yet."
    # Compared as instants: two wall times an hour apart read alike the night the clocks go back.
    instant = at.timestamp()
    row = next(
        (hour for hour in hours if 0 <= instant - hour.start.timestamp() < 3600),
        None,
    )
    if row is None:
        end = _hour_later(hours[-1].start)
        asked_hour = at.astimezone(end.tzinfo).replace(minute=0, second=0, microsecond=0)
        seen_from = (asked_hour.astimezone(UTC) - timedelta(hours=23)).astimezone(end.tzinfo)
        return (
            f"{name} forecasts the next 24 hours only, up to {time_ahead(end, now)}; "
            f"{ask_again(seen_from, now)}."
        )
    if _utc(row.start) <= _utc(now):
        when = "this hour"
    elif at.astimezone(row.start.tzinfo).minute:
        # 6:30 PM is answered by its hour's figure: the forecast has one per hour.
        end = _hour_later(row.start)
        when = (
            f"from {clock_time(row.start)} to {clock_time(end)} {day_ahead(row.start, now)}"
            if end.replace(tzinfo=None) > row.start.replace(tzinfo=None)
            # The hour before the clocks go back ends on the reading it began with.
            else f"in the hour from {time_ahead(row.start, now)}"
        )
    else:
        when = f"at {time_ahead(row.start, now)}"
    return (
        f"{name} expects about {watts(row.power_w)} {when} (likely {watts(row.low_w)} to "
        f"{watts(row.high_w)})."
    )


def ask_again(seen_from: datetime, now: datetime) -> str:
    """When the forecast, remade each hour, sees what was asked: "ask again after 6:00 PM today".

    A forecast not remade yet this hour (a minute after it begins, or later when the refresh
    is late) would send the user to a time gone by: then, once this hour's forecast is made.
    """
    if _utc(seen_from) <= _utc(now):
        return "ask again once this hour's forecast is made"
    return f"ask again after {time_ahead(seen_from, now)}"


def power_seen_answer(*, name: str, hours: Sequence[ForecastHour], now: datetime) -> str:
    """The hours a predictor sees, from the one under way: what is left to ask about."""
    hours = [hour for hour in hours if not_ended(hour, now)]
    if not hours:
        return f"{name} has no forecast yet."
    start, end = hours[0].start, _hour_later(hours[-1].start)
    return f"{name} sees from {time_ahead(start, now)} to {time_ahead(end, now)}."


# Times of one zone compare and subtract as the clock reads them (Python ignores their
# offsets): the night the clocks go back, the first 2 o'clock hour read as still under way
# in the second. Hours are compared as instants.
def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def not_ended(hour: ForecastHour, now: datetime) -> bool:
    """Whether the hour is under way or ahead: a forecast's hours that ended are none."""
    return _utc(hour.start) + timedelta(hours=1) > _utc(now)


def _hour_later(moment: datetime, hours: int = 1) -> datetime:
    """`hours` on, as a clock reads it: the day the clocks change, not the same wall hour + 1."""
    return (moment.astimezone(UTC) + timedelta(hours=hours)).astimezone(moment.tzinfo)
