"""The node entries Home Assistant has, and the announcement each one keeps."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from ..const import CONF_ANNOUNCEMENT, CONF_KIND, CONF_NODE_ID, CONF_PREFIX, DOMAIN, EntryKind
from ..protocol import NodeAnnouncement, TopicKind, node_topic, parse_announcement


def node_entries(hass: HomeAssistant) -> list[ConfigEntry]:
    """Every configured node's entry (not ignored ones, not boards or predictors)."""
    return [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False)
        if entry.data.get(CONF_KIND) == EntryKind.NODE
    ]


def stored_announcement(entry: ConfigEntry) -> NodeAnnouncement:
    """The announcement confirmed by the user (or the latest one the node sent)."""
    prefix: str = entry.data[CONF_PREFIX]
    topic = node_topic(prefix, entry.data[CONF_NODE_ID], TopicKind.ANNOUNCE)
    return parse_announcement(topic, entry.data[CONF_ANNOUNCEMENT], prefix=prefix)
