"""Tests of the MQTT topic layout, payload parsing, builders and signing."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.py_iot_home import protocol
from custom_components.py_iot_home.protocol import (
    MAX_INTERVAL_S,
    MAX_PAYLOAD_BYTES,
    MAX_REPLAY_MESSAGES,
    MAX_REPLAY_PAYLOAD_BYTES,
    MAX_SENSORS,
    MAX_SEQ,
    MAX_SWITCHES,
    MAX_TEXT_LENGTH,
    MessageSigner,
    MessageVerifier,
    NodeAnnouncement,
    NodeTopic,
    ProtocolError,
    Quantity,
    RejectionKind,
    SensorInfo,
    SensorSample,
    StateMessage,
    SwitchInfo,
    TopicKind,
    build_announcement,
    build_availability,
    build_command,
    build_replay,
    build_state,
    parse_announcement,
    parse_availability,
    parse_command,
    parse_replay,
    parse_state,
)

PREFIX = "py_iot_home"
ANNOUNCE = "py_iot_home/kitchen/announce"
STATE = "py_iot_home/kitchen/state"
REPLAY = "py_iot_home/kitchen/replay"
COMMAND = "py_iot_home/kitchen/switch/led/set"
SECRET = "correct horse battery staple"
TS = 1_790_000_000.5


def announcement_dict(**changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "v": 1,
        "id": "kitchen",
        "name": "Kitchen Pi",
        "model": "Raspberry Pi 4",
        "sw_version": "0.1.0",
        "sensors": [
            {
                "key": "climate",
                "name": "Climate",
                "quantities": ["temperature", "humidity"],
                "model": "DHT22",
            }
        ],
        "switches": [{"key": "led", "name": "Desk LED"}],
        "interval_s": 30,
    }
    message.update(changes)
    return message


def state_dict(**changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "v": 1,
        "ts": TS,
        "seq": 7,
        "sensors": {"climate": {"temperature": 21.5, "humidity": 40.25}},
        "switches": {"led": True},
    }
    message.update(changes)
    return message


def encode(message: object) -> bytes:
    return json.dumps(message).encode()


def rejection(kind: RejectionKind, call: Callable[[], object]) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        call()
    assert info.value.kind is kind, str(info.value)
    return info.value


def sample_state(seq: int, *, led: bool = False, ts: float = TS) -> StateMessage:
    return StateMessage(
        node_id="kitchen",
        ts=ts,
        seq=seq,
        sensors={"climate": SensorSample(temperature=20.0 + seq / 10, humidity=None)},
        switches={"led": led},
    )


# Topics


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        (ANNOUNCE, NodeTopic("kitchen", TopicKind.ANNOUNCE)),
        ("py_iot_home/kitchen/availability", NodeTopic("kitchen", TopicKind.AVAILABILITY)),
        (STATE, NodeTopic("kitchen", TopicKind.STATE)),
        (REPLAY, NodeTopic("kitchen", TopicKind.REPLAY)),
        (COMMAND, NodeTopic("kitchen", TopicKind.COMMAND, "led")),
    ],
)
def test_parse_topic_round_trips_node_topic(topic: str, expected: NodeTopic) -> None:
    assert protocol.parse_topic(topic) == expected
    built = protocol.node_topic(PREFIX, expected.node_id, expected.kind, expected.switch_key)
    assert built == topic
    assert protocol.node_id_from_topic(topic) == "kitchen"


@pytest.mark.parametrize(
    ("topic", "kind"),
    [
        ("other/kitchen/state", RejectionKind.INVALID_TOPIC),
        ("py_iot_home/kitchen/weather", RejectionKind.INVALID_TOPIC),
        ("py_iot_home/kitchen", RejectionKind.INVALID_TOPIC),
        ("py_iot_home/kitchen/switch/led/get", RejectionKind.INVALID_TOPIC),
        ("py_iot_home/kitchen/state/extra", RejectionKind.INVALID_TOPIC),
        ("py_iot_home/Kitchen/state", RejectionKind.INVALID_NODE_ID),
        ("py_iot_home/-kitchen/state", RejectionKind.INVALID_NODE_ID),
        ("py_iot_home/" + "a" * 33 + "/state", RejectionKind.INVALID_NODE_ID),
        ("py_iot_home//state", RejectionKind.INVALID_NODE_ID),
        ("py_iot_home/kitchen/switch/LED 1/set", RejectionKind.INVALID_KEY),
    ],
)
def test_parse_topic_rejects(topic: str, kind: RejectionKind) -> None:
    rejection(kind, lambda: protocol.parse_topic(topic))


def test_custom_prefix_with_levels() -> None:
    assert protocol.validate_prefix("home/pi_nodes") == "home/pi_nodes"
    assert protocol.parse_topic("home/pi_nodes/n1/state", prefix="home/pi_nodes").node_id == "n1"
    rejection(RejectionKind.INVALID_TOPIC, lambda: protocol.validate_prefix("home/+"))
    rejection(RejectionKind.INVALID_TOPIC, lambda: protocol.validate_prefix(""))


def test_subscriptions() -> None:
    assert protocol.announce_subscription() == "py_iot_home/+/announce"
    assert protocol.command_subscription("p", "n1") == "p/n1/switch/+/set"
    with pytest.raises(ValueError, match="switch key"):
        protocol.node_topic(PREFIX, "kitchen", TopicKind.COMMAND)


# Announcements


def test_announcement_round_trip() -> None:
    announcement = NodeAnnouncement(
        node_id="kitchen",
        name="Kitchen Pi",
        model="Raspberry Pi 4",
        sw_version="0.1.0",
        sensors=(
            SensorInfo(
                key="climate",
                name="Climate",
                quantities=(Quantity.TEMPERATURE, Quantity.HUMIDITY),
                model="DHT22",
            ),
        ),
        switches=(SwitchInfo(key="led", name="Desk LED"),),
        interval_s=30.0,
        dropped=3,
    )
    message = build_announcement(announcement)
    assert message.topic == ANNOUNCE
    assert message.retain
    assert message.qos == 1
    assert parse_announcement(message.topic, message.payload) == announcement
    # Older nodes leave the maker out; a node that knows it says so.
    assert b"manufacturer" not in message.payload
    made = replace(announcement, manufacturer="Simulated")
    assert parse_announcement(ANNOUNCE, build_announcement(made).payload) == made


@pytest.mark.parametrize("char", ["\U0001f600", "\u53f0", "e"], ids=["emoji", "cjk", "ascii"])
def test_the_largest_announcement_accepted_is_kept_within_the_limit(char: str) -> None:
    """Every text at its longest, in 4-, 3- or 1-byte characters: what Home Assistant keeps
    of it (rebuilt) fits a message too; escaped, the emoji one took 40 kB (a review's find)."""
    longest = char * MAX_TEXT_LENGTH

    def nth(i: int) -> str:
        """The i-th of several longest names, each its own (names differ within a list)."""
        return chr(ord(char) + i) + char * (MAX_TEXT_LENGTH - 1)

    node_id = "k" * 32
    message = {
        "v": 1,
        "id": node_id,
        "name": longest,
        "model": longest,
        "manufacturer": longest,
        "sw_version": char * 32,
        "sensors": [
            {
                "key": f"{i:02d}" + "s" * 30,
                "name": nth(i),
                "quantities": [str(quantity) for quantity in Quantity],
                "model": longest,
            }
            for i in range(MAX_SENSORS)
        ],
        "switches": [{"key": f"{i:02d}" + "w" * 30, "name": nth(i)} for i in range(MAX_SWITCHES)],
        "interval_s": MAX_INTERVAL_S,
        "dropped": MAX_SEQ,
        "seq": MAX_SEQ,
    }
    topic = f"py_iot_home/{node_id}/announce"
    sent = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(sent) <= MAX_PAYLOAD_BYTES
    parsed = parse_announcement(topic, sent)
    kept = build_announcement(parsed)
    assert len(kept.payload) <= MAX_PAYLOAD_BYTES
    assert parse_announcement(topic, kept.payload) == parsed
    # Signed by the node, it still fits.
    signed = build_announcement(parsed, signer=MessageSigner("secret"))
    assert len(signed.payload) <= MAX_PAYLOAD_BYTES


def test_announcement_tolerates_extra_fields_and_unknown_quantities() -> None:
    sensors = [
        {"key": "air", "name": "Air", "quantities": ["co2", "humidity"], "model": "X", "pin": 4}
    ]
    payload = encode(announcement_dict(sensors=sensors, firmware={"build": 5}))
    parsed = parse_announcement(ANNOUNCE, payload.decode())
    assert parsed.sensors[0].quantities == (Quantity.HUMIDITY,)
    assert parsed.dropped == 0
    assert parsed.seq is None


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"v": 2}, RejectionKind.UNKNOWN_VERSION),
        ({"v": 0}, RejectionKind.UNKNOWN_VERSION),
        ({"v": "1"}, RejectionKind.WRONG_TYPE),
        ({"v": True}, RejectionKind.WRONG_TYPE),
        ({"v": 1.0}, RejectionKind.WRONG_TYPE),
        ({"id": "bathroom"}, RejectionKind.ID_MISMATCH),
        ({"id": 5}, RejectionKind.WRONG_TYPE),
        ({"name": ""}, RejectionKind.OUT_OF_RANGE),
        ({"name": "x" * 65}, RejectionKind.OUT_OF_RANGE),
        ({"name": None}, RejectionKind.WRONG_TYPE),
        ({"sensors": {}}, RejectionKind.WRONG_TYPE),
        ({"sensors": ["climate"]}, RejectionKind.WRONG_TYPE),
        ({"switches": [{"key": "led"}]}, RejectionKind.MISSING_FIELD),
        ({"switches": [{"key": "LED", "name": "x"}]}, RejectionKind.INVALID_KEY),
        (
            {"switches": [{"key": "led", "name": "a"}, {"key": "led", "name": "b"}]},
            RejectionKind.DUPLICATE_KEY,
        ),
        # Two entities of one name, as a person reads it (case, spaces, full-width letters).
        (
            {
                "switches": [
                    {"key": "led", "name": "Desk LED"},
                    {"key": "led2", "name": "desk  led"},
                ]
            },
            RejectionKind.DUPLICATE_KEY,
        ),
        # Cyrillic or Greek look-alikes ("Pi" in a Cyrillic Er and Ukrainian i), and the case
        # of a Cyrillic word whose capitals read as Latin letters and its small ones do not.
        *(
            (
                {"switches": [{"key": "led", "name": one}, {"key": "led2", "name": other}]},
                RejectionKind.DUPLICATE_KEY,
            )
            for one, other in (
                ("Desk Pi", "Desk \u0420\u0456"),
                ("\u0412\u041e\u0414\u0410", "\u0432\u043e\u0434\u0430"),
                ("\u039d\u0395\u03a1\u039f", "\u03bd\u03b5\u03c1\u03bf"),
            )
        ),
        (
            {
                "sensors": [
                    {"key": "a", "name": "Climate", "quantities": [], "model": "DHT22"},
                    {
                        "key": "b",
                        "name": "\uff23\uff4c\uff49\uff4d\uff41\uff54\uff45",
                        "quantities": [],
                        "model": "DHT22",
                    },
                ]
            },
            RejectionKind.DUPLICATE_KEY,
        ),
        (
            {"switches": [{"key": f"s{i}", "name": "s"} for i in range(protocol.MAX_SWITCHES + 1)]},
            RejectionKind.TOO_MANY_ITEMS,
        ),
        (
            {
                "sensors": [
                    {"key": f"t{i}", "name": "t", "quantities": [], "model": "DHT22"}
                    for i in range(MAX_SENSORS + 1)
                ]
            },
            RejectionKind.TOO_MANY_ITEMS,
        ),
        (
            {"sensors": [{"key": "t", "name": "t", "quantities": [1], "model": "DHT22"}]},
            RejectionKind.WRONG_TYPE,
        ),
        (
            {"sensors": [{"key": "t", "name": "t", "quantities": "temperature", "model": "D"}]},
            RejectionKind.WRONG_TYPE,
        ),
        ({"interval_s": 0}, RejectionKind.OUT_OF_RANGE),
        ({"interval_s": True}, RejectionKind.WRONG_TYPE),
        ({"interval_s": "30"}, RejectionKind.WRONG_TYPE),
        ({"dropped": -1}, RejectionKind.OUT_OF_RANGE),
        ({"seq": "1"}, RejectionKind.WRONG_TYPE),
        ({"manufacturer": "x" * 65}, RejectionKind.OUT_OF_RANGE),
        ({"manufacturer": ""}, RejectionKind.OUT_OF_RANGE),
        ({"manufacturer": None}, RejectionKind.WRONG_TYPE),
        ({"manufacturer": ["Raspberry Pi"]}, RejectionKind.WRONG_TYPE),
        ({"manufacturer": "Acme\u202eInc"}, RejectionKind.INVALID_TEXT),
        ({"manufacturer": "\u200b"}, RejectionKind.INVALID_TEXT),
        ({"manufacturer": "Acme\nInc"}, RejectionKind.INVALID_TEXT),
    ],
)
def test_announcement_rejects(changes: dict[str, Any], kind: RejectionKind) -> None:
    payload = encode(announcement_dict(**changes))
    rejection(kind, lambda: parse_announcement(ANNOUNCE, payload))


