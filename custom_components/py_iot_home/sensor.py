"""Sensors: climate readings, trends and the power forecast of every entry kind."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .feature_platform import async_add_feature_entities
from .models import PyIotHomeConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PyIotHomeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's sensors, whatever its kind."""
    async_add_feature_entities(entry, Platform.SENSOR, async_add_entities)
