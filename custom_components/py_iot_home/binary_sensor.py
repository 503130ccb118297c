"""Binary sensors: node connectivity and rising trends."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .models import PyIotHomeConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PyIotHomeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's binary sensors, whatever its kind."""
    runtime = entry.runtime_data
    async_add_entities(runtime.entities(Platform.BINARY_SENSOR))
    runtime.platform_ready(Platform.BINARY_SENSOR, async_add_entities)
