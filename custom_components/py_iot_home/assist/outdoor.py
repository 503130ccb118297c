"""Assist: the temperature and humidity outside, from the home's outdoor sensors or weather.

The home is set up with them in its power forecasts: each forecast's outdoor sensor, else its
weather entity, for the temperature; its weather entity, else its humidity sensor, for the
humidity.
"""

from __future__ import annotations

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant, split_entity_id
from homeassistant.helpers import intent

from .climate_answers import outdoor_humidity_answer, outdoor_temperature_answer
from .display import display_precision
from .exposure import assistant_of, is_exposed, not_exposed_answer
from .home_sources import outdoor_humidity_entities, outdoor_temperature_entities
from .spoken import shown

INTENT_OUTDOOR_TEMPERATURE = "PyIotHomeGetOutdoorTemperature"
INTENT_OUTDOOR_HUMIDITY = "PyIotHomeGetOutdoorHumidity"


class OutdoorTemperatureIntent(intent.IntentHandler):
    """The temperature outside, as the home's outdoor sensor or weather entity reads it."""

    intent_type = INTENT_OUTDOOR_TEMPERATURE
    description = "Tells the temperature outside"
    platforms = None

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read each outdoor source, rounded as it shows."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        sources = outdoor_temperature_entities(hass)
        if not sources:
            response.async_set_speech(
                "I do not know the temperature outside: no outdoor sensor or weather entity is "
                "set up. A power forecast's settings take one."
            )
            return response
        assistant = assistant_of(intent_obj)
        response.async_set_speech(
            " ".join(_outdoor_speech(hass, assistant, source) for source in sources)
        )
        return response


def _outdoor_speech(hass: HomeAssistant, assistant: str, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    if state is None:
        return f"The outdoor temperature source {entity_id} is gone."
    if not is_exposed(hass, assistant, entity_id):
        return not_exposed_answer(state.name)
    # A weather entity's temperature is an attribute, in its own unit (already rounded).
    if split_entity_id(entity_id)[0] == "weather":
        number = shown(str(state.attributes.get("temperature")), None)
        unit = state.attributes.get("temperature_unit")
    else:
        number = shown(state.state, display_precision(hass, entity_id))
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
    if number is None or not isinstance(unit, str):
        return f"{state.name} has no temperature now."
    return outdoor_temperature_answer(name=state.name, number=number, unit=unit)


class OutdoorHumidityIntent(intent.IntentHandler):
    """The humidity outside, as the home's weather entity or outdoor humidity sensor reads it.

    "How humid is it outside" was taken for an area called "it outside".
    """

    intent_type = INTENT_OUTDOOR_HUMIDITY
    description = "Tells the humidity outside"
    platforms = None

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read each outdoor humidity source, rounded as it shows."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        sources = outdoor_humidity_entities(hass)
        if not sources:
            response.async_set_speech(
                "I do not know the humidity outside: no outdoor humidity sensor or weather "
                "entity is set up. A power forecast's settings take one."
            )
            return response
        assistant = assistant_of(intent_obj)
        response.async_set_speech(
            " ".join(_humidity_speech(hass, assistant, source) for source in sources)
        )
        return response


def _humidity_speech(hass: HomeAssistant, assistant: str, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    if state is None:
        return f"The outdoor humidity source {entity_id} is gone."
    if not is_exposed(hass, assistant, entity_id):
        return not_exposed_answer(state.name)
    # A weather entity's humidity is an attribute, in percent (already rounded).
    if split_entity_id(entity_id)[0] == "weather":
        number = shown(str(state.attributes.get("humidity")), None)
        unit: object = "%"
    else:
        number = shown(state.state, display_precision(hass, entity_id))
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
    if number is None or not isinstance(unit, str):
        return f"{state.name} has no humidity now."
    return outdoor_humidity_answer(name=state.name, number=number, unit=unit)
