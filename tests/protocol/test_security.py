"""Security findings of issue 13 at the protocol level: each case is one that got through."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.py_iot_home.protocol import (
    MAX_CLOCK_SKEW_S,
    MessageSigner,
    MessageVerifier,
    OutboundMessage,
    ProtocolError,
    RejectionKind,
    SensorSample,
    StateMessage,
    build_replay,
    build_state,
    is_signed,
    parse_announcement,
    parse_availability,
    parse_command,
    parse_replay,
    parse_replay_batch,
    parse_resend_request,
    parse_state,
)

ANNOUNCE = "py_iot_home/kitchen/announce"
STATE = "py_iot_home/kitchen/state"
REPLAY = "py_iot_home/kitchen/replay"
RESEND = "py_iot_home/kitchen/resend"
COMMAND = "py_iot_home/kitchen/switch/led/set"
SECRET = "correct horse battery staple"
NOW = 1_790_000_000.0
FAKE_SIG = "0" * 64

PARSERS: list[tuple[str, Callable[..., object]]] = [
    (ANNOUNCE, parse_announcement),
    (STATE, parse_state),
    (REPLAY, parse_replay),
    (COMMAND, parse_command),
    (RESEND, parse_resend_request),
]


def _announcement(**changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "v": 1,
        "id": "kitchen",
        "name": "Kitchen Pi",
        "model": "Raspberry Pi 4",
        "sw_version": "0.1.0",
        "sensors": [
            {"key": "climate", "name": "Climate", "quantities": ["temperature"], "model": "DHT22"}
        ],
        "switches": [{"key": "led", "name": "Desk LED"}],
        "interval_s": 30,
        "seq": 3,
        "sig": FAKE_SIG,
    }
    message.update(changes)
    return message


def _state(seq: int, ts: float = NOW) -> StateMessage:
    return StateMessage(
        node_id="kitchen",
        ts=ts,
        seq=seq,
        sensors={"climate": SensorSample(temperature=21.5, humidity=40.0)},
        switches={"led": True},
    )


def _signed_state(seq: int, ts: float = NOW) -> bytes:
    return build_state(_state(seq, ts), signer=MessageSigner(SECRET)).payload


NON_FINITE = [
    (ANNOUNCE, b'{"v":1,"id":"kitchen","seq":1,"x":1e999,"sig":"%s"}'),
    (STATE, b'{"v":1,"seq":1,"ts":1e999,"sig":"%s"}'),
    (STATE, b'{"v":1,"seq":1,"ts":1790000000,"x":-1e999,"sig":"%s"}'),
    (REPLAY, b'{"v":1,"messages":[{"v":1,"seq":1,"ts":1e999,"sig":"%s"}]}'),
    (COMMAND, b'{"v":1,"state":"ON","seq":1,"ts":1790000000,"x":1e999,"sig":"%s"}'),
    (RESEND, b'{"v":1,"since":0,"seq":1,"ts":1790000000,"x":1e999,"sig":"%s"}'),
]


@pytest.mark.parametrize(("topic", "template"), NON_FINITE)
@pytest.mark.parametrize("signed", [True, False])
def test_non_finite_numbers_are_refused_at_decode(
    topic: str, template: bytes, signed: bool
) -> None:
    parser = dict(PARSERS)[topic]
    payload = template % FAKE_SIG.encode()
    verifier = MessageVerifier(SECRET) if signed else None
    with pytest.raises(ProtocolError) as caught:
        parser(topic, payload, verifier=verifier)
    assert caught.value.kind is RejectionKind.MALFORMED_JSON


def test_signature_of_uncanonical_message_is_a_rejection() -> None:
    # A str payload may hold what JSON bytes cannot; canonicalising it must not raise out.
    verifier = MessageVerifier(SECRET)
    with pytest.raises(ProtocolError):
        verifier.check_signature(STATE, {"v": 1, "x": float("inf"), "sig": FAKE_SIG})


@pytest.mark.parametrize(
    "bad", ["\\ud800", "\\udfff", "\\u0000", "\\u001b[2J", "\\u0085", "\\u202e", "\\u2066", "\\n"]
)
@pytest.mark.parametrize("where", ["name", "model", "sw_version", "sensor_name", "switch_name"])
def test_unstorable_text_is_refused(bad: str, where: str) -> None:
    message = _announcement()
    del message["sig"]
    marker = "XX"
    if where == "sensor_name":
        message["sensors"][0]["name"] = f"a{marker}b"
    elif where == "switch_name":
        message["switches"][0]["name"] = f"a{marker}b"
    else:
        message[where] = f"a{marker}b"
    payload = json.dumps(message).replace(marker, bad).encode()
    with pytest.raises(ProtocolError) as caught:
        parse_announcement(ANNOUNCE, payload)
    assert caught.value.kind is RejectionKind.INVALID_TEXT


def test_ordinary_unicode_text_is_kept() -> None:
    message = _announcement(name="Küche 🌡️ Ω 🧑‍🍳", model="Pi 4 \u2013 8 GB")
    del message["sig"]
    node = parse_announcement(ANNOUNCE, json.dumps(message, ensure_ascii=False).encode())
    assert node.name == "Küche 🌡️ Ω 🧑‍🍳"


def test_replay_keeps_new_entries_when_some_are_below_the_floor() -> None:
    verifier = MessageVerifier(SECRET)
    verifier.restore(10)
    batch = build_replay("kitchen", [_signed_state(seq) for seq in (9, 10, 11, 12)])
    states = parse_replay(REPLAY, batch.payload, verifier=verifier)
    assert [state.seq for state in states] == [11, 12]


def test_replay_answering_a_request_settles_even_when_everything_was_seen() -> None:
    verifier = MessageVerifier(SECRET)
    payloads = [_signed_state(seq) for seq in (5, 6)]
    for payload in payloads:
        parse_state(STATE, payload, verifier=verifier)
    answer = build_replay("kitchen", payloads, ack=99, signer=MessageSigner(SECRET))
    batch = parse_replay_batch(REPLAY, answer.payload, verifier=verifier)
    assert (batch.states, batch.ack, batch.refused_ack) == ([], 99, None)
    # Without an ack, a batch of nothing new is still a counted rejection.
    with pytest.raises(ProtocolError) as caught:
        parse_replay(REPLAY, build_replay("kitchen", payloads).payload, verifier=verifier)
    assert caught.value.kind is RejectionKind.REPLAYED_COUNTER


def test_future_state_is_refused_against_the_receivers_clock() -> None:
    ahead = build_state(_state(1, NOW + MAX_CLOCK_SKEW_S + 1)).payload
    within = build_state(_state(2, NOW + MAX_CLOCK_SKEW_S - 1)).payload
    with pytest.raises(ProtocolError) as caught:
        parse_state(STATE, ahead, now=NOW)
    assert caught.value.kind is RejectionKind.FROM_FUTURE
    assert parse_state(STATE, within, now=NOW).seq == 2
    # Without a clock (the node agent, old callers) the wire limits alone apply.
    assert parse_state(STATE, ahead).seq == 1


def test_future_entries_of_a_replay_are_skipped_and_counted() -> None:
    verifier = MessageVerifier(SECRET)
    payloads = [_signed_state(1, NOW - 10), _signed_state(2, NOW + 86_400), _signed_state(3)]
    batch = parse_replay_batch(
        REPLAY, build_replay("kitchen", payloads).payload, verifier=verifier, now=NOW
    )
    assert [state.seq for state in batch.states] == [1, 3]
    assert batch.from_future == 1


def test_a_future_state_does_not_consume_its_counter() -> None:
    verifier = MessageVerifier(SECRET)
    with pytest.raises(ProtocolError):
        parse_state(STATE, _signed_state(7, NOW + 3600), verifier=verifier, now=NOW)
    assert parse_state(STATE, _signed_state(7, NOW + 3600), verifier=verifier).seq == 7


def test_announcement_counter_is_restored() -> None:
    signer = MessageSigner(SECRET)
    old = json.dumps(signer.sign(ANNOUNCE, {**_announcement(seq=5)})).encode()
    verifier = MessageVerifier(SECRET)
    verifier.restore(100, last_announce_seq=6)
    with pytest.raises(ProtocolError) as caught:
        parse_announcement(ANNOUNCE, old, verifier=verifier)
    assert caught.value.kind is RejectionKind.REPLAYED_COUNTER


def test_is_signed() -> None:
    assert is_signed(json.dumps(_announcement()).encode())
    unsigned = _announcement()
    del unsigned["sig"]
    assert not is_signed(json.dumps(unsigned))
    assert not is_signed(b"\xff")
    assert not is_signed(b"[1]")


# Hypothesis: hostile values a careful attacker uses, inside signed-looking messages.
hostile_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(alphabet=st.characters(codec=None), max_size=20),
    st.sampled_from(["\ud800", "\u202e", "\x00", FAKE_SIG]),
)
RAW = ("1e999", "-1e999", "NaN", "Infinity", "1" + "0" * 400, '"\\udc00"')
hostile_values = st.recursive(
    hostile_scalars | st.sampled_from([f"\0RAW{index}\0" for index in range(len(RAW))]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _render(message: Any) -> bytes:
    text = json.dumps(message)
    for index, token in enumerate(RAW):
        text = text.replace(json.dumps(f"\0RAW{index}\0"), token)
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=400, deadline=None)
@given(
    base=st.sampled_from(["announce", "state", "command", "resend", "replay"]),
    name=st.sampled_from(
        ["v", "id", "name", "model", "sensors", "interval_s", "ts", "seq", "since", "sig", "x"]
    ),
    value=hostile_values,
    signed=st.booleans(),
    now=st.none() | st.just(NOW),
)
def test_hostile_values_in_signed_looking_messages_raise_only_protocol_errors(
    base: str, name: str, value: object, signed: bool, now: float | None
) -> None:
    state = {"v": 1, "seq": 1, "ts": NOW, "sensors": {}, "switches": {}, "sig": FAKE_SIG}
    message: dict[str, Any] = {
        "announce": _announcement(),
        "state": dict(state),
        "command": {"v": 1, "state": "ON", "seq": 1, "ts": NOW, "sig": FAKE_SIG},
        "resend": {"v": 1, "since": 0, "seq": 1, "ts": NOW, "sig": FAKE_SIG},
        "replay": {"v": 1, "messages": [dict(state)], "ack": 1},
    }[base]
    target = message["messages"][0] if base == "replay" and name != "v" else message
    target[name] = value
    payload = _render(message)
    for topic, parser in PARSERS:
        verifier = MessageVerifier(SECRET) if signed else None
        kwargs: dict[str, Any] = {"verifier": verifier}
        if parser in (parse_state, parse_replay):
            kwargs["now"] = now
        with contextlib.suppress(ProtocolError):
            parser(topic, payload, **kwargs)
        with contextlib.suppress(ProtocolError):
            parser(topic, payload.decode("utf-8", "surrogatepass"), **kwargs)
    with contextlib.suppress(ProtocolError):
        parse_availability("py_iot_home/kitchen/availability", payload)


@pytest.mark.parametrize("literal", [b"-0.0", b"-0", b"-0e5"])
def test_negative_zero_is_read_as_zero(literal: bytes) -> None:
    """A reading of -0.0 would show as "-0.0 °C" on the entity and in the history."""
    payload = b'{"v":1,"seq":5,"ts":1780000000,"sensors":{"dht":{"temperature":%b}}}' % literal
    temperature = parse_state(STATE, payload).sensors["dht"].temperature
    assert str(temperature) == "0.0"


@pytest.mark.parametrize(
    "answer",
    [
        # Anyone can read the request's seq on the broker and close it with no entries...
        build_replay("kitchen", [], ack=99, first=1),
        # ... or with the node's own signed entries replayed, under a made-up signature,
        build_replay("kitchen", [_signed_state(7)], ack=99, signer=MessageSigner("guess")),
    ],
    ids=["unsigned", "wrong_secret"],
)
def test_a_strangers_ack_does_not_settle_a_signed_nodes_request(answer: OutboundMessage) -> None:
    verifier = MessageVerifier(SECRET)
    batch = parse_replay_batch(REPLAY, answer.payload, verifier=verifier)
    assert (batch.ack, batch.first) == (None, None)
    assert batch.refused_ack is not None
    assert batch.refused_ack.kind in {RejectionKind.MISSING_SIGNATURE, RejectionKind.BAD_SIGNATURE}
    # Signed entries in it still count: only the envelope is not believed.
    assert [state.seq for state in batch.states] == [7] * len(batch.states)


def test_a_signed_ack_cannot_be_moved_to_another_request() -> None:
    answer = build_replay("kitchen", [], ack=99, first=3, signer=MessageSigner(SECRET))
    envelope = json.loads(answer.payload)
    envelope["ack"] = 100
    batch = parse_replay_batch(
        REPLAY, json.dumps(envelope).encode(), verifier=MessageVerifier(SECRET)
    )
    assert batch.ack is None
    assert batch.refused_ack is not None
    assert batch.refused_ack.kind is RejectionKind.BAD_SIGNATURE


def test_a_secret_signs_the_same_however_its_accents_were_typed() -> None:
    """ "ü" is one code point from a browser's form (NFC) and often two, u and a combining
    diaeresis, from an editor (NFD): the node signed with one, Home Assistant checked with the
    other, and every message was refused as a bad signature."""
    typed_in_the_form = "Schl\u00fcssel f\u00fcr die K\u00fcche"
    written_in_node_yaml = "Schlu\u0308ssel fu\u0308r die Ku\u0308che"
    assert typed_in_the_form != written_in_node_yaml
    signed = build_state(_state(1), signer=MessageSigner(written_in_node_yaml)).payload
    verifier = MessageVerifier(typed_in_the_form)
    assert parse_state(STATE, signed, verifier=verifier).seq == 1
