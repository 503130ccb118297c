"""A device's temperature and humidity sensors become its area's, where the area has none.

Assist answers "what is the temperature (humidity) in the kitchen" from the area's chosen
sensors. Offered when a new board is set up in an area and whenever one of our devices
moves into an area (a node is confirmed first and given its area afterwards). A choice the
user made, or cleared, is not changed at a restart; an area the device leaves stops using
its sensors, which would answer for another room.
"""

from __future__ import annotations

from collections.abc import Iterator

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import ATTR_DEVICE_CLASS, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from .const import DOMAIN, LOGGER

# The area registry's field for each sensor class.
_AREA_FIELDS: dict[str, str] = {
    SensorDeviceClass.TEMPERATURE: "temperature_entity_id",
    SensorDeviceClass.HUMIDITY: "humidity_entity_id",
}


def _climate_sensors(
    hass: HomeAssistant, device_id: str, area_id: str | None
) -> Iterator[tuple[str, str]]:
    """(area field, entity id) of the device's climate sensors that follow it into `area_id`."""
    for entity in er.async_entries_for_device(er.async_get(hass), device_id):
        # The area checks the state's device class (a user may override it in the registry).
        state = hass.states.get(entity.entity_id)
        if (
            entity.platform == DOMAIN
            and entity.domain == Platform.SENSOR
            # An entity placed in an area of its own does not follow its device.
            and entity.area_id in (None, area_id)
            # A disabled sensor has no state: the area cannot take it.
            and state is not None
            and (field := _AREA_FIELDS.get(str(state.attributes.get(ATTR_DEVICE_CLASS))))
            is not None
        ):
            yield field, entity.entity_id


def _update_area(hass: HomeAssistant, area_id: str, **changes: str | None) -> None:
    try:
        ar.async_get(hass).async_update(area_id, **changes)  # type: ignore[arg-type]
    except ValueError as err:
        # Home Assistant refuses a sensor it does not take as that quantity's.
        LOGGER.debug("Area %s keeps its climate sensors: %s", area_id, err)


@callback
def async_offer_device_climate_sensors(hass: HomeAssistant, device_id: str) -> None:
    """Make the device's first temperature and humidity sensors its area's, if it has none."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None or device.area_id is None:
        return
    if (area := ar.async_get(hass).async_get_area(device.area_id)) is None:
        return
    offered: dict[str, str] = {}
    for field, entity_id in _climate_sensors(hass, device_id, area.id):
        if getattr(area, field) is None:
            offered.setdefault(field, entity_id)
    if offered:
        _update_area(hass, area.id, **offered)


@callback
def async_release_device_climate_sensors(hass: HomeAssistant, device_id: str, area_id: str) -> None:
    """The device left `area_id`: the area no longer answers with its sensors."""
    if (area := ar.async_get(hass).async_get_area(area_id)) is None:
        return
    released = {
        field: None
        for field, entity_id in _climate_sensors(hass, device_id, None)
        if getattr(area, field) == entity_id
    }
    if released:
        _update_area(hass, area.id, **released)


@callback
def async_watch_device_areas(hass: HomeAssistant) -> None:
    """Follow our devices from area to area."""

    @callback
    def _moved(event: Event[dr.EventDeviceRegistryUpdatedData]) -> None:
        data = event.data
        if data["action"] != "update":
            return
        device = dr.async_get(hass).async_get(data["device_id"])
        if device is None or not any(domain == DOMAIN for domain, _ in device.identifiers):
            return
        if (left := data["changes"].get("area_id")) is not None:
            async_release_device_climate_sensors(hass, device.id, str(left))
        async_offer_device_climate_sensors(hass, device.id)

    @callback
    def _area_changed(event_data: dr.EventDeviceRegistryUpdatedData) -> bool:
        return event_data["action"] == "update" and "area_id" in event_data["changes"]

    hass.bus.async_listen(dr.EVENT_DEVICE_REGISTRY_UPDATED, _moved, event_filter=_area_changed)
