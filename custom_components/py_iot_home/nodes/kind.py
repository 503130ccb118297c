"""The node entry kind: a remote Raspberry Pi reached over MQTT."""

from __future__ import annotations

from ..models import EntryKindSpec
from .options_flow import NodeOptionsFlow
from .setup import NODE_PLATFORMS, async_forget_node, async_setup_node

NODE_KIND = EntryKindSpec(
    platforms=NODE_PLATFORMS,
    async_setup=async_setup_node,
    async_forget=async_forget_node,
    options_flow=NodeOptionsFlow,
)
