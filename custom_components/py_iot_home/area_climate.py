"""A device's temperature and humidity sensors become its area's, where the area has none.

Assist answers "what is the temperature (humidity) in the kitchen" from the area's chosen
sensors. Offered when an entry sets up and whenever one of our devices moves into an area
(a node is usually confirmed first and given its area afterwards); a choice the user already
made is never changed.
"""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from .const import DOMAIN
from .models import PyIotHomeConfigEntry

_AREA_SENSOR_CLASSES = (SensorDeviceClass.TEMPERATURE, SensorDeviceClass.HUMIDITY)


@callback
def async_offer_device_climate_sensors(hass: HomeAssistant, device_id: str) -> None:
    """Make the device's first temperature and humidity sensors its area's, if it has none."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None or device.area_id is None:
        return
    areas = ar.async_get(hass)
    if (area := areas.async_get_area(device.area_id)) is None:
        return
    offered: dict[str, str] = {}
    for entity in er.async_entries_for_device(er.async_get(hass), device_id):
        if (
            entity.platform == DOMAIN
            and entity.domain == Platform.SENSOR
            and entity.original_device_class in _AREA_SENSOR_CLASSES
            # An entity placed in another area than its device's is not this area's.
            and entity.area_id in (None, area.id)
            # The area only takes a sensor with a state: a disabled one has none.
            and hass.states.get(entity.entity_id) is not None
        ):
            offered.setdefault(str(entity.original_device_class), entity.entity_id)
    temperature = area.temperature_entity_id or offered.get(SensorDeviceClass.TEMPERATURE)
    humidity = area.humidity_entity_id or offered.get(SensorDeviceClass.HUMIDITY)
    if (temperature, humidity) != (area.temperature_entity_id, area.humidity_entity_id):
        areas.async_update(area.id, temperature_entity_id=temperature, humidity_entity_id=humidity)


@callback
def async_offer_entry_climate_sensors(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Offer the climate sensors of each of the entry's devices (after its platforms set up)."""
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id):
        async_offer_device_climate_sensors(hass, device.id)


@callback
def async_watch_device_areas(hass: HomeAssistant) -> None:
    """Offer a device's climate sensors when it moves into an area."""

    @callback
    def _moved_into_an_area(event: Event[dr.EventDeviceRegistryUpdatedData]) -> None:
        device = dr.async_get(hass).async_get(event.data["device_id"])
        if device is not None and any(domain == DOMAIN for domain, _ in device.identifiers):
            async_offer_device_climate_sensors(hass, device.id)

    @callback
    def _area_changed(event_data: dr.EventDeviceRegistryUpdatedData) -> bool:
        return event_data["action"] == "update" and "area_id" in event_data["changes"]

    hass.bus.async_listen(
        dr.EVENT_DEVICE_REGISTRY_UPDATED, _moved_into_an_area, event_filter=_area_changed
    )
