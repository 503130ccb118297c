"""MQTT topic layout and payload parsing, validation and signing for py_iot_home nodes.

Pure and stdlib-only: the node agent ships this very file (through a symlink). The wire
format is described in docs/protocol.md; every parse failure is a ProtocolError whose
`kind` says why, so the integration can count rejections per kind.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import itertools
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

PROTOCOL_VERSION: Final = 1
DEFAULT_PREFIX: Final = "py_iot_home"
MAX_PAYLOAD_BYTES: Final = 16 * 1024
MAX_REPLAY_PAYLOAD_BYTES: Final = 256 * 1024
MAX_REPLAY_MESSAGES: Final = 200
MAX_SENSORS: Final = 16
MAX_SWITCHES: Final = 16
MAX_TEXT_LENGTH: Final = 64
MAX_SEQ: Final = 2**63 - 1
MAX_INTERVAL_S: Final = 86_400
MAX_COMMAND_AGE_S: Final = 60.0
# How many disjoint runs of accepted counters a verifier remembers (see MessageVerifier.admit).
MAX_ACCEPTED_RUNS: Final = 64
# Sample times before 2000 or after 2100 are clock faults, not data.
MIN_TS: Final = 946_684_800.0
MAX_TS: Final = 4_102_444_800.0
TEMPERATURE_RANGE: Final = (-100.0, 150.0)
HUMIDITY_RANGE: Final = (0.0, 100.0)

PAYLOAD_ONLINE: Final = "online"
PAYLOAD_OFFLINE: Final = "offline"
PAYLOAD_ON: Final = "ON"
PAYLOAD_OFF: Final = "OFF"

NODE_ID_RE: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
KEY_RE: Final = NODE_ID_RE
PREFIX_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64}){0,3}")
_SIG_RE: Final = re.compile(r"[0-9a-f]{64}")


class RejectionKind(StrEnum):
    """Why a message was rejected."""

    OVERSIZED = "oversized"
    MALFORMED_JSON = "malformed_json"
    WRONG_TYPE = "wrong_type"
    MISSING_FIELD = "missing_field"
    UNKNOWN_VERSION = "unknown_version"
    INVALID_TOPIC = "invalid_topic"
    INVALID_NODE_ID = "invalid_node_id"
    INVALID_KEY = "invalid_key"
    ID_MISMATCH = "id_mismatch"
    DUPLICATE_KEY = "duplicate_key"
    TOO_MANY_ITEMS = "too_many_items"
    OUT_OF_RANGE = "out_of_range"
    MISSING_SIGNATURE = "missing_signature"
    BAD_SIGNATURE = "bad_signature"
    REPLAYED_COUNTER = "replayed_counter"
    STALE = "stale"


class ProtocolError(ValueError):
    """A topic or payload that does not follow the protocol."""

    def __init__(self, kind: RejectionKind, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind


class TopicKind(StrEnum):
    """The last segments of a node topic."""

    ANNOUNCE = "announce"
    AVAILABILITY = "availability"
    STATE = "state"
    REPLAY = "replay"
    RESEND = "resend"
    COMMAND = "command"


class Quantity(StrEnum):
    """What a sensor measures."""

    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"


@dataclass(frozen=True, slots=True)
class NodeTopic:
    """A parsed node topic."""

    node_id: str
    kind: TopicKind
    switch_key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SensorInfo:
    """One announced sensor."""

    key: str
    name: str
    quantities: tuple[Quantity, ...]
    model: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchInfo:
    """One announced switch."""

    key: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeAnnouncement:
    """What a node says about itself (retained on its announce topic)."""

    node_id: str
    name: str
    model: str
    sw_version: str
    sensors: tuple[SensorInfo, ...]
    switches: tuple[SwitchInfo, ...]
    interval_s: float
    dropped: int = 0
    seq: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SensorSample:
    """One sensor's values in a state message; None where the read failed."""

    temperature: float | None = None
    humidity: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StateMessage:
    """A node's sample: sensor values and switch states at `ts` (epoch seconds)."""

    node_id: str
    ts: float
    seq: int
    sensors: Mapping[str, SensorSample] = field(default_factory=dict)
    switches: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchCommand:
    """A request to turn one switch on or off."""

    node_id: str
    switch_key: str
    on: bool
    seq: int | None = None
    ts: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResendRequest:
    """Home Assistant asks a node for the samples it sent after `since` (their `seq`).

    The node answers with replay batches, the last one carrying `ack` = this request's `seq`.
    """

    node_id: str
    since: int
    seq: int
    ts: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayBatch:
    """A parsed replay message: its new entries and, when it answers a resend, the ack."""

    states: list[StateMessage]
    ack: int | None = None


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message ready for `client.publish(topic, payload, qos, retain)`."""

    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = False


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


def canonical_json(message: Mapping[str, object]) -> bytes:
    """Serialise a JSON object the one way signatures are computed over."""
    return json.dumps(
        message, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def signing_input(topic: str, message: Mapping[str, object]) -> bytes:
    """Return the bytes a `sig` covers: topic, newline, canonical JSON without `sig`."""
    unsigned = {name: value for name, value in message.items() if name != "sig"}
    return topic.encode() + b"\n" + canonical_json(unsigned)


def compute_signature(secret: bytes, topic: str, message: Mapping[str, object]) -> str:
    """HMAC-SHA256 of `signing_input`, as 64 lowercase hex digits."""
    return hmac.new(secret, signing_input(topic, message), hashlib.sha256).hexdigest()


def _secret_bytes(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the shared secret must not be empty")
    return key


class MessageSigner:
    """Adds `seq`-carrying messages their `sig` (node side, and Home Assistant for commands)."""

    def __init__(self, secret: str | bytes) -> None:
        self._secret = _secret_bytes(secret)

    def sign(self, topic: str, message: dict[str, object]) -> dict[str, object]:
        """Return `message` with `sig` set for `topic`."""
        signed = {name: value for name, value in message.items() if name != "sig"}
        signed["sig"] = compute_signature(self._secret, topic, signed)
        return signed


class MessageVerifier:
    """Checks signatures and rejects counters already seen, for one peer.

    Commands need a `seq` above the last accepted one. A node's state and replay entries may
    arrive out of order (a resend fills a gap after newer samples arrived), so those are
    admitted once each: above a floor, and not among the runs of counters accepted since.
    The retained announcement may repeat its own `seq` (redelivered on every subscribe).
    """

    def __init__(
        self,
        secret: str | bytes,
        *,
        last_seq: int = -1,
        clock: Callable[[], float] = time.time,
        max_command_age_s: float = MAX_COMMAND_AGE_S,
    ) -> None:
        self._secret = _secret_bytes(secret)
        self.last_seq = last_seq
        self.last_announce_seq = -1
        self._clock = clock
        self._max_command_age_s = max_command_age_s
        self._floor = last_seq
        # Sorted, disjoint, non-adjacent [first, last] runs of admitted counters above the floor.
        self._runs: list[list[int]] = []

    def restore(self, last_seq: int) -> None:
        """Start from a persisted counter: nothing at or below it is admitted again."""
        self.last_seq = max(self.last_seq, last_seq)
        self._floor = max(self._floor, last_seq)
        self._runs = [run for run in self._runs if run[0] > self._floor]

    def admit(self, seq: int) -> bool:
        """Admit a node counter once: False if it was admitted before.

        Raises ProtocolError at or below the floor, which rises as the oldest runs are
        forgotten (at most MAX_ACCEPTED_RUNS are kept, so memory stays bounded).
        """
        if seq <= self._floor:
            raise ProtocolError(
                RejectionKind.REPLAYED_COUNTER, f"seq {seq} not above {self._floor}"
            )
        runs = self._runs
        index = bisect.bisect_right(runs, seq, key=lambda run: run[0])
        before = runs[index - 1] if index else None
        if before is not None and seq <= before[1]:
            return False
        after = runs[index] if index < len(runs) else None
        if before is not None and before[1] + 1 == seq:
            before[1] = seq
            if after is not None and after[0] == seq + 1:
                before[1] = after[1]
                del runs[index]
        elif after is not None and after[0] == seq + 1:
            after[0] = seq
        else:
            runs.insert(index, [seq, seq])
            if len(runs) > MAX_ACCEPTED_RUNS:
                self._floor = runs.pop(0)[1]
        self.last_seq = max(self.last_seq, seq)
        return True

    def check_signature(self, topic: str, message: Mapping[str, object]) -> None:
        """Raise ProtocolError unless `sig` is the right HMAC for `topic` and `message`."""
        sig = message.get("sig")
        if sig is None:
            raise ProtocolError(RejectionKind.MISSING_SIGNATURE, "message is not signed")
        if not isinstance(sig, str) or not _SIG_RE.fullmatch(sig):
            raise ProtocolError(RejectionKind.BAD_SIGNATURE, "sig is not 64 hex digits")
        if not hmac.compare_digest(sig, compute_signature(self._secret, topic, message)):
            raise ProtocolError(RejectionKind.BAD_SIGNATURE, "signature does not match")

    def check_fresh(self, seq: int) -> None:
        """Raise ProtocolError unless `seq` is above the last accepted one."""
        if seq <= self.last_seq:
            raise ProtocolError(
                RejectionKind.REPLAYED_COUNTER, f"seq {seq} not above {self.last_seq}"
            )

    def check_command_time(self, ts: float) -> None:
        """Raise ProtocolError if a command's `ts` is too far from this clock."""
        if abs(self._clock() - ts) > self._max_command_age_s:
            raise ProtocolError(RejectionKind.STALE, "command timestamp outside the window")


