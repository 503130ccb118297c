"""The English sentences that call our intents, keyed by trigger id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .humidity import INTENT_AREA_HUMIDITY
from .power_forecast import INTENT_POWER_FORECAST
from .trend_intent import INTENT_AREA_TREND

_TREND_OF = (
    "(what is|what's|whats|how is|how's|tell me) [the] {quantity} trend (in|of) [the] {{area}}"
)

_RISING = "(rising|going up|increasing)"
_FALLING = "(falling|dropping|going down|decreasing)"


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
            "(what is|what's|whats|tell me) [the] (power|electricity|energy) forecast",
            "(what is|what's|whats) [the] (predicted|expected|forecast) (power|electricity|energy) "
            "[use|usage|consumption]",
            "how much (power|electricity|energy) will (i|we|the house|the home) use "
            "[in the next 24 hours|in the next day]",
            "what will [my|our|the] (power|electricity|energy) [use|usage|consumption] be "
            "[in the next 24 hours|in the next day]",
        ),
    ),
    **{
        f"power_forecast_{day}": AssistSentences(
            intent_type=INTENT_POWER_FORECAST,
            sentences=(
                f"how much (power|electricity|energy) will (i|we|the house|the home) use {day}",
                f"(what is|what's|whats) [the] (power|electricity|energy) forecast [for] {day}",
                f"what will [my|our|the] (power|electricity|energy) [use|usage|consumption] be "
                f"{day}",
            ),
            slots={"day": day},
        )
        for day in ("today", "tomorrow")
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
    **{
        f"{quantity}_trend": AssistSentences(
            intent_type=INTENT_AREA_TREND,
            sentences=(_TREND_OF.format(quantity=quantity),),
            slots={"direction": quantity},
        )
        for quantity in ("temperature", "humidity")
    },
}
