"""The home's own sensors, as its power forecasts name them: its power meter, the outdoors."""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant, callback

from ..const import (
    CONF_HUMIDITY_ENTITY,
    CONF_POWER_ENTITY,
    CONF_TEMPERATURE_ENTITY,
    CONF_WEATHER_ENTITY,
    SubentryKind,
)
from ..home.subentries import home_subentries


@callback
def forecast_power_entities(hass: HomeAssistant) -> list[str]:
    """The power sensors the forecasts learn from, each once."""
    return _distinct(
        str(forecast.data.get(CONF_POWER_ENTITY) or "")
        for forecast in home_subentries(hass, SubentryKind.FORECAST)
    )


@callback
def outdoor_temperature_entities(hass: HomeAssistant) -> list[str]:
    """Each forecast's outdoor sensor, else its weather entity, each once."""
    return _distinct(
        str(
            forecast.data.get(CONF_TEMPERATURE_ENTITY)
            or forecast.data.get(CONF_WEATHER_ENTITY)
            or ""
        )
        for forecast in home_subentries(hass, SubentryKind.FORECAST)
    )


@callback
def outdoor_humidity_entities(hass: HomeAssistant) -> list[str]:
    """Each forecast's weather entity, else its humidity sensor (the model's outdoor humidity).

    The weather comes first here: it is outdoors for sure, while the form asks only for "a
    humidity sensor".
    """
    return _distinct(
        str(forecast.data.get(CONF_WEATHER_ENTITY) or forecast.data.get(CONF_HUMIDITY_ENTITY) or "")
        for forecast in home_subentries(hass, SubentryKind.FORECAST)
    )


def _distinct(entity_ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(entity_id for entity_id in entity_ids if entity_id))
