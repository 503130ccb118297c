"""Assist: whether an area is getting warmer, colder, more humid or drier, from its trend."""

from __future__ import annotations

import math
from typing import Any

import probatio
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.util import dt as dt_util

from ..trends.snapshot import ATTR_DIRECTION, ATTR_READY_AT
from .climate_answers import (
    PlaceTrend,
    home_trend_answer,
    not_enough_data_answer,
    trend_disabled_answer,
    unknown_direction_answer,
)
from .exposure import EXPOSE_PAGE, assistant_of, is_trend_exposed
from .outdoor_trend import asked_outside, async_outdoor_trend_speech
from .places import AreaIntentHandler, PlaceReading, area_of, find_area, slot_text
from .spoken import sentence_start
from .trend_question import Direction, TrendQuestion, parse_trend_question, split_it_getting
from .trend_speech import (
    TREND_DIRECTIONS,
    disabled_trend,
    local_time,
    place_words,
    source_reads,
    trend_entities,
    trend_speech,
)

INTENT_AREA_TREND = "PyIotHomeGetAreaTrend"
# What "is it getting warmer" and "is the house getting warmer" call the whole home.
_THE_HOME = frozenset({"it", "home", "house", "our home", "our house", "my home", "my house"})


class AreaTrendIntent(AreaIntentHandler):
    """Whether an area is getting warmer, colder, more humid or drier, from its trend."""

    intent_type = INTENT_AREA_TREND
    description = "Tells whether an area is getting warmer, colder, more humid or drier"

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The area's name and the direction asked about ("warmer", "drier"...)."""
        return {probatio.Required("area"): cv.string, probatio.Required("direction"): cv.string}

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read the slope of the area's trend sensor and put it in words."""
        response = intent_obj.create_response()
        area_words, words = split_it_getting(
            slot_text(intent_obj.slots["area"]["value"]),
            slot_text(intent_obj.slots["direction"]["value"]),
        )
        question = parse_trend_question(words)
        hass = intent_obj.hass
        assistant = assistant_of(intent_obj)
        named = slot_text(area_words)
        # "Is it getting colder outside" fits "is {area} getting {direction}" too.
        if (direction := asked_outside(named, words)) is not None:
            outside = parse_trend_question(direction)
            response.async_set_speech(
                unknown_direction_answer(direction, place="it", where=" outside")
                if outside is None
                else await async_outdoor_trend_speech(hass, assistant, outside)
            )
            return response
        if question is None:
            response.async_set_speech(unknown_direction_answer(words))
            return response
        # "Is it getting warmer?" names no room: the home answers, unless a room is called so.
        if named.casefold() in _THE_HOME and find_area(hass, named) is None:
            response.async_set_speech(_home_trend_speech(hass, assistant, question))
            return response
        area = self._area(
            intent_obj,
            named,
            PlaceReading(
                area_has=lambda area: _enabled(_trend_entity(hass, area, question.quantity)),
                device_has=lambda device: _enabled(_device_trend(hass, device, question.quantity)),
                device_speech=lambda device: _trend_speech(
                    hass,
                    assistant,
                    str(device.name_by_user or device.name),
                    _device_trend(hass, device, question.quantity),
                    question,
                ),
            ),
        )
        if isinstance(area, str):
            response.async_set_speech(area)
        else:
            entity = _trend_entity(hass, area, question.quantity)
            response.async_set_speech(
                _trend_speech(hass, assistant, f"the {area.name}", entity, question)
            )
        return response


def _trend_entity(
    hass: HomeAssistant, area: ar.AreaEntry, quantity: str
) -> er.RegistryEntry | None:
    """Our trend sensor of `quantity` in the area: the one beside the area's own sensor first.

    An enabled one before a disabled one, returned only where none is, for Assist to say so.
    """
    registry = er.async_get(hass)
    candidates = [
        entity for entity in trend_entities(hass, quantity) if area_of(hass, entity) == area.id
    ]
    own = getattr(area, f"{quantity}_entity_id")
    own_device = (entry := registry.async_get(own)) and entry.device_id if own else None
    candidates.sort(key=lambda entity: (entity.disabled, entity.device_id != own_device))
    return candidates[0] if candidates else None


