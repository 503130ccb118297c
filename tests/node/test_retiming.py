"""Buffered samples taken before a Pi's clock was set: retimed, kept as sent, or dropped."""

from __future__ import annotations

import inspect
import sqlite3
import time
from functools import partial
from pathlib import Path

import pytest
from py_iot_node.agent import NodeAgent
from py_iot_node.protocol import (
    MessageVerifier,
    SensorSample,
    StateMessage,
    build_resend_request,
    build_state,
    parse_state,
)
from py_iot_node.retiming import boot_clock
from py_iot_node.runner import read_periodically, run_node

from . import agent_timing
from .agent_timing import RESEND, SECRET, STALE, STATE, ack_all, reading, states
from .conftest import START, FakeClient, FakeClock, Sent, make_config

# paho's MQTT_ERR_NO_CONN: publish() after the socket is gone, before the agent hears of it.
# paho keeps a QoS 1 message it could not send and sends it after reconnecting.
MQTT_ERR_NO_CONN = 4


# Its buffer is of boot 1 unless a test says another.
make_agent = partial(agent_timing.make_agent, boot=1)


@pytest.mark.parametrize("secret", [None, SECRET])
def test_samples_buffered_before_the_clock_was_set_are_replayed_at_their_true_time(
    tmp_path: Path, client: FakeClient, secret: str | None
) -> None:
    config = make_config(tmp_path, **({"secret": secret} if secret else {}))
    clock = FakeClock(STALE)
    agent, buffer = make_agent(config, client, clock)
    for temperature in (20.0, 21.0):
        clock.now += 30
        agent.handle_sample(clock.now, reading(temperature))
    clock.now += 30
    clock.set(START)  # NTP's first sync, 30 s after the second sample
    agent.tick()
    # Read just before the step, handed over just after it (the reader thread's case).
    agent.handle_sample(STALE + 89.0, reading(22.0), mono=clock.monotonic() - 1.0)
    agent.handle_connected()
    replayed = states(ack_all(agent, client), MessageVerifier(secret) if secret else None)
    # The reconnect's echo (switch states only) goes out live, ahead of the backlog.
    assert [(state.ts, state.sensors.get("climate")) for state in replayed] == [
        (START, None),
        (START - 60, SensorSample(temperature=20.0, humidity=45.0)),
        (START - 30, SensorSample(temperature=21.0, humidity=45.0)),
        (START - 1, SensorSample(temperature=22.0, humidity=45.0)),
    ]
    assert agent.stats.retimed == 2
    assert len(buffer) == 0
    buffer.close()


def test_a_small_step_back_retimes_nothing(tmp_path: Path, client: FakeClient) -> None:
    clock = FakeClock()
    agent, buffer = make_agent(make_config(tmp_path), client, clock)
    agent.handle_sample(clock.now, reading(20.0))
    before = buffer.oldest(10)
    clock.now += 30
    clock.set(clock.now - 1.5)  # NTP correcting a clock a little ahead
    agent.handle_sample(clock.now, reading(21.0))
    assert buffer.oldest(1) == before
    assert agent.stats.retimed == 0
    buffer.close()


def test_samples_of_this_boot_buffered_by_an_earlier_run_are_retimed_at_start(
    tmp_path: Path, client: FakeClient
) -> None:
    config = make_config(tmp_path)
    clock = FakeClock(STALE)
    agent, buffer = make_agent(config, client, clock)
    agent.handle_sample(clock.now, reading(20.0))
    buffer.close()
    clock.now += 60
    clock.set(START)  # set while the agent was restarting
    agent, buffer = make_agent(config, client, clock)
    ((_, payload),) = buffer.oldest(1)
    assert parse_state(STATE, payload).ts == START - 60
    buffer.close()


@pytest.mark.parametrize("stale", [START - 1800, 100.0], ids=["saved_clock", "epoch"])
def test_impossible_times_of_an_earlier_boot_are_dropped_and_the_rest_kept(
    tmp_path: Path, client: FakeClient, caplog: pytest.LogCaptureFixture, stale: float
) -> None:
    config = make_config(tmp_path)
    clock = FakeClock(START - 600)
    agent, buffer = make_agent(config, client, clock, boot=1)
    for minute in range(10):
        clock.now = START - 600 + 60 * minute
        agent.handle_sample(clock.now, reading(20.0))
    kept = buffer.oldest(100)
    buffer.close()
    # A power cut; the next boot's clock starts at its last saved time, or at 1970, and
    # the node loses power again before NTP set it.
    clock = FakeClock(stale)
    agent, buffer = make_agent(config, client, clock, boot=2)
    for second in (0, 30):
        clock.now = stale + second
        agent.handle_sample(clock.now, reading(30.0))
    buffer.close()
    clock = FakeClock(START + 3600)
    agent, buffer = make_agent(config, client, clock, boot=3)
    assert buffer.oldest(100) == kept
    assert agent.stats.misdated == 2
    assert "dropped 2 buffered samples of an earlier boot" in caplog.text
    buffer.close()


