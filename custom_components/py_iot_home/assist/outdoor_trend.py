"""Assist: whether it is getting warmer, colder, more humid or drier outside.

From the trend of the home's outdoor source (as "what is the temperature outside" picks it)
where it is a board's or node's sensor (a disabled trend is named, with where to enable it);
any other source keeps no trend, and is not guessed at.
"""

from __future__ import annotations

from typing import Any

import probatio
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import intent

from .climate_answers import (
    outdoor_no_trend_answer,
    unknown_direction_answer,
)
from .exposure import assistant_of, is_exposed
from .outdoor import OUTDOOR_READINGS, outdoor_reading_speech
from .places import slot_text
from .spoken import one_after_another
from .trend_question import TrendQuestion, parse_trend_question
from .trend_speech import disabled_trend, followed_trend, outdoor_words, trend_speech
from .weather_outlook import async_weather_outlook

INTENT_OUTDOOR_TREND = "PyIotHomeGetOutdoorTrend"
_OUTSIDE = frozenset({"outside", "outdoors"})


class OutdoorTrendIntent(intent.IntentHandler):
    """Whether it is getting warmer, colder, more humid or drier outside."""

    intent_type = INTENT_OUTDOOR_TREND
    description = "Tells whether it is getting warmer, colder, more humid or drier outside"
    platforms = None

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The direction asked about ("warmer", "drier"...), or the quantity for no direction."""
        return {probatio.Required("direction"): cv.string}

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read the outdoor source's trend, or say what it is now and that it keeps none."""
        response = intent_obj.create_response()
        words = slot_text(intent_obj.slots["direction"]["value"])
        question = parse_trend_question(words)
        response.async_set_speech(
            unknown_direction_answer(words)
            if question is None
            else await async_outdoor_trend_speech(
                intent_obj.hass, assistant_of(intent_obj), question
            )
        )
        return response


def asked_outside(area: str, words: str) -> str | None:
    """The direction asked in "is it getting colder outside" (the area "it", "colder outside").

    None for any other area or words.
    """
    *direction, last = words.split() or [""]
    if area.casefold() != "it" or last.casefold() not in _OUTSIDE:
        return None
    return " ".join(direction)


async def async_outdoor_trend_speech(
    hass: HomeAssistant, assistant: str, question: TrendQuestion
) -> str:
    """Each outdoor source's trend of the quantity asked about, or why there is none.

    Beside a source without a trend, what the weather's hourly forecast expects, if known.
    """
    reading = OUTDOOR_READINGS[question.quantity]
    sources = reading.sources(hass)
    if not sources:
        return (
            f"I cannot tell the {question.quantity} trend outside: {reading.none_set_up} "
            "A power forecast's settings take one."
        )
    said: list[str] = []
    untrended = False
    for entity_id in sources:
        state = hass.states.get(entity_id)
        trend = followed_trend(hass, entity_id, question.quantity)
        if state is not None and trend is not None and not trend.disabled:
            said.append(trend_speech(hass, assistant, trend, question, outdoor_words(state.name)))
            continue
        now = outdoor_reading_speech(hass, assistant, reading, entity_id)
        if state is None or not is_exposed(hass, assistant, entity_id):
            said.append(now)
            continue
        no_trend = (
            outdoor_no_trend_answer(source=state.name, question=question)
            if trend is None
            else outdoor_words(state.name).disabled(
                trends=[disabled_trend(hass, trend, state.name)], question=question
            )
        )
        said.append(one_after_another((no_trend, now)))
        untrended = True
    if untrended and (outlook := await async_weather_outlook(hass, assistant, question.quantity)):
        said.append(outlook)
    return one_after_another(said)
