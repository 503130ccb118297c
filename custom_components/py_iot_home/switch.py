"""Switches: LEDs on the host's and the nodes' GPIO pins."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .models import PyIotHomeConfigEntry

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PyIotHomeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's switchs, whatever its kind."""
    runtime = entry.runtime_data
    async_add_entities(runtime.entities(Platform.SWITCH))
    runtime.platform_ready(Platform.SWITCH, async_add_entities)
