"""Assist: the temperature and humidity outside, from the home's outdoor sensors or weather.

The home is set up with them in its power forecasts: each forecast's outdoor sensor, else its
weather entity, for the temperature and for the humidity alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant, State, split_entity_id
from homeassistant.helpers import intent
from homeassistant.util import dt as dt_util

from .asked_part import PartAsked, day_asked, part_asked
from .climate_answers import (
    no_outlook_answer,
    outdoor_humidity_answer,
    outdoor_temperature_answer,
)
from .display import display_precision
from .exposure import assistant_of, is_exposed, not_exposed_answer
from .home_sources import (
    missing_source_answer,
    outdoor_humidity_entities,
    outdoor_temperature_entities,
)
from .power_part_answers import part_passed
from .spoken import one_after_another, shown
from .tomorrow_outside import async_tomorrow_compared
from .weather_outlook import async_weather_outlook, async_weather_over

INTENT_OUTDOOR_TEMPERATURE = "PyIotHomeGetOutdoorTemperature"
INTENT_OUTDOOR_HUMIDITY = "PyIotHomeGetOutdoorHumidity"


@dataclass(frozen=True, slots=True, kw_only=True)
class OutdoorReading:
    """One reading outside: where it comes from, and how it is said."""

    quantity: str  # "temperature", "humidity"
    sources: Callable[[HomeAssistant], list[str]]
    # Where none is set up: what is missing.
    none_set_up: str
    # A weather entity's reading is an attribute, in its own unit (already rounded).
    weather_unit: Callable[[State], object]
    answer: Callable[..., str]


class _OutdoorIntent(intent.IntentHandler):
    """A reading outside, as the home's outdoor sources read it."""

    reading: OutdoorReading
    platforms = None

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read each outdoor source, rounded as it shows."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        reading = self.reading
        sources = reading.sources(hass)
        if not sources:
            response.async_set_speech(
                f"I do not know the {reading.quantity} outside: {reading.none_set_up} "
                "A power forecast's settings take one."
            )
            return response
        assistant = assistant_of(intent_obj)
        if (way := intent_obj.slots.get("compare", {}).get("value")) in ("warmer", "colder"):
            # "Will it be warmer tomorrow": yes or no first, by the days' highs.
            response.async_set_speech(await async_tomorrow_compared(hass, assistant, way))
            return response
        said = [outdoor_reading_speech(hass, assistant, reading, source) for source in sources]
        if asked := _part_or_day_asked(intent_obj):
            # "How cold will it get tonight": now, then what the weather expects of tonight.
            said.append(await _async_over_part(hass, assistant, intent_obj, asked, reading))
        # "What will the temperature be outside": now, then what the weather expects.
        elif intent_obj.slots.get("ahead"):
            outlook = await async_weather_outlook(hass, assistant, reading.quantity)
            said.append(outlook or no_outlook_answer(reading.quantity))
        response.async_set_speech(one_after_another(said))
        return response


def _part_or_day_asked(intent_obj: intent.Intent) -> PartAsked | None:
    """The part of the day ("tonight", "friday evening") or the day the sentence ends with."""
    now = dt_util.now()
    day = intent_obj.slots.get("day", {}).get("value")
    if day in ("today", "tomorrow"):
        return day_asked(day, now)
    return part_asked(str(intent_obj.slots.get("part", {}).get("value", "")), now)


async def _async_over_part(
    hass: HomeAssistant,
    assistant: str,
    intent_obj: intent.Intent,
    asked: PartAsked,
    reading: OutdoorReading,
) -> str:
    """What the weather expects over a part of the day, or that it has passed."""
    now = dt_util.now()
    placed = asked.placed
    if placed.end <= now.astimezone(UTC):
        return f"{part_passed(placed, now)}."
    extreme = str(intent_obj.slots.get("extreme", {}).get("value", ""))
    over = await async_weather_over(hass, assistant, placed, reading.quantity, extreme)
    said = over or no_outlook_answer(reading.quantity)
    return f"{asked.taken} {said}" if asked.taken else said


def outdoor_reading_speech(
    hass: HomeAssistant, assistant: str, reading: OutdoorReading, entity_id: str
) -> str:
    """The outdoor source `entity_id`'s reading now, or why it has none to say."""
    state = hass.states.get(entity_id)
    if state is None:
        return missing_source_answer(hass, entity_id, f"outdoor {reading.quantity} source")
    if not is_exposed(hass, assistant, entity_id):
        return not_exposed_answer(state.name)
    if split_entity_id(entity_id)[0] == "weather":
        number = shown(str(state.attributes.get(reading.quantity)), None)
        unit = reading.weather_unit(state)
    else:
        number = shown(state.state, display_precision(hass, entity_id))
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
    if number is None or not isinstance(unit, str):
        # A sensor is of one quantity: "Garden humidity has no humidity now" said it twice.
        missing = reading.quantity if split_entity_id(entity_id)[0] == "weather" else "reading"
        return f"{state.name} has no {missing} now."
    return reading.answer(name=state.name, number=number, unit=unit)


TEMPERATURE_OUTSIDE = OutdoorReading(
    quantity="temperature",
    sources=outdoor_temperature_entities,
    none_set_up="no outdoor sensor or weather entity is set up.",
    weather_unit=lambda state: state.attributes.get("temperature_unit"),
    answer=outdoor_temperature_answer,
)
HUMIDITY_OUTSIDE = OutdoorReading(
    quantity="humidity",
    sources=outdoor_humidity_entities,
    none_set_up="no outdoor humidity sensor or weather entity is set up.",
    # A weather entity's humidity is in percent.
    weather_unit=lambda _state: "%",
    answer=outdoor_humidity_answer,
)
OUTDOOR_READINGS = {
    reading.quantity: reading for reading in (TEMPERATURE_OUTSIDE, HUMIDITY_OUTSIDE)
}


class OutdoorTemperatureIntent(_OutdoorIntent):
    """The temperature outside, as the home's outdoor sensor or weather entity reads it."""

    intent_type = INTENT_OUTDOOR_TEMPERATURE
    description = "Tells the temperature outside"
    reading = TEMPERATURE_OUTSIDE


class OutdoorHumidityIntent(_OutdoorIntent):
    """The humidity outside, as the home's outdoor humidity sensor or weather entity reads it.

    "How humid is it outside" was taken for an area called "it outside".
    """

    intent_type = INTENT_OUTDOOR_HUMIDITY
    description = "Tells the humidity outside"
    reading = HUMIDITY_OUTSIDE