def test_no_sample_is_sent_twice_with_different_times(tmp_path: Path, client: FakeClient) -> None:
    config = make_config(tmp_path)
    clock = FakeClock(STALE)
    agent, buffer = make_agent(config, client, clock)
    agent.handle_connected()
    ack_all(agent, client)
    agent.handle_sample(clock.now, reading(20.0))  # acknowledged live: kept for resends
    ack_all(agent, client)
    clock.now += 30
    agent.handle_sample(clock.now, reading(21.0))  # live, its acknowledgement lost
    offered = client.take()
    agent.handle_disconnected()
    clock.now += 30
    agent.handle_sample(clock.now, reading(22.0))
    agent.handle_connected()
    offered += client.take()  # replayed, its acknowledgement lost too
    agent.handle_disconnected()
    clock.now += 30
    agent.handle_sample(clock.now, reading(23.0))  # never offered: can be retimed
    clock.now += 30
    clock.set(START)
    agent.tick()
    agent.handle_connected()
    offered += ack_all(agent, client)
    clock.now += 30
    agent.handle_message(RESEND, build_resend_request("kitchen", since=0, seq=1).payload)
    offered += client.take()
    times: dict[int, set[float]] = {}
    for state in states(offered):
        times.setdefault(state.seq, set()).add(state.ts)
    assert all(len(ts) == 1 for ts in times.values())
    last = reading(23.0)["climate"]
    assert [state.ts for state in states(offered) if state.sensors.get("climate") == last] == [
        START - 30,
        START - 30,
    ]
    buffer.close()


def test_a_buffer_without_monotonic_times_is_kept_and_retimes_new_samples(
    tmp_path: Path, client: FakeClient
) -> None:
    config = make_config(tmp_path)
    config.buffer_path.parent.mkdir(parents=True)
    old = build_state(
        StateMessage(node_id="kitchen", ts=START - 600, seq=7, sensors=reading(19.0))
    ).payload
    with sqlite3.connect(config.buffer_path) as db:
        db.executescript(
            "CREATE TABLE samples (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL);"
            "CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
            "INSERT INTO meta VALUES ('seq_ceiling', 1000);"
        )
        db.execute("INSERT INTO samples VALUES (7, ?)", (old,))
    db.close()
    clock = FakeClock(STALE)
    agent, buffer = make_agent(config, client, clock)
    agent.handle_sample(clock.now, reading(20.0))
    assert not buffer.in_memory
    clock.now += 30
    clock.set(START)
    agent.handle_connected()
    echo, *replayed = states(ack_all(agent, client))
    assert (echo.ts, echo.sensors) == (START, {})
    assert [(state.seq, state.ts) for state in replayed] == [
        (7, START - 600),
        (replayed[1].seq, START - 30),
    ]
    buffer.close()


def _assert_each_counter_reaches_home_assistant_once_timed(
    agent: NodeAgent, client: FakeClient, clock: FakeClock, offered: list[Sent]
) -> None:
    """The link drops, NTP steps the clock, the link is back: what paho kept (`offered`)
    and what the agent sends then carry one time per counter."""
    agent.handle_disconnected()
    clock.now += 30
    clock.set(START)
    agent.tick()
    client.rc = 0
    agent.handle_connected()
    offered += ack_all(agent, client)
    times: dict[int, set[float]] = {}
    for state in states(offered):
        times.setdefault(state.seq, set()).add(state.ts)
    assert all(len(ts) == 1 for ts in times.values()), times


def test_a_live_sample_paho_queued_keeps_its_time(tmp_path: Path, client: FakeClient) -> None:
    """A publish that failed was still offered: paho sends it as it was after reconnecting."""
    clock = FakeClock(STALE)
    agent, buffer = make_agent(make_config(tmp_path), client, clock)
    agent.handle_connected()
    ack_all(agent, client)
    client.rc = MQTT_ERR_NO_CONN  # the connection dropped; the agent hears of it later
    agent.handle_sample(clock.now, reading(20.0))
    offered = client.take()  # paho sends these after reconnecting, byte for byte
    _assert_each_counter_reaches_home_assistant_once_timed(agent, client, clock, offered)
    buffer.close()


def test_a_replay_paho_queued_keeps_its_times(tmp_path: Path, client: FakeClient) -> None:
    """The same for a replay batch whose publish failed."""
    clock = FakeClock(STALE)
    agent, buffer = make_agent(make_config(tmp_path), client, clock)
    agent.handle_sample(clock.now, reading(20.0))
    client.rc = MQTT_ERR_NO_CONN
    agent.handle_connected()
    offered = client.take()
    _assert_each_counter_reaches_home_assistant_once_timed(agent, client, clock, offered)
    buffer.close()


def test_the_node_times_samples_by_a_clock_that_counts_a_suspend() -> None:
    """CLOCK_MONOTONIC stops while the machine sleeps: an 8 h suspend read as a step of 8 h
    moved the samples buffered before it 8 h later (a node on a laptop or a paused VM)."""
    assert inspect.signature(NodeAgent).parameters["monotonic"].default is boot_clock
    assert inspect.signature(run_node).parameters["monotonic"].default is boot_clock
    assert inspect.signature(read_periodically).parameters["monotonic"].default is boot_clock
    if hasattr(time, "CLOCK_BOOTTIME"):
        assert abs(boot_clock() - time.clock_gettime(time.CLOCK_BOOTTIME)) < 1.0
