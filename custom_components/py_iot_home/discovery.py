"""Checks on an MQTT node announcement before a discovery flow goes to the user."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from homeassistant.util.hass_dict import HassKey

from .const import CONF_KIND, DOMAIN, LOGGER, MAX_NODES, MAX_PENDING_DISCOVERIES, EntryKind
from .protocol import NodeAnnouncement, ProtocolError, parse_announcement

DISCOVERY_REJECTIONS: HassKey[Counter[str]] = HassKey(f"{DOMAIN}_discovery_rejections")


class DiscoveryRejected(Exception):
    """An announcement that must not reach the user; `reason` is the flow's abort reason."""

    def __init__(self, reason: str) -> None:
        """Keep the abort reason."""
        super().__init__(reason)
        self.reason = reason


def parse_discovery(info: MqttServiceInfo) -> NodeAnnouncement:
    """Parse the announcement; refuse invalid ones."""
    if not info.payload:
        # The node's retained announcement was cleared: nothing to discover.
        raise DiscoveryRejected("node_removed")
    try:
        announcement = parse_announcement(info.topic, info.payload)
    except ProtocolError as err:
        LOGGER.debug("Ignored an invalid node announcement on %s: %s", info.topic, err)
        raise DiscoveryRejected("invalid_discovery_info") from err
    return announcement


def check_capacity(hass: HomeAssistant, flows_in_progress: Iterable[Any]) -> None:
    """Refuse a new node when too many wait for confirmation or are configured."""
    if sum(1 for _ in flows_in_progress) >= MAX_PENDING_DISCOVERIES:
        raise DiscoveryRejected("too_many_pending")
    nodes = [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False)
        if entry.data.get(CONF_KIND) == EntryKind.NODE
    ]
    if len(nodes) >= MAX_NODES:
        raise DiscoveryRejected("too_many_nodes")


def record_discovery_rejection(hass: HomeAssistant, reason: str) -> None:
    """Count a refused discovery, for diagnostics; log the first of each reason."""
    counts = hass.data.setdefault(DISCOVERY_REJECTIONS, Counter())
    if not counts[reason] and reason != "node_removed":
        LOGGER.warning("Refused a node discovery (%s); further ones are only counted", reason)
    counts[reason] += 1
