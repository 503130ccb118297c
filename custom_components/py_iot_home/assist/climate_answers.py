"""What Assist says of temperature, humidity and trends (the power's too): no Home Assistant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .spoken import (
    listed,
    sentence_start,
    spoken_unit,
    time_ahead,
    time_past,
)
from .trend_question import Direction, TrendQuestion

_PHRASES: dict[tuple[str, Direction], str] = {
    ("temperature", Direction.UP): "getting warmer",
    ("temperature", Direction.DOWN): "getting colder",
    ("humidity", Direction.UP): "getting more humid",
    ("humidity", Direction.DOWN): "getting drier",
    ("power", Direction.UP): "using more power",
    ("power", Direction.DOWN): "using less power",
    ("power", Direction.STEADY): "using about the same power",
}
_EITHER_WAY = {
    "temperature": "getting warmer or colder",
    "humidity": "getting more humid or drier",
    "power": "using more or less power",
}
# Watts a day are said whole, as the power trend sensor shows them (its resolution is 1 W/d).
_WHOLE_SLOPES = frozenset({"power"})


def _per_day(slope: float, unit: str, quantity: str) -> str:
    decimals = 0 if quantity in _WHOLE_SLOPES else 1 if abs(slope) >= 0.1 else 2
    return f"{spoken_unit(f'{slope:+,.{decimals}f}', unit)} a day"


def _phrase(quantity: str, trend: Direction) -> str:
    """Which way the trend goes, in words: "getting warmer", "using less power"."""
    return _PHRASES.get((quantity, trend), "holding steady")


def humidity_answer(*, area: str, humidity: str, unit: str) -> str:
    """The area's humidity as its sensor shows it: "The humidity in the Kitchen is 44.0 percent"."""
    return f"The humidity in the {area} is {spoken_unit(humidity, unit)}."


def device_reading_answer(*, device: str, reading: str, unit: str) -> str:
    """A device's temperature or humidity: "Kitchen Pi reads 22.5 °C", "... 44.0 percent"."""
    return f"{device} reads {spoken_unit(reading, unit)}."


def _span(hours: float) -> str:
    """How long the readings behind a trend reach back: "9 hours", "3 days"."""
    if hours < 48:
        whole = max(1, round(hours))
        return "hour" if whole == 1 else f"{whole} hours"
    return f"{round(hours / 24)} days"


def trend_answer(
    *,
    place: str,
    question: TrendQuestion,
    slope: float,
    unit: str,
    trend: Direction,
    span_hours: float,
) -> str:
    """Answer "is <place> getting <direction>?" from the trend's direction and slope per day.

    `place` is an area ("the Kitchen") or a device ("Garage Pi"); `span_hours` is how far
    back the trend's readings reach (at most its window).
    """
    phrase = _phrase(question.quantity, trend)
    per_day = _per_day(slope, unit, question.quantity)
    said = f"{place} is {phrase}: {per_day} over the last {_span(span_hours)}."
    if question.asked is None:
        return sentence_start(said)
    return f"{'Yes' if trend is question.asked else 'No'}, {said}"


def not_enough_data_answer(
    *, place: str, quantity: str, ready_at: datetime | None, now: datetime, silent: bool = False
) -> str:
    """The trend sensor has no slope yet; `ready_at` when it expects one (local times).

    `silent`: its sensor has no reading now, so that time is no promise.
    """
    if silent:
        said = f"its {quantity} sensor has no reading now"
        if place == "any room":
            said = f"no room's {quantity} sensor has a reading now"
        return f"Not enough data yet to tell whether {place} is {_either_way(quantity)}; {said}."
    return (
        f"Not enough data yet to tell whether {place} is "
        f"{_either_way(quantity)}{_ask_again(ready_at, now)}."
    )


def _ask_again(ready_at: datetime | None, now: datetime) -> str:
    """When a trend expects its first slope, said after a semicolon; nothing if unknown."""
    if ready_at is None or ready_at <= now:
        # A time gone by (a sensor that stopped sending) tells the user nothing.
        return ""
    return f"; ask again after {time_ahead(ready_at, now)}"


