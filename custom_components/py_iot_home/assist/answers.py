"""What Assist says about an area's humidity and trends: plain words, no Home Assistant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from ..markdown_text import with_unit


class Direction(StrEnum):
    """Which way a question, or a trend, goes."""

    UP = "up"
    DOWN = "down"
    STEADY = "steady"


@dataclass(frozen=True, kw_only=True)
class TrendQuestion:
    """A quantity and the direction asked about, as in "is the kitchen getting warmer".

    No direction for "what is the temperature trend in the kitchen".
    """

    quantity: str
    asked: Direction | None


_QUESTION_WORDS: dict[str, TrendQuestion] = {
    **dict.fromkeys(
        ("warmer", "hotter", "warm", "hot"),
        TrendQuestion(quantity="temperature", asked=Direction.UP),
    ),
    **dict.fromkeys(
        ("colder", "cooler", "cold", "cool"),
        TrendQuestion(quantity="temperature", asked=Direction.DOWN),
    ),
    **dict.fromkeys(
        ("more humid", "humid", "damper", "wetter", "muggier"),
        TrendQuestion(quantity="humidity", asked=Direction.UP),
    ),
    **dict.fromkeys(
        ("drier", "dryer", "dry", "less humid"),
        TrendQuestion(quantity="humidity", asked=Direction.DOWN),
    ),
    "temperature": TrendQuestion(quantity="temperature", asked=None),
    "humidity": TrendQuestion(quantity="humidity", asked=None),
}

_PHRASES: dict[tuple[str, Direction], str] = {
    ("temperature", Direction.UP): "getting warmer",
    ("temperature", Direction.DOWN): "getting colder",
    ("humidity", Direction.UP): "getting more humid",
    ("humidity", Direction.DOWN): "getting drier",
}
_EITHER_WAY = {"temperature": "warmer or colder", "humidity": "more humid or drier"}


def parse_trend_question(words: str) -> TrendQuestion | None:
    """The question behind "warmer", "more humid"...; None for words it does not know."""
    return _QUESTION_WORDS.get(" ".join(words.casefold().split()))


def split_it_getting(area: str, words: str) -> tuple[str, str]:
    """The area and words meant when "is it getting warmer in the kitchen" matched as "it".

    That sentence also fits "is {area} getting {direction}", with the area "it". Anything
    else is returned as it came.
    """
    # No direction word holds " in "; an area's name may ("Living in room").
    before, separator, after = words.partition(" in ")
    if area.casefold() == "it" and separator and parse_trend_question(before):
        return after.strip(), before
    return area, words


# Said in words, as Home Assistant's own answers say "degrees": speech reads "%" as a symbol.
_SPOKEN_UNITS = {"%": "percent"}


def _said(number: str, unit: str) -> str:
    return with_unit(number, _SPOKEN_UNITS.get(unit, unit))


def _per_day(slope: float, unit: str) -> str:
    decimals = 1 if abs(slope) >= 0.1 else 2
    return f"{_said(f'{slope:+.{decimals}f}', unit)} a day"


def humidity_answer(*, area: str, humidity: str, unit: str) -> str:
    """The area's humidity as its sensor shows it: "The humidity in the Kitchen is 44.0 percent"."""
    return f"The humidity in the {area} is {_said(humidity, unit)}."


def device_reading_answer(*, device: str, reading: str, unit: str) -> str:
    """A device's temperature or humidity: "Kitchen Pi reads 22.5 °C", "... 44.0 percent"."""
    return f"{device} reads {_said(reading, unit)}."


def _span(hours: float) -> str:
    """How long the readings behind a trend reach back: "9 hours", "3 days"."""
    if hours < 48:
        whole = max(1, round(hours))
        return "hour" if whole == 1 else f"{whole} hours"
    return f"{round(hours / 24)} days"


def trend_answer(
    *,
    area: str,
    question: TrendQuestion,
    slope: float,
    unit: str,
    trend: Direction,
    span_hours: float,
) -> str:
    """Answer "is <area> getting <direction>?" from the trend's direction and slope per day.

    `span_hours` is how far back the trend's readings reach (at most its window).
    """
    phrase = _PHRASES.get((question.quantity, trend), "holding steady")
    said = f"the {area} is {phrase}: {_per_day(slope, unit)} over the last {_span(span_hours)}."
    if question.asked is None:
        return said[0].upper() + said[1:]
    return f"{'Yes' if trend is question.asked else 'No'}, {said}"


def not_enough_data_answer(
    *, area: str, quantity: str, ready_at: datetime | None, now: datetime
) -> str:
    """The trend sensor has no slope yet; `ready_at` when it expects one (local times)."""
    answer = (
        f"Not enough data yet to tell whether the {area} is getting "
        f"{_EITHER_WAY.get(quantity, 'up or down')}"
    )
    if ready_at is None or ready_at <= now:
        # A time gone by (a sensor that stopped sending) tells the user nothing.
        return f"{answer}."
    return f"{answer}; ask again after {_clock(ready_at)} {_day(ready_at, now)}."


def no_clear_trend_answer(*, area: str, quantity: str, window_days: float) -> str:
    """The trend window is full, and its readings vary too much for a slope to mean much."""
    return (
        f"The {quantity} of the {area} has no clear trend: it went up and down too much over "
        f"the last {window_days:g} days to tell whether it is getting "
        f"{_EITHER_WAY.get(quantity, 'up or down')}."
    )


def no_recent_readings_answer(
    *, area: str, quantity: str, last_reading: datetime | None, now: datetime
) -> str:
    """The sensor went silent: its last days' slope is no answer about now (local times)."""
    since = "for a while" if last_reading is None else f"since {_past(last_reading, now)}"
    return (
        f"The {area}'s {quantity} sensor has not reported {since}, so I cannot tell whether "
        f"it is getting {_EITHER_WAY.get(quantity, 'up or down')}."
    )


