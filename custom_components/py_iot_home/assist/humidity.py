"""Assist: the humidity of an area, from the area's humidity sensor."""

from __future__ import annotations

from typing import Any

import probatio
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import intent

from .climate_answers import humidity_answer
from .device_readings import device_reading_speech, has_reading_sensor
from .display import display_precision
from .exposure import assistant_of, is_exposed, not_exposed_answer
from .outdoor import OutdoorHumidityIntent
from .places import AreaIntentHandler, PlaceReading, slot_text
from .spoken import shown

INTENT_AREA_HUMIDITY = "PyIotHomeGetAreaHumidity"
_OUTSIDE = {"outside", "it outside", "outdoors", "it outdoors"}


class AreaHumidityIntent(AreaIntentHandler):
    """The humidity of an area, from the area's humidity sensor."""

    intent_type = INTENT_AREA_HUMIDITY
    description = "Gets the current humidity of an area"

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The area's name, as said."""
        return {probatio.Required("area"): cv.string}

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read the area's humidity sensor."""
        # "How humid is [it in] {area}" also matches "how humid is it outside", before the
        # outdoor sentence: it answered "I do not know an area called it outside."
        if slot_text(intent_obj.slots["area"]["value"]).casefold() in _OUTSIDE:
            return await OutdoorHumidityIntent().async_handle(intent_obj)
        response = intent_obj.create_response()
        hass = intent_obj.hass
        assistant = assistant_of(intent_obj)
        area = self._area(
            intent_obj,
            reading=PlaceReading(
                area_has=lambda area: area.humidity_entity_id is not None,
                device_has=lambda device: has_reading_sensor(hass, device.id, "humidity"),
                device_speech=lambda device: device_reading_speech(
                    hass, assistant, device.id, "humidity"
                ),
            ),
        )
        if isinstance(area, str):
            response.async_set_speech(area)
            return response
        state = hass.states.get(area.humidity_entity_id or "")
        if state is None:
            response.async_set_speech(f"The {area.name} has no humidity sensor.")
        elif not is_exposed(hass, assistant, state.entity_id):
            response.async_set_speech(not_exposed_answer(state.name))
        elif (humidity := shown(state.state, display_precision(hass, state.entity_id))) is None:
            response.async_set_speech(f"The humidity sensor of the {area.name} has no reading now.")
        else:
            unit = str(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, "%"))
            response.async_set_speech(humidity_answer(area=area.name, humidity=humidity, unit=unit))
        return response