def no_clear_trend_answer(*, place: str, quantity: str, window_days: float) -> str:
    """The trend window is full, and its readings vary too much for a slope to mean much."""
    return (
        f"The {quantity} of {place} has no clear trend: it went up and down too much over "
        f"the last {window_days:g} days to tell whether it is {_either_way(quantity)}."
    )


def no_recent_readings_answer(
    *, place: str, quantity: str, last_reading: datetime | None, now: datetime
) -> str:
    """The sensor went silent: its last days' slope is no answer about now (local times)."""
    since = _since(last_reading, now)
    return (
        f"{sentence_start(place)}'s {quantity} sensor has not reported {since}, so I cannot tell "
        f"whether it is {_either_way(quantity)}."
    )


def source_trend_answer(
    *,
    source: str,
    subject: str,
    where: str,
    question: TrendQuestion,
    slope: float,
    unit: str,
    trend: Direction,
    span_hours: float,
) -> str:
    """Answer from a sensor the home is read from, named after the figures.

    "Is it getting colder outside?" (`subject` "it", `where` " outside"), "is the home using
    more power?" (`subject` "the home").
    """
    said = (
        f"{subject} is {_phrase(question.quantity, trend)}{where}: "
        f"{_per_day(slope, unit, question.quantity)} over the last {_span(span_hours)} ({source})."
    )
    if question.asked is None:
        return sentence_start(said)
    return f"{'Yes' if trend is question.asked else 'No'}, {said}"


def source_not_enough_data_answer(
    *,
    source: str,
    subject: str,
    where: str,
    quantity: str,
    ready_at: datetime | None,
    now: datetime,
    silent: bool = False,
) -> str:
    """The source's trend has no slope yet, as `not_enough_data_answer` says a room's."""
    after = f"; {source} has no reading now" if silent else _ask_again(ready_at, now)
    return (
        f"Not enough data yet to tell whether {subject} is {_either_way(quantity)}{where} "
        f"({source}){after}."
    )


def source_no_clear_trend_answer(
    *, source: str, subject: str, where: str, quantity: str, window_days: float
) -> str:
    """The source's readings vary too much for a slope, as a room's answer says."""
    return (
        f"The {quantity}{where} ({source}) has no clear trend: it went up and down too much "
        f"over the last {window_days:g} days to tell whether {subject} is "
        f"{_either_way(quantity)}."
    )


def source_no_recent_readings_answer(
    *,
    source: str,
    subject: str,
    where: str,
    quantity: str,
    last_reading: datetime | None,
    now: datetime,
) -> str:
    """The source went silent: its last days' slope is no answer about now."""
    since = _since(last_reading, now)
    return (
        f"{source} has not reported {since}, so I cannot tell whether {subject} is "
        f"{_either_way(quantity)}{where}."
    )


def outdoor_no_trend_answer(*, source: str, question: TrendQuestion) -> str:
    """No yes or no from an outdoor source without a trend of ours, and what would keep one.

    A weather entity, or another integration's sensor: the reading now is all it gives.
    """
    return (
        f"{source} keeps no {question.quantity} trend, so I cannot tell whether it is "
        f"{_whether(question)} outside: a board's or node's sensor outside, chosen as a power "
        f"forecast's outdoor {question.quantity} sensor, keeps one."
    )


def power_no_trend_answer(*, source: str, question: TrendQuestion) -> str:
    """No yes or no from a power sensor without a trend of ours, and what would keep one."""
    return (
        f"{source} keeps no power trend, so I cannot tell whether the home is "
        f"{_whether(question)}: a node's power meter, chosen as a power forecast's power "
        "sensor, keeps one."
    )


# Commas, not ">": speech reads the menu path as words.
DEVICES_PAGE = "Settings, Devices & services, Devices"


@dataclass(frozen=True, kw_only=True)
class DisabledTrend:
    """A trend sensor the user disabled: whose ("the Garden"), its name, its device's name."""

    of: str
    trend: str
    device: str


