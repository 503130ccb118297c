"""What a node's entities show, and the count of what was dropped from it and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ..const import LOGGER
from ..protocol import NodeAnnouncement, ProtocolError, SensorSample


class RefusalKind(StrEnum):
    """Why Home Assistant dropped a message the protocol itself accepts."""

    RETAINED = "retained"
    HARDWARE_CHANGE_RATIONED = "hardware_change_rationed"
    LIVE_RATIONED = "live_rationed"
    UNIQUE_ID_CLASH = "unique_id_clash"


@dataclass(frozen=True, kw_only=True)
class NodeState:
    """What a node's entities show."""

    announcement: NodeAnnouncement
    online: bool = False
    sensors: Mapping[str, SensorSample] = field(default_factory=dict)
    switches: Mapping[str, bool] = field(default_factory=dict)
    sampled_at: datetime | None = None
    # Online, but no sample for longer than its interval explains (nodes.silence).
    readings_stale: bool = False
    # Home Assistant's own link to the broker: without it nothing is known of the node.
    broker_connected: bool = True
    # Just set up: the node was asked for its switch states (coordinator.SWITCH_STATES_WAIT_S).
    awaiting_switches: bool = False
    # Its availability (or a state) was heard since set-up or since the broker came back.
    availability_known: bool = False


class RejectionLog:
    """Counts rejected messages by kind; logs each kind once per node."""

    def __init__(self, node_id: str) -> None:
        """Start with nothing rejected."""
        self._node_id = node_id
        self.counts: Counter[str] = Counter()

    def record(self, topic: str, err: ProtocolError, count: int = 1) -> None:
        """Count `count` rejections of one kind, logging the first of their kind."""
        self.refuse(topic, err.kind, err, count)

    def refuse(self, topic: str, kind: str, reason: object, count: int = 1) -> None:
        """Count `count` refused messages of `kind`, logging the first of their kind."""
        if not self.counts[kind]:
            LOGGER.warning(
                "Dropped a message from node %s on %s (%s); further ones of this kind are "
                "only counted (see diagnostics)",
                self._node_id,
                topic,
                reason,
            )
        self.counts[kind] += count
