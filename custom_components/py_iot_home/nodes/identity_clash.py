"""Entity unique ids that one node's announcement would share with another node's.

A unique id joins the node id, the sensor key and the quantity with `_`, which both ids may
hold too: node `shed` announcing sensor `north_dht` names the same entities as node
`shed_north` announcing `dht`. Whichever entry set up first would own them after a restart,
so a node could take over another node's entities (and their history) just by announcing.
"""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from ..const import CONF_ANNOUNCEMENT, CONF_KIND, CONF_NODE_ID, CONF_PREFIX, DOMAIN, EntryKind
from ..protocol import NodeAnnouncement, TopicKind, node_topic, parse_announcement
from .entities import expected_unique_ids


def stored_announcement(entry: ConfigEntry) -> NodeAnnouncement:
    """The announcement confirmed by the user (or the latest one the node sent)."""
    prefix: str = entry.data[CONF_PREFIX]
    topic = node_topic(prefix, entry.data[CONF_NODE_ID], TopicKind.ANNOUNCE)
    return parse_announcement(topic, entry.data[CONF_ANNOUNCEMENT], prefix=prefix)


def other_nodes(hass: HomeAssistant, entry_id: str | None = None) -> list[NodeAnnouncement]:
    """The stored announcements of every node entry but `entry_id`."""
    return [
        stored_announcement(entry)
        for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False)
        if entry.entry_id != entry_id and entry.data.get(CONF_KIND) == EntryKind.NODE
    ]


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