def test_announcement_missing_field() -> None:
    message = announcement_dict()
    del message["interval_s"]
    error = rejection(
        RejectionKind.MISSING_FIELD, lambda: parse_announcement(ANNOUNCE, encode(message))
    )
    assert "interval_s" in str(error)


def test_announcement_on_wrong_topic() -> None:
    rejection(
        RejectionKind.INVALID_TOPIC, lambda: parse_announcement(STATE, encode(announcement_dict()))
    )


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b"", RejectionKind.MALFORMED_JSON),
        (b"{", RejectionKind.MALFORMED_JSON),
        (b"\xff\xfe{}", RejectionKind.MALFORMED_JSON),
        (b'{"v": NaN}', RejectionKind.MALFORMED_JSON),
        (b'{"v": Infinity}', RejectionKind.MALFORMED_JSON),
        (b'{"v": 1, "v": 1}', RejectionKind.MALFORMED_JSON),
        (b"1" * 5000, RejectionKind.MALFORMED_JSON),
        (b"[]", RejectionKind.WRONG_TYPE),
        (b'"text"', RejectionKind.WRONG_TYPE),
        (b"null", RejectionKind.WRONG_TYPE),
        (b"{}", RejectionKind.MISSING_FIELD),
        (b" " * (MAX_PAYLOAD_BYTES + 1), RejectionKind.OVERSIZED),
    ],
    ids=[
        "empty",
        "truncated",
        "not_utf8",
        "nan",
        "infinity",
        "duplicate",
        "huge_int",
        "list",
        "string",
        "null",
        "empty_object",
        "oversized",
    ],
)
def test_undecodable_payloads(payload: bytes, kind: RejectionKind) -> None:
    rejection(kind, lambda: parse_announcement(ANNOUNCE, payload))
    rejection(kind, lambda: parse_state(STATE, payload))


