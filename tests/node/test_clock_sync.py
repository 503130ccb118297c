"""Samples held back while the kernel says NTP has not set the clock yet, then retimed."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import pytest
from py_iot_node import clock_sync
from py_iot_node.agent import NodeAgent
from py_iot_node.clock_sync import TIME_ERROR, ClockSync, kernel_clock_sync
from py_iot_node.clock_sync import _adjtimex as real_adjtimex
from py_iot_node.protocol import (
    MessageSigner,
    MessageVerifier,
    RejectionKind,
    StateMessage,
    build_command,
    build_resend_request,
)

from .agent_timing import (
    RESEND,
    SECRET,
    STALE,
    STATE,
    ack_all,
    make_agent,
    reading,
    resend_answer,
    states,
)
from .conftest import START, FakeClient, FakeClock, FakeClockSync, make_config

LED_SET = "py_iot_home/kitchen/switch/led/set"
WAIT_S = 600.0


def temperatures(found: list[StateMessage]) -> list[tuple[float, float | None]]:
    """(ts, temperature) of the states that carry a reading."""
    return [
        (state.ts, climate.temperature)
        for state in found
        if (climate := state.sensors.get("climate")) is not None
    ]


def sample_for(agent: NodeAgent, clock: FakeClock, minutes: int) -> None:
    """A sample every 30 s for `minutes`, 20.0 °C, 20.5 °C, ..."""
    for index in range(2 * minutes):
        clock.now += 30
        agent.handle_sample(clock.now, reading(20.0 + index / 2))


def connect_with_a_backlog(agent: NodeAgent, client: FakeClient, clock: FakeClock) -> None:
    """A minute of samples taken before the broker answered, then the broker answers."""
    sample_for(agent, clock, 1)
    agent.handle_connected()
    ack_all(agent, client)


def test_a_backlog_waits_in_the_buffer_while_the_clock_is_not_synchronised(
    tmp_path: Path, client: FakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Booted with the network down: the broker answers first, then NTP."""
    clock = FakeClock(STALE)
    agent, buffer = make_agent(make_config(tmp_path), client, clock, clock_sync=FakeClockSync())
    connect_with_a_backlog(agent, client, clock)
    sample_for(agent, clock, 1)  # new readings queue behind the backlog
    for _ in range(3):
        agent.tick()
    assert temperatures(states(client.take())) == []
    assert len(buffer) == 4
    assert caplog.text.count("not synchronised yet") == 1
    buffer.close()


@pytest.mark.parametrize("secret", [None, SECRET])
def test_held_samples_are_replayed_at_their_true_time_once_the_clock_is_synchronised(
    tmp_path: Path, client: FakeClient, caplog: pytest.LogCaptureFixture, secret: str | None
) -> None:
    config = make_config(tmp_path, **({"secret": secret} if secret else {}))
    clock, sync = FakeClock(STALE), FakeClockSync()
    agent, buffer = make_agent(config, client, clock, clock_sync=sync)
    connect_with_a_backlog(agent, client, clock)
    clock.now += 30
    clock.set(START)  # NTP's first answer steps the clock, then calls it synchronised
    sync.state = ClockSync.SYNCED
    agent.tick()
    replayed = states(ack_all(agent, client), MessageVerifier(secret) if secret else None)
    assert temperatures(replayed) == [(START - 60, 20.0), (START - 30, 20.5)]
    assert len(buffer) == 0
    agent.handle_sample(clock.now, reading(21.0))
    assert temperatures(states(client.take())) == [(START, 21.0)]  # live again
    assert caplog.text.count("sending the backlog held for it") == 1
    buffer.close()


