"""The node entries Home Assistant has, and the announcement each one keeps."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from ..const import (
    CONF_ANNOUNCEMENT,
    CONF_KIND,
    CONF_NODE_ID,
    CONF_PREFIX,
    CONF_SECRET,
    DOMAIN,
    EntryKind,
)
from ..protocol import (
    NodeAnnouncement,
    ProtocolError,
    RejectionKind,
    TopicKind,
    node_topic,
    parse_announcement,
    readable_text,
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
    refused now, and a name that mixes scripts in a word is kept: an upgrade must not turn
    a working node into one that cannot set up.
    """
    prefix, node_id, stored = (
        entry.data.get(key) for key in (CONF_PREFIX, CONF_NODE_ID, CONF_ANNOUNCEMENT)
    )
    if not isinstance(prefix, str) or not isinstance(node_id, str) or not isinstance(stored, str):
        # A hand edit, or a damaged backup of core.config_entries: KeyError or TypeError.
        raise ProtocolError(
            RejectionKind.WRONG_TYPE, "the entry's prefix, node id or announcement is no text"
        )
    topic = node_topic(prefix, node_id, TopicKind.ANNOUNCE)
    try:
        return parse_announcement(topic, stored, prefix=prefix, stored=True)
    except ProtocolError as err:
        if err.kind is not RejectionKind.INVALID_TEXT:
            raise
    readable = json.dumps(_readable(json.loads(stored)))
    return parse_announcement(topic, readable, prefix=prefix, stored=True)


def stored_secret(entry: ConfigEntry) -> str | None:
    """The node's shared secret; None for a node that does not sign.

    A secret that is no text (a hand edit) is a ProtocolError: taken as none, anyone on the
    broker could speak for a signing node.
    """
    secret = entry.data.get(CONF_SECRET)
    if secret is None or secret == "":
        return None
    if not isinstance(secret, str):
        raise ProtocolError(RejectionKind.WRONG_TYPE, "the entry's secret is no text")
    return secret


def _readable(value: Any) -> Any:
    """Every string in a decoded announcement, without invisible or markup characters."""
    if isinstance(value, str):
        return readable_text(value)
    if isinstance(value, list):
        return [_readable(item) for item in value]
    if isinstance(value, dict):
        return {key: _readable(item) for key, item in value.items()}
    return value
