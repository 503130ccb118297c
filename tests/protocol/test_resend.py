"""Resend requests, acknowledged replay batches and the verifier's once-only admission."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from custom_components.py_iot_home.protocol import (
    ADMIT_SPAN,
    MAX_REPLAY_PAYLOAD_BYTES,
    MessageSigner,
    MessageVerifier,
    ProtocolError,
    RejectionKind,
    StateMessage,
    build_replay,
    build_resend_request,
    build_state,
    parse_replay,
    parse_replay_batch,
    parse_resend_request,
    parse_state,
    replay_batch_size,
)

SECRET = "kitchen secret"
NOW = 1_780_000_000.0
RESEND = "py_iot_home/kitchen/resend"
REPLAY = "py_iot_home/kitchen/replay"


def signed_state(seq: int, signer: MessageSigner | None = None) -> bytes:
    state = StateMessage(node_id="kitchen", ts=NOW + seq, seq=seq, switches={"led": True})
    return build_state(state, signer=signer).payload


def test_resend_request_round_trip() -> None:
    request = build_resend_request("kitchen", 41, seq=7)
    assert request.topic == RESEND
    assert not request.retain
    parsed = parse_resend_request(request.topic, request.payload)
    assert (parsed.node_id, parsed.since, parsed.seq, parsed.ts) == ("kitchen", 41, 7, None)


def test_signed_resend_request_needs_signature_time_and_fresh_counter() -> None:
    signer = MessageSigner(SECRET)
    verifier = MessageVerifier(SECRET, clock=lambda: NOW)
    request = build_resend_request("kitchen", 41, seq=7, signer=signer, ts=NOW)
    assert parse_resend_request(RESEND, request.payload, verifier=verifier).since == 41
    with pytest.raises(ProtocolError) as replayed:
        parse_resend_request(RESEND, request.payload, verifier=verifier)
    assert replayed.value.kind is RejectionKind.REPLAYED_COUNTER
    unsigned = build_resend_request("kitchen", 41, seq=8)
    with pytest.raises(ProtocolError) as missing:
        parse_resend_request(RESEND, unsigned.payload, verifier=verifier)
    assert missing.value.kind is RejectionKind.MISSING_SIGNATURE
    stale = build_resend_request("kitchen", 41, seq=9, signer=signer, ts=NOW - 3600)
    with pytest.raises(ProtocolError) as old:
        parse_resend_request(RESEND, stale.payload, verifier=verifier)
    assert old.value.kind is RejectionKind.STALE
    with pytest.raises(ValueError, match="needs ts"):
        build_resend_request("kitchen", 41, seq=9, signer=signer)


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b'{"v":1,"seq":1}', RejectionKind.MISSING_FIELD),
        (b'{"v":1,"since":"0","seq":1}', RejectionKind.WRONG_TYPE),
        (b'{"v":1,"since":-1,"seq":1}', RejectionKind.OUT_OF_RANGE),
        (b'{"v":2,"since":0,"seq":1}', RejectionKind.UNKNOWN_VERSION),
        (b"[]", RejectionKind.WRONG_TYPE),
    ],
)
def test_bad_resend_requests(payload: bytes, kind: RejectionKind) -> None:
    with pytest.raises(ProtocolError) as err:
        parse_resend_request(RESEND, payload)
    assert err.value.kind is kind


def test_replay_ack_round_trip_and_empty_batch() -> None:
    batch = build_replay("kitchen", [signed_state(5), signed_state(6)], ack=99)
    parsed = parse_replay_batch(REPLAY, batch.payload)
    assert [state.seq for state in parsed.states] == [5, 6]
    assert parsed.ack == 99
    empty = parse_replay_batch(REPLAY, build_replay("kitchen", [], ack=3).payload)
    assert (empty.states, empty.ack) == ([], 3)
    assert (
        parse_replay_batch(REPLAY, build_replay("kitchen", [signed_state(1)]).payload).ack is None
    )
    with pytest.raises(ProtocolError) as err:
        parse_replay_batch(REPLAY, b'{"v":1,"messages":[],"ack":true}')
    assert err.value.kind is RejectionKind.WRONG_TYPE


def test_batch_size_leaves_room_for_the_ack() -> None:
    big = [signed_state(seq) + b" " * 3000 for seq in range(150)]
    count = replay_batch_size(big)
    batch = build_replay("kitchen", big[:count], ack=2**63 - 1)
    assert len(batch.payload) <= MAX_REPLAY_PAYLOAD_BYTES


def test_out_of_order_resend_fills_the_gap_once() -> None:
    signer = MessageSigner(SECRET)
    verifier = MessageVerifier(SECRET)
    for seq in (10, 11, 15, 16):
        parse_state("py_iot_home/kitchen/state", signed_state(seq, signer), verifier=verifier)
    resent = build_replay("kitchen", [signed_state(seq, signer) for seq in range(10, 17)])
    assert [state.seq for state in parse_replay(REPLAY, resent.payload, verifier=verifier)] == [
        12,
        13,
        14,
    ]
    with pytest.raises(ProtocolError) as err:
        parse_replay(REPLAY, resent.payload, verifier=verifier)
    assert err.value.kind is RejectionKind.REPLAYED_COUNTER
    with pytest.raises(ProtocolError):
        parse_state("py_iot_home/kitchen/state", signed_state(13, signer), verifier=verifier)
    assert verifier.last_seq == 16


def test_restored_verifier_admits_only_newer() -> None:
    verifier = MessageVerifier(SECRET)
    verifier.restore(100)
    with pytest.raises(ProtocolError):
        verifier.admit(100)
    assert verifier.admit(150)
    assert verifier.admit(120)
    assert not verifier.admit(150)


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=600))
def test_admit_is_once_only_and_bounded(seqs: list[int]) -> None:
    span = 64
    verifier = MessageVerifier(SECRET, admit_span=span)
    admitted: set[int] = set()
    for seq in seqs:
        try:
            fresh = verifier.admit(seq)
        except ProtocolError:
            # Only counters more than a span below the newest are refused outright.
            assert seq <= verifier.floor
            assert seq <= max(admitted) - span
            continue
        assert fresh == (seq not in admitted)
        admitted.add(seq)
        # The floor follows the newest counter at a span's distance, never the order.
        assert verifier.floor == max(-1, max(admitted) - span)
    assert verifier.last_seq == (max(admitted) if admitted else -1)


@settings(max_examples=300)
@given(
    st.sampled_from([16, 24]),
    st.lists(st.tuples(st.integers(min_value=1, max_value=30), st.integers(0, 23)), max_size=60),
)
def test_raising_the_floor_clears_exactly_the_counters_it_passes(
    span: int, moves: list[tuple[int, int]]
) -> None:
    """Byte-wise clearing (at any offset, across the wrap) forgets what a bit loop would."""
    verifier = MessageVerifier(SECRET, admit_span=span)
    admitted: set[int] = set()
    seq = 0
    for step, back in moves:
        seq += step
        assert verifier.admit(seq) == (seq not in admitted)
        admitted.add(seq)
        # Every counter within the span below the newest: admitted unless it was before.
        below = seq - back % span
        if below > verifier.floor:
            assert verifier.admit(below) == (below not in admitted)
            admitted.add(below)
    for earlier in sorted(admitted):
        if earlier > verifier.floor:
            assert not verifier.admit(earlier)


def test_counters_spaced_just_under_the_span_are_each_admitted_once() -> None:
    """A node stepping its counter by span - 1 (a compromised one) gets no double admits."""
    verifier = MessageVerifier(SECRET)
    step = ADMIT_SPAN - 1
    seqs = [ADMIT_SPAN + 10 + i * step for i in range(50)]
    assert all(verifier.admit(seq) for seq in seqs)
    assert verifier.floor == seqs[-1] - ADMIT_SPAN
    assert not verifier.admit(seqs[-1])
    assert not verifier.admit(seqs[-2])
    assert verifier.admit(seqs[-2] + 1)


def test_counters_sent_scattered_do_not_raise_the_floor() -> None:
    """Every other counter of a gap, then the gap itself: each counter admitted once."""
    verifier = MessageVerifier(SECRET)
    verifier.restore(10)
    assert all(verifier.admit(seq) for seq in range(82, 211, 2))
    assert verifier.floor == 10
    assert [verifier.admit(seq) for seq in range(11, 211)].count(True) == 200 - 65


def _probe(verifier: MessageVerifier, seqs: range) -> dict[int, bool | None]:
    """Admit each of `seqs` once: True new, False seen, None refused below the floor."""
    found: dict[int, bool | None] = {}
    for seq in seqs:
        try:
            found[seq] = verifier.admit(seq)
        except ProtocolError:
            found[seq] = None
    return found


@settings(max_examples=300)
@given(
    st.sampled_from([16, 24, 64]),
    st.integers(min_value=-1, max_value=40),
    st.lists(st.integers(min_value=0, max_value=300), max_size=80),
)
@example(span=16, restored_at=-1, seqs=list(range(10, 40)))  # a run across the bitmap's end
def test_a_restored_verifier_admits_exactly_what_the_first_one_would(
    span: int, restored_at: int, seqs: list[int]
) -> None:
    """After a restart, Home Assistant neither forgets a counter it took nor refuses one it
    never took above the floor: a backlog overtaken by live switch states is still owed."""
    before = MessageVerifier(SECRET, admit_span=span)
    before.restore(restored_at)
    for seq in seqs:
        before.admit_or_skip(seq)
    after = MessageVerifier(SECRET, admit_span=span)
    after.restore(before.last_seq, admitted=before.admitted_runs())
    assert after.floor == before.floor
    probe = range(-1, 320)
    assert _probe(after, probe) == _probe(before, probe)


def test_admitted_runs_are_the_counters_taken_oldest_first() -> None:
    verifier = MessageVerifier(SECRET, admit_span=64)
    verifier.restore(10)
    for seq in (12, 13, 14, 20, 40, 41):
        verifier.admit(seq)
    assert verifier.admitted_runs() == (10, [(12, 14), (20, 20), (40, 41)])
    # Beyond the limit the oldest runs go: the floor rises below the oldest kept.
    assert verifier.admitted_runs(limit=2) == (19, [(20, 20), (40, 41)])


@pytest.mark.parametrize(
    "admitted",
    [
        (5, [(3, 4)]),  # below the floor
        (10, [(12, 14), (13, 20)]),  # overlapping
        (10, [(20, 30), (12, 14)]),  # out of order
        (10, [(12, 200)]),  # past last_seq
        (-5, []),  # a floor below the verifier's own
    ],
)
def test_runs_that_do_not_fit_restore_the_floor_at_the_last_counter(
    admitted: tuple[int, list[tuple[int, int]]],
) -> None:
    verifier = MessageVerifier(SECRET)
    verifier.restore(100, admitted=admitted)
    assert verifier.floor == 100
