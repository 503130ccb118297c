"""The home's own sensors, as its power forecasts name them: its power meter, the outdoors."""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from ..const import (
    CONF_HUMIDITY_ENTITY,
    CONF_POWER_ENTITY,
    CONF_TEMPERATURE_ENTITY,
    CONF_WEATHER_ENTITY,
    DOMAIN,
    SubentryKind,
)
from ..home.subentries import home_subentries
from .spoken import listed


@callback
def forecast_power_entities(hass: HomeAssistant) -> list[str]:
    """The power sensors the forecasts learn from, each once."""
    return _distinct(
        str(forecast.data.get(CONF_POWER_ENTITY) or "")
        for forecast in home_subentries(hass, SubentryKind.FORECAST)
    )


@callback
def home_power_entities(hass: HomeAssistant) -> list[str]:
    """The power sensors the home's use is read from: the forecasts', else our nodes' meters."""
    return forecast_power_entities(hass) or _our_power_meters(hass)


def _our_power_meters(hass: HomeAssistant) -> list[str]:
    return [
        entity.entity_id
        for entity in er.async_get(hass).entities.values()
        if entity.platform == DOMAIN
        and entity.domain == Platform.SENSOR
        and (entity.device_class or entity.original_device_class) == SensorDeviceClass.POWER
        # A node's meter; a forecast's power sensors are predictions.
        and entity.config_subentry_id is None
        and not entity.disabled
    ]


@callback
def outdoor_temperature_entities(hass: HomeAssistant) -> list[str]:
    """Each forecast's outdoor sensor, else its weather entity, each once."""
    return _outdoor_entities(hass, CONF_TEMPERATURE_ENTITY)


@callback
def outdoor_humidity_entities(hass: HomeAssistant) -> list[str]:
    """Each forecast's humidity sensor, else its weather entity, each once."""
    return _outdoor_entities(hass, CONF_HUMIDITY_ENTITY)


@callback
def forecast_weather_entities(hass: HomeAssistant) -> list[str]:
    """Each forecast's weather entity, each once."""
    return _distinct(
        str(forecast.data.get(CONF_WEATHER_ENTITY) or "")
        for forecast in home_subentries(hass, SubentryKind.FORECAST)
    )


def _outdoor_entities(hass: HomeAssistant, sensor_key: str) -> list[str]:
    """The home's sensor first: it measures the place itself, now, and is exposed by default.

    The forecast learns the past hours' humidity from it too.
    """
    return _distinct(
        str(forecast.data.get(sensor_key) or forecast.data.get(CONF_WEATHER_ENTITY) or "")
        for forecast in home_subentries(hass, SubentryKind.FORECAST)
    )


@callback
def missing_source_answer(hass: HomeAssistant, entity_id: str, what: str) -> str:
    """A sensor the home is read from (`what`: "power sensor") that has no state.

    Named by the forecasts that read it: its entity id is no words to say.
    """
    keys = (CONF_POWER_ENTITY, CONF_TEMPERATURE_ENTITY, CONF_HUMIDITY_ENTITY, CONF_WEATHER_ENTITY)
    titles = [
        forecast.title
        for forecast in home_subentries(hass, SubentryKind.FORECAST)
        if entity_id in (forecast.data.get(key) for key in keys)
    ]
    if not titles:
        return f"The {what} {entity_id} is missing."
    return f"The {what} {listed(titles)} reads is missing: choose another in its settings."


def _distinct(entity_ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(entity_id for entity_id in entity_ids if entity_id))
