"""The agent answers Home Assistant's resend requests from its history of sent samples."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from py_iot_node.agent import (
    RESEND_MIN_INTERVAL_S,
    SWITCH_STATES_MIN_INTERVAL_S,
    NodeAgent,
)
from py_iot_node.buffer import SampleBuffer
from py_iot_node.config import NodeConfig
from py_iot_node.devices import SwitchBank
from py_iot_node.hardware.gpio import SimulatedGpioBackend
from py_iot_node.protocol import (
    MAX_REPLAY_MESSAGES,
    MAX_SEQ,
    MessageSigner,
    MessageVerifier,
    RejectionKind,
    SensorSample,
    build_resend_request,
    parse_replay_batch,
    parse_state,
)

from .agent_timing import resend_answer
from .conftest import FakeClient, FakeClock, make_config

STATE = "py_iot_home/kitchen/state"
REPLAY = "py_iot_home/kitchen/replay"
RESEND = "py_iot_home/kitchen/resend"
SECRET = "a shared secret of the kitchen node"


def reading(temperature: float) -> dict[str, SensorSample]:
    return {"climate": SensorSample(temperature=temperature, humidity=45.0)}


def make_agent(
    config: NodeConfig, client: FakeClient, clock: FakeClock
) -> tuple[NodeAgent, SampleBuffer]:
    bank = SwitchBank(SimulatedGpioBackend(), config.switches)
    bank.setup()
    buffer = SampleBuffer(config.buffer_path, 1000)
    return NodeAgent(config, client, bank, buffer, clock=clock, monotonic=clock.monotonic), buffer


def publish_and_ack(
    agent: NodeAgent, client: FakeClient, clock: FakeClock, count: int
) -> list[int]:
    """Take `count` samples, all acknowledged by the broker; return their seqs."""
    seqs = []
    for index in range(count):
        clock.now += 30
        agent.handle_sample(clock.now, reading(20.0 + index % 50))
        for message in client.take():
            agent.handle_published(message.mid)
            if message.topic == STATE:
                seqs.append(parse_state(STATE, message.payload).seq)
    return seqs


def ask(agent: NodeAgent, since: int, seq: int = 1) -> None:
    request = build_resend_request("kitchen", since, seq=seq)
    agent.handle_message(request.topic, request.payload)


def test_resend_after_since_in_order_with_ack(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    agent, buffer = make_agent(make_config(tmp_path), client, clock)
    agent.handle_connected()
    client.take()
    seqs = publish_and_ack(agent, client, clock, 10)
    ask(agent, since=seqs[3], seq=77)
    _, (batch,) = resend_answer(client.take())
    assert batch.topic == REPLAY
    parsed = parse_replay_batch(REPLAY, batch.payload)
    assert [state.seq for state in parsed.states] == seqs[4:]
    assert [state.sensors["climate"].temperature for state in parsed.states] == [
        24.0 + index for index in range(6)
    ]
    assert parsed.ack == 77
    assert agent.stats.resent == 6
    # A resend is not a backlog: nothing went to the disk buffer.
    assert len(buffer) == 0


def test_nothing_newer_still_acknowledges(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    agent, _ = make_agent(make_config(tmp_path), client, clock)
    agent.handle_connected()
    client.take()
    seqs = publish_and_ack(agent, client, clock, 2)
    ask(agent, since=seqs[-1], seq=5)
    _, (batch,) = resend_answer(client.take())
    empty = parse_replay_batch(REPLAY, batch.payload)
    assert (empty.states, empty.first) == ([], None)
    assert json.loads(batch.payload)["ack"] == 5


@pytest.mark.parametrize(
    ("secret", "asker"),
    [
        (SECRET, "Home Assistant"),
        (None, "an unsigned request (Home Assistant's, or anyone's on the broker)"),
    ],
    ids=["signed", "unsigned"],
)
def test_a_request_for_the_switch_states_alone_says_so_in_the_log(
    tmp_path: Path,
    client: FakeClient,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    secret: str | None,
    asker: str,
) -> None:
    """Home Assistant asks for no sample with the largest counter: the node's log said
    "resending 0 samples after seq 9223372036854775807" at every start of Home Assistant.

    Only a signed request is surely Home Assistant's: a node without a secret said "Home
    Assistant asked" of anyone's request, misleading whoever read its log after a stranger
    had it resend its samples.
    """
    agent, _ = make_agent(make_config(tmp_path, secret=secret), client, clock)
    agent.handle_connected()
    client.take()
    seqs = publish_and_ack(agent, client, clock, 2)
    signer = MessageSigner(secret) if secret else None
    caplog.set_level(logging.INFO, logger="py_iot_node.agent")
    caplog.clear()
    for since, seq in ((MAX_SEQ, 5), (seqs[0], 6)):
        request = build_resend_request("kitchen", since, seq=seq, signer=signer, ts=clock.now)
        agent.handle_message(request.topic, request.payload)
        clock.now += RESEND_MIN_INTERVAL_S
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        f"sending the switch states {asker} asked for",
        f"{asker} asked for what it missed: 1 sample to send again",
    ]


def test_unacknowledged_samples_are_not_in_the_history(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    agent, _ = make_agent(make_config(tmp_path), client, clock)
    agent.handle_connected()
    client.take()
    clock.now += 30
    agent.handle_sample(clock.now, reading(21.0))
    client.take()  # published, never acknowledged: it is in flight, not sent
    ask(agent, since=0)
    _, (batch,) = resend_answer(client.take())
    empty = parse_replay_batch(REPLAY, batch.payload)
    assert (empty.states, empty.first) == ([], None)


def test_history_is_bounded_and_split_into_batches(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    limit = MAX_REPLAY_MESSAGES + 50
    agent, _ = make_agent(make_config(tmp_path, buffer={"resend_samples": limit}), client, clock)
    agent.handle_connected()
    client.take()
    seqs = publish_and_ack(agent, client, clock, limit + 30)
    ask(agent, since=0, seq=9)
    _, (first, second) = resend_answer(client.take())
    first_batch = parse_replay_batch(REPLAY, first.payload)
    second_batch = parse_replay_batch(REPLAY, second.payload)
    assert (first_batch.ack, first_batch.first) == (None, None)
    # The last batch says where the whole answer began: a lost first batch shows.
    assert (second_batch.ack, second_batch.first) == (9, seqs[-limit])
    resent = [state.seq for state in first_batch.states + second_batch.states]
    assert resent == seqs[-limit:]


def test_replayed_backlog_joins_the_history(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    agent, buffer = make_agent(make_config(tmp_path), client, clock)
    for index in range(3):
        clock.now += 30
        agent.handle_sample(clock.now, reading(18.0 + index))
    agent.handle_connected()
    for message in client.take():
        agent.handle_published(message.mid)
    assert len(buffer) == 0
    ask(agent, since=0)
    _, (batch,) = resend_answer(client.take())
    temperatures = [
        state.sensors["climate"].temperature
        for state in parse_replay_batch(REPLAY, batch.payload).states
        if state.sensors
    ]
    assert temperatures == [18.0, 19.0, 20.0]


def test_bad_and_unsigned_requests_are_rejected(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    agent, _ = make_agent(make_config(tmp_path, secret=SECRET), client, clock)
    agent.handle_connected()
    client.take()
    publish_and_ack(agent, client, clock, 3)
    agent.handle_message(RESEND, b"{not json")
    ask(agent, since=0)  # unsigned, to a signed node
    assert client.take() == []
    assert agent.stats.rejected == {
        RejectionKind.MALFORMED_JSON: 1,
        RejectionKind.MISSING_SIGNATURE: 1,
    }
    signed = build_resend_request("kitchen", 0, seq=10, signer=MessageSigner(SECRET), ts=clock.now)
    agent.handle_message(signed.topic, signed.payload)
    verifier = MessageVerifier(SECRET)
    _, (batch,) = resend_answer(client.take(), verifier)
    answer = parse_replay_batch(REPLAY, batch.payload, verifier=verifier)
    assert len(answer.states) == 3
    # The node signs the answer's ack: Home Assistant believes it, and no stranger's.
    assert (answer.ack, answer.refused_ack) == (10, None)
    # The same request again is a replay of it.
    agent.handle_message(signed.topic, signed.payload)
    assert client.take() == []
    assert agent.stats.rejected[RejectionKind.REPLAYED_COUNTER] == 1


def test_answer_starts_with_the_switch_states_on_their_own_ration(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    """Home Assistant asks as it subscribes: the switches must not wait for the next reading,
    nor for the samples' turn (a reload 5 s after the last request showed "Unknown")."""
    agent, _ = make_agent(make_config(tmp_path, secret=SECRET), client, clock)
    agent.handle_connected()
    agent.switches.set("led", True)
    seqs = publish_and_ack(agent, client, clock, 2)
    signer, verifier = MessageSigner(SECRET), MessageVerifier(SECRET)
    request = build_resend_request("kitchen", seqs[-1], seq=10, signer=signer, ts=clock.now)
    agent.handle_message(request.topic, request.payload)
    switch_states, (batch,) = resend_answer(client.take(), verifier)
    assert switch_states.switches == {"led": True, "relay": False}
    assert switch_states.seq > seqs[-1]
    assert parse_replay_batch(REPLAY, batch.payload, verifier=verifier).ack == 10
    clock.now += RESEND_MIN_INTERVAL_S / 2
    again = build_resend_request("kitchen", seqs[-1], seq=11, signer=signer, ts=clock.now)
    agent.handle_message(again.topic, again.payload)
    (sent,) = client.take()
    assert sent.topic == STATE
    assert parse_state(STATE, sent.payload, verifier=verifier).switches == {
        "led": True,
        "relay": False,
    }
    agent.handle_published(sent.mid)
    # The samples wait for their turn, and come without the switch states sent already.
    clock.now += RESEND_MIN_INTERVAL_S / 2
    agent.tick()
    (batch,) = client.take()
    # A verifier of its own: the one above refuses what it admitted already.
    answer = parse_replay_batch(REPLAY, batch.payload, verifier=MessageVerifier(SECRET))
    assert (answer.ack, answer.states) == (11, [])