def test_nesting_too_deep_for_the_stack_is_malformed() -> None:
    depth = 100_000  # fits the replay size limit, overflows the decoder's stack
    payload = b"[" * depth + b"]" * depth
    assert len(payload) < MAX_REPLAY_PAYLOAD_BYTES
    rejection(RejectionKind.MALFORMED_JSON, lambda: parse_replay(REPLAY, payload))


def test_lone_surrogate_in_str_payload_is_malformed() -> None:
    rejection(RejectionKind.MALFORMED_JSON, lambda: parse_state(STATE, '{"v": 1, "x": "\ud800"}'))


def test_oversize_counts_utf8_bytes_not_characters() -> None:
    # 6000 three-byte characters: under the limit in characters, over it in bytes.
    payload = json.dumps(state_dict(note="€" * 6000), ensure_ascii=False)
    assert len(payload) < MAX_PAYLOAD_BYTES < len(payload.encode())
    rejection(RejectionKind.OVERSIZED, lambda: parse_state(STATE, payload))


# State


def test_state_round_trip() -> None:
    state = sample_state(12, led=True)
    message = build_state(state)
    assert message.topic == STATE
    assert not message.retain
    assert message.qos == 1
    assert parse_state(STATE, message.payload) == state


def test_state_defaults_for_missing_parts() -> None:
    parsed = parse_state(STATE, encode({"v": 1, "ts": TS, "seq": 0, "extra": [1, 2]}))
    assert parsed.sensors == {}
    assert parsed.switches == {}
    parsed = parse_state(STATE, encode(state_dict(sensors={"climate": {"humidity": 55}})))
    assert parsed.sensors["climate"] == SensorSample(temperature=None, humidity=55.0)


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"v": 3}, RejectionKind.UNKNOWN_VERSION),
        ({"seq": -1}, RejectionKind.OUT_OF_RANGE),
        ({"seq": 2**63}, RejectionKind.OUT_OF_RANGE),
        ({"seq": 1.5}, RejectionKind.WRONG_TYPE),
        ({"seq": False}, RejectionKind.WRONG_TYPE),
        ({"ts": 12.0}, RejectionKind.OUT_OF_RANGE),
        ({"ts": 5e9}, RejectionKind.OUT_OF_RANGE),
        ({"ts": "2026-01-01"}, RejectionKind.WRONG_TYPE),
        ({"sensors": []}, RejectionKind.WRONG_TYPE),
        ({"sensors": {"climate": 21}}, RejectionKind.WRONG_TYPE),
        ({"sensors": {"Climate!": {}}}, RejectionKind.INVALID_KEY),
        ({"sensors": {"climate": {"temperature": 200}}}, RejectionKind.OUT_OF_RANGE),
        ({"sensors": {"climate": {"humidity": 100.5}}}, RejectionKind.OUT_OF_RANGE),
        ({"sensors": {"climate": {"humidity": True}}}, RejectionKind.WRONG_TYPE),
        ({"sensors": {"climate": {"temperature": "21"}}}, RejectionKind.WRONG_TYPE),
        ({"sensors": {f"s{i}": {} for i in range(MAX_SENSORS + 1)}}, RejectionKind.TOO_MANY_ITEMS),
        ({"switches": {"led": "ON"}}, RejectionKind.WRONG_TYPE),
        ({"switches": {"led": 1}}, RejectionKind.WRONG_TYPE),
        ({"switches": {"LED": True}}, RejectionKind.INVALID_KEY),
    ],
)
def test_state_rejects(changes: dict[str, Any], kind: RejectionKind) -> None:
    payload = encode(state_dict(**changes))
    rejection(kind, lambda: parse_state(STATE, payload))


