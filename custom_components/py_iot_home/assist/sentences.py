"""The English sentences that call our intents, keyed by trigger id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .asked_time import HOURS_FROM_NOW
from .humidity import INTENT_AREA_HUMIDITY
from .leds import INTENT_AREA_LEDS
from .outdoor import INTENT_OUTDOOR_HUMIDITY, INTENT_OUTDOOR_TEMPERATURE
from .outdoor_trend import INTENT_OUTDOOR_TREND
from .part_of_day import PARTS_OF_DAY
from .power_forecast import INTENT_POWER_AT, INTENT_POWER_FORECAST, INTENT_POWER_PEAK
from .power_now import INTENT_POWER_NOW
from .trend_intent import INTENT_AREA_TREND

_TREND_OF = (
    "(what is|what's|whats|how is|how's|tell me) [the] {quantity} trend (in|of) [the] {{area}}"
)

_POWER = "(power|electricity|energy)"
_USE = "[use|usage|consumption|draw|demand|load]"
# "How much power", or in its units: "how many watts", British English's "how many units" (kWh).
# "The power forecast", "the electricity usage forecast".
_FORECAST = f"{_POWER} {_USE} forecast"
_HOW_MUCH = f"how (much {_POWER}|many (watts|kilowatts|kw|kilowatt hours|kwh|units))"
_WILL_USE = (
    "(will (i|we|the house|the home) (use|be using)"
    "|(am i|are we|is the house|is the home) (going to|gonna) use)"
)
# "What will the power be", or "what's the power going to be".
_WILL_BE = "what will [my|our|the] {power} {use} be"
_GOING_TO_BE = "(what is|what's|whats) [my|our|the] {power} {use} (going to|gonna) be"
_RISING = "(rising|going up|increasing)"
_FALLING = "(falling|dropping|going down|decreasing)"
_OUTSIDE = "(outside|outdoors)"
_WHEN = "(when|what time)"
# "Tonight", "in the morning": "at night" is no such phrase, as the sentences' own "at" comes
# before it ("at night at 2" is not said; "how much power will we use at night" is "at {time}").
_PARTS_SAID_ALONE = tuple(phrase for phrase in PARTS_OF_DAY if not phrase.startswith("at "))
# "Tomorrow in the morning": a day before a part that names none. "Tomorrow at night" is
# "tomorrow at {time}"'s already.
_DAY_AND_PART = tuple(
    f"{day} {phrase}"
    for day in ("today", "tomorrow")
    for phrase, part in PARTS_OF_DAY.items()
    if part.day is None and phrase.startswith("in ")
)
# "Tomorrow", "tonight", "in the morning", said before "at 7".
_DAYS_BEFORE_A_TIME = ("today", "tomorrow", *_PARTS_SAID_ALONE)


def _will_be(after: str) -> tuple[str, ...]:
    """The power asked of what comes, two ways: "what will it be", "what is it going to be"."""
    return tuple(f"{way.format(power=_POWER, use=_USE)}{after}" for way in (_WILL_BE, _GOING_TO_BE))


def _span_sentences(span: str) -> tuple[str, ...]:
    """The power over a day or a part of one (`span`: "today", "tonight")."""
    return (
        f"{_HOW_MUCH} {_WILL_USE} {span}",
        f"(what is|what's|whats) [the] {_FORECAST} {span}",
        *_will_be(f" {span}"),
    )


def _peak_sentences(day: str) -> tuple[str, ...]:
    """When the use peaks, in the next 24 hours or (`day`: " today", " tomorrow") that day."""
    return (
        f"{_WHEN} is [the] peak {_POWER} {_USE}{day}",
        f"{_WHEN} is [the] {_POWER} {_USE} (peak|highest|at its peak|at its highest){day}",
        f"{_WHEN} (is|will be) [the] (highest|peak) {_POWER} {_USE}{day}",
        f"(when's|whens) [the] (peak|highest) {_POWER} {_USE}{day}",
        f"{_WHEN} will [the|our|my] {_POWER} {_USE} peak{day}",
        f"{_WHEN} will [the|our|my] {_POWER} {_USE} be (highest|at its highest|at its peak){day}",
        f"{_WHEN} (do|will) (we|i) use the most {_POWER}{day}",
        f"(what is|what's|whats) [the] peak {_POWER} {_USE}{day}",
    )


def _at_sentences(day: str) -> tuple[str, ...]:
    """The power at a time of day ({time}: any words, read by the intent), on `day` if said."""
    return (
        *_will_be(f"{day} at {{time}}"),
        f"{_HOW_MUCH} {_WILL_USE}{day} at {{time}}",
        f"(what is|what's|whats) [the] {_FORECAST}{day} (for|at) {{time}}",
        f"(what is|what's|whats) [the] (predicted|expected|forecast) {_POWER} {_USE}{day} "
        "(for|at) {time}",
    )


def _from_now_sentences() -> tuple[str, ...]:
    """The power some hours from now ("in two hours"): the intent reads them off the sentence.

    No wildcard: "in {time}" would fit "in the next 24 hours" too, and both intents ran.
    """
    return (
        *_will_be(f" in {HOURS_FROM_NOW}"),
        f"{_HOW_MUCH} {_WILL_USE} in {HOURS_FROM_NOW}",
        f"(what is|what's|whats) [the] {_FORECAST} in {HOURS_FROM_NOW}",
    )


@dataclass(frozen=True, kw_only=True)
class AssistSentences:
    """Sentences that call one intent; `slots` adds what the sentence itself says."""

    intent_type: str
    sentences: tuple[str, ...]
    slots: Mapping[str, str] = field(default_factory=dict)


# A wildcard only where any words may stand: a "{direction} trend" would catch every
# "what is the ... trend in ..." question before Home Assistant's own.
SENTENCES: Mapping[str, AssistSentences] = {
    "humidity": AssistSentences(
        intent_type=INTENT_AREA_HUMIDITY,
        sentences=(
            "(what is|what's|whats|tell me) [the] humidity (in|of) [the] {area}",
            "how humid is [it in] [the] {area}",
        ),
    ),
    "getting": AssistSentences(
        intent_type=INTENT_AREA_TREND,
        sentences=(
            "is [the] {area} getting {direction}",
            "is it getting {direction} in [the] {area}",
        ),
    ),
    "power_forecast": AssistSentences(
        intent_type=INTENT_POWER_FORECAST,
        sentences=(
            f"(what is|what's|whats|tell me) [the] {_FORECAST}",
            "(what is|what's|whats) [the] (predicted|expected|forecast) (power|electricity|energy) "
            "[use|usage|consumption]",
            f"{_HOW_MUCH} {_WILL_USE} [in the next 24 hours|in the next day]",
            *_will_be(" [in the next 24 hours|in the next day]"),
        ),
    ),
    # "The power forecast for today" is left to "… for {time}": fitting both, both intents ran.
    **{
        f"power_forecast_{day}": AssistSentences(
            intent_type=INTENT_POWER_FORECAST,
            sentences=_span_sentences(day),
            slots={"day": day},
        )
        for day in ("today", "tomorrow")
    },
    # A part of the day is the time asked about: "… for tonight" fits "… for {time}" too.
    **{
        f"power_over_{part.replace(' ', '_')}": AssistSentences(
            intent_type=INTENT_POWER_AT, sentences=_span_sentences(part), slots={"time": part}
        )
        for part in (*_PARTS_SAID_ALONE, *_DAY_AND_PART)
    },
    # "For {time}" alone catches "for today": the intent gives that the day's answer.
    "power_at": AssistSentences(intent_type=INTENT_POWER_AT, sentences=_at_sentences("")),
    # Home Assistant's timers took "… in two hours" as a command to run then.
    "power_from_now": AssistSentences(
        intent_type=INTENT_POWER_AT, sentences=_from_now_sentences(), slots={"from_now": "yes"}
    ),
    # The day or part of one said before the time ("tomorrow morning at 7"), read with it.
    **{
        f"power_at_{day.replace(' ', '_')}": AssistSentences(
            intent_type=INTENT_POWER_AT, sentences=_at_sentences(f" {day}"), slots={"day": day}
        )
        for day in _DAYS_BEFORE_A_TIME
    },
    # Asked these ways, Home Assistant's own intent answered with the reading: "is the
    # temperature rising in the living room?" "20.7 degrees".
    **{
        f"{quantity}_{way}": AssistSentences(
            intent_type=INTENT_AREA_TREND,
            sentences=(f"is [the] {quantity} {verbs} in [the] {{area}}", *more),
            slots={"direction": direction},
        )
        for quantity, way, verbs, direction, more in (
            (
                "temperature",
                "rising",
                _RISING,
                "warmer",
                ("is [the] {area} warming up", "is it warming up in [the] {area}"),
            ),
            (
                "temperature",
                "falling",
                _FALLING,
                "colder",
                ("is [the] {area} cooling down", "is it cooling down in [the] {area}"),
            ),
            ("humidity", "rising", _RISING, "more humid", ()),
            ("humidity", "falling", _FALLING, "drier", ()),
        )
    },
    # The same asked of no room ("is the temperature rising?"): the home answers.
    **{
        f"{quantity}_{way}_home": AssistSentences(
            intent_type=INTENT_AREA_TREND,
            sentences=(f"is [the] {quantity} {verbs}",),
            slots={"area": "it", "direction": direction},
        )
        for quantity, way, verbs, direction in (
            ("temperature", "rising", _RISING, "warmer"),
            ("temperature", "falling", _FALLING, "colder"),
            ("humidity", "rising", _RISING, "more humid"),
            ("humidity", "falling", _FALLING, "drier"),
        )
    },
    "power_now": AssistSentences(
        intent_type=INTENT_POWER_NOW,
        sentences=(
            f"how much {_POWER} (are we|am i|is the house|is the home) using [now|right now]",
            f"(what is|what's|whats|tell me) [the|our|my] (current|present) {_POWER} {_USE}",
            f"(what is|what's|whats|tell me) [the|our|my] {_POWER} {_USE} [right] now",
        ),
    ),
    "power_peak": AssistSentences(
        intent_type=INTENT_POWER_PEAK,
        sentences=_peak_sentences(""),
    ),
    **{
        f"power_peak_{day}": AssistSentences(
            intent_type=INTENT_POWER_PEAK,
            sentences=_peak_sentences(f" {day}"),
            slots={"day": day},
        )
        for day in ("today", "tomorrow")
    },
    # Its highest hour of a part of the day: "when is the peak power tonight".
    **{
        f"power_peak_{part.replace(' ', '_')}": AssistSentences(
            intent_type=INTENT_POWER_PEAK,
            sentences=_peak_sentences(f" {part}"),
            slots={"part": part},
        )
        for part in (*PARTS_OF_DAY, *_DAY_AND_PART)
    },
    "outdoor_temperature": AssistSentences(
        intent_type=INTENT_OUTDOOR_TEMPERATURE,
        sentences=(
            f"(what is|what's|whats|tell me) [the] temperature [like] {_OUTSIDE} [right now|now]",
            "(what is|what's|whats|tell me) [the] (outside|outdoor) temperature",
            f"how (warm|cold|hot) is it {_OUTSIDE} [right now|now]",
        ),
    ),
    "outdoor_humidity": AssistSentences(
        intent_type=INTENT_OUTDOOR_HUMIDITY,
        sentences=(
            f"(what is|what's|whats|tell me) [the] humidity {_OUTSIDE}",
            "(what is|what's|whats|tell me) [the] (outside|outdoor) humidity",
            f"how humid is it {_OUTSIDE}",
        ),
    ),
    # Asked of what comes: the reading now, and what the weather's hourly forecast expects.
    **{
        f"outdoor_{quantity}_ahead": AssistSentences(
            intent_type=intent_type,
            sentences=(
                f"what will [the] {quantity} be {_OUTSIDE} [later|today]",
                f"what will [the] (outside|outdoor) {quantity} be [later|today]",
                f"(what is|what's|whats) [the] {quantity} going to be {_OUTSIDE} [later|today]",
                f"(what is|what's|whats) [the] (outside|outdoor) {quantity} going to be "
                "[later|today]",
                *more,
            ),
            slots={"ahead": "yes"},
        )
        for quantity, intent_type, more in (
            (
                "temperature",
                INTENT_OUTDOOR_TEMPERATURE,
                (f"how (warm|cold|hot) will it (be|get) {_OUTSIDE} [later|today]",),
            ),
            (
                "humidity",
                INTENT_OUTDOOR_HUMIDITY,
                (f"how humid will it (be|get) {_OUTSIDE} [later|today]",),
            ),
        )
    },
    # The outdoor source's trend. "Is it getting colder outside" also fits "is {area} getting
    # {direction}", whose intent hands it to the same answer.
    **{
        f"outdoor_{quantity}_{way}": AssistSentences(
            intent_type=INTENT_OUTDOOR_TREND,
            sentences=(
                f"is it getting {getting} {_OUTSIDE}",
                f"is [the] {quantity} {verbs} {_OUTSIDE}",
                f"is [the] {quantity} {_OUTSIDE} {verbs}",
                f"is [the] (outside|outdoor) {quantity} {verbs}",
                *more,
            ),
            slots={"direction": direction},
        )
        for quantity, way, verbs, direction, getting, more in (
            (
                "temperature",
                "rising",
                _RISING,
                "warmer",
                "(warmer|hotter)",
                (f"is it warming up {_OUTSIDE}",),
            ),
            (
                "temperature",
                "falling",
                _FALLING,
                "colder",
                "(colder|cooler)",
                (f"is it cooling down {_OUTSIDE}",),
            ),
            ("humidity", "rising", _RISING, "more humid", "(more humid|damper|wetter|muggier)", ()),
            ("humidity", "falling", _FALLING, "drier", "(drier|dryer|less humid)", ()),
        )
    },
    **{
        f"outdoor_{quantity}_trend": AssistSentences(
            intent_type=INTENT_OUTDOOR_TREND,
            sentences=(
                f"(what is|what's|whats|how is|how's|tell me) [the] {quantity} trend {_OUTSIDE}",
                f"(what is|what's|whats|how is|how's|tell me) [the] (outside|outdoor) {quantity} "
                "trend",
            ),
            slots={"direction": quantity},
        )
        for quantity in ("temperature", "humidity")
    },
    # "The LED" of an area, or of the satellite's area or the home's when the sentence names
    # none; an LED named in the sentence is Home Assistant's own to switch.
    **{
        f"led_{state}{'_all' if every else ''}": AssistSentences(
            intent_type=INTENT_AREA_LEDS,
            sentences=(
                f"(turn|switch) {state} [the] {leds} in [the] {{area}}",
                f"(turn|switch) [the] {leds} in [the] {{area}} {state}",
                f"(turn|switch) {state} [the] {leds}",
                f"(turn|switch) [the] {leds} {state}",
            ),
            slots={"state": state, **({"all": "all"} if every else {})},
        )
        for state in ("on", "off")
        for every, leds in ((False, "(led|l e d)"), (True, "(leds|all [the] leds|l e ds)"))
    },
    **{
        f"{quantity}_trend": AssistSentences(
            intent_type=INTENT_AREA_TREND,
            sentences=(_TREND_OF.format(quantity=quantity),),
            slots={"direction": quantity},
        )
        for quantity in ("temperature", "humidity")
    },
}
