"""Assist: "turn on the LED in the kitchen", the LEDs of our boards and nodes by area.

Home Assistant's own intent wants an LED's name ("the desk LED"); "the LED" named none, and
it said it knew no device called "LED in the kitchen area".
"""

from __future__ import annotations

import re
from typing import Any

import probatio
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent

from ..const import DOMAIN
from .led_answers import leds_switched_answer, which_led_answer
from .places import AreaIntentHandler, area_of

INTENT_AREA_LEDS = "PyIotHomeSetAreaLeds"
# The agent Home Assistant's own intents check exposure for.
_ASSISTANT = "conversation"
# A board's LED says so in its device's model ("LED on GPIO17"); a node's outputs may be
# relays ("Fan"), so only one whose name says LED is one.
_LED_WORD = re.compile(r"\bleds?\b", re.IGNORECASE)


class AreaLedsIntent(AreaIntentHandler):
    """Turn the LED (or all the LEDs) of an area on or off."""

    intent_type = INTENT_AREA_LEDS
    description = "Turns the LEDs of Py IoT Home boards and nodes in an area on or off"

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The area as said; "on" or "off"; "all" when the sentence said "LEDs"."""
        return {
            probatio.Required("area"): cv.string,
            probatio.Required("state"): probatio.In(("on", "off")),
            probatio.Optional("all"): cv.string,
        }

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Call the switch action on the area's exposed LEDs."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        area = self._area(intent_obj)
        if isinstance(area, str):
            response.async_set_speech(area)
            return response
        leds = _exposed_leds(hass, area)
        turn_on = intent_obj.slots["state"]["value"] == "on"
        if not leds:
            response.async_set_speech(f"The {area.name} has no LED that Assist may switch.")
            return response
        if len(leds) > 1 and "all" not in intent_obj.slots:
            response.async_set_speech(
                which_led_answer(area=area.name, leds=list(leds.values()), on=turn_on)
            )
            return response
        try:
            await hass.services.async_call(
                Platform.SWITCH,
                SERVICE_TURN_ON if turn_on else SERVICE_TURN_OFF,
                {ATTR_ENTITY_ID: list(leds)},
                blocking=True,
                context=intent_obj.context,
            )
        except HomeAssistantError as err:
            response.async_set_speech(f"The LED did not switch: {err}")
            return response
        response.async_set_speech(
            leds_switched_answer(area=area.name, leds=list(leds.values()), on=turn_on)
        )
        return response


def _exposed_leds(hass: HomeAssistant, area: ar.AreaEntry) -> dict[str, str]:
    """The area's LEDs Assist may switch: entity id to the name the user sees, by name."""
    leds = {
        entity.entity_id: _led_name(hass, entity)
        for entity in er.async_get(hass).entities.values()
        if entity.platform == DOMAIN
        and entity.domain == Platform.SWITCH
        and not entity.disabled
        and area_of(hass, entity) == area.id
        and async_should_expose(hass, _ASSISTANT, entity.entity_id)
        and _is_an_led(hass, entity)
    }
    return dict(sorted(leds.items(), key=lambda item: item[1].casefold()))


def _is_an_led(hass: HomeAssistant, entity: er.RegistryEntry) -> bool:
    """Whether the switch drives an LED: "the LED" must not turn on a node's fan relay."""
    device = dr.async_get(hass).async_get(entity.device_id) if entity.device_id else None
    if isinstance(device, dr.DeviceEntry) and _LED_WORD.search(device.model or ""):
        return True
    return bool(_LED_WORD.search(_led_name(hass, entity)))


def _led_name(hass: HomeAssistant, entity: er.RegistryEntry) -> str:
    state = hass.states.get(entity.entity_id)
    return state.name if state is not None else entity.entity_id