def trend_disabled_answer(
    *,
    trends: Sequence[DisabledTrend],
    question: TrendQuestion,
    place: str = "it",
    where: str = "",
) -> str:
    """Trend sensors the user disabled: which, and where to enable them.

    No yes or no: "whether {place} is getting colder{where}", `where` " outside" for outside.
    """
    whether = f"so I cannot tell whether {place} is {_whether(question)}{where}"
    devices = list(dict.fromkeys(trend.device for trend in trends))
    page = "device's page" if len(devices) == 1 else "devices' pages"
    pages = f"the {listed(devices)} {page}"
    if len(trends) == 1:
        (trend,) = trends
        return (
            f"The {question.quantity} trend of {trend.of}, {trend.trend}, is disabled, "
            f"{whether}: enable it on {pages}, under {DEVICES_PAGE}."
        )
    return (
        f"The {question.quantity} trends of "
        f"{listed([f'{trend.of} ({trend.trend})' for trend in trends])} are disabled, "
        f"{whether}: enable them on {pages}, under {DEVICES_PAGE}."
    )


def _either_way(quantity: str) -> str:
    """Both ways a quantity goes, for a question without a yes or no: "warmer or colder"."""
    return _EITHER_WAY.get(quantity, "going up or down")


def _since(last_reading: datetime | None, now: datetime) -> str:
    """Since when a silent sensor has not reported: "since 9:12 AM today", or "for a while"."""
    return "for a while" if last_reading is None else f"since {time_past(last_reading, now)}"


def _whether(question: TrendQuestion) -> str:
    """What was asked ("getting colder"), or both ways for "what is the trend"."""
    either = _either_way(question.quantity)
    asked = question.asked
    return _PHRASES.get((question.quantity, asked), either) if asked else either


def weather_outlook_answer(
    *, name: str, number: str, unit: str, at: datetime, now: datetime
) -> str:
    """What a weather entity's hourly forecast expects a few hours ahead (local times)."""
    return f"{name}'s hourly forecast expects {spoken_unit(number, unit)} by {time_ahead(at, now)}."


def no_outlook_answer(quantity: str) -> str:
    """Asked what the `quantity` outside will be, with no weather forecast to say it."""
    return (
        f"No weather forecast tells me what the {quantity} will be: a power forecast's weather "
        "entity, exposed to Assist, does."
    )


def unknown_direction_answer(words: str, *, place: str = "a room", where: str = "") -> str:
    """A "getting <words>" question that is about no quantity with a trend.

    Asked of outside (``place`` "it", ``where`` " outside"), it was answered as of a room.
    """
    return (
        f'I cannot tell whether {place} is getting "{words}"{where}; ask whether it is getting '
        f"warmer, colder, more humid or drier{where}."
    )


def outdoor_temperature_answer(*, name: str, number: str, unit: str) -> str:
    """The temperature outside and where it comes from: "It is 4.5 °C outside (Garden)"."""
    return f"It is {spoken_unit(number, unit)} outside ({name})."


def outdoor_humidity_answer(*, name: str, number: str, unit: str) -> str:
    """The humidity outside and where it comes from: "... is 84 percent (Garden)"."""
    return f"The humidity outside is {spoken_unit(number, unit)} ({name})."


@dataclass(frozen=True, kw_only=True)
class PlaceTrend:
    """One room's trend (or a device's in no room): "the Kitchen", its slope a day, its way."""

    place: str
    slope: float
    unit: str
    trend: Direction


def home_trend_answer(*, question: TrendQuestion, places: Sequence[PlaceTrend]) -> str:
    """Answer "is it getting warmer?", asked of no room: each room with a trend, briefly.

    Yes or No leads when every room goes the same way; rooms that differ are only listed.
    """
    if not places:
        return f"Not enough data yet to tell whether any room is {_either_way(question.quantity)}."
    clauses = [
        f"{place.place} is {_phrase(question.quantity, place.trend)} "
        f"({_per_day(place.slope, place.unit, question.quantity)})"
        for place in places
    ]
    said = "; ".join(clauses)
    agree = {place.trend is question.asked for place in places}
    if question.asked is None or len(agree) > 1:
        return f"{said[0].upper()}{said[1:]}."
    return f"{'Yes' if agree == {True} else 'No'}, {said}."
