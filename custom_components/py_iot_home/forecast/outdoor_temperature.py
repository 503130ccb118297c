"""A forecast's outdoor temperature taken from its weather entity, for long-term statistics.

A weather entity has no statistics: its temperature is an attribute, whose states the
recorder keeps for 10 days by default. A forecast set up with a weather entity and no
outdoor sensor gets this sensor, which mirrors the weather's temperature in °C with a
state class, so Home Assistant's long-term statistics keep it for as long as training needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorStateClass,
)
from homeassistant.const import UnitOfTemperature
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event

from ..const import CONF_TEMPERATURE_ENTITY, CONF_WEATHER_ENTITY, DOMAIN
from ..entity import DeviceIdentity, PyIotHomeEntity
from ..quantities import HomeUnitSensor
from .recorder_history import weather_celsius

KEY = "outdoor_temperature"


def weather_mirrored(settings: Mapping[str, Any]) -> bool:
    """Whether a forecast's outdoor temperature comes from its weather entity alone."""
    return not settings.get(CONF_TEMPERATURE_ENTITY) and bool(settings.get(CONF_WEATHER_ENTITY))


def mirror_unique_id(device: DeviceIdentity) -> str:
    """The mirror sensor's unique id on a forecast's device."""
    return device.unique_id(KEY)


def mirror_entity_id(hass: HomeAssistant, device: DeviceIdentity) -> str | None:
    """The mirror sensor's entity id once registered (its statistic id), else None."""
    return er.async_get(hass).async_get_entity_id("sensor", DOMAIN, mirror_unique_id(device))


class WeatherTemperatureSensor(PyIotHomeEntity, HomeUnitSensor):
    """The weather entity's current temperature, as a measurement in °C."""

    _attr_translation_key = KEY
    _attr_device_class = SensorDeviceClass.TEMPERATURE
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = UnitOfTemperature.CELSIUS
    _attr_suggested_display_precision = 1
    _attr_should_poll = False

    def __init__(self, device: DeviceIdentity, weather_entity: str) -> None:
        """Mirror `weather_entity` on the forecast's device."""
        self._identify(device, KEY)
        self._weather_entity = weather_entity
        self._attr_native_value: float | None = None

    async def async_added_to_hass(self) -> None:
        """Take the weather's temperature now and at each of its updates."""
        await super().async_added_to_hass()
        self._take(self.hass.states.get(self._weather_entity))
        self.async_on_remove(
            async_track_state_change_event(self.hass, self._weather_entity, self._changed)
        )

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        self._take(event.data["new_state"])
        self.async_write_ha_state()

    def _take(self, state: State | None) -> None:
        # Another integration's attribute: only a temperature some place on Earth has had
        # reaches the statistics the model trains on (`weather_celsius` bounds it).
        self._attr_native_value = None if state is None else weather_celsius(state)

    @property
    def available(self) -> bool:
        """Unavailable while the weather entity gives no temperature."""
        return self._attr_native_value is not None
