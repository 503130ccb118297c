"""Assist: an area's temperature while its sensor, one of ours, reads other than it shows.

Home Assistant answers "what is the temperature in the kitchen" from the area's temperature
sensor (ours, once a board or node is put there) with its state and "degrees": an
unavailable sensor was "unavailable degrees", and in a home set to °F the converted state
was "72.14 degrees" where the sensor shows 72.1 °F. While one of ours has no number, or
is not in °C, that area's temperature sentences are ours and say so plainly; once it reads
in °C again they are Home Assistant's own again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import probatio
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, UnitOfTemperature
from homeassistant.core import (
    Context,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.helpers.event import async_track_state_change_event

from ..const import DOMAIN
from .device_readings import template_words
from .display import display_precision
from .exposure import ASSISTANT, assistant_of, is_exposed, not_exposed_answer
from .sentence_triggers import FollowedSentences, async_answer_with_intent
from .spoken import shown, spoken_unit

INTENT_AREA_TEMPERATURE = "PyIotHomeGetAreaTemperature"
# Home Assistant's own ways of asking an area's temperature (its expansion rules written out).
_WHAT = "(what is|what's|whats|tell me|how is|how's|hows)"
_IN = "(in|on|at|of|across|around|throughout)"
_THE = "[the|my|our]"


def _sentences(names: list[str]) -> list[str]:
    choice = "|".join(names)
    return [
        f"{_WHAT} [the] [current] (temp|temperature) {_IN} {_THE} ({choice})",
        f"{_WHAT} {_THE} ({choice}) [current] (temp|temperature)",
        f"how (hot|cold|warm|cool) is [it {_IN}] {_THE} ({choice})",
    ]


def _our_area_sensors(hass: HomeAssistant) -> dict[str, str]:
    """Each area's temperature sensor that is one of ours, by area id."""
    registry = er.async_get(hass)
    sensors: dict[str, str] = {}
    for area in ar.async_get(hass).async_list_areas():
        entry = registry.async_get(area.temperature_entity_id or "")
        if entry is not None and entry.platform == DOMAIN:
            sensors[area.id] = entry.entity_id
    return sensors


@callback
def _areas_without_reading(hass: HomeAssistant) -> dict[str, list[str]]:
    """The sentences of each area whose sensor of ours Home Assistant would not say as shown.

    That is a state with no number, or one not in °C ("72.14" shown 72.1 °F), by area id.

    Only while the sensor is exposed: when it is not, Home Assistant answers from the area's
    thermostat, if it has one (exposing one of ours updates its registry entry, which is
    followed).
    """
    commands: dict[str, list[str]] = {}
    areas = ar.async_get(hass)
    for area_id, entity_id in _our_area_sensors(hass).items():
        state = hass.states.get(entity_id)
        area = areas.async_get_area(area_id)
        if (
            area is None
            or state is None
            or _said_as_shown(hass, state)
            or not is_exposed(hass, ASSISTANT, entity_id)
        ):
            continue
        names = [words for name in (area.name, *area.aliases) if (words := template_words(name))]
        if names:
            commands[area_id] = _sentences(names)
    return commands


def _said_as_shown(hass: HomeAssistant, state: State) -> bool:
    """Whether Home Assistant's "{state} degrees" says a reading the home reads in °C.

    In °F the converted state has extra digits ("72.14" shown 72.1 °F). Decided by the unit,
    not a reading's digits: those change reading by reading (a node sends hundredths), and
    attaching sentences makes Home Assistant parse all of Assist's trigger sentences again.
    """
    return (
        state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) == UnitOfTemperature.CELSIUS
        and shown(state.state, None) is not None
    )


class AreaTemperatureIntent(intent.IntentHandler):
    """An area's temperature, from its sensor of ours: what it reads, or that it reads nothing."""

    intent_type = INTENT_AREA_TEMPERATURE
    description = "Gets the temperature of an area from its Py IoT Home sensor, as it shows"
    platforms = None

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The area's id (the sentence names the area)."""
        return {probatio.Required("area_id"): cv.string}

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read the area's temperature sensor as it is now."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        area = ar.async_get(hass).async_get_area(str(intent_obj.slots["area_id"]["value"]))
        state = hass.states.get(area.temperature_entity_id or "") if area else None
        if area is None or state is None:
            response.async_set_speech("That area has no temperature sensor now.")
        elif not is_exposed(hass, assistant_of(intent_obj), state.entity_id):
            response.async_set_speech(not_exposed_answer(state.name))
        elif (number := shown(state.state, display_precision(hass, state.entity_id))) is None:
            response.async_set_speech(
                f"The temperature sensor of the {area.name} has no reading now."
            )
        else:
            # Read in °F, shown other than written, or read again before its sentences went back.
            unit = str(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, ""))
            response.async_set_speech(
                f"The temperature in the {area.name} is {spoken_unit(number, unit)}."
            )
        return response


async def async_follow_area_temperatures(hass: HomeAssistant) -> None:
    """Give each area whose sensor of ours reads nothing its sentences, while it does."""
    stop_watching: Callable[[], None] | None = None

    async def _answer(run_variables: dict[str, Any], context: Context | None = None) -> Any:
        trigger = run_variables["trigger"]
        slots = {"area_id": str(trigger["id"])}
        return await async_answer_with_intent(
            hass, INTENT_AREA_TEMPERATURE, slots, trigger, context
        )

    sentences = FollowedSentences(hass, lambda: _areas_without_reading(hass), _answer)

    @callback
    def _reading_changed(_event: Event[EventStateChangedData]) -> None:
        # A reading every poll: attach only when an area's sentences change.
        if _areas_without_reading(hass) != sentences.attached:
            hass.async_create_task(sentences.async_attach(), f"{DOMAIN} area temperature sentences")

    @callback
    def _watch(_event: Event[Any] | None = None) -> None:
        nonlocal stop_watching
        if stop_watching is not None:
            stop_watching()
        stop_watching = async_track_state_change_event(
            hass, list(_our_area_sensors(hass).values()), _reading_changed
        )
        if _event is not None:
            hass.async_create_task(sentences.async_attach(), f"{DOMAIN} area temperature sentences")

    for event_type in (ar.EVENT_AREA_REGISTRY_UPDATED, er.EVENT_ENTITY_REGISTRY_UPDATED):
        hass.bus.async_listen(event_type, _watch)
    _watch()
    await sentences.async_attach()
