"""What Assist may speak of: the entities the user exposed to it, as for Home Assistant's intents.

Home Assistant's intents match only entities exposed to the assistant that asks; ours read
their sensors by id, and a sensor the user had un-exposed was still read out.
"""

from __future__ import annotations

from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent

from ..const import DOMAIN
from ..entity import entity_unique_id
from ..feature_lookup import entity_feature
from ..trends.entities import TREND_SENSOR

# Our sentences are the default agent's ("conversation"), which is also the assistant an LLM
# using the Assist API asks for.
ASSISTANT = "conversation"


def assistant_of(intent_obj: intent.Intent) -> str:
    """The assistant that asks; our own sentences' when the caller names none."""
    return intent_obj.assistant or ASSISTANT


@callback
def is_exposed(hass: HomeAssistant, assistant: str, entity_id: str) -> bool:
    """Whether the user exposed the entity to the assistant (Settings > Voice assistants)."""
    return async_should_expose(hass, assistant, entity_id)


@callback
def trend_source(hass: HomeAssistant, trend: er.RegistryEntry) -> str | None:
    """The entity id of the sensor a trend sensor of ours follows, while its entry runs."""
    runtime = entity_feature(hass, trend)
    coordinator = runtime.trend if runtime is not None else None
    device = dr.async_get(hass).async_get(trend.device_id) if trend.device_id else None
    if coordinator is None or device is None:
        return None
    for domain, identifier in device.identifiers:
        for source in coordinator.sources.values() if domain == DOMAIN else ():
            if entity_unique_id(identifier, f"{source.key}_{TREND_SENSOR.key}") == trend.unique_id:
                return er.async_get(hass).async_get_entity_id(
                    SENSOR_DOMAIN, DOMAIN, source.source_unique_id
                )
    return None


@callback
def is_trend_exposed(hass: HomeAssistant, assistant: str, trend: er.RegistryEntry) -> bool:
    """Whether a trend may be spoken: its own sensor, or the sensor it follows, is exposed.

    A trend is its source's readings over days: the temperature sensor's switch decides it,
    and temperature and humidity sensors are exposed by default, so "is the kitchen getting
    warmer" works on a new install, while the trend sensor (no device class) is not exposed
    by default. A trend sensor the user exposes is answered, as Home Assistant's own
    intents would read its state.
    """
    if is_exposed(hass, assistant, trend.entity_id):
        return True
    source = trend_source(hass, trend)
    return source is not None and is_exposed(hass, assistant, source)


# Commas, not ">": speech reads the menu path as words.
EXPOSE_PAGE = "Settings, Voice assistants, Expose"


def not_exposed_answer(name: str) -> str:
    """What Assist says of a value whose entity is not exposed to it, and where to expose it."""
    return f"{name} is not exposed to Assist: expose it under {EXPOSE_PAGE}."
