"""Assist: how much power the home uses now, from the power sensors its forecasts learn from.

Without a forecast, the power sensors of our own nodes answer.
"""

from __future__ import annotations

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import intent
from homeassistant.util.unit_conversion import PowerConverter

from .display import display_precision
from .exposure import assistant_of, is_exposed, not_exposed_answer
from .home_sources import home_power_entities, missing_source_answer
from .power_answers import power_now_answer
from .spoken import one_after_another, shown

INTENT_POWER_NOW = "PyIotHomeGetPowerNow"
NO_POWER_SENSOR = (
    "No power sensor is set up: a power forecast, or a node with a power meter, gives one."
)


class PowerNowIntent(intent.IntentHandler):
    """What the home's power sensors read now."""

    intent_type = INTENT_POWER_NOW
    description = "Tells how much power the home uses now"
    platforms = None

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read each power sensor, rounded as it shows."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        sensors = home_power_entities(hass)
        if not sensors:
            response.async_set_speech(NO_POWER_SENSOR)
            return response
        assistant = assistant_of(intent_obj)
        response.async_set_speech(
            one_after_another(power_now_speech(hass, assistant, entity_id) for entity_id in sensors)
        )
        return response


def power_now_speech(hass: HomeAssistant, assistant: str, entity_id: str) -> str:
    """What the power sensor `entity_id` reads now, or why it says nothing."""
    state: State | None = hass.states.get(entity_id)
    if state is None:
        return missing_source_answer(hass, entity_id, "power sensor")
    # Power sensors are not exposed by default: the answer says where to expose one.
    if not is_exposed(hass, assistant, entity_id):
        return not_exposed_answer(state.name)
    unit = str(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, ""))
    if unit not in PowerConverter.VALID_UNITS:
        # An energy meter can feed a forecast; its total is not what the home uses now.
        return f"{state.name} counts energy, not power: it cannot say what the home uses now."
    number = shown(state.state, display_precision(hass, entity_id))
    if number is None:
        return f"{state.name} has no reading now."
    return power_now_answer(name=state.name, number=number, unit=unit)
