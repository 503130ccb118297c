"""Assist: the temperature (and humidity) of one of our devices in no area, by its name.

Home Assistant answers "what is the temperature in the kitchen" from the Kitchen area's
sensor, and "of the Kitchen Pi" only for a thermostat: a node confirmed without an area had
no answer ("not aware of any area called kitchen"). Each such device's name, and its first
word unless an area called so has a temperature sensor or a thermostat, gets sentences of its
own; areas that can answer stay Home Assistant's. A first word two devices share names
neither: Assist asks which one is meant.
"""

from __future__ import annotations

import re
from typing import Any

import probatio
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, Platform
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent

from ..const import DOMAIN
from .climate_answers import device_reading_answer
from .display import display_precision
from .exposure import assistant_of, is_exposed, not_exposed_answer
from .places import area_of, our_devices_called, which_device_answer
from .sentence_triggers import FollowedSentences, async_answer_with_intent
from .spoken import shown

INTENT_DEVICE_TEMPERATURE = "PyIotHomeGetDeviceTemperature"
# What a sentence template reads as syntax: a name keeps its words without them. A backslash
# escapes the next character: "Shed Pi\" escaped the template's closing parenthesis; a
# semicolon makes a group a permutation, which "Garage;Pi" among alternatives broke.
_TEMPLATE_SYNTAX = str.maketrans(dict.fromkeys("()[]{}<>|\\;", " "))
# Punctuation a sentence trigger refuses at a word's edge ("Garage Pi, north", "Shed Pi!"),
# as hassil lists it: one such name kept every device's sentences from attaching. Inside a
# word ("4.2", "Bob's" with a typographic apostrophe) it stays, as the trigger accepts it.
_PUNCTUATION = (
    "[.\u3002,\uff0c?\u00bf\uff1f\u061f!\u00a1\uff01;\uff1b:\uff1a\u2019\u2026\u2014\u2013\u2015]+"
)
_EDGE_PUNCTUATION = re.compile(rf"(?<!\w){_PUNCTUATION}|{_PUNCTUATION}(?!\w)")
# A sentence trigger's id for a first word that several devices share (not a device id).
WHICH = "which:"


def template_words(name: str) -> str:
    """A name as a sentence template may hold it: its words, no syntax or edge punctuation."""
    return " ".join(_EDGE_PUNCTUATION.sub(" ", name.translate(_TEMPLATE_SYNTAX)).split())


# The sensor each reading is asked of, by the word the question uses.
READINGS: dict[str, SensorDeviceClass] = {
    "temperature": SensorDeviceClass.TEMPERATURE,
    "humidity": SensorDeviceClass.HUMIDITY,
}


def _reading_sensor(hass: HomeAssistant, device_id: str, reading: str) -> er.RegistryEntry | None:
    """The device's sensor of that reading (not its trend), if it has one."""
    return next(
        (
            entity
            for entity in er.async_entries_for_device(er.async_get(hass), device_id)
            if entity.platform == DOMAIN
            and entity.domain == Platform.SENSOR
            and (entity.device_class or entity.original_device_class) == READINGS[reading]
        ),
        None,
    )


def has_reading_sensor(hass: HomeAssistant, device_id: str, reading: str) -> bool:
    """Whether the device has a sensor of that reading ("temperature", "humidity")."""
    return _reading_sensor(hass, device_id, reading) is not None


@callback
def device_reading_speech(hass: HomeAssistant, assistant: str, device_id: str, reading: str) -> str:
    """What Assist says of the device's temperature or humidity: "Kitchen Pi reads 22.5 °C".

    Only from a sensor exposed to `assistant`.
    """
    if (device := dr.async_get(hass).async_get(device_id)) is None:
        return "That device is gone."
    name = device.name_by_user or device.name
    if (sensor := _reading_sensor(hass, device.id, reading)) is None:
        return f"{name} has no {reading} sensor."
    state = hass.states.get(sensor.entity_id)
    if not is_exposed(hass, assistant, sensor.entity_id):
        return not_exposed_answer(state.name if state else f"The {reading} sensor of {name}")
    # Rounded as the device page shows it: in °F a node's 19.7 °C was "67.46 °F", and the
    # meter's outdoor sensor "44.258 °F" here and "44.3 °F outside" in the next answer.
    number = None if state is None else shown(state.state, display_precision(hass, state.entity_id))
    if state is None or number is None:
        return f"The {reading} sensor of {name} has no reading now."
    return device_reading_answer(
        device=str(name),
        reading=number,
        unit=str(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, "")),
    )