def test_state_number_overflowing_to_infinity_is_malformed() -> None:
    # Refused at decode: inf is not a JSON number, whatever field it is in.
    payload = encode(state_dict()).replace(b"21.5", b"1e400")
    rejection(RejectionKind.MALFORMED_JSON, lambda: parse_state(STATE, payload))


@pytest.mark.parametrize("name", ["seq", "ts", "v"])
def test_state_requires_seq_ts_and_version(name: str) -> None:
    message = state_dict()
    del message[name]
    rejection(RejectionKind.MISSING_FIELD, lambda: parse_state(STATE, encode(message)))


# Replay


def test_replay_round_trip_keeps_original_timestamps() -> None:
    states = [sample_state(seq, ts=TS + seq * 30) for seq in (3, 4, 9)]
    batch = build_replay("kitchen", [build_state(state).payload for state in states])
    assert batch.topic == REPLAY
    assert batch.qos == 1
    assert not batch.retain
    assert parse_replay(REPLAY, batch.payload) == states
    assert parse_replay(REPLAY, build_replay("kitchen", []).payload) == []


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ({"v": 2, "messages": []}, RejectionKind.UNKNOWN_VERSION),
        ({"v": 1}, RejectionKind.MISSING_FIELD),
        ({"v": 1, "messages": {}}, RejectionKind.WRONG_TYPE),
        (
            {"v": 1, "messages": [state_dict(seq=5), state_dict(seq=5)]},
            RejectionKind.REPLAYED_COUNTER,
        ),
        (
            {"v": 1, "messages": [state_dict(seq=6), state_dict(seq=5)]},
            RejectionKind.REPLAYED_COUNTER,
        ),
        ({"v": 1, "messages": [state_dict(), 7]}, RejectionKind.WRONG_TYPE),
        ({"v": 1, "messages": [state_dict(v=2)]}, RejectionKind.UNKNOWN_VERSION),
        (
            {"v": 1, "messages": [state_dict(seq=i) for i in range(MAX_REPLAY_MESSAGES + 1)]},
            RejectionKind.TOO_MANY_ITEMS,
        ),
    ],
)
def test_replay_rejects(message: dict[str, Any], kind: RejectionKind) -> None:
    rejection(kind, lambda: parse_replay(REPLAY, encode(message)))


