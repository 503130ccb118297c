"""Parsers of every message kind: validated dataclasses out, ProtocolError otherwise."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable

from .fields import (
    as_object,
    check_version,
    decode,
    items,
    members,
    name,
    number,
    required,
    seq_number,
    text,
)
from .model import (
    DEFAULT_PREFIX,
    MAX_CLOCK_SKEW_S,
    MAX_INTERVAL_S,
    MAX_PAYLOAD_BYTES,
    MAX_REPLAY_MESSAGES,
    MAX_REPLAY_PAYLOAD_BYTES,
    MAX_SENSORS,
    MAX_SWITCHES,
    MAX_TS,
    MIN_TS,
    PAYLOAD_OFF,
    PAYLOAD_OFFLINE,
    PAYLOAD_ON,
    PAYLOAD_ONLINE,
    QUANTITY_RANGES,
    NodeAnnouncement,
    ProtocolError,
    Quantity,
    RejectionKind,
    ReplayBatch,
    ResendRequest,
    SensorInfo,
    SensorSample,
    StateMessage,
    SwitchCommand,
    SwitchInfo,
    TopicKind,
    reads_alike,
)
from .signing import (
    MessageVerifier,
)
from .topics import (
    expect_topic,
    node_topic,
    validate_key,
)


def _rejects_only[**P, R](parser: Callable[P, R]) -> Callable[P, R]:
    """Let nothing but a ProtocolError out of a parser (each step should raise one itself).

    A defect that lets another error through must not crash the node agent or make Home
    Assistant log a hostile payload: it is a malformed message like any other.
    """

    @functools.wraps(parser)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return parser(*args, **kwargs)
        except ProtocolError:
            raise
        except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as err:
            raise ProtocolError(
                RejectionKind.MALFORMED_JSON, f"unexpected {type(err).__name__}"
            ) from err

    return guarded


def _check_not_future(ts: float, now: float | None) -> None:
    if now is not None and ts > now + MAX_CLOCK_SKEW_S:
        raise ProtocolError(
            RejectionKind.FROM_FUTURE,
            f"ts is {ts - now:.0f} s ahead of this clock",
            ahead_s=ts - now,
        )


def _unique_keys[T: (SensorInfo, SwitchInfo)](items: Iterable[T], what: str) -> tuple[T, ...]:
    result = tuple(items)
    if len({item.key for item in result}) != len(result):
        raise ProtocolError(RejectionKind.DUPLICATE_KEY, f"duplicate {what} key")
    # Two LEDs (or sensors) of one name are two entities of one name: neither lists, history
    # nor Assist tell them apart. The agent refuses such settings; this is anyone else's.
    if any(reads_alike(one.name, other.name) for one, other in itertools.combinations(result, 2)):
        raise ProtocolError(RejectionKind.DUPLICATE_KEY, f"duplicate {what} name")
    return result


def _name(value: object, what: str, stored: bool) -> str:
    # A name confirmed before the script rule is kept: dropping letters would change it.
    return text(value, what) if stored else name(value, what)


def _sensor_info(value: object, stored: bool) -> SensorInfo:
    sensor = as_object(value, "sensor")
    quantities = items(required(sensor, "quantities"), "quantities", len(Quantity) * 4)
    known = {q.value for q in Quantity}
    for quantity in quantities:
        if not isinstance(quantity, str):
            raise ProtocolError(RejectionKind.WRONG_TYPE, "quantities must be strings")
    return SensorInfo(
        key=validate_key(text(required(sensor, "key"), "sensor key")),
        name=_name(required(sensor, "name"), "sensor name", stored),
        # Quantities added by a newer minor revision are skipped, not rejected.
        quantities=tuple(dict.fromkeys(Quantity(q) for q in quantities if q in known)),
        model=text(required(sensor, "model"), "sensor model"),
    )


def _switch_info(value: object, stored: bool) -> SwitchInfo:
    switch = as_object(value, "switch")
    return SwitchInfo(
        key=validate_key(text(required(switch, "key"), "switch key")),
        name=_name(required(switch, "name"), "switch name", stored),
    )


@_rejects_only
def parse_announcement(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
    stored: bool = False,
) -> NodeAnnouncement:
    """Parse and validate a node's retained announcement.

    `stored`: one a config entry kept, confirmed before names had to keep to one script a word.
    """
    node_id = expect_topic(topic, prefix, TopicKind.ANNOUNCE).node_id
    message = as_object(decode(payload, MAX_PAYLOAD_BYTES), "announcement")
    check_version(message)
    seq = seq_number(message["seq"]) if message.get("seq") is not None else None
    if verifier is not None:
        verifier.check_signature(topic, message)
        if seq is None:
            raise ProtocolError(RejectionKind.MISSING_FIELD, "a signed message needs seq")
        if seq < verifier.last_announce_seq:
            raise ProtocolError(RejectionKind.REPLAYED_COUNTER, "older announcement")
    if text(required(message, "id"), "id", 32) != node_id:
        raise ProtocolError(RejectionKind.ID_MISMATCH, "id differs from the topic's node id")
    announcement = NodeAnnouncement(
        node_id=node_id,
        name=_name(required(message, "name"), "name", stored),
        model=text(required(message, "model"), "model"),
        sw_version=text(required(message, "sw_version"), "sw_version", 32),
        sensors=_unique_keys(
            (
                _sensor_info(sensor, stored)
                for sensor in items(required(message, "sensors"), "sensors", MAX_SENSORS)
            ),
            "sensor",
        ),
        switches=_unique_keys(
            (
                _switch_info(switch, stored)
                for switch in items(required(message, "switches"), "switches", MAX_SWITCHES)
            ),
            "switch",
        ),
        interval_s=number(required(message, "interval_s"), "interval_s", 1, MAX_INTERVAL_S),
        dropped=seq_number(message.get("dropped", 0), "dropped"),
        seq=seq,
        manufacturer=text(message["manufacturer"], "manufacturer")
        if "manufacturer" in message
        else None,
    )
    if verifier is not None and seq is not None:
        verifier.last_announce_seq = seq
    return announcement


def _sensor_sample(value: object) -> SensorSample:
    sample = as_object(value, "sensor sample")
    values = {
        quantity.value: None
        if (raw := sample.get(quantity)) is None
        else number(raw, quantity, *low_high)
        for quantity, low_high in QUANTITY_RANGES.items()
    }
    return SensorSample(**values)


def _switch_state(value: object) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError(RejectionKind.WRONG_TYPE, "switch states must be true/false")
    return value


def _state_from_object(
    node_id: str, value: object, signed_topic: str, verifier: MessageVerifier | None
) -> StateMessage:
    message = as_object(value, "state")
    check_version(message)
    seq = seq_number(required(message, "seq"))
    if verifier is not None:
        verifier.check_signature(signed_topic, message)
    sensors = members(message.get("sensors", {}), "sensors", MAX_SENSORS)
    switches = members(message.get("switches", {}), "switches", MAX_SWITCHES)
    return StateMessage(
        node_id=node_id,
        ts=number(required(message, "ts"), "ts", MIN_TS, MAX_TS),
        seq=seq,
        sensors={key: _sensor_sample(sample) for key, sample in sensors.items()},
        switches={key: _switch_state(state) for key, state in switches.items()},
    )


@_rejects_only
def parse_state(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
    now: float | None = None,
) -> StateMessage:
    """Parse and validate a live state message; with a verifier, check sig and counter.

    With `now` (the receiver's clock), a `ts` more than MAX_CLOCK_SKEW_S ahead is from_future.
    """
    node_id = expect_topic(topic, prefix, TopicKind.STATE).node_id
    state = _state_from_object(node_id, decode(payload, MAX_PAYLOAD_BYTES), topic, verifier)
    _check_not_future(state.ts, now)
    if verifier is not None and not verifier.admit(state.seq):
        raise ProtocolError(RejectionKind.REPLAYED_COUNTER, f"seq {state.seq} seen before")
    return state


def parse_replay(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
    now: float | None = None,
) -> list[StateMessage]:
    """Parse a replay batch and return its new state messages, oldest first."""
    return parse_replay_batch(topic, payload, prefix=prefix, verifier=verifier, now=now).states


@_rejects_only
def parse_replay_batch(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
    now: float | None = None,
) -> ReplayBatch:
    """Parse a replay batch of buffered or resent state messages, oldest first.

    Entries must have strictly increasing `seq`. With a verifier each entry's signature is
    checked against the node's state topic, entries admitted before (or at or below the
    verifier's floor) are skipped (QoS 1 redelivery, a resend overlapping live samples), and
    a non-empty batch with nothing new and no `ack` is a replayed_counter rejection. `ack`
    names the resend request the batch completes; such a batch is never refused for old
    entries, or the request would stay owed; `first` beside it is the oldest `seq` the
    answer resent. With a verifier, `ack` and `first` count only when the envelope's `sig`
    (over everything but the entries) is right; otherwise they are dropped and the reason
    is in `refused_ack`. With `now`, entries whose `ts` lies more than MAX_CLOCK_SKEW_S
    ahead are skipped and listed in `future_seqs`.
    """
    node_id = expect_topic(topic, prefix, TopicKind.REPLAY).node_id
    message = as_object(decode(payload, MAX_REPLAY_PAYLOAD_BYTES), "replay")
    check_version(message)
    entries = items(required(message, "messages"), "messages", MAX_REPLAY_MESSAGES)
    ack = seq_number(message["ack"], "ack") if message.get("ack") is not None else None
    first = seq_number(message["first"], "first") if message.get("first") is not None else None
    refused_ack = None
    if verifier is not None and ack is not None:
        envelope = {name: value for name, value in message.items() if name != "messages"}
        try:
            verifier.check_signature(topic, envelope)
        except ProtocolError as err:
            # The request stays owed: asked again, not settled by whoever sent this.
            ack = first = None
            refused_ack = ProtocolError(err.kind, f"its ack is refused ({err}), its entries kept")
    state_topic = node_topic(prefix, node_id, TopicKind.STATE)
    states = [_state_from_object(node_id, entry, state_topic, verifier) for entry in entries]
    if any(later.seq <= earlier.seq for earlier, later in itertools.pairwise(states)):
        raise ProtocolError(RejectionKind.REPLAYED_COUNTER, "seq not increasing in the batch")
    latest = None if now is None else now + MAX_CLOCK_SKEW_S
    timely = [state for state in states if latest is None or state.ts <= latest]
    future = tuple(state.seq for state in states if latest is not None and state.ts > latest)
    if verifier is None:
        return ReplayBatch(states=timely, ack=ack, first=first, future_seqs=future)
    fresh = [state for state in timely if verifier.admit_or_skip(state.seq)]
    if timely and not fresh and ack is None:
        raise ProtocolError(RejectionKind.REPLAYED_COUNTER, "every entry was seen before")
    return ReplayBatch(
        states=fresh, ack=ack, first=first, future_seqs=future, refused_ack=refused_ack
    )


@_rejects_only
def parse_resend_request(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
) -> ResendRequest:
    """Parse Home Assistant's request to resend samples after `since` (signed like commands)."""
    node_id = expect_topic(topic, prefix, TopicKind.RESEND).node_id
    message = as_object(decode(payload, MAX_PAYLOAD_BYTES), "resend")
    check_version(message)
    since = seq_number(required(message, "since"), "since")
    seq = seq_number(required(message, "seq"))
    ts = number(message["ts"], "ts", MIN_TS, MAX_TS) if message.get("ts") is not None else None
    if verifier is not None:
        verifier.check_signature(topic, message)
        if ts is None:
            raise ProtocolError(RejectionKind.MISSING_FIELD, "a signed request needs ts")
        verifier.check_fresh(seq)
        verifier.check_command_time(ts)
        verifier.last_seq = seq
    return ResendRequest(node_id=node_id, since=since, seq=seq, ts=ts)


@_rejects_only
def parse_availability(
    topic: str, payload: bytes | bytearray | str, *, prefix: str = DEFAULT_PREFIX
) -> tuple[str, bool]:
    """Return (node id, online) from an availability message."""
    node_id = expect_topic(topic, prefix, TopicKind.AVAILABILITY).node_id
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    if text not in (PAYLOAD_ONLINE, PAYLOAD_OFFLINE):
        raise ProtocolError(RejectionKind.WRONG_TYPE, "availability must be online/offline")
    return node_id, text == PAYLOAD_ONLINE


@_rejects_only
def parse_command(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
) -> SwitchCommand:
    """Parse a switch command: plain `ON`/`OFF`, or JSON (required with a verifier)."""
    parsed = expect_topic(topic, prefix, TopicKind.COMMAND)
    assert parsed.switch_key is not None
    raw = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload
    if raw.strip() in (b"ON", b"OFF"):
        if verifier is not None:
            raise ProtocolError(RejectionKind.MISSING_SIGNATURE, "plain commands are unsigned")
        return SwitchCommand(
            node_id=parsed.node_id, switch_key=parsed.switch_key, on=raw.strip() == b"ON"
        )
    message = as_object(decode(raw, MAX_PAYLOAD_BYTES), "command")
    check_version(message)
    state = required(message, "state")
    if state not in (PAYLOAD_ON, PAYLOAD_OFF):
        raise ProtocolError(RejectionKind.WRONG_TYPE, "state must be ON or OFF")
    seq = seq_number(message["seq"]) if message.get("seq") is not None else None
    ts = number(message["ts"], "ts", MIN_TS, MAX_TS) if message.get("ts") is not None else None
    until = number(message["until"], "until", MIN_TS, MAX_TS) if "until" in message else None
    if verifier is not None:
        verifier.check_signature(topic, message)
        if seq is None or ts is None:
            raise ProtocolError(RejectionKind.MISSING_FIELD, "a signed command needs seq and ts")
        verifier.check_fresh(seq)
        verifier.check_command_time(ts)
        verifier.last_seq = seq
    return SwitchCommand(
        node_id=parsed.node_id,
        switch_key=parsed.switch_key,
        on=state == PAYLOAD_ON,
        seq=seq,
        ts=ts,
        until=until,
    )


def is_signed(payload: bytes | bytearray | str) -> bool:
    """Whether a payload is a JSON object carrying a `sig` member (valid or not)."""
    try:
        message = decode(payload, MAX_REPLAY_PAYLOAD_BYTES)
    except ProtocolError:
        return False
    return isinstance(message, dict) and "sig" in message
