"""Tells the owner's commands and resend requests from a flood's, before they are queued.

A stranger on an open broker can send the node more messages than its event loop reads; the
queue then drops what comes next, which could be Home Assistant's command. So each message is
checked on arrival (paho's thread), as the agent will check it: those the agent would take go
ahead of the others and are never dropped for the others' sake. What tells them apart is what
a stranger cannot forge: a signed node's secret and counter. For a node without a secret,
anyone may send a valid command; the gate then only keeps junk from crowding the valid ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .config import NodeConfig
from .protocol import (
    MessageVerifier,
    ProtocolError,
    TopicKind,
    node_topic,
    parse_command,
    parse_resend_request,
)

# Well above what Home Assistant sends (a signed command is about 150 bytes): larger ones are
# not parsed on arrival, so a flood of 16 KiB messages costs paho's thread no decoding.
MAX_CHECKED_PAYLOAD_BYTES = 512


class CommandGate:
    """Whether a message is one the agent will obey or answer; one per node, on paho's thread."""

    def __init__(
        self,
        config: NodeConfig,
        *,
        last_seq: int = -1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Check against the node's switches and secret; `last_seq` is the agent's restored one."""
        prefix, node_id = config.mqtt.prefix, config.node_id
        self._prefix = prefix
        self._resend_topic = node_topic(prefix, node_id, TopicKind.RESEND)
        self._command_topics = frozenset(
            node_topic(prefix, node_id, TopicKind.COMMAND, switch.key) for switch in config.switches
        )
        # Its own verifier: the agent's belongs to the agent's thread. It admits each counter
        # once, so a captured command sent again goes with the flood.
        self._verifier = MessageVerifier(config.secret, clock=clock) if config.secret else None
        if self._verifier is not None:
            self._verifier.restore(last_seq)

    def admits(self, topic: str, payload: bytes, *, retained: bool) -> bool:
        """Whether the agent will take this message (a retained one it never does)."""
        if retained or len(payload) > MAX_CHECKED_PAYLOAD_BYTES or not _plain_or_flat(payload):
            return False
        try:
            if topic == self._resend_topic:
                parse_resend_request(topic, payload, prefix=self._prefix, verifier=self._verifier)
            elif topic in self._command_topics:
                parse_command(topic, payload, prefix=self._prefix, verifier=self._verifier)
            else:
                return False
        except ProtocolError:
            return False
        return True


def _plain_or_flat(payload: bytes) -> bool:
    """`ON`/`OFF`, or one JSON object of plain members, as Home Assistant sends them.

    Counted, not parsed: nested JSON, whose decoding costs most, is never Home Assistant's.
    """
    return payload.strip() in (b"ON", b"OFF") or (
        payload.lstrip().startswith(b"{") and payload.count(b"{") == 1 and b"[" not in payload
    )