def test_samples_go_out_as_they_are_when_the_clock_is_never_synchronised(
    tmp_path: Path, client: FakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A node whose NTP never answers must not keep its data from Home Assistant for ever."""
    clock = FakeClock(STALE)
    agent, buffer = make_agent(make_config(tmp_path), client, clock, clock_sync=FakeClockSync())
    connect_with_a_backlog(agent, client, clock)
    sample_for(agent, clock, 8)
    agent.tick()
    assert temperatures(states(client.take())) == []
    clock.now = STALE + WAIT_S
    agent.tick()
    replayed = temperatures(states(ack_all(agent, client)))
    assert replayed[:2] == [(STALE + 30, 20.0), (STALE + 60, 20.5)]
    assert len(replayed) == 18
    assert len(buffer) == 0
    assert caplog.text.count("still not synchronised") == 1
    buffer.close()


@pytest.mark.parametrize(
    ("sync", "wait_s"),
    [(ClockSync.UNKNOWN, WAIT_S), (ClockSync.SYNCED, WAIT_S), (ClockSync.UNSYNCED, 0)],
    ids=["unknown", "synchronised", "waiting_off"],
)
def test_samples_go_out_live_when_nothing_says_to_wait(
    tmp_path: Path,
    client: FakeClient,
    caplog: pytest.LogCaptureFixture,
    sync: ClockSync,
    wait_s: float,
) -> None:
    """Where the sync state cannot be asked (not Linux, a container), the node sends as ever."""
    config = make_config(tmp_path, clock_sync_wait_s=wait_s)
    clock = FakeClock(STALE)
    agent, buffer = make_agent(config, client, clock, clock_sync=FakeClockSync(sync))
    agent.handle_connected()
    ack_all(agent, client)
    agent.handle_sample(clock.now, reading(20.0))
    assert [message.topic for message in client.sent] == [STATE]
    assert temperatures(states(client.take())) == [(STALE, 20.0)]
    assert len(buffer) == 0
    assert "synchronised" not in caplog.text
    buffer.close()


def test_without_a_backlog_readings_go_out_live_while_the_clock_is_not_synchronised(
    tmp_path: Path, client: FakeClient
) -> None:
    """A node on a network without NTP keeps its sensors live; Home Assistant judges the
    clock (nodes/: a clock that is off shows readings without recording them)."""
    clock = FakeClock(STALE)
    agent, buffer = make_agent(make_config(tmp_path), client, clock, clock_sync=FakeClockSync())
    agent.handle_connected()
    ack_all(agent, client)
    agent.handle_sample(clock.now, reading(20.0))
    assert temperatures(states(client.take())) == [(STALE, 20.0)]
    assert len(buffer) == 0
    buffer.close()


def test_a_clock_that_loses_its_sync_later_holds_nothing(
    tmp_path: Path, client: FakeClient
) -> None:
    """The kernel calls a clock unsynchronised again after hours without NTP; it is right."""
    clock, sync = FakeClock(), FakeClockSync(ClockSync.SYNCED)
    agent, buffer = make_agent(make_config(tmp_path), client, clock, clock_sync=sync)
    agent.handle_connected()
    ack_all(agent, client)
    sync.state = ClockSync.UNSYNCED
    clock.now += 30
    agent.tick()
    agent.handle_sample(clock.now, reading(20.0))
    assert temperatures(states(client.take())) == [(clock.now, 20.0)]
    buffer.close()


def test_a_command_during_the_hold_switches_the_led_and_is_confirmed_live(
    tmp_path: Path, client: FakeClient
) -> None:
    """Unsigned: a signed one waits for the clock (the next test)."""
    clock = FakeClock(STALE)
    agent, buffer = make_agent(make_config(tmp_path), client, clock, clock_sync=FakeClockSync())
    sample_for(agent, clock, 1)  # a backlog from before the broker answered
    agent.handle_connected()
    echo = states(ack_all(agent, client))
    assert [state.switches for state in echo] == [{"led": False, "relay": False}]
    agent.handle_command(LED_SET, build_command("kitchen", "led", True).payload)
    assert agent.switches.states["led"] is True
    sent = ack_all(agent, client)
    assert [message.topic for message in sent] == [STATE]
    (confirmation,) = states(sent)
    assert confirmation.switches["led"] is True
    assert confirmation.ts == clock.now  # stale: the step does not move what was sent
    # Home Assistant asks for what it missed: the answer repeats what was sent, as it was.
    clock.now += 30
    agent.handle_message(RESEND, build_resend_request("kitchen", since=0, seq=2).payload)
    switch_states, answer = resend_answer(client.take())
    assert switch_states.switches == {"led": True, "relay": False}
    assert states(answer) == [*echo, confirmation]
    assert len(buffer) == 2
    buffer.close()


def _command(on: bool, at: float) -> bytes:
    """Home Assistant's signed command sent at `at`: its counter is the time in microseconds."""
    return build_command(
        "kitchen",
        "led",
        on,
        signer=MessageSigner(SECRET),
        seq=int(at * 1_000_000),
        ts=at,
        until=at + 4.5,
    ).payload


def test_a_command_captured_while_the_node_was_down_is_not_obeyed_on_a_clock_set_back(
    tmp_path: Path, client: FakeClient
) -> None:
    """A Pi without a real-time clock boots at the time it last saved (fake-hwclock), behind.

    Home Assistant sent a command while the node was down (it showed online until the
    broker's keep-alive and the will's delay ran out); a stranger on the broker kept it. Its
    counter is above every one the node took, and the node's clock, set back, passes its
    time again: a minute there it cannot tell it from a new command.
    """
    config, signer = make_config(tmp_path, secret=SECRET), MessageSigner(SECRET)
    clock = FakeClock(START)
    agent, buffer = make_agent(config, client, clock, clock_sync=FakeClockSync(ClockSync.SYNCED))
    agent.handle_command(LED_SET, _command(True, START))
    clock.now += 30
    agent.handle_command(LED_SET, _command(False, clock.now))
    assert agent.switches.states["led"] is False
    buffer.close()  # the power goes at START + 60
    captured = _command(True, START + 90)

    clock, sync = FakeClock(START), FakeClockSync()  # booted an hour later, at the saved time
    agent, buffer = make_agent(config, client, clock, clock_sync=sync)
    agent.handle_connected()
    clock.now = START + 85
    agent.handle_message(LED_SET, captured)
    assert agent.switches.states["led"] is False
    assert agent.stats.rejected["clock_not_synchronised"] == 1
    agent.handle_message(LED_SET, captured)  # its counter is spent: a replay like any other
    assert agent.stats.rejected[RejectionKind.REPLAYED_COUNTER] == 1
    # Home Assistant's requests are still answered: the switch states show at once.
    client.take()
    request = build_resend_request(
        "kitchen", since=0, seq=int((START + 91) * 1_000_000), signer=signer, ts=clock.now
    )
    agent.handle_message(RESEND, request.payload)
    switch_states, _ = resend_answer(client.take(), MessageVerifier(SECRET))
    assert switch_states.switches == {"led": False, "relay": False}

    clock.set(START + 3600)  # NTP answers
    sync.state = ClockSync.SYNCED
    agent.handle_message(LED_SET, _command(True, clock.now))
    assert agent.switches.states["led"] is True
    buffer.close()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [(TIME_ERROR, ClockSync.UNSYNCED), (0, ClockSync.SYNCED), (-1, ClockSync.UNKNOWN)],
    ids=["time_error", "time_ok", "refused"],
)
def test_the_kernel_tells_whether_the_clock_is_synchronised(
    monkeypatch: pytest.MonkeyPatch, answer: int, expected: ClockSync
) -> None:
    buffers: list[bytes] = []

    def adjtimex(timex: ctypes.Array[ctypes.c_char]) -> int:
        buffers.append(timex.raw)
        return answer

    monkeypatch.setattr(clock_sync, "_adjtimex", lambda: adjtimex)
    assert kernel_clock_sync() is expected
    # modes = 0, the first field: the call only reads, and struct timex fits.
    assert buffers == [bytes(512)]


def test_timesyncd_saying_synchronised_is_enough(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    synchronized = tmp_path / "synchronized"
    synchronized.touch()
    monkeypatch.setattr(clock_sync, "TIMESYNCD_SYNCHRONIZED", synchronized)
    monkeypatch.setattr(clock_sync, "_adjtimex", lambda: lambda _: TIME_ERROR)
    assert kernel_clock_sync() is ClockSync.SYNCED


def test_without_adjtimex_the_sync_state_is_unknown() -> None:
    assert kernel_clock_sync() is ClockSync.UNKNOWN  # conftest takes adjtimex away


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="adjtimex is Linux's")
def test_the_real_adjtimex_answers_a_clock_state() -> None:
    adjtimex = real_adjtimex()
    assert adjtimex is not None
    assert adjtimex(ctypes.create_string_buffer(512)) in {-1, 0, 1, 2, 3, 4, TIME_ERROR}