def _device_trend(
    hass: HomeAssistant, device: dr.DeviceEntry, quantity: str
) -> er.RegistryEntry | None:
    """The device's own trend sensor of `quantity`, if it has one (an enabled one first)."""
    return next(
        (entity for entity in trend_entities(hass, quantity) if entity.device_id == device.id),
        None,
    )


def _enabled(entity: er.RegistryEntry | None) -> bool:
    return entity is not None and not entity.disabled


def _trend_speech(
    hass: HomeAssistant,
    assistant: str,
    place: str,
    entity: er.RegistryEntry | None,
    question: TrendQuestion,
) -> str:
    """What the trend sensor `entity` of `place` ("the Kitchen", "Garage Pi") says."""
    if entity is None:
        return f"{sentence_start(place)} has no {question.quantity} trend."
    return trend_speech(hass, assistant, entity, question, place_words(place))


def _home_trend_speech(hass: HomeAssistant, assistant: str, question: TrendQuestion) -> str:
    """Each room's exposed trend of the quantity (a device in no room by its name), briefly."""
    every_place = _trend_places(hass, question.quantity)
    places = {place: entity for place, entity in every_place.items() if not entity.disabled}
    if not places:
        return _disabled_trends_speech(hass, assistant, every_place, question)
    places = {
        place: entity
        for place, entity in places.items()
        if is_trend_exposed(hass, assistant, entity)
    }
    if not places:
        return (
            f"No room's {question.quantity} is exposed to Assist: expose a "
            f"{question.quantity} sensor under {EXPOSE_PAGE}."
        )
    trends: list[PlaceTrend] = []
    for place, entity in sorted(places.items(), key=_by_place):
        state = hass.states.get(entity.entity_id)
        try:
            slope = float(state.state) if state is not None else math.nan
        except ValueError:
            continue
        if state is None or not math.isfinite(slope):
            continue
        trends.append(
            PlaceTrend(
                place=place,
                slope=slope,
                unit=str(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, "")).removesuffix("/d"),
                trend=TREND_DIRECTIONS.get(state.attributes.get(ATTR_DIRECTION), Direction.STEADY),
            )
        )
    if not trends:
        # As a room's answer does: when to ask again, the first room's trend expected.
        now = dt_util.now()
        # Only a room whose sensor reads now will have its slope when it expects one.
        reading = [entity for entity in places.values() if source_reads(hass, entity)]
        expected = [
            ready_at
            for entity in reading
            if (state := hass.states.get(entity.entity_id)) is not None
            and (ready_at := local_time(state.attributes.get(ATTR_READY_AT))) is not None
            and ready_at > now
        ]
        return not_enough_data_answer(
            place="any room",
            quantity=question.quantity,
            ready_at=min(expected, default=None),
            now=now,
            silent=not reading,
        )
    return home_trend_answer(question=question, places=trends)


def _disabled_trends_speech(
    hass: HomeAssistant,
    assistant: str,
    places: dict[str, er.RegistryEntry],
    question: TrendQuestion,
) -> str:
    """No room's trend is enabled: the disabled ones, and where to enable them.

    Only those Assist may speak of; "No room has a trend" said nothing of them.
    """
    disabled = [
        disabled_trend(hass, entity, place)
        for place, entity in sorted(places.items(), key=_by_place)
        if is_trend_exposed(hass, assistant, entity)
    ]
    if not disabled:
        return f"No room has a {question.quantity} trend."
    return trend_disabled_answer(trends=disabled, question=question, place="any room")


def _by_place(item: tuple[str, er.RegistryEntry]) -> str:
    return item[0].casefold()


def _trend_places(hass: HomeAssistant, quantity: str) -> dict[str, er.RegistryEntry]:
    """The trend sensor of each room ("the Kitchen"), or of each device in no room.

    An enabled one where the place has one, else a disabled one.
    """
    places: dict[str, er.RegistryEntry] = {}
    areas = ar.async_get(hass)
    for area in areas.async_list_areas():
        if (entity := _trend_entity(hass, area, quantity)) is not None:
            places[f"the {area.name}"] = entity
    devices = dr.async_get(hass)
    for entity in trend_entities(hass, quantity):
        if area_of(hass, entity) is None and entity.device_id is not None:
            device = devices.async_get(entity.device_id)
            if device is not None:
                places.setdefault(str(device.name_by_user or device.name), entity)
    return places