def test_switch_states_asked_by_a_flood_of_requests_leave_once_a_second(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    """Anyone allowed on the topic can ask (unsigned): what it makes the node send is bounded."""
    agent, _ = make_agent(make_config(tmp_path), client, clock)
    agent.handle_connected()
    client.take()
    for seq in range(1, 101):
        ask(agent, 0, seq=seq)
        clock.now += 0.1
        agent.tick()
    sent = client.take()
    # 10 s of requests: the switch states once per SWITCH_STATES_MIN_INTERVAL_S, one answer.
    assert [message.topic for message in sent].count(STATE) == 10 / SWITCH_STATES_MIN_INTERVAL_S
    assert [message.topic for message in sent].count(REPLAY) == 1


def test_a_flood_of_requests_leaves_the_samples_in_the_history(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    """Each request's switch states are a message of their own: remembered like a sample,
    a second apart they pushed every sample out of the history (5,000 in 83 minutes),
    and Home Assistant back from an outage got switch states instead of its readings."""
    config = make_config(tmp_path, buffer={"resend_samples": 50})
    agent, _ = make_agent(config, client, clock)
    agent.handle_connected()
    client.take()
    seqs = publish_and_ack(agent, client, clock, 20)
    for seq in range(1, 201):
        ask(agent, 2**63 - 1, seq=seq)
        clock.now += SWITCH_STATES_MIN_INTERVAL_S
        agent.tick()
        for message in client.take():
            agent.handle_published(message.mid)
    clock.now += RESEND_MIN_INTERVAL_S
    ask(agent, seqs[0] - 1, seq=1000)
    sent = client.take()
    switch_states, *batches = sent
    assert switch_states.topic == STATE
    resent = [
        state.seq for batch in batches for state in parse_replay_batch(REPLAY, batch.payload).states
    ]
    # Every sample; no switch states: the ones just sent live say what the older said.
    assert resent == seqs
