"""Builders of every message kind: topic, payload bytes, QoS and retain flag."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from .model import (
    DEFAULT_PREFIX,
    MAX_PAYLOAD_BYTES,
    MAX_REPLAY_MESSAGES,
    MAX_REPLAY_PAYLOAD_BYTES,
    MAX_SEQ,
    PAYLOAD_OFF,
    PAYLOAD_OFFLINE,
    PAYLOAD_ON,
    PAYLOAD_ONLINE,
    PROTOCOL_VERSION,
    NodeAnnouncement,
    OutboundMessage,
    SensorSample,
    StateMessage,
    TopicKind,
)
from .signing import (
    MessageSigner,
)
from .topics import (
    node_topic,
)


def _encode(message: Mapping[str, object]) -> bytes:
    # UTF-8 as is: escaped, a name in emoji or CJK takes three to six times the bytes, and
    # an announcement that fit as a node sent it would not as Home Assistant keeps it.
    return json.dumps(message, separators=(",", ":"), allow_nan=False, ensure_ascii=False).encode()


def _finish(
    topic: str,
    message: dict[str, object],
    signer: MessageSigner | None,
    *,
    retain: bool = False,
) -> OutboundMessage:
    if signer is not None:
        message = signer.sign(topic, message)
    payload = _encode(message)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"message of {len(payload)} bytes exceeds {MAX_PAYLOAD_BYTES}")
    return OutboundMessage(topic, payload, qos=1, retain=retain)


def build_announcement(
    announcement: NodeAnnouncement,
    *,
    prefix: str = DEFAULT_PREFIX,
    signer: MessageSigner | None = None,
) -> OutboundMessage:
    """Build the retained announce message for `announcement`."""
    message: dict[str, object] = {
        "v": PROTOCOL_VERSION,
        "id": announcement.node_id,
        "name": announcement.name,
        "model": announcement.model,
        "sw_version": announcement.sw_version,
        "sensors": [
            {
                "key": sensor.key,
                "name": sensor.name,
                "quantities": [str(quantity) for quantity in sensor.quantities],
                "model": sensor.model,
            }
            for sensor in announcement.sensors
        ],
        "switches": [{"key": switch.key, "name": switch.name} for switch in announcement.switches],
        "interval_s": announcement.interval_s,
        "dropped": announcement.dropped,
    }
    if announcement.manufacturer is not None:
        message["manufacturer"] = announcement.manufacturer
    if announcement.seq is not None:
        message["seq"] = announcement.seq
    topic = node_topic(prefix, announcement.node_id, TopicKind.ANNOUNCE)
    return _finish(topic, message, signer, retain=True)


def build_state(
    state: StateMessage, *, prefix: str = DEFAULT_PREFIX, signer: MessageSigner | None = None
) -> OutboundMessage:
    """Build the state message of one sample (a replay batch carries the same payloads)."""
    message: dict[str, object] = {
        "v": PROTOCOL_VERSION,
        "ts": state.ts,
        "seq": state.seq,
        "sensors": {key: _sample(sample) for key, sample in state.sensors.items()},
        "switches": dict(state.switches),
    }
    return _finish(node_topic(prefix, state.node_id, TopicKind.STATE), message, signer)


def restamp_state(
    payload: bytes, ts: float, *, topic: str, signer: MessageSigner | None = None
) -> bytes:
    """Return a state payload built by `build_state` with another `ts`, signed again.

    For a node that learnt its clock was wrong when it took the sample; `seq` stays.
    """
    message: dict[str, object] = json.loads(payload)
    message["ts"] = ts
    return _finish(topic, message, signer).payload


def _sample(sample: SensorSample) -> dict[str, float | None]:
    values = {"temperature": sample.temperature, "humidity": sample.humidity}
    # Only meters send power, so a climate sensor's message stays as version 1 began.
    if sample.power is not None:
        values["power"] = sample.power
    return values


def build_replay(
    node_id: str,
    state_payloads: Sequence[bytes],
    *,
    prefix: str = DEFAULT_PREFIX,
    ack: int | None = None,
    first: int | None = None,
    signer: MessageSigner | None = None,
) -> OutboundMessage:
    """Wrap already built (and signed) state payloads, oldest first, into one replay batch.

    `ack` marks the last batch answering the resend request with that `seq`; `first`, the
    oldest `seq` the whole answer resent, lets the receiver tell a lost batch of the answer
    from samples the node no longer had. With a signer, `sig` covers the envelope without
    its entries (they carry their own): a stranger cannot settle a request with a forged ack.
    """
    if len(state_payloads) > MAX_REPLAY_MESSAGES:
        raise ValueError(f"more than {MAX_REPLAY_MESSAGES} messages in one batch")
    topic = node_topic(prefix, node_id, TopicKind.REPLAY)
    envelope: dict[str, object] = {"v": PROTOCOL_VERSION}
    if ack is not None:
        envelope["ack"] = ack
    if first is not None:
        envelope["first"] = first
    if signer is not None and ack is not None:
        envelope = signer.sign(topic, envelope)
    closing = json.dumps(envelope, separators=(",", ":")).encode()[1:]
    payload = b'{"messages":[%b],%b' % (b",".join(state_payloads), closing)
    if len(payload) > MAX_REPLAY_PAYLOAD_BYTES:
        raise ValueError(f"replay batch of {len(payload)} bytes exceeds the limit")
    return OutboundMessage(topic, payload, qos=1)


def replay_batch_size(state_payloads: Sequence[bytes]) -> int:
    """How many of the leading payloads fit into one replay batch (at least one)."""
    size = len(
        b'{"messages":[],"v":1,"ack":%d,"first":%d,"sig":"%b"}' % (MAX_SEQ, MAX_SEQ, b"0" * 64)
    )
    for count, payload in enumerate(state_payloads[:MAX_REPLAY_MESSAGES]):
        size += len(payload) + 1
        if size > MAX_REPLAY_PAYLOAD_BYTES:
            return max(count, 1)
    return min(len(state_payloads), MAX_REPLAY_MESSAGES)


def build_availability(
    node_id: str, online: bool, *, prefix: str = DEFAULT_PREFIX
) -> OutboundMessage:
    """Build the retained availability message (offline doubles as the last will)."""
    payload = PAYLOAD_ONLINE if online else PAYLOAD_OFFLINE
    topic = node_topic(prefix, node_id, TopicKind.AVAILABILITY)
    return OutboundMessage(topic, payload.encode(), qos=1, retain=True)


def build_command(
    node_id: str,
    switch_key: str,
    on: bool,
    *,
    prefix: str = DEFAULT_PREFIX,
    signer: MessageSigner | None = None,
    seq: int | None = None,
    ts: float | None = None,
    until: float | None = None,
) -> OutboundMessage:
    """Build a switch command: plain `ON`/`OFF`, or JSON when signed or given `until`.

    `until` is a time on the node's own clock after which it must not obey the command.
    """
    topic = node_topic(prefix, node_id, TopicKind.COMMAND, switch_key)
    state = PAYLOAD_ON if on else PAYLOAD_OFF
    if signer is None and until is None:
        return OutboundMessage(topic, state.encode(), qos=1)
    message: dict[str, object] = {"v": PROTOCOL_VERSION, "state": state}
    if signer is not None:
        if seq is None or ts is None:
            raise ValueError("a signed command needs seq and ts")
        message |= {"seq": seq, "ts": ts}
    if until is not None:
        message["until"] = until
    return _finish(topic, message, signer)


def build_resend_request(
    node_id: str,
    since: int,
    *,
    seq: int,
    prefix: str = DEFAULT_PREFIX,
    signer: MessageSigner | None = None,
    ts: float | None = None,
) -> OutboundMessage:
    """Ask a node to resend the samples after `since`; signed (with `ts`) like a command."""
    message: dict[str, object] = {"v": PROTOCOL_VERSION, "since": since, "seq": seq}
    if signer is not None:
        if ts is None:
            raise ValueError("a signed request needs ts")
        message["ts"] = ts
    return _finish(node_topic(prefix, node_id, TopicKind.RESEND), message, signer)
