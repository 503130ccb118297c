"""The area (or one of our devices) a sentence names, for the intents that answer by area."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent

from ..const import DOMAIN

_STRIP = string.punctuation + string.whitespace


def slot_text(value: Any) -> str:
    """A wildcard's words without the "the" and punctuation around them."""
    text = str(value).strip(_STRIP)
    return text[4:].strip() if text.casefold().startswith("the ") else text


def find_area(hass: HomeAssistant, name: str) -> ar.AreaEntry | None:
    """The area called `name` (or one of its aliases), whatever the case."""
    wanted = name.casefold()
    for area in ar.async_get(hass).async_list_areas():
        if wanted in {area.name.casefold(), *(alias.casefold() for alias in area.aliases)}:
            return area
    return None


def our_devices_called(hass: HomeAssistant, name: str) -> list[dr.DeviceEntry]:
    """Our devices named ``name``; if none is, those whose name begins with it, by name."""
    wanted = name.casefold()
    whole: list[dr.DeviceEntry] = []
    begun: list[dr.DeviceEntry] = []
    for entry in hass.config_entries.async_entries(DOMAIN):
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id):
            device_name = (device.name_by_user or device.name or "").casefold()
            if device_name == wanted:
                whole.append(device)
            elif device_name.startswith(f"{wanted} "):
                begun.append(device)
    return sorted(whole or begun, key=lambda device: device.name_by_user or device.name or "")


def which_device_answer(name: str, devices: list[dr.DeviceEntry]) -> str:
    """Several of our devices begin with the word said: name them, answer for none."""
    names = [str(device.name_by_user or device.name) for device in devices]
    listed = f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{len(names)} devices are called {name}: {listed}. Ask by the whole name."


def area_of(hass: HomeAssistant, entity: er.RegistryEntry) -> str | None:
    """The entity's own area, else its device's."""
    if entity.area_id:
        return entity.area_id
    device = dr.async_get(hass).async_get(entity.device_id) if entity.device_id else None
    return device.area_id if device else None


@dataclass(frozen=True, kw_only=True)
class PlaceMatch:
    """What an intent wants of the place said: whether an area has it, or a device does."""

    area_has: Callable[[ar.AreaEntry], bool]
    device_has: Callable[[dr.DeviceEntry], bool]


@dataclass(frozen=True, kw_only=True)
class PlaceReading(PlaceMatch):
    """A reading of the place said, and a device's answer when the device answers itself."""

    device_speech: Callable[[dr.DeviceEntry], str]


class AreaIntentHandler(intent.IntentHandler):
    """Finds the area named in the sentence, or says it does not know it.

    With a `PlaceReading`, one of our devices named like the place said ("Kitchen" of
    "Kitchen Pi") answers itself when it is in no area (or is named in full) and no area of
    that name has what is asked: "the humidity in the kitchen" said "The Kitchen has no
    humidity sensor" of an empty Kitchen area while the node Kitchen Pi had one.
    """

    platforms = None

    def _area(
        self,
        intent_obj: intent.Intent,
        name: str | None = None,
        reading: PlaceReading | None = None,
    ) -> ar.AreaEntry | str:
        place = self._place(intent_obj, name, reading)
        if isinstance(place, dr.DeviceEntry):
            assert reading is not None  # a device answers only for a reading
            return reading.device_speech(place)
        return place

    def _place(
        self,
        intent_obj: intent.Intent,
        name: str | None = None,
        match: PlaceMatch | None = None,
    ) -> ar.AreaEntry | dr.DeviceEntry | str:
        """The area said, our device that answers for it, or what to say instead."""
        name = name or slot_text(intent_obj.slots["area"]["value"])
        hass = intent_obj.hass
        area = find_area(hass, name)
        if area is not None and (match is None or match.area_has(area)):
            return area
        devices = our_devices_called(hass, name)
        if len(devices) > 1:
            # Of several, one in no area with what is asked is the one asked by its first word.
            if match is not None:
                devices = [device for device in devices if match.device_has(device)] or devices
            devices = [device for device in devices if not device.area_id] or devices
        if not devices:
            return area or f"I do not know an area called {name}."
        if len(devices) > 1:
            # "The garage" of Garage Pi and Garage Shed: the first found answered.
            return area or which_device_answer(name, devices)
        (device,) = devices
        device_name = device.name_by_user or device.name
        # Its reading, asked by its whole name, is its own wherever it is: "the humidity of
        # the Kitchen Pi" was sent to the Kitchen, while its temperature was answered.
        named = str(device_name).casefold() == name.casefold()
        if (
            match is not None
            and (named or not device.area_id)
            and (area is None or match.device_has(device))
        ):
            return device
        if area is not None:
            return area
        # Assist answers by area: say which one the device is in, or how to give it one.
        if device.area_id and (home := ar.async_get(hass).async_get_area(device.area_id)):
            return f"{device_name} is in the {home.name}: ask about the {home.name}."
        return (
            f"{device_name} is in no area. Give it one under Settings, Devices, "
            "then ask about that area."
        )
