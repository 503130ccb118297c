"""Assist: whether the home is using more or less power, from its power sensor's trend.

The power sensors "how much power are we using" reads (each forecast's, else our nodes'
meters): a node's meter answers from its trend sensor (W/d), as the outdoor sensor's trend
answers "is it getting colder outside"; any other sensor keeps no trend, and none is guessed.
"""

from __future__ import annotations

from typing import Any

import probatio
from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent

from .climate_answers import (
    power_no_trend_answer,
)
from .exposure import assistant_of, is_exposed, not_exposed_answer
from .home_sources import home_power_entities
from .power_now import NO_POWER_SENSOR, power_now_speech
from .spoken import one_after_another
from .trend_question import Direction, TrendQuestion
from .trend_speech import followed_trend, home_power_words, trend_speech

INTENT_POWER_TREND = "PyIotHomeGetPowerTrend"
# The way the sentence asks ("is the power rising": more); none for "what is the power trend".
_ASKED = {"more": Direction.UP, "less": Direction.DOWN}


class PowerTrendIntent(intent.IntentHandler):
    """Whether the home is using more or less power, from its power sensor's trend."""

    intent_type = INTENT_POWER_TREND
    description = "Tells whether the home is using more or less power"
    platforms = None

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The way asked about: "more" or "less"; none for the trend alone."""
        return {probatio.Optional("asked"): probatio.In(list(_ASKED))}

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read each home power sensor's trend, or say why it has none."""
        response = intent_obj.create_response()
        asked = intent_obj.slots.get("asked", {}).get("value")
        question = TrendQuestion(quantity="power", asked=_ASKED.get(str(asked)))
        hass = intent_obj.hass
        assistant = assistant_of(intent_obj)
        sensors = home_power_entities(hass)
        response.async_set_speech(
            one_after_another(
                _power_trend_speech(hass, assistant, sensor, question) for sensor in sensors
            )
            if sensors
            else NO_POWER_SENSOR
        )
        return response


def _power_trend_speech(
    hass: HomeAssistant, assistant: str, entity_id: str, question: TrendQuestion
) -> str:
    """What the trend of the power sensor `entity_id` says, or why it says nothing."""
    state = hass.states.get(entity_id)
    trend = followed_trend(hass, entity_id, question.quantity)
    if state is not None and trend is not None:
        return trend_speech(hass, assistant, trend, question, home_power_words(state.name))
    if state is None:
        return power_now_speech(hass, assistant, entity_id)
    if not is_exposed(hass, assistant, entity_id):
        return not_exposed_answer(state.name)
    # What it reads now, as the outdoor sensor without a trend says it.
    no_trend = power_no_trend_answer(source=state.name, question=question)
    return one_after_another((no_trend, power_now_speech(hass, assistant, entity_id)))