def _area_reads_temperature(hass: HomeAssistant, area: ar.AreaEntry) -> bool:
    """Whether Home Assistant answers the area's temperature: its sensor, or a thermostat."""
    return area.temperature_entity_id is not None or any(
        entity.domain == Platform.CLIMATE and area_of(hass, entity) == area.id
        for entity in er.async_get(hass).entities.values()
    )


def _names_without_area(hass: HomeAssistant) -> dict[str, list[str]]:
    """Names our devices in no area with a temperature sensor are asked by, by device id.

    Their first word too ("Kitchen" of "Kitchen Pi"), unless an area called so answers; a
    first word two of them share is under WHICH + the word: Assist asks which one is meant.
    """
    areas = {
        name.casefold(): area
        for area in ar.async_get(hass).async_list_areas()
        for name in (area.name, *area.aliases)
    }
    devices = dr.async_get(hass)
    names: dict[str, list[str]] = {}
    first_words: dict[str, list[str]] = {}
    for entry in hass.config_entries.async_entries(DOMAIN):
        for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
            if device.area_id or _reading_sensor(hass, device.id, "temperature") is None:
                continue
            words = template_words(device.name_by_user or device.name or "").split()
            if not words:
                continue
            names[device.id] = [" ".join(words)]
            area = areas.get(words[0].casefold())
            if len(words) > 1 and (area is None or not _area_reads_temperature(hass, area)):
                first_words.setdefault(words[0].casefold(), []).append(device.id)
    for word, device_ids in first_words.items():
        if len(device_ids) == 1:
            names[device_ids[0]].append(word)
        else:
            names[f"{WHICH}{word}"] = [word]
    return names


def _sentences(names: list[str]) -> list[str]:
    choice = "|".join(names)
    return [
        f"(what is|what's|whats|tell me) [the] temperature (in|of) [the] ({choice})",
        f"how (warm|cold|hot) is [it in] [the] ({choice})",
    ]


class DeviceTemperatureIntent(intent.IntentHandler):
    """The temperature of one of our devices, by its id (the sentence names it).

    Humidity needs no sentences of its own: the area's humidity sentences take any name, and
    their intent answers from such a device (humidity.AreaHumidityIntent).
    """

    intent_type = INTENT_DEVICE_TEMPERATURE
    description = "Gets the temperature a Py IoT Home device in no area reads"
    platforms = None

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The device's id; or the first word several devices share."""
        return {probatio.Optional("device_id"): cv.string, probatio.Optional("name"): cv.string}

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Read the device's temperature sensor, or ask which device is meant."""
        hass = intent_obj.hass
        response = intent_obj.create_response()
        assistant = assistant_of(intent_obj)
        if "device_id" in intent_obj.slots:
            device_id = str(intent_obj.slots["device_id"]["value"])
            response.async_set_speech(
                device_reading_speech(hass, assistant, device_id, "temperature")
            )
            return response
        name = str(intent_obj.slots.get("name", {}).get("value", ""))
        devices = [
            device
            for device in our_devices_called(hass, name)
            if has_reading_sensor(hass, device.id, "temperature")
        ]
        if len(devices) == 1:
            response.async_set_speech(
                device_reading_speech(hass, assistant, devices[0].id, "temperature")
            )
        elif devices:
            response.async_set_speech(which_device_answer(name, devices))
        else:
            response.async_set_speech(f"I know no device called {name}.")
        return response


async def async_follow_device_sentences(hass: HomeAssistant) -> None:
    """Give each of our devices in no area its sentences, again whenever names or areas change."""

    def _commands() -> dict[str, list[str]]:
        devices = _names_without_area(hass)
        return {trigger_id: _sentences(names) for trigger_id, names in devices.items()}

    async def _answer(run_variables: dict[str, Any], context: Context | None = None) -> Any:
        trigger = run_variables["trigger"]
        trigger_id = str(trigger["id"])
        slots = (
            {"name": trigger_id.removeprefix(WHICH)}
            if trigger_id.startswith(WHICH)
            else {"device_id": trigger_id}
        )
        return await async_answer_with_intent(
            hass, INTENT_DEVICE_TEMPERATURE, slots, trigger, context
        )

    sentences = FollowedSentences(hass, _commands, _answer)

    @callback
    def _changed(_event: Event[Any]) -> None:
        hass.async_create_task(sentences.async_attach(), f"{DOMAIN} device temperature sentences")

    for event_type in (
        dr.EVENT_DEVICE_REGISTRY_UPDATED,
        er.EVENT_ENTITY_REGISTRY_UPDATED,
        ar.EVENT_AREA_REGISTRY_UPDATED,
    ):
        hass.bus.async_listen(event_type, _changed)
    await sentences.async_attach()
