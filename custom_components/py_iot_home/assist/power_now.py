"""Assist: how much power the home uses now, from the power sensors its forecasts learn from.

Without a forecast, the power sensors of our own nodes answer.
"""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.util.unit_conversion import PowerConverter

from ..const import DOMAIN
from .display import display_precision
from .exposure import assistant_of, is_exposed, not_exposed_answer
from .home_sources import forecast_power_entities
from .power_answers import power_now_answer
from .spoken import shown

INTENT_POWER_NOW = "PyIotHomeGetPowerNow"


class PowerNowIntent(intent.IntentHandler):
    """What the home's power sensors read now."""

    intent_type = INTENT_POWER_NOW
    description = "Tells how much power the home uses now"
    platforms = None

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read each power sensor, rounded as it shows."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        sensors = forecast_power_entities(hass) or _our_power_sensors(hass)
        if not sensors:
            response.async_set_speech(
                "No power sensor is set up: a power forecast, or a node with a power meter, "
                "gives one."
            )
            return response
        assistant = assistant_of(intent_obj)
        response.async_set_speech(
            " ".join(_power_speech(hass, assistant, entity_id) for entity_id in sensors)
        )
        return response


def _our_power_sensors(hass: HomeAssistant) -> list[str]:
    return [
        entity.entity_id
        for entity in er.async_get(hass).entities.values()
        if entity.platform == DOMAIN
        and entity.domain == Platform.SENSOR
        and (entity.device_class or entity.original_device_class) == SensorDeviceClass.POWER
        # A node's meter; a forecast's power sensors are predictions.
        and entity.config_subentry_id is None
        and not entity.disabled
    ]


def _power_speech(hass: HomeAssistant, assistant: str, entity_id: str) -> str:
    state: State | None = hass.states.get(entity_id)
    if state is None:
        return f"The power sensor {entity_id} is gone."
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