def _past(moment: datetime, now: datetime) -> str:
    """A time gone by in words: 2:05 PM today, yesterday, on Friday within the week, else a date."""
    days = (now.date() - moment.date()).days
    if days <= 0:
        day = "today"
    elif days == 1:
        day = "yesterday"
    elif days < 7:
        day = f"on {moment:%A}"
    else:
        day = f"on {moment.day} {moment:%B}"
    return f"{_clock(moment)} {day}"


def _clock(moment: datetime) -> str:
    """A time of day as Home Assistant's own English answers say it: "6:27 AM", "12:00 PM"."""
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def _day(moment: datetime, now: datetime) -> str:
    """The day in words: today, tomorrow, on Friday within the week, else on 12 December."""
    days = (moment.date() - now.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 7:
        return f"on {moment:%A}"
    return f"on {moment.day} {moment:%B}"


def unknown_direction_answer(words: str) -> str:
    """A "getting <words>" question that is about no quantity with a trend."""
    return (
        f'I cannot tell whether a room is getting "{words}"; ask whether it is getting '
        "warmer, colder, more humid or drier."
    )


@dataclass(frozen=True, kw_only=True)
class ForecastHour:
    """One hour of a power forecast: its start (local time) and its 10-90 % band, in W."""

    start: datetime
    power_w: float
    low_w: float
    high_w: float


def _half_up(value: float, decimals: int) -> Decimal:
    """`value` to `decimals` places, a half away from zero, as the frontend shows a state.

    Python's formatting rounds a half to even: 1,124.5 W was said "1,124 W" where the device
    page and the dashboard card show 1,125.
    """
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _watts(power_w: float) -> str:
    """Whole watts below 10 kW ("1,240 W"), else kilowatts to a tenth ("12.5 kW")."""
    if power_w >= 10_000:
        return with_unit(f"{_half_up(power_w / 1000, 1):,}", "kW")
    return with_unit(f"{_half_up(power_w, 0):,}", "W")


def _kwh(energy_kwh: float) -> str:
    return with_unit(f"{energy_kwh:,.1f}", "kWh")


def power_forecast_answer(*, name: str, hours: Sequence[ForecastHour], now: datetime) -> str:
    """What a predictor expects: this hour with its band, the highest hour ahead, the energy.

    The energy is the sum of the hours' mean power over the hours given (a day's forecast
    gives 24): what "how much energy will we use" asks.
    """
    # Hours that ended are no forecast: a refresh that came late must not speak of them.
    hours = [hour for hour in hours if hour.start + timedelta(hours=1) > now]
    if not hours:
        return f"{name} has no forecast yet."
    current = hours[0]
    said = (
        f"{name} expects about {_watts(current.power_w)} this hour (likely "
        f"{_watts(current.low_w)} to {_watts(current.high_w)})"
    )
    peak = max(hours, key=lambda hour: hour.power_w)
    if peak is not current and _half_up(peak.power_w, 0) > _half_up(current.power_w, 0):
        said += (
            f"; the highest hour ahead is {_clock(peak.start)} {_day(peak.start, now)}, "
            f"about {_watts(peak.power_w)}"
        )
    if len(hours) > 1:
        energy_kwh = sum(hour.power_w for hour in hours) / 1000
        said += f"; about {_kwh(energy_kwh)} over the next {len(hours)} hours"
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
    hours = [hour for hour in hours if hour.start + timedelta(hours=1) > now]
    if not hours:
        return f"{name} has no forecast yet."
    day = now.date() + timedelta(days=1 if tomorrow else 0)
    of_day = [hour for hour in hours if hour.start.date() == day]
    if not of_day:
        end = hours[-1].start + timedelta(hours=1)
        return (
            f"{name} forecasts the next 24 hours only, up to {_clock(end)} {_day(end, now)}; "
            "ask again after midnight."
        )
    end = of_day[-1].start + timedelta(hours=1)
    if tomorrow and end.date() == day and len(of_day) < HALF_DAY_HOURS:
        seen_from = hours[0].start + timedelta(hours=HALF_DAY_HOURS - len(of_day))
        return (
            f"{name} sees only {_hours_of(len(of_day))} of tomorrow yet, up to {_clock(end)}; "
            f"ask again after {_clock(seen_from)} {_day(seen_from, now)}, when it sees half "
            "of the day."
        )
    energy_kwh = sum(hour.power_w * _share_ahead(hour, now) for hour in of_day) / 1000
    if tomorrow:
        reaches = (
            "the whole day" if end.date() > day else f"midnight to {_clock(end)}, as far as it sees"
        )
        said = f"Tomorrow, {name} expects about {_kwh(energy_kwh)} ({reaches})"
    else:
        said = f"For the rest of today, {name} expects about {_kwh(energy_kwh)}"
        if end.date() == day:
            # Short of midnight: on the 25-hour day of a clock change, 24 hours end at 23:00.
            said += f" (until {_clock(end)}, as far as it sees)"
    peak = max(of_day, key=lambda hour: hour.power_w)
    return f"{said}; the highest hour is {_clock(peak.start)}, about {_watts(peak.power_w)}."


# Less of tomorrow than this is no day's figure.
HALF_DAY_HOURS = 12


def _hours_of(count: int) -> str:
    return "1 hour" if count == 1 else f"{count} hours"


def _share_ahead(hour: ForecastHour, now: datetime) -> float:
    """How much of the hour is still to come: all of it, or what is left of the one under way."""
    left_s = (hour.start + timedelta(hours=1) - now).total_seconds()
    return min(max(left_s / 3600.0, 0.0), 1.0)
