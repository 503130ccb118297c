"""Binary sensors: node connectivity and rising trends."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import local_board_device
from .models import LocalRuntimeData, NodeRuntimeData, PyIotHomeConfigEntry
from .node_entities import NodeConnectivity, node_device
from .trend_entities import trend_binary_sensors

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PyIotHomeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of a board or node."""
    runtime = entry.runtime_data
    if isinstance(runtime, LocalRuntimeData):
        async_add_entities(
            trend_binary_sensors(
                runtime.trend,
                local_board_device(entry, simulated=runtime.board.simulated),
                str(entry.unique_id),
            )
        )
    elif isinstance(runtime, NodeRuntimeData):
        node = runtime.node
        async_add_entities([NodeConnectivity(node)])
        async_add_entities(
            trend_binary_sensors(runtime.trend, node_device(node), f"node_{node.node_id}")
        )
