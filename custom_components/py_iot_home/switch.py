"""Switches: LEDs on the host's and the nodes' GPIO pins."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .feature_platform import async_add_feature_entities
from .models import PyIotHomeConfigEntry

# A node's switch replaces a waiting command by the latest (its ration), and a board's LEDs
# keep their order under a lock: one at a time made quick toggles flip through every one.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PyIotHomeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's switches, whatever its kind."""
    async_add_feature_entities(entry, Platform.SWITCH, async_add_entities)