def _decode(payload: bytes | bytearray | str, limit: int) -> object:
    raw = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload
    if len(raw) > limit:
        raise ProtocolError(RejectionKind.OVERSIZED, f"{len(raw)} bytes > {limit}")
    try:
        return json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_unique_object,
            parse_constant=_reject_constant,
        )
    except (ValueError, RecursionError) as err:
        # UnicodeDecodeError and JSONDecodeError are ValueErrors; deep nesting recurses.
        raise ProtocolError(RejectionKind.MALFORMED_JSON, str(err)[:120]) from err


def _unique_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member name")
    return result


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _object(value: object, what: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ProtocolError(RejectionKind.WRONG_TYPE, f"{what} must be an object")
    return value


def _field(message: Mapping[str, object], name: str) -> object:
    if name not in message:
        raise ProtocolError(RejectionKind.MISSING_FIELD, f"{name!r} is missing")
    return message[name]


def _check_version(message: Mapping[str, object]) -> None:
    version = _field(message, "v")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProtocolError(RejectionKind.WRONG_TYPE, "v must be an integer")
    if version != PROTOCOL_VERSION:
        raise ProtocolError(RejectionKind.UNKNOWN_VERSION, f"protocol version {version}")


def _text(value: object, what: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    if not isinstance(value, str):
        raise ProtocolError(RejectionKind.WRONG_TYPE, f"{what} must be a string")
    if not 0 < len(value) <= max_length:
        raise ProtocolError(RejectionKind.OUT_OF_RANGE, f"{what} must be 1-{max_length} chars")
    return value


def _number(value: object, what: str, low: float, high: float) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ProtocolError(RejectionKind.WRONG_TYPE, f"{what} must be a number")
    # Compare before converting: float() of a 400-digit JSON integer raises OverflowError.
    if isinstance(value, int) and not low <= value <= high:
        raise ProtocolError(RejectionKind.OUT_OF_RANGE, f"{what} outside [{low}, {high}]")
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise ProtocolError(RejectionKind.OUT_OF_RANGE, f"{what} outside [{low}, {high}]")
    return number


def _seq(value: object, what: str = "seq") -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProtocolError(RejectionKind.WRONG_TYPE, f"{what} must be an integer")
    if not 0 <= value <= MAX_SEQ:
        raise ProtocolError(RejectionKind.OUT_OF_RANGE, f"{what} outside [0, 2**63-1]")
    return value


def _items(value: object, what: str, limit: int) -> list[object]:
    if not isinstance(value, list):
        raise ProtocolError(RejectionKind.WRONG_TYPE, f"{what} must be a list")
    if len(value) > limit:
        raise ProtocolError(RejectionKind.TOO_MANY_ITEMS, f"more than {limit} {what}")
    return value


def _members(value: object, what: str, limit: int) -> dict[str, object]:
    members = _object(value, what)
    if len(members) > limit:
        raise ProtocolError(RejectionKind.TOO_MANY_ITEMS, f"more than {limit} {what}")
    for key in members:
        validate_key(key)
    return members


def _expect_topic(topic: str, prefix: str, kind: TopicKind) -> NodeTopic:
    parsed = parse_topic(topic, prefix=prefix)
    if parsed.kind is not kind:
        raise ProtocolError(RejectionKind.INVALID_TOPIC, f"expected a {kind} topic")
    return parsed


def _unique_keys[T: (SensorInfo, SwitchInfo)](items: Iterable[T], what: str) -> tuple[T, ...]:
    result = tuple(items)
    if len({item.key for item in result}) != len(result):
        raise ProtocolError(RejectionKind.DUPLICATE_KEY, f"duplicate {what} key")
    return result


def _sensor_info(value: object) -> SensorInfo:
    sensor = _object(value, "sensor")
    quantities = _items(_field(sensor, "quantities"), "quantities", len(Quantity) * 4)
    known = {q.value for q in Quantity}
    for quantity in quantities:
        if not isinstance(quantity, str):
            raise ProtocolError(RejectionKind.WRONG_TYPE, "quantities must be strings")
    return SensorInfo(
        key=validate_key(_text(_field(sensor, "key"), "sensor key")),
        name=_text(_field(sensor, "name"), "sensor name"),
        # Quantities added by a newer minor revision are skipped, not rejected.
        quantities=tuple(dict.fromkeys(Quantity(q) for q in quantities if q in known)),
        model=_text(_field(sensor, "model"), "sensor model"),
    )


def _switch_info(value: object) -> SwitchInfo:
    switch = _object(value, "switch")
    return SwitchInfo(
        key=validate_key(_text(_field(switch, "key"), "switch key")),
        name=_text(_field(switch, "name"), "switch name"),
    )


def parse_announcement(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
) -> NodeAnnouncement:
    """Parse and validate a node's retained announcement."""
    node_id = _expect_topic(topic, prefix, TopicKind.ANNOUNCE).node_id
    message = _object(_decode(payload, MAX_PAYLOAD_BYTES), "announcement")
    _check_version(message)
    seq = _seq(message["seq"]) if message.get("seq") is not None else None
    if verifier is not None:
        verifier.check_signature(topic, message)
        if seq is None:
            raise ProtocolError(RejectionKind.MISSING_FIELD, "a signed message needs seq")
        if seq < verifier.last_announce_seq:
            raise ProtocolError(RejectionKind.REPLAYED_COUNTER, "older announcement")
    if _text(_field(message, "id"), "id", 32) != node_id:
        raise ProtocolError(RejectionKind.ID_MISMATCH, "id differs from the topic's node id")
    announcement = NodeAnnouncement(
        node_id=node_id,
        name=_text(_field(message, "name"), "name"),
        model=_text(_field(message, "model"), "model"),
        sw_version=_text(_field(message, "sw_version"), "sw_version", 32),
        sensors=_unique_keys(
            map(_sensor_info, _items(_field(message, "sensors"), "sensors", MAX_SENSORS)),
            "sensor",
        ),
        switches=_unique_keys(
            map(_switch_info, _items(_field(message, "switches"), "switches", MAX_SWITCHES)),
            "switch",
        ),
        interval_s=_number(_field(message, "interval_s"), "interval_s", 1, MAX_INTERVAL_S),
        dropped=_seq(message.get("dropped", 0), "dropped"),
        seq=seq,
    )
    if verifier is not None and seq is not None:
        verifier.last_announce_seq = seq
    return announcement


def _sensor_sample(value: object) -> SensorSample:
    sample = _object(value, "sensor sample")
    temperature = sample.get("temperature")
    humidity = sample.get("humidity")
    return SensorSample(
        temperature=None
        if temperature is None
        else _number(temperature, "temperature", *TEMPERATURE_RANGE),
        humidity=None if humidity is None else _number(humidity, "humidity", *HUMIDITY_RANGE),
    )


def _switch_state(value: object) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError(RejectionKind.WRONG_TYPE, "switch states must be true/false")
    return value


def _state_from_object(
    node_id: str, value: object, signed_topic: str, verifier: MessageVerifier | None
) -> StateMessage:
    message = _object(value, "state")
    _check_version(message)
    seq = _seq(_field(message, "seq"))
    if verifier is not None:
        verifier.check_signature(signed_topic, message)
    sensors = _members(message.get("sensors", {}), "sensors", MAX_SENSORS)
    switches = _members(message.get("switches", {}), "switches", MAX_SWITCHES)
    return StateMessage(
        node_id=node_id,
        ts=_number(_field(message, "ts"), "ts", MIN_TS, MAX_TS),
        seq=seq,
        sensors={key: _sensor_sample(sample) for key, sample in sensors.items()},
        switches={key: _switch_state(state) for key, state in switches.items()},
    )


def parse_state(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
) -> StateMessage:
    """Parse and validate a live state message; with a verifier, check sig and counter."""
    node_id = _expect_topic(topic, prefix, TopicKind.STATE).node_id
    state = _state_from_object(node_id, _decode(payload, MAX_PAYLOAD_BYTES), topic, verifier)
    if verifier is not None and not verifier.admit(state.seq):
        raise ProtocolError(RejectionKind.REPLAYED_COUNTER, f"seq {state.seq} seen before")
    return state


def parse_replay(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
) -> list[StateMessage]:
    """Parse a replay batch and return its new state messages, oldest first."""
    return parse_replay_batch(topic, payload, prefix=prefix, verifier=verifier).states


def parse_replay_batch(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
) -> ReplayBatch:
    """Parse a replay batch of buffered or resent state messages, oldest first.

    Entries must have strictly increasing `seq`. With a verifier each entry's signature is
    checked against the node's state topic, entries admitted before are skipped (QoS 1
    redelivery, a resend overlapping live samples), and a non-empty batch with nothing new is
    a replayed_counter rejection. `ack` names the resend request the batch completes.
    """
    node_id = _expect_topic(topic, prefix, TopicKind.REPLAY).node_id
    message = _object(_decode(payload, MAX_REPLAY_PAYLOAD_BYTES), "replay")
    _check_version(message)
    entries = _items(_field(message, "messages"), "messages", MAX_REPLAY_MESSAGES)
    ack = _seq(message["ack"], "ack") if message.get("ack") is not None else None
    state_topic = node_topic(prefix, node_id, TopicKind.STATE)
    states = [_state_from_object(node_id, entry, state_topic, verifier) for entry in entries]
    if any(later.seq <= earlier.seq for earlier, later in itertools.pairwise(states)):
        raise ProtocolError(RejectionKind.REPLAYED_COUNTER, "seq not increasing in the batch")
    if verifier is None:
        return ReplayBatch(states=states, ack=ack)
    fresh = [state for state in states if verifier.admit(state.seq)]
    if states and not fresh:
        raise ProtocolError(RejectionKind.REPLAYED_COUNTER, "every entry was seen before")
    return ReplayBatch(states=fresh, ack=ack)


def parse_resend_request(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
) -> ResendRequest:
    """Parse Home Assistant's request to resend samples after `since` (signed like commands)."""
    node_id = _expect_topic(topic, prefix, TopicKind.RESEND).node_id
    message = _object(_decode(payload, MAX_PAYLOAD_BYTES), "resend")
    _check_version(message)
    since = _seq(_field(message, "since"), "since")
    seq = _seq(_field(message, "seq"))
    ts = _number(message["ts"], "ts", MIN_TS, MAX_TS) if message.get("ts") is not None else None
    if verifier is not None:
        verifier.check_signature(topic, message)
        if ts is None:
            raise ProtocolError(RejectionKind.MISSING_FIELD, "a signed request needs ts")
        verifier.check_fresh(seq)
        verifier.check_command_time(ts)
        verifier.last_seq = seq
    return ResendRequest(node_id=node_id, since=since, seq=seq, ts=ts)


def parse_availability(
    topic: str, payload: bytes | bytearray | str, *, prefix: str = DEFAULT_PREFIX
) -> tuple[str, bool]:
    """Return (node id, online) from an availability message."""
    node_id = _expect_topic(topic, prefix, TopicKind.AVAILABILITY).node_id
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    if text not in (PAYLOAD_ONLINE, PAYLOAD_OFFLINE):
        raise ProtocolError(RejectionKind.WRONG_TYPE, "availability must be online/offline")
    return node_id, text == PAYLOAD_ONLINE


def parse_command(
    topic: str,
    payload: bytes | bytearray | str,
    *,
    prefix: str = DEFAULT_PREFIX,
    verifier: MessageVerifier | None = None,
) -> SwitchCommand:
    """Parse a switch command: plain `ON`/`OFF`, or JSON (required with a verifier)."""
    parsed = _expect_topic(topic, prefix, TopicKind.COMMAND)
    assert parsed.switch_key is not None
    raw = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload
    if raw.strip() in (b"ON", b"OFF"):
        if verifier is not None:
            raise ProtocolError(RejectionKind.MISSING_SIGNATURE, "plain commands are unsigned")
        return SwitchCommand(
            node_id=parsed.node_id, switch_key=parsed.switch_key, on=raw.strip() == b"ON"
        )
    message = _object(_decode(raw, MAX_PAYLOAD_BYTES), "command")
    _check_version(message)
    state = _field(message, "state")
    if state not in (PAYLOAD_ON, PAYLOAD_OFF):
        raise ProtocolError(RejectionKind.WRONG_TYPE, "state must be ON or OFF")
    seq = _seq(message["seq"]) if message.get("seq") is not None else None
    ts = _number(message["ts"], "ts", MIN_TS, MAX_TS) if message.get("ts") is not None else None
    if verifier is not None:
        verifier.check_signature(topic, message)
        if seq is None or ts is None:
            raise ProtocolError(RejectionKind.MISSING_FIELD, "a signed command needs seq and ts")
        verifier.check_fresh(seq)
        verifier.check_command_time(ts)
        verifier.last_seq = seq
    return SwitchCommand(
        node_id=parsed.node_id, switch_key=parsed.switch_key, on=state == PAYLOAD_ON, seq=seq, ts=ts
    )


def _encode(message: Mapping[str, object]) -> bytes:
    return json.dumps(message, separators=(",", ":"), allow_nan=False).encode()


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
        "sensors": {
            key: {"temperature": sample.temperature, "humidity": sample.humidity}
            for key, sample in state.sensors.items()
        },
        "switches": dict(state.switches),
    }
    return _finish(node_topic(prefix, state.node_id, TopicKind.STATE), message, signer)


def build_replay(
    node_id: str,
    state_payloads: Sequence[bytes],
    *,
    prefix: str = DEFAULT_PREFIX,
    ack: int | None = None,
) -> OutboundMessage:
    """Wrap already built (and signed) state payloads, oldest first, into one replay batch.

    `ack` marks the last batch answering the resend request with that `seq`.
    """
    if len(state_payloads) > MAX_REPLAY_MESSAGES:
        raise ValueError(f"more than {MAX_REPLAY_MESSAGES} messages in one batch")
    payload = b'{"v":%d,"messages":[%b]%b}' % (
        PROTOCOL_VERSION,
        b",".join(state_payloads),
        b"" if ack is None else b',"ack":%d' % ack,
    )
    if len(payload) > MAX_REPLAY_PAYLOAD_BYTES:
        raise ValueError(f"replay batch of {len(payload)} bytes exceeds the limit")
    return OutboundMessage(node_topic(prefix, node_id, TopicKind.REPLAY), payload, qos=1)


def replay_batch_size(state_payloads: Sequence[bytes]) -> int:
    """How many of the leading payloads fit into one replay batch (at least one)."""
    size = len(b'{"v":1,"messages":[],"ack":%d}' % MAX_SEQ)
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
) -> OutboundMessage:
    """Build a switch command: plain `ON`/`OFF`, or signed JSON when `signer` is given."""
    topic = node_topic(prefix, node_id, TopicKind.COMMAND, switch_key)
    state = PAYLOAD_ON if on else PAYLOAD_OFF
    if signer is None:
        return OutboundMessage(topic, state.encode(), qos=1)
    if seq is None or ts is None:
        raise ValueError("a signed command needs seq and ts")
    message: dict[str, object] = {"v": PROTOCOL_VERSION, "state": state, "seq": seq, "ts": ts}
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