def test_replay_has_its_own_size_limit() -> None:
    big = state_dict(padding="x" * 10_000)
    payload = encode({"v": 1, "messages": [big | {"seq": i} for i in range(12)]})
    assert MAX_PAYLOAD_BYTES < len(payload) < MAX_REPLAY_PAYLOAD_BYTES
    assert len(parse_replay(REPLAY, payload)) == 12
    too_big = encode({"v": 1, "messages": [state_dict(padding="x" * (MAX_REPLAY_PAYLOAD_BYTES))]})
    rejection(RejectionKind.OVERSIZED, lambda: parse_replay(REPLAY, too_big))


def test_build_replay_limits() -> None:
    payload = build_state(sample_state(1)).payload
    with pytest.raises(ValueError, match="more than"):
        build_replay("kitchen", [payload] * (MAX_REPLAY_MESSAGES + 1))
    with pytest.raises(ValueError, match="exceeds"):
        build_replay("kitchen", [b'{"x":"' + b"y" * MAX_REPLAY_PAYLOAD_BYTES + b'"}'])


def test_replay_batch_size_respects_count_and_bytes() -> None:
    small = [b"{}"] * (MAX_REPLAY_MESSAGES + 50)
    assert protocol.replay_batch_size(small) == MAX_REPLAY_MESSAGES
    assert protocol.replay_batch_size(small[:3]) == 3
    assert protocol.replay_batch_size([]) == 0
    chunk = b"x" * (MAX_PAYLOAD_BYTES - 100)
    count = protocol.replay_batch_size([chunk] * 40)
    assert count == MAX_REPLAY_PAYLOAD_BYTES // (len(chunk) + 1)
    build_replay("kitchen", [chunk] * count)  # fits
    with pytest.raises(ValueError, match="exceeds"):
        build_replay("kitchen", [chunk] * (count + 1))
    # One payload always makes progress, even a huge one.
    assert protocol.replay_batch_size([b"x" * (MAX_REPLAY_PAYLOAD_BYTES + 1)]) == 1


# Availability


def test_availability() -> None:
    online = build_availability("kitchen", True)
    offline = build_availability("kitchen", False)
    assert online.retain
    assert offline.retain
    assert parse_availability(online.topic, online.payload) == ("kitchen", True)
    assert parse_availability(offline.topic, offline.payload.decode()) == ("kitchen", False)
    rejection(RejectionKind.WRONG_TYPE, lambda: parse_availability(online.topic, b"up"))
    rejection(RejectionKind.INVALID_TOPIC, lambda: parse_availability(STATE, b"online"))


# Commands


@pytest.mark.parametrize(
    ("payload", "on"), [(b"ON", True), (b"OFF", False), ("ON\n", True), (b" OFF ", False)]
)
def test_plain_commands(payload: bytes | str, on: bool) -> None:
    command = parse_command(COMMAND, payload)
    assert (command.node_id, command.switch_key, command.on) == ("kitchen", "led", on)
    assert command.seq is None


