"""The node entries Home Assistant has, and the announcement each one keeps."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from ..const import CONF_ANNOUNCEMENT, CONF_KIND, CONF_NODE_ID, CONF_PREFIX, DOMAIN, EntryKind
from ..protocol import (
    NodeAnnouncement,
    ProtocolError,
    RejectionKind,
    TopicKind,
    node_topic,
    parse_announcement,
    visible_text,
)


def node_entries(hass: HomeAssistant) -> list[ConfigEntry]:
    """Every configured node's entry (not ignored ones, not boards or predictors)."""
    return [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False)
        if entry.data.get(CONF_KIND) == EntryKind.NODE
    ]


def stored_announcement(entry: ConfigEntry) -> NodeAnnouncement:
    """The announcement confirmed by the user (or the latest one the node sent).

    Text stored before a rule for names was tightened is read without the characters
    refused now: an upgrade must not turn a working node into one that cannot set up.
    """
    prefix: str = entry.data[CONF_PREFIX]
    topic = node_topic(prefix, entry.data[CONF_NODE_ID], TopicKind.ANNOUNCE)
    stored: str = entry.data[CONF_ANNOUNCEMENT]
    try:
        return parse_announcement(topic, stored, prefix=prefix)
    except ProtocolError as err:
        if err.kind is not RejectionKind.INVALID_TEXT:
            raise
    return parse_announcement(topic, json.dumps(_visible(json.loads(stored))), prefix=prefix)


def _visible(value: Any) -> Any:
    """Every string in a decoded announcement, without invisible characters."""
    if isinstance(value, str):
        return visible_text(value)
    if isinstance(value, list):
        return [_visible(item) for item in value]
    if isinstance(value, dict):
        return {key: _visible(item) for key, item in value.items()}
    return value
