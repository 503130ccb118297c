"""Assist: "turn on the LED in the kitchen", the LEDs of our boards and nodes by area.

Home Assistant's own intent wants an LED's name ("the desk LED"); "the LED" named none, and
it said it knew no device called "LED in the kitchen area". Said in no area ("turn on the
LED"), it is the LED in the area of the satellite that heard it, as Home Assistant's own
intents prefer, else the home's; a home with no LED of ours leaves "the LED" to Home
Assistant's own intent (a light its user named "LED").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import probatio
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent

from ..const import DOMAIN
from .exposure import ASSISTANT, EXPOSE_PAGE, is_exposed, not_exposed_answer
from .led_answers import (
    NamedLed,
    device_leds_switched_answer,
    home_leds_switched_answer,
    leds_switched_answer,
    which_home_led_answer,
    which_led_answer,
)
from .places import AreaIntentHandler, PlaceMatch, area_of

INTENT_AREA_LEDS = "PyIotHomeSetAreaLeds"
# A board's LED says so in its device's model ("LED on GPIO17"); a node's outputs may be
# relays ("Fan"), so only one whose name says LED is one.
_LED_WORD = re.compile(r"\bleds?\b", re.IGNORECASE)


class AreaLedsIntent(AreaIntentHandler):
    """Turn the LED (or all the LEDs) of an area on or off."""

    intent_type = INTENT_AREA_LEDS
    description = "Turns the LEDs of Py IoT Home boards and nodes in an area on or off"

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The area as said, if any; "on" or "off"; "all" when the sentence said "LEDs"."""
        return {
            probatio.Optional("area"): cv.string,
            probatio.Required("state"): probatio.In(("on", "off")),
            probatio.Optional("all"): cv.string,
        }

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Call the switch action on the area's exposed LEDs."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        turn_on = intent_obj.slots["state"]["value"] == "on"
        if "area" not in intent_obj.slots:
            return await self._async_handle_in_no_area(intent_obj, turn_on)
        exposed = _exposed_leds(hass)
        # As the readings do: a node in no area named like the place ("Garage Pi" of "the
        # garage") switches its own LEDs, where "turn on the LED in the garage" said to give
        # it an area while "the temperature in the garage" was answered from it.
        area = self._place(
            intent_obj,
            match=PlaceMatch(
                area_has=lambda area: any(led.area_id == area.id for led in exposed.values()),
                device_has=lambda device: any(
                    led.device_id == device.id for led in exposed.values()
                ),
            ),
        )
        if isinstance(area, str):
            response.async_set_speech(area)
            return response
        if isinstance(area, dr.DeviceEntry):
            name = str(area.name_by_user or area.name)
            device_id = area.id
            return await _async_switch_place(
                intent_obj,
                exposed,
                lambda led: led.device_id == device_id,
                no_led=f"{name} has no LED that Assist may switch.",
                place=name,
                switched=partial(device_leds_switched_answer, device=name),
                turn_on=turn_on,
            )
        area_id = area.id
        return await _async_switch_place(
            intent_obj,
            exposed,
            lambda led: led.area_id == area_id,
            no_led=f"The {area.name} has no LED that Assist may switch.",
            place=area.name,
            switched=partial(leds_switched_answer, area=area.name),
            turn_on=turn_on,
        )

    async def _async_handle_in_no_area(
        self, intent_obj: intent.Intent, turn_on: bool
    ) -> intent.IntentResponse:
        """The LED(s) of the satellite's area if it has any of ours, else the home's."""
        hass = intent_obj.hass
        home = _exposed_leds(hass)
        if not home:
            return await _async_home_assistants_own(intent_obj, turn_on)
        satellite_area = _satellite_area(hass, intent_obj.device_id)
        here = {e: led for e, led in home.items() if led.area_id == satellite_area}
        leds = here if satellite_area is not None and here else home
        response = intent_obj.create_response()
        named = [NamedLed(led.name, _area_name(hass, led.area_id)) for led in leds.values()]
        if len(leds) > 1 and "all" not in intent_obj.slots:
            response.async_set_speech(which_home_led_answer(leds=named, on=turn_on))
            return response
        if failed := await _async_switch(intent_obj, list(leds), turn_on):
            response.async_set_speech(failed)
            return response
        response.async_set_speech(home_leds_switched_answer(leds=named, on=turn_on))
        return response


@dataclass(frozen=True, slots=True)
class _Led:
    name: str  # as the user sees it
    area_id: str | None
    device_id: str | None


async def _async_switch(intent_obj: intent.Intent, entity_ids: list[str], on: bool) -> str | None:
    """Switch the LEDs; what to say if they did not switch."""
    try:
        await intent_obj.hass.services.async_call(
            Platform.SWITCH,
            SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: entity_ids},
            blocking=True,
            context=intent_obj.context,
        )
    except HomeAssistantError as err:
        return f"The LED did not switch: {err}"
    return None