def test_command_builders_round_trip() -> None:
    plain = build_command("kitchen", "led", True)
    assert (plain.topic, plain.payload) == (COMMAND, b"ON")
    assert parse_command(plain.topic, plain.payload).on
    unsigned_json = encode({"v": 1, "state": "OFF", "seq": 4, "ts": TS})
    command = parse_command(COMMAND, unsigned_json)
    assert (command.on, command.seq, command.ts) == (False, 4, TS)
    assert command.until is None
    # A deadline needs JSON, also for an unsigned node (which always accepted it).
    timed = build_command("kitchen", "led", True, until=TS + 4)
    assert json.loads(timed.payload) == {"v": 1, "state": "ON", "until": TS + 4}
    assert parse_command(timed.topic, timed.payload).until == TS + 4
    signer = MessageSigner(SECRET)
    signed = build_command("kitchen", "led", False, signer=signer, seq=5, ts=TS, until=TS + 4)
    parsed = parse_command(
        COMMAND, signed.payload, verifier=MessageVerifier(SECRET, clock=lambda: TS)
    )
    assert (parsed.on, parsed.seq, parsed.until) == (False, 5, TS + 4)


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b"on", RejectionKind.MALFORMED_JSON),
        (b"TOGGLE", RejectionKind.MALFORMED_JSON),
        (encode({"v": 1, "state": "on"}), RejectionKind.WRONG_TYPE),
        (encode({"v": 1, "state": ["ON"]}), RejectionKind.WRONG_TYPE),
        (encode({"v": 1}), RejectionKind.MISSING_FIELD),
        (encode({"v": 9, "state": "ON"}), RejectionKind.UNKNOWN_VERSION),
        (encode({"v": 1, "state": "ON", "seq": -2}), RejectionKind.OUT_OF_RANGE),
        (encode({"v": 1, "state": "ON", "until": "soon"}), RejectionKind.WRONG_TYPE),
        (encode({"v": 1, "state": "ON", "until": True}), RejectionKind.WRONG_TYPE),
        (encode({"v": 1, "state": "ON", "until": None}), RejectionKind.WRONG_TYPE),
        (encode({"v": 1, "state": "ON", "until": 5.0}), RejectionKind.OUT_OF_RANGE),
    ],
)
def test_command_rejects(payload: bytes, kind: RejectionKind) -> None:
    rejection(kind, lambda: parse_command(COMMAND, payload))


def test_command_on_wrong_topic() -> None:
    rejection(RejectionKind.INVALID_TOPIC, lambda: parse_command(STATE, b"ON"))


# Signatures


def test_signature_is_hmac_over_topic_and_canonical_json() -> None:
    """The documented canonical form, rebuilt by hand (docs/protocol.md, "Signatures")."""
    signed = MessageSigner(SECRET).sign(
        STATE, {"v": 1, "ts": TS, "seq": 7, "switches": {"led": True}, "sensors": {}}
    )
    canonical = (
        b"py_iot_home/kitchen/state\n"
        b'{"sensors":{},"seq":7,"switches":{"led":true},"ts":1790000000.5,"v":1}'
    )
    expected = hmac.new(SECRET.encode(), canonical, hashlib.sha256).hexdigest()
    assert signed["sig"] == expected
    assert protocol.signing_input(STATE, signed) == canonical


def test_canonical_json_escapes_non_ascii_and_sorts_nested_keys() -> None:
    assert protocol.canonical_json({"b": {"z": 1, "a": "é"}, "a": [1.0, None]}) == (
        b'{"a":[1.0,null],"b":{"a":"\\u00e9","z":1}}'
    )


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        MessageSigner("")
    with pytest.raises(ValueError, match="empty"):
        MessageVerifier(b"")


def test_signed_state_verified_and_replays_rejected() -> None:
    signer = MessageSigner(SECRET)
    verifier = MessageVerifier(SECRET.encode())
    first = build_state(sample_state(10), signer=signer)
    second = build_state(sample_state(11), signer=signer)
    assert parse_state(STATE, first.payload, verifier=verifier).seq == 10
    rejection(
        RejectionKind.REPLAYED_COUNTER, lambda: parse_state(STATE, first.payload, verifier=verifier)
    )
    assert parse_state(STATE, second.payload, verifier=verifier).seq == 11
    assert verifier.last_seq == 11


def test_rejected_state_does_not_advance_counter() -> None:
    signer = MessageSigner(SECRET)
    verifier = MessageVerifier(SECRET)
    invalid = signer.sign(STATE, state_dict(seq=50, switches={"led": "yes"}))
    rejection(
        RejectionKind.WRONG_TYPE, lambda: parse_state(STATE, encode(invalid), verifier=verifier)
    )
    assert verifier.last_seq == -1
    valid = build_state(sample_state(20), signer=signer)
    assert parse_state(STATE, valid.payload, verifier=verifier).seq == 20


@pytest.mark.parametrize(
    ("tamper", "kind"),
    [
        (lambda m: m.pop("sig"), RejectionKind.MISSING_SIGNATURE),
        (lambda m: m.update(sig=None), RejectionKind.MISSING_SIGNATURE),
        (lambda m: m.update(sig="00" * 32), RejectionKind.BAD_SIGNATURE),
        (lambda m: m.update(sig=m["sig"].upper()), RejectionKind.BAD_SIGNATURE),
        (lambda m: m.update(sig=5), RejectionKind.BAD_SIGNATURE),
        (lambda m: m["switches"].update(led=False), RejectionKind.BAD_SIGNATURE),
        (lambda m: m.update(seq=m["seq"] + 1), RejectionKind.BAD_SIGNATURE),
        (lambda m: m.update(extra="added"), RejectionKind.BAD_SIGNATURE),
    ],
)
def test_tampered_state_rejected(
    tamper: Callable[[dict[str, Any]], object], kind: RejectionKind
) -> None:
    message = json.loads(
        build_state(sample_state(10, led=True), signer=MessageSigner(SECRET)).payload
    )
    tamper(message)
    rejection(kind, lambda: parse_state(STATE, encode(message), verifier=MessageVerifier(SECRET)))


