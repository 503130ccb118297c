"""Finding a feature (board, node, forecast) from an entity, a device or an id.

Actions and Assist start from what the user names; a board's or forecast's entities and
devices carry their subentry, a node's only its entry.
"""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from .const import DOMAIN
from .feature_entry import FeatureEntry
from .loaded import loaded_feature
from .models import FeatureRuntime, PyIotHomeConfigEntry


@callback
def feature_entry(
    hass: HomeAssistant, config_entry_id: str | None, subentry_id: str | None
) -> FeatureEntry | None:
    """The settings of a node entry, or of a subentry of the home entry."""
    entry = hass.config_entries.async_get_entry(config_entry_id or "")
    if entry is None or entry.domain != DOMAIN:
        return None
    if subentry_id is None:
        return FeatureEntry(entry)
    subentry = entry.subentries.get(subentry_id)
    return FeatureEntry(entry, subentry) if subentry is not None else None


@callback
def running_feature(
    hass: HomeAssistant, config_entry_id: str | None, subentry_id: str | None
) -> FeatureRuntime | None:
    """The runtime of a node, board or forecast that is set up, else None."""
    entry: PyIotHomeConfigEntry | None = hass.config_entries.async_get_entry(config_entry_id or "")
    if entry is None or entry.domain != DOMAIN:
        return None
    return loaded_feature(entry, subentry_id)


@callback
def entity_feature(hass: HomeAssistant, entity: er.RegistryEntry) -> FeatureRuntime | None:
    """The running feature an entity of this integration belongs to."""
    if entity.platform != DOMAIN:
        return None
    return running_feature(hass, entity.config_entry_id, entity.config_subentry_id)


@callback
def device_feature(hass: HomeAssistant, device_id: str) -> FeatureRuntime | None:
    """The running feature a device belongs to."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return None
    return running_feature(hass, device.config_entry_id, device.config_subentry_id)


@callback
def feature_by_id(hass: HomeAssistant, feature_id: str) -> FeatureRuntime | None:
    """A running feature by a node's entry id or a subentry's id.

    A board's or forecast's subentry id is the entry id it had before subentries, which
    automations written then still name.
    """
    for entry in hass.config_entries.async_entries(DOMAIN):
        if (runtime := running_feature(hass, entry.entry_id, None)) is not None and (
            entry.entry_id == feature_id
        ):
            return runtime
        if (runtime := running_feature(hass, entry.entry_id, feature_id)) is not None:
            return runtime
    return None


@callback
def predicted_power_entities(hass: HomeAssistant) -> list[er.RegistryEntry]:
    """Every enabled Predicted power sensor of this integration."""
    return [
        entity
        for entity in er.async_get(hass).entities.values()
        if entity.platform == DOMAIN
        and entity.domain == Platform.SENSOR
        and entity.translation_key == "predicted_power"
        and not entity.disabled
    ]
