"""The English sentences that call our intents, keyed by trigger id."""

from __future__ import annotations

from collections.abc import Mapping

from .asked_part import with_weekday_parts
from .humidity import INTENT_AREA_HUMIDITY
from .leds import INTENT_AREA_LEDS
from .outdoor import INTENT_OUTDOOR_HUMIDITY, INTENT_OUTDOOR_TEMPERATURE
from .outdoor_trend import INTENT_OUTDOOR_TREND
from .power_sentences import DAY_AND_PART, PARTS_SAID_ALONE, POWER_SENTENCES
from .sentence_triggers import AssistSentences
from .trend_intent import INTENT_AREA_TREND

_TREND_OF = (
    "(what is|what's|whats|how is|how's|tell me) [the] {quantity} trend (in|of) [the] {{area}}"
)

_RISING = "(rising|going up|increasing)"
_FALLING = "(falling|dropping|going down|decreasing)"
_OUTSIDE = "(outside|outdoors)"
# "Tonight", "tomorrow in the morning", "today", "on friday evening": the part of the day or
# the day a sentence ends with.
_PARTS: Mapping[str, Mapping[str, str]] = {
    **{part: {"part": part} for part in (*PARTS_SAID_ALONE, *DAY_AND_PART)},
    **{day: {"day": day} for day in ("today", "tomorrow")},
}
_PART_ENDINGS, _PARTS_SAID = with_weekday_parts(_PARTS, "part")


def _part_sentences(extreme: str) -> tuple[str, ...]:
    """The temperature outside over a part of the day: "how cold will it get tonight".

    "Outside" may go unsaid: no room's temperature is forecast, and a part of the day ends
    the sentence, so "what will the temperature be in the kitchen" is not taken.
    """
    part = _PARTS_SAID
    if extreme in ("low", "high"):
        words = "(cold|cool|chilly)" if extreme == "low" else "(warm|hot)"
        return (f"how {words} will it (be|get) [{_OUTSIDE}] {part}",)
    # One template of the ways to ask: each is parsed with the parts it ends in.
    if extreme == "humidity":
        return (
            f"(how humid will it (be|get) [{_OUTSIDE}]|what will [the] humidity be [{_OUTSIDE}]"
            f"|what will [the] (outside|outdoor) humidity be) {part}",
        )
    return (
        f"(what will [the] temperature be [{_OUTSIDE}]|what will [the] (outside|outdoor) "
        f"temperature be|(what is|what's|whats) [the] temperature going to be [{_OUTSIDE}]) "
        f"{part}",
    )


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
    **POWER_SENTENCES,
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
            # "… today" is the day's, asked of a part of the day (below).
            sentences=(
                f"what will [the] {quantity} be {_OUTSIDE} [later]",
                f"what will [the] (outside|outdoor) {quantity} be [later]",
                f"(what is|what's|whats) [the] {quantity} going to be {_OUTSIDE} [later]",
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
                (f"how (warm|cold|hot) will it (be|get) {_OUTSIDE} [later]",),
            ),
            (
                "humidity",
                INTENT_OUTDOOR_HUMIDITY,
                (f"how humid will it (be|get) {_OUTSIDE} [later]",),
            ),
        )
    },
    # Asked of a part of the day or a day: the reading now, and the weather's lowest, highest
    # or both.
    **{
        f"outdoor_temperature_{extreme}_part": AssistSentences(
            intent_type=INTENT_OUTDOOR_TEMPERATURE,
            sentences=_part_sentences(extreme),
            slots={"extreme": extreme},
            endings=_PART_ENDINGS,
            endings_grouped=_PARTS_SAID,
        )
        for extreme in ("low", "high", "range")
    },
    # "Will it be warmer tomorrow": the days' highs compared, yes or no first.
    **{
        f"outdoor_tomorrow_{way}": AssistSentences(
            intent_type=INTENT_OUTDOOR_TEMPERATURE,
            sentences=(
                f"(will it be|is it going to be) {words} [{_OUTSIDE}] tomorrow [than today]",
                f"(will tomorrow be|is tomorrow going to be) {words} [than today]",
            ),
            slots={"compare": way},
        )
        for way, words in (("warmer", "(warmer|hotter)"), ("colder", "(colder|cooler|chillier)"))
    },
    "outdoor_humidity_part": AssistSentences(
        intent_type=INTENT_OUTDOOR_HUMIDITY,
        sentences=_part_sentences("humidity"),
        slots={"extreme": "range"},
        endings=_PART_ENDINGS,
        endings_grouped=_PARTS_SAID,
    ),
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