def test_signature_binds_node_and_secret() -> None:
    payload = build_state(sample_state(10), signer=MessageSigner(SECRET)).payload
    rejection(
        RejectionKind.BAD_SIGNATURE,
        lambda: parse_state(
            "py_iot_home/bathroom/state", payload, verifier=MessageVerifier(SECRET)
        ),
    )
    rejection(
        RejectionKind.BAD_SIGNATURE,
        lambda: parse_state(STATE, payload, verifier=MessageVerifier("another secret value")),
    )


def test_unsigned_state_rejected_when_secret_configured() -> None:
    payload = build_state(sample_state(1)).payload
    rejection(
        RejectionKind.MISSING_SIGNATURE,
        lambda: parse_state(STATE, payload, verifier=MessageVerifier(SECRET)),
    )


def test_signed_announcement_may_repeat_but_not_go_back() -> None:
    signer = MessageSigner(SECRET)
    verifier = MessageVerifier(SECRET)
    base = parse_announcement(ANNOUNCE, encode(announcement_dict()))
    newer = build_announcement(NodeAnnouncement(**{**_fields(base), "seq": 100}), signer=signer)
    older = build_announcement(NodeAnnouncement(**{**_fields(base), "seq": 99}), signer=signer)
    assert parse_announcement(ANNOUNCE, newer.payload, verifier=verifier).seq == 100
    # The broker redelivers the retained announcement on every subscribe.
    assert parse_announcement(ANNOUNCE, newer.payload, verifier=verifier).seq == 100
    rejection(
        RejectionKind.REPLAYED_COUNTER,
        lambda: parse_announcement(ANNOUNCE, older.payload, verifier=verifier),
    )
    no_seq = build_announcement(base, signer=signer)
    rejection(
        RejectionKind.MISSING_FIELD,
        lambda: parse_announcement(ANNOUNCE, no_seq.payload, verifier=verifier),
    )
    unsigned = build_announcement(base)
    rejection(
        RejectionKind.MISSING_SIGNATURE,
        lambda: parse_announcement(ANNOUNCE, unsigned.payload, verifier=verifier),
    )


def _fields(announcement: NodeAnnouncement) -> dict[str, Any]:
    return {name: getattr(announcement, name) for name in announcement.__slots__}


def test_signed_replay_skips_seen_entries() -> None:
    signer = MessageSigner(SECRET)
    verifier = MessageVerifier(SECRET)
    payloads = [build_state(sample_state(seq), signer=signer).payload for seq in (5, 6, 7)]
    assert parse_state(STATE, payloads[0], verifier=verifier).seq == 5
    batch = build_replay("kitchen", payloads)
    assert [state.seq for state in parse_replay(REPLAY, batch.payload, verifier=verifier)] == [6, 7]
    assert verifier.last_seq == 7
    # QoS 1 may deliver the batch twice: nothing new is a counted rejection, not data.
    rejection(
        RejectionKind.REPLAYED_COUNTER,
        lambda: parse_replay(REPLAY, batch.payload, verifier=verifier),
    )
    empty = build_replay("kitchen", [])
    assert parse_replay(REPLAY, empty.payload, verifier=verifier) == []


def test_replay_entries_are_signed_for_the_state_topic() -> None:
    signer = MessageSigner(SECRET)
    good = build_state(sample_state(5), signer=signer).payload
    wrong_topic = encode(signer.sign(REPLAY, json.loads(build_state(sample_state(6)).payload)))
    batch = build_replay("kitchen", [good, wrong_topic])
    rejection(
        RejectionKind.BAD_SIGNATURE,
        lambda: parse_replay(REPLAY, batch.payload, verifier=MessageVerifier(SECRET)),
    )


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_signed_commands() -> None:
    clock = _Clock(TS)
    signer = MessageSigner(SECRET)
    verifier = MessageVerifier(SECRET, clock=clock)

    def command(on: bool, seq: int, ts: float = TS, key: str = "led") -> bytes:
        return build_command("kitchen", key, on, signer=signer, seq=seq, ts=ts).payload

    first = command(True, 1)
    parsed = parse_command(COMMAND, first, verifier=verifier)
    assert (parsed.on, parsed.seq, parsed.ts) == (True, 1, TS)
    rejection(
        RejectionKind.REPLAYED_COUNTER, lambda: parse_command(COMMAND, first, verifier=verifier)
    )
    rejection(
        RejectionKind.MISSING_SIGNATURE, lambda: parse_command(COMMAND, b"ON", verifier=verifier)
    )
    rejection(
        RejectionKind.STALE,
        lambda: parse_command(COMMAND, command(False, 2, TS - 61), verifier=verifier),
    )
    rejection(
        RejectionKind.STALE,
        lambda: parse_command(COMMAND, command(False, 3, TS + 61), verifier=verifier),
    )
    # A command signed for another switch cannot be moved to this one.
    other = command(False, 4, key="fan")
    rejection(RejectionKind.BAD_SIGNATURE, lambda: parse_command(COMMAND, other, verifier=verifier))
    clock.now += 30
    assert not parse_command(COMMAND, command(False, 5, TS + 20), verifier=verifier).on
    unsigned_missing = encode(signer.sign(COMMAND, {"v": 1, "state": "ON", "seq": 9}))
    rejection(
        RejectionKind.MISSING_FIELD,
        lambda: parse_command(COMMAND, unsigned_missing, verifier=verifier),
    )