async def _async_home_assistants_own(
    intent_obj: intent.Intent, turn_on: bool
) -> intent.IntentResponse:
    """Home Assistant's own turn on/off for a device called "LED", where none is ours.

    Its intent leaves the words to the agent's templates, which a sentence trigger has not.
    """
    try:
        response = await intent.async_handle(
            intent_obj.hass,
            DOMAIN,
            intent.INTENT_TURN_ON if turn_on else intent.INTENT_TURN_OFF,
            {"name": {"value": "LED"}},
            text_input=intent_obj.text_input,
            context=intent_obj.context,
            language=intent_obj.language,
            assistant=ASSISTANT,
            device_id=intent_obj.device_id,
            satellite_id=intent_obj.satellite_id,
        )
    except intent.MatchFailedError:
        response = intent_obj.create_response()
        response.async_set_speech("I know no LED that Assist may switch.")
        return response
    except intent.IntentHandleError as err:
        response = intent_obj.create_response()
        response.async_set_speech(f"The LED did not switch: {err}")
        return response
    if not response.speech:
        response.async_set_speech(f"Turned {'on' if turn_on else 'off'} the LED.")
    return response


def _satellite_area(hass: HomeAssistant, device_id: str | None) -> str | None:
    """The area of the device (a voice satellite) that heard the sentence."""
    device = dr.async_get(hass).async_get(device_id) if device_id else None
    return device.area_id if device else None


def _area_name(hass: HomeAssistant, area_id: str | None) -> str | None:
    area = ar.async_get(hass).async_get_area(area_id) if area_id else None
    return area.name if area else None


async def _async_switch_place(
    intent_obj: intent.Intent,
    exposed: dict[str, _Led],
    belongs: Callable[[_Led], bool],
    *,
    no_led: str,
    place: str,
    switched: Callable[..., str],
    turn_on: bool,
) -> intent.IntentResponse:
    """Switch the exposed LEDs that `belongs` picks (an area's, or a device's in no area).

    None exposed: that they are not, and where to expose them, or `no_led` if it has none.
    Several, not "all" of them: which, switching none.
    """
    response = intent_obj.create_response()
    leds = {e: led.name for e, led in exposed.items() if belongs(led)}
    if not leds:
        hidden = [
            led.name for led in _leds(intent_obj.hass, exposed=False).values() if belongs(led)
        ]
        response.async_set_speech(_not_exposed(hidden) or no_led)
        return response
    if len(leds) > 1 and "all" not in intent_obj.slots:
        response.async_set_speech(
            which_led_answer(area=place, leds=list(leds.values()), on=turn_on)
        )
        return response
    if failed := await _async_switch(intent_obj, list(leds), turn_on):
        response.async_set_speech(failed)
        return response
    response.async_set_speech(switched(leds=list(leds.values()), on=turn_on))
    return response


def _not_exposed(names: list[str]) -> str | None:
    """Where the place's LEDs are all un-exposed: say so, and where to expose them."""
    names = sorted(names, key=str.casefold)
    if len(names) == 1:
        return not_exposed_answer(names[0])
    if names:
        return f"{' and '.join(names)} are not exposed to Assist: expose them under {EXPOSE_PAGE}."
    return None


def _leds(hass: HomeAssistant, *, exposed: bool) -> dict[str, _Led]:
    """The home's LEDs that are, or are not, exposed to Assist, by name.

    Entity id to its name, area and device.
    """
    leds = {
        entity.entity_id: _Led(_led_name(hass, entity), area_of(hass, entity), entity.device_id)
        for entity in er.async_get(hass).entities.values()
        if entity.platform == DOMAIN
        and entity.domain == Platform.SWITCH
        and not entity.disabled
        and is_exposed(hass, ASSISTANT, entity.entity_id) == exposed
        and _is_an_led(hass, entity)
    }
    return dict(sorted(leds.items(), key=lambda item: item[1].name.casefold()))


def _exposed_leds(hass: HomeAssistant) -> dict[str, _Led]:
    """The home's LEDs Assist may switch."""
    return _leds(hass, exposed=True)


def _is_an_led(hass: HomeAssistant, entity: er.RegistryEntry) -> bool:
    """Whether the switch drives an LED: "the LED" must not turn on a node's fan relay."""
    device = dr.async_get(hass).async_get(entity.device_id) if entity.device_id else None
    if isinstance(device, dr.DeviceEntry) and _LED_WORD.search(device.model or ""):
        return True
    return bool(_LED_WORD.search(_led_name(hass, entity)))


def _led_name(hass: HomeAssistant, entity: er.RegistryEntry) -> str:
    state = hass.states.get(entity.entity_id)
    return state.name if state is not None else entity.entity_id
