"""Topic layout: building, validating and parsing the topics of a node."""

from __future__ import annotations

from typing import Final

from .model import (
    DEFAULT_PREFIX,
    KEY_RE,
    NODE_ID_RE,
    PREFIX_RE,
    NodeTopic,
    ProtocolError,
    RejectionKind,
    TopicKind,
)


def validate_prefix(prefix: str) -> str:
    """Return `prefix` if it is 1-4 plain topic levels, else raise ProtocolError."""
    if not PREFIX_RE.fullmatch(prefix):
        raise ProtocolError(RejectionKind.INVALID_TOPIC, f"bad topic prefix {prefix!r}")
    return prefix


def validate_node_id(node_id: str) -> str:
    """Return `node_id` if it matches NODE_ID_RE, else raise ProtocolError."""
    if not NODE_ID_RE.fullmatch(node_id):
        raise ProtocolError(RejectionKind.INVALID_NODE_ID, f"bad node id {node_id[:40]!r}")
    return node_id


def validate_key(key: str) -> str:
    """Return a sensor or switch key if it matches KEY_RE, else raise ProtocolError."""
    if not KEY_RE.fullmatch(key):
        raise ProtocolError(RejectionKind.INVALID_KEY, f"bad key {key[:40]!r}")
    return key


def node_topic(prefix: str, node_id: str, kind: TopicKind, switch_key: str | None = None) -> str:
    """Build the topic of one kind for one node."""
    if kind is TopicKind.COMMAND:
        if switch_key is None:
            raise ValueError("a command topic needs a switch key")
        return f"{prefix}/{node_id}/switch/{switch_key}/set"
    return f"{prefix}/{node_id}/{kind}"


def announce_subscription(prefix: str = DEFAULT_PREFIX) -> str:
    """Return the wildcard that matches every node's announce topic."""
    return f"{prefix}/+/announce"


def command_subscription(prefix: str, node_id: str) -> str:
    """Return the wildcard a node subscribes to for all of its switch commands."""
    return f"{prefix}/{node_id}/switch/+/set"


def parse_topic(topic: str, *, prefix: str = DEFAULT_PREFIX) -> NodeTopic:
    """Split a node topic into node id, kind and switch key."""
    if not topic.startswith(prefix + "/"):
        raise ProtocolError(RejectionKind.INVALID_TOPIC, f"not under {prefix!r}: {topic[:80]!r}")
    parts = topic[len(prefix) + 1 :].split("/")
    node_id = validate_node_id(parts[0])
    if len(parts) == 2 and parts[1] in _SIMPLE_KINDS:
        return NodeTopic(node_id, TopicKind(parts[1]))
    if len(parts) == 4 and parts[1] == "switch" and parts[3] == "set":
        return NodeTopic(node_id, TopicKind.COMMAND, validate_key(parts[2]))
    raise ProtocolError(RejectionKind.INVALID_TOPIC, f"unknown topic {topic[:80]!r}")


_SIMPLE_KINDS: Final = frozenset(k.value for k in TopicKind if k is not TopicKind.COMMAND)


def node_id_from_topic(topic: str, *, prefix: str = DEFAULT_PREFIX) -> str:
    """Return the node id in any of a node's topics."""
    return parse_topic(topic, prefix=prefix).node_id


def expect_topic(topic: str, prefix: str, kind: TopicKind) -> NodeTopic:
    """Parse `topic` and require it to be of `kind`."""
    parsed = parse_topic(topic, prefix=prefix)
    if parsed.kind is not kind:
        raise ProtocolError(RejectionKind.INVALID_TOPIC, f"expected a {kind} topic")
    return parsed