def test_build_signed_command_needs_counter_and_time() -> None:
    with pytest.raises(ValueError, match="seq and ts"):
        build_command("kitchen", "led", True, signer=MessageSigner(SECRET), seq=1)


def test_builder_refuses_oversized_message() -> None:
    announcement = parse_announcement(ANNOUNCE, encode(announcement_dict()))
    huge = NodeAnnouncement(**{**_fields(announcement), "name": "x" * MAX_PAYLOAD_BYTES})
    with pytest.raises(ValueError, match="exceeds"):
        build_announcement(huge)


# Hypothesis: whatever arrives, the only exception is ProtocolError.

PARSERS: list[tuple[str, Callable[..., object]]] = [
    (ANNOUNCE, parse_announcement),
    (STATE, parse_state),
    (REPLAY, parse_replay),
    (COMMAND, parse_command),
    ("py_iot_home/kitchen/availability", parse_availability),
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(payload=st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_protocol_error(payload: bytes) -> None:
    for topic, parser in PARSERS:
        with contextlib.suppress(ProtocolError):
            parser(topic, payload)


@settings(max_examples=200, deadline=None)
@given(
    base=st.sampled_from(["announce", "state", "command"]),
    name=st.sampled_from(
        ["v", "id", "name", "sensors", "switches", "interval_s", "ts", "seq", "state", "sig", "x"]
    ),
    value=json_values,
    signed=st.booleans(),
)
def test_arbitrary_json_fields_only_raise_protocol_error(
    base: str, name: str, value: object, signed: bool
) -> None:
    message = {"announce": announcement_dict(), "state": state_dict(), "command": {"v": 1}}[base]
    message[name] = value
    payload = json.dumps(message).encode()
    for topic, parser in PARSERS[:4]:
        verifier = MessageVerifier(SECRET) if signed else None
        with contextlib.suppress(ProtocolError):
            parser(topic, payload, verifier=verifier)


@settings(max_examples=200, deadline=None)
@given(
    entries=st.lists(
        st.fixed_dictionaries(
            {
                "seq": st.integers(min_value=0, max_value=1000),
                "temperature": st.none() | st.floats(-40, 80),
                "led": st.booleans(),
            }
        ),
        max_size=8,
    )
)
def test_built_state_always_parses_back(entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        state = StateMessage(
            node_id="kitchen",
            ts=TS,
            seq=entry["seq"],
            sensors={"climate": SensorSample(temperature=entry["temperature"])},
            switches={"led": entry["led"]},
        )
        signed = build_state(state, signer=MessageSigner(SECRET))
        assert parse_state(STATE, signed.payload, verifier=MessageVerifier(SECRET)) == state


@pytest.mark.parametrize("version", [10**4299, -(10**4299), 2], ids=["huge", "-huge", "2"])
def test_a_version_of_thousands_of_digits_makes_a_short_message(version: int) -> None:
    """JSON allows an integer of 4,300 digits; its rejection is logged, so it stays short."""
    error = rejection(
        RejectionKind.UNKNOWN_VERSION, lambda: parse_state(STATE, encode(state_dict(v=version)))
    )
    assert len(str(error)) < 100


@pytest.mark.parametrize(
    ("parse", "message", "limit"),
    [
        (lambda p: parse_announcement(ANNOUNCE, p), announcement_dict(), MAX_PAYLOAD_BYTES),
        (lambda p: parse_state(STATE, p), state_dict(), MAX_PAYLOAD_BYTES),
        (lambda p: parse_command(COMMAND, p), {"v": 1, "state": "ON"}, MAX_PAYLOAD_BYTES),
        (
            lambda p: protocol.parse_resend_request("py_iot_home/kitchen/resend", p),
            {"v": 1, "since": 5, "seq": 9},
            MAX_PAYLOAD_BYTES,
        ),
        (
            lambda p: protocol.parse_replay_batch(REPLAY, p),
            {"v": 1, "messages": [state_dict()]},
            MAX_REPLAY_PAYLOAD_BYTES,
        ),
    ],
    ids=["announcement", "state", "command", "resend_request", "replay"],
)
def test_a_payload_of_exactly_its_limit_is_taken_one_byte_more_is_oversized(
    parse: Callable[[bytes], object], message: dict[str, Any], limit: int
) -> None:
    """The limits count UTF-8 bytes, the whole payload: white space a sender pads with too."""
    at_limit = encode(message).ljust(limit)
    assert len(at_limit) == limit
    parse(at_limit)
    rejection(RejectionKind.OVERSIZED, lambda: parse(at_limit + b" "))
