"""Entity unique ids that one node's announcement would share with another node's.

A unique id joins the node id, the sensor key and the quantity with `_`, which both ids may
hold too: node `shed` announcing sensor `north_dht` names the same entities as node
`shed_north` announcing `dht`. Whichever entry set up first would own them after a restart,
so a node could take over another node's entities (and their history) just by announcing.
"""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant

from ..protocol import NodeAnnouncement, ProtocolError
from .entities import expected_unique_ids
from .entries import node_entries, stored_announcement


def other_nodes(hass: HomeAssistant, entry_id: str | None = None) -> list[NodeAnnouncement]:
    """The stored announcements of every node entry but `entry_id`.

    One that cannot be read (its entry cannot set up either, and says why) is left out:
    it must not stop every other node from being confirmed.
    """
    others: list[NodeAnnouncement] = []
    for entry in node_entries(hass):
        if entry.entry_id == entry_id:
            continue
        try:
            others.append(stored_announcement(entry))
        except ProtocolError:
            continue
    return others


def unique_id_clashes(
    announcement: NodeAnnouncement, others: Iterable[NodeAnnouncement]
) -> set[str]:
    """The unique ids `announcement` calls for that one of `others` calls for already."""
    wanted = expected_unique_ids(announcement.node_id, announcement)
    clashes: set[str] = set()
    for other in others:
        if other.node_id != announcement.node_id:
            clashes |= wanted & expected_unique_ids(other.node_id, other)
    return clashes
