"""Announcements refused while the discovery slots were full, offered as slots free up."""

from __future__ import annotations

from homeassistant.helpers.service_info.mqtt import MqttServiceInfo


class WaitingDiscoveries:
    """At most `limit` nodes, offered in the order they came; a full list drops newcomers.

    Strangers' made-up node ids (a broker without the documented ACL) may flood in: were the
    oldest dropped, the flood pushed a real node out before the user had ignored enough fakes
    to reach it. Kept, a node is offered after at most `limit` others, and announcing again
    keeps its place: first come first served, as a flood can repeat ids as often as any node.
    """

    def __init__(self, limit: int) -> None:
        """Keep at most `limit` nodes."""
        self._limit = limit
        self._waiting: dict[str, MqttServiceInfo] = {}

    def __len__(self) -> int:
        """How many nodes wait."""
        return len(self._waiting)

    def add(self, node_id: str, info: MqttServiceInfo) -> bool:
        """Keep the node's latest announcement, in its place; False if it was dropped (full)."""
        if node_id not in self._waiting and len(self._waiting) >= self._limit:
            return False
        self._waiting[node_id] = info  # a key already there keeps its place in a dict
        return True

    def take_next(self) -> MqttServiceInfo | None:
        """The announcement of the node waiting longest, which then waits no more."""
        if not self._waiting:
            return None
        return self._waiting.pop(next(iter(self._waiting)))
