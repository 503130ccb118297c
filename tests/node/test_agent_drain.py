"""A command obeyed while the node drains a backlog is confirmed live, past the backlog."""

from __future__ import annotations

from pathlib import Path

import pytest
from py_iot_node.agent import NodeAgent
from py_iot_node.buffer import SampleBuffer
from py_iot_node.protocol import (
    ADMIT_SPAN,
    MAX_REPLAY_MESSAGES,
    MessageSigner,
    MessageVerifier,
    build_command,
    build_resend_request,
    parse_replay_batch,
)

from .agent_timing import (
    REPLAY,
    RESEND,
    SECRET,
    STATE,
    ack_all,
    make_agent,
    reading,
    resend_answer,
    states,
)
from .conftest import START, FakeClient, FakeClock, make_config

LED_SET = "py_iot_home/kitchen/switch/led/set"
BACKLOG = MAX_REPLAY_MESSAGES + 50


def command(on: bool, seq: int, clock: FakeClock, secret: str | None) -> bytes:
    signer = MessageSigner(secret) if secret else None
    return build_command("kitchen", "led", on, signer=signer, seq=seq, ts=clock.now).payload


def draining_agent(
    tmp_path: Path, client: FakeClient, secret: str | None
) -> tuple[NodeAgent, SampleBuffer, FakeClock]:
    """A node back after an outage with BACKLOG buffered samples, its drain just begun."""
    config = make_config(tmp_path, **({"secret": secret} if secret else {}))
    clock = FakeClock(START)
    agent, buffer = make_agent(config, client, clock)
    for index in range(BACKLOG):
        agent.handle_sample(START + index, reading(20.0))
    clock.now = START + BACKLOG + 60
    agent.handle_connected()
    return agent, buffer, clock


@pytest.mark.parametrize("secret", [None, SECRET], ids=["unsigned", "signed"])
def test_a_command_during_a_drain_is_confirmed_live_and_the_backlog_stays_in_order(
    tmp_path: Path, client: FakeClient, secret: str | None
) -> None:
    agent, buffer, clock = draining_agent(tmp_path, client, secret)
    verifier = MessageVerifier(secret) if secret else None
    sent = client.take()
    assert [message.topic for message in sent][-2:] == [STATE, REPLAY]
    # A sample and a command while the first batch is on its way.
    agent.handle_sample(clock.now, reading(30.0))
    agent.handle_message(LED_SET, command(True, 1, clock, secret))
    assert agent.switches.states["led"] is True
    confirmation = client.take()
    assert [message.topic for message in confirmation] == [STATE]
    (confirmed,) = states(confirmation)
    assert (confirmed.switches["led"], confirmed.sensors) == (True, {})
    # The rest of the backlog, then the sample taken during the drain, in replay batches.
    for message in sent + confirmation:
        agent.handle_published(message.mid)
    later = []
    while more := ack_all(agent, client):
        later += more
    assert len(buffer) == 0
    received = states(sent + confirmation + later, verifier)
    readings = [state for state in received if state.sensors]
    assert len(readings) == BACKLOG + 1
    assert [state.seq for state in readings] == sorted(state.seq for state in readings)
    assert readings[-1].sensors["climate"].temperature == 30.0
    # Only switch states overtook the backlog: the readings' history is in order.
    assert all(not state.sensors for state in received if state.seq > readings[-1].seq)
    buffer.close()


def test_a_signed_node_confirms_in_order_behind_a_backlog_beyond_the_admit_span(
    tmp_path: Path, client: FakeClient
) -> None:
    """Home Assistant remembers the ADMIT_SPAN counters below the newest it admitted.

    A backlog from before a restart lies further below (the counter jumps to the time in
    milliseconds): a confirmation sent past it would make Home Assistant refuse all of it.
    """
    config = make_config(tmp_path, secret=SECRET)
    clock = FakeClock(START)
    before, buffer = make_agent(config, client, clock)
    before.handle_sample(START, reading(19.0))
    buffer.close()
    clock.now = START + 600  # the node restarts ten minutes later, still offline
    agent, buffer = make_agent(config, client, clock)
    agent.handle_sample(clock.now, reading(20.0))
    agent.handle_connected()
    agent.handle_message(LED_SET, command(True, 1, clock, SECRET))
    assert agent.switches.states["led"] is True
    sent = []
    while more := ack_all(agent, client):
        sent += more
    verifier = MessageVerifier(SECRET)
    received = states(sent, verifier)
    temperatures = [state.sensors["climate"].temperature for state in received if state.sensors]
    assert temperatures == [19.0, 20.0]
    assert received[-1].seq - received[0].seq > ADMIT_SPAN
    assert [state.switches["led"] for state in received if not state.sensors] == [False, True]
    assert [message.topic for message in sent].count(STATE) == 0
    buffer.close()


def test_once_the_backlog_within_the_span_remains_switch_states_go_live_again(
    tmp_path: Path, client: FakeClient
) -> None:
    config = make_config(tmp_path, secret=SECRET)
    clock = FakeClock(START)
    before, buffer = make_agent(config, client, clock)
    before.handle_sample(START, reading(19.0))
    buffer.close()
    clock.now = START + 600
    agent, buffer = make_agent(config, client, clock)
    for index in range(MAX_REPLAY_MESSAGES + 10):
        agent.handle_sample(clock.now + index, reading(20.0))
    agent.handle_connected()
    first_batch = client.take()[-1]
    assert first_batch.topic == REPLAY
    agent.handle_published(first_batch.mid)
    # Only samples of this run wait now: the confirmation may pass them.
    agent.handle_message(LED_SET, command(True, 1, clock, SECRET))
    sent = client.take()
    assert [message.topic for message in sent] == [REPLAY, STATE]
    buffer.close()


@pytest.mark.parametrize("secret", [None, SECRET], ids=["unsigned", "signed"])
def test_asked_after_a_confirmation_that_overtook_the_backlog_the_node_resends_the_backlog(
    tmp_path: Path, client: FakeClient, secret: str | None
) -> None:
    """An unsigned node's last seen counter is its latest live state's: the confirmation.

    The backlog it overtook left after it; when Home Assistant missed that (a broker restart
    while it drained), its request asks after the confirmation and must bring the backlog.
    """
    agent, buffer, clock = draining_agent(tmp_path, client, secret)
    sent = client.take()
    agent.handle_message(LED_SET, command(True, 1, clock, secret))
    confirmation = client.take()
    (confirmed,) = states(confirmation)
    # The broker acknowledges in publishing order: the first batch, then the confirmation.
    for message in sent + confirmation:
        agent.handle_published(message.mid)
    lost = []
    while more := ack_all(agent, client):
        lost += more
    backlog_after = [state.seq for state in states(lost)]
    assert backlog_after
    assert max(backlog_after) < confirmed.seq
    clock.now += 30
    signer = MessageSigner(secret) if secret else None
    request = build_resend_request(
        "kitchen", since=confirmed.seq, seq=2, signer=signer, ts=clock.now
    )
    agent.handle_message(RESEND, request.payload)
    verifier = MessageVerifier(secret) if secret else None
    _, answer = resend_answer(client.take(), verifier)
    batches = [parse_replay_batch(REPLAY, message.payload, verifier=verifier) for message in answer]
    resent = [state.seq for batch in batches for state in batch.states]
    assert set(backlog_after) <= set(resent)
    assert resent == sorted(resent)
    assert (batches[-1].ack, batches[-1].first) == (2, min(resent))
    buffer.close()
