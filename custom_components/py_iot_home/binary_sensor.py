"""Binary sensors: node connectivity."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .models import NodeRuntimeData, PyIotHomeConfigEntry
from .node_entities import NodeConnectivity

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PyIotHomeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of a board or node."""
    runtime = entry.runtime_data
    if isinstance(runtime, NodeRuntimeData):
        async_add_entities([NodeConnectivity(runtime.node)])
