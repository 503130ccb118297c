"""The English sentences that ask about power: its forecast, peak, reading now and trend."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .asked_part import with_weekday_parts
from .asked_time import HOURS_FROM_NOW
from .part_of_day import PARTS_OF_DAY
from .power_between import INTENT_POWER_BETWEEN
from .power_forecast import INTENT_POWER_AT, INTENT_POWER_FORECAST, INTENT_POWER_PEAK
from .power_now import INTENT_POWER_NOW
from .power_trend import INTENT_POWER_TREND
from .sentence_endings import alternation
from .sentence_triggers import AssistSentences
from .weekdays import WEEKDAYS

_POWER = "(power|electricity|energy)"
_USE = "[use|usage|consumption|draw|demand|load]"
# "How much power", or in its units: "how many watts", British English's "how many units" (kWh).
# "The power forecast", "the electricity usage forecast", "the forecast for power"; never "the
# forecast for" without "power": that is the weather's ("what's the forecast for tomorrow").
_FORECAST = f"({_POWER} {_USE} forecast|forecast for [the] {_POWER} {_USE})"
_HOW_MUCH = f"how (much {_POWER}|many (watts|kilowatts|kw|kilowatt hours|kwh|units))"
_WILL_USE = (
    "(will (i|we|the house|the home) (use|be using|need)"
    "|(am i|are we|is the house|is the home) (going to|gonna) (use|need))"
)
# With a day, a part of it or a time the present tense asks of the forecast too: "how much power
# do we use tomorrow". Alone ("how much power do we use") it may ask of now, and is not taken.
_USE_AHEAD = f"({_WILL_USE}|(do (i|we)|does the (house|home)) (use|need))"
# "What's our power use tomorrow": "my" or "our", as a meter of the home's own is not called so.
_OUR_USE = f"(what is|what's|whats) (my|our) {_POWER} (use|usage|consumption)"
# "Will the power be high tonight": the figures that say how high, as no threshold is known.
_BE_HIGH = f"will [the|our|my] {_POWER} {_USE} be high"
# "What will the power be", or "what's the power going to be".
_WILL_BE = "what will [my|our|the] {power} {use} be"
_GOING_TO_BE = "(what is|what's|whats) [my|our|the] {power} {use} (going to|gonna) be"
_WHEN = "(when|what time)"
# "Tonight", "in the morning": "at night" is no such phrase, as the sentences' own "at" comes
# before it ("at night at 2" is not said; "how much power will we use at night" is "at {time}").
PARTS_SAID_ALONE = tuple(phrase for phrase in PARTS_OF_DAY if not phrase.startswith("at "))
# "Tomorrow in the morning": a day before a part that names none. "Tomorrow at night" is
# "tomorrow at {time}"'s already.
DAY_AND_PART = tuple(
    f"{day} {phrase}"
    for day in ("today", "tomorrow")
    for phrase, part in PARTS_OF_DAY.items()
    if part.day is None and phrase.startswith("in ")
)
# "Tomorrow", "tonight", "in the morning", said before "at 7".
_DAYS_BEFORE_A_TIME = ("today", "tomorrow", *PARTS_SAID_ALONE)


# Ways of asking are alternatives of one template, not one template each: Home Assistant
# parses each template, with the days and parts it ends in, on the event loop at every start.
_WILL_BE_SAID = f"({_WILL_BE}|{_GOING_TO_BE})".format(power=_POWER, use=_USE)


def _will_be(after: str) -> tuple[str, ...]:
    """The power asked of what comes: "what will it be", "what is it going to be"."""
    return (f"{_WILL_BE_SAID}{after}",)


def _span_sentences(span: str) -> tuple[str, ...]:
    """The power over a day or a part of one (`span`: "today", "tonight")."""
    asked = (
        f"({_HOW_MUCH} [{_USE_AHEAD}]|(what is|what's|whats) [the] {_FORECAST}|{_WILL_BE_SAID}"
        f"|{_OUR_USE}|{_BE_HIGH})"
    )
    return (f"{asked} {span}",)


def _the_use_sentences(span: str) -> tuple[str, ...]:
    """The power use of a day ahead or a part of one: "what's the power use tomorrow".

    Never of today: "Energy usage today" is a meter's own name, Home Assistant's to read.
    """
    return (f"(what is|what's|whats) the {_POWER} (use|usage|consumption) {span}",)


def _peak_sentences(day: str) -> tuple[str, ...]:
    """When the use peaks, in the next 24 hours or (`day`: " today", " tomorrow") that day."""
    return (
        f"({_WHEN} (is|will be)|when's|whens|what is|what's|whats) [the] (peak|highest) {_POWER} "
        f"{_USE}{day}",
        f"{_WHEN} is [the] {_POWER} {_USE} (peak|highest|at its peak|at its highest){day}",
        f"{_WHEN} will [the|our|my] {_POWER} {_USE} (peak|be (highest|at its highest|at its "
        f"peak)){day}",
        f"{_WHEN} (do|will) (we|i) use the most {_POWER}{day}",
    )


def _at_sentences(day: str) -> tuple[str, ...]:
    """The power at a time of day ({time}: any words, read by the intent), on `day` if said."""
    return (
        *_will_be(f"{day} at {{time}}"),
        f"{_HOW_MUCH} {_USE_AHEAD}{day} at {{time}}",
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


_BETWEEN = "(between {start} and {end}|from {start} to {end})"


def _between_sentences() -> tuple[str, ...]:
    """The power over the hours between two times: "between 6 and 9 pm", "from 6 to 9 tonight"."""
    return (
        f"{_HOW_MUCH} {_USE_AHEAD} {_BETWEEN}",
        *_will_be(f" {_BETWEEN}"),
        f"(what is|what's|whats) [the] {_FORECAST} {_BETWEEN}",
    )


def _peak_between_sentences() -> tuple[str, ...]:
    """The highest hour between two times: "when is the peak (power) between 6 and 9 pm"."""
    power = f"[{_POWER}] {_USE}"
    return (
        f"({_WHEN} is|when's|whens) [the] (peak|highest) {power} {_BETWEEN}",
        f"{_WHEN} will [the|our|my] {_POWER} {_USE} peak {_BETWEEN}",
        f"{_WHEN} (do|will) (we|i) use the most {_POWER} {_BETWEEN}",
    )


# "Today", "tomorrow", a weekday ("on friday"): the day asked about.
_DAYS: Mapping[str, Mapping[str, str]] = {
    "today": {"day": "today"},
    "tomorrow": {"day": "tomorrow"},
    **{f"on {weekday}": {"day": weekday} for weekday in WEEKDAYS},
}


def _ending_in(
    intent_type: str,
    sentences: Callable[[str], tuple[str, ...]],
    endings: Mapping[str, Mapping[str, str]],
    weekday_parts_slot: str = "",
) -> AssistSentences:
    """One trigger for sentences that end in any of `endings`' phrases, with its slots.

    With `weekday_parts_slot`, a weekday's part of the day too ("on friday evening"), said as
    one group, its words in that slot.
    """
    if not weekday_parts_slot:
        return AssistSentences(
            intent_type=intent_type, sentences=sentences(alternation(endings)), endings=endings
        )
    with_parts, grouped = with_weekday_parts(endings, weekday_parts_slot)
    return AssistSentences(
        intent_type=intent_type,
        sentences=sentences(grouped),
        endings=with_parts,
        endings_grouped=grouped,
    )


# The home's power, as "is the power rising" asks it: "the mains power", "our electricity use".
_HOME_POWER = f"[the|our|my] [mains|home|house|household|total] {_POWER} {_USE}"
_WE_USE = "(is the (home|house)|are we|am i) using"


def _trend_sentences(way: str, verbs: str) -> tuple[str, ...]:
    """Whether the home uses more (`way`) power: "is the power use rising"."""
    return (f"(is {_HOME_POWER} {verbs}|{_WE_USE} {way} {_POWER} [lately|these days])",)


POWER_SENTENCES: Mapping[str, AssistSentences] = {
    "power_forecast": AssistSentences(
        intent_type=INTENT_POWER_FORECAST,
        sentences=(
            f"(what is|what's|whats|tell me) [the] {_FORECAST}",
            "(what is|what's|whats) [the] (predicted|expected|forecast) (power|electricity|energy) "
            "[use|usage|consumption]",
            # "Later" without a time: the coming hours, as the weather's "later" is.
            f"{_HOW_MUCH} {_WILL_USE} [in the next 24 hours|in the next day|later]",
            *_will_be(" [in the next 24 hours|in the next day|later]"),
        ),
    ),
    # "The power forecast for today" is left to "… for {time}": fitting both, both intents ran.
    # A weekday: today's or tomorrow's, or past what the forecast sees ("on friday").
    "power_forecast_day": _ending_in(INTENT_POWER_FORECAST, _span_sentences, _DAYS),
    "power_use_coming_day": _ending_in(
        INTENT_POWER_FORECAST,
        _the_use_sentences,
        {said: slots for said, slots in _DAYS.items() if said != "today"},
    ),
    # A part of the day is the time asked about: "… for tonight" fits "… for {time}" too.
    "power_over": _ending_in(
        INTENT_POWER_AT,
        lambda span: (*_span_sentences(span), *_the_use_sentences(span)),
        {part: {"time": part} for part in (*PARTS_SAID_ALONE, *DAY_AND_PART)},
        weekday_parts_slot="time",
    ),
    # "For {time}" alone catches "for today": the intent gives that the day's answer.
    "power_at": AssistSentences(intent_type=INTENT_POWER_AT, sentences=_at_sentences("")),
    "power_between": AssistSentences(
        intent_type=INTENT_POWER_BETWEEN, sentences=_between_sentences()
    ),
    "power_peak_between": AssistSentences(
        intent_type=INTENT_POWER_BETWEEN, sentences=_peak_between_sentences(), slots={"peak": "yes"}
    ),
    # Home Assistant's timers took "… in two hours" as a command to run then.
    "power_from_now": AssistSentences(
        intent_type=INTENT_POWER_AT, sentences=_from_now_sentences(), slots={"from_now": "yes"}
    ),
    # The day or part of one said before the time ("tomorrow morning at 7"), read with it.
    "power_at_day": AssistSentences(
        intent_type=INTENT_POWER_AT,
        sentences=_at_sentences(f" {alternation(_DAYS_BEFORE_A_TIME)}"),
        endings={day: {"day": day} for day in _DAYS_BEFORE_A_TIME},
        endings_before="time",
    ),
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
    # That day's, or its highest hour of a part of the day: "when is the peak power tonight".
    "power_peak_when": _ending_in(
        INTENT_POWER_PEAK,
        lambda when: _peak_sentences(f" {when}"),
        {**_DAYS, **{part: {"part": part} for part in (*PARTS_OF_DAY, *DAY_AND_PART)}},
        weekday_parts_slot="part",
    ),
    # "Tomorrow's power forecast": the day or part said first, as "… for tomorrow" has it.
    **{
        f"power_forecast_{key}": AssistSentences(
            intent_type=INTENT_POWER_AT,
            sentences=(f"(what is|what's|whats) {said} {_POWER} {_USE} forecast",),
            slots={"time": key},
        )
        for key, said in (
            ("today", "today's"),
            ("tomorrow", "tomorrow's"),
            ("tonight", "tonight's"),
        )
    },
    "power_trend_up": AssistSentences(
        intent_type=INTENT_POWER_TREND,
        sentences=_trend_sentences("more", "(rising|going up|increasing)"),
        slots={"asked": "more"},
    ),
    "power_trend_down": AssistSentences(
        intent_type=INTENT_POWER_TREND,
        sentences=_trend_sentences("less", "(falling|dropping|going down|decreasing)"),
        slots={"asked": "less"},
    ),
    "power_trend": AssistSentences(
        intent_type=INTENT_POWER_TREND,
        sentences=(f"(what is|what's|whats|how is|how's|tell me) {_HOME_POWER} trend",),
    ),
}
