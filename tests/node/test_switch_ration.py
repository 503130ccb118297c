"""A flood of switch commands cannot wear a relay out; the last state asked still wins."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from py_iot_node.agent import NodeAgent
from py_iot_node.buffer import SampleBuffer
from py_iot_node.devices import open_switches
from py_iot_node.protocol import parse_state
from py_iot_node.switch_ration import SWITCH_BURST, SWITCH_INTERVAL_S, SwitchRation

from tests.fakes import FakeHardware

from .agent_timing import reading
from .conftest import FakeClient, FakeClock, make_config

LED_SET = "py_iot_home/kitchen/switch/led/set"
RELAY_SET = "py_iot_home/kitchen/switch/relay/set"
STATE = "py_iot_home/kitchen/state"
LED_PIN = 17
RELAY_PIN = 27


@pytest.fixture
def agent(
    tmp_path: Path, fake_hardware: FakeHardware, client: FakeClient, clock: FakeClock
) -> Iterator[NodeAgent]:
    """A node driving its pins through (fake) RPi.GPIO, connected."""
    config = make_config(tmp_path, gpio_backend="rpi_gpio")
    buffer = SampleBuffer(config.buffer_path, 100)
    agent = NodeAgent(
        config, client, open_switches(config), buffer, clock=clock, monotonic=clock.monotonic
    )
    agent.handle_connected()
    for message in client.take():
        agent.handle_published(message.mid)
    yield agent
    buffer.close()


def _flips(fake_hardware: FakeHardware, pin: int) -> int:
    """How many times the pin's level changed (what wears a relay)."""
    levels = [level for written, level in fake_hardware.rpi_gpio.outputs if written == pin]
    return sum(1 for before, after in pairwise(levels) if before != after)


def _confirmed(client: FakeClient) -> list[dict[str, bool]]:
    return [parse_state(m.topic, m.payload).switches for m in client.take() if m.topic == STATE]


def test_a_flood_of_commands_flips_the_relay_a_bounded_number_of_times(
    agent: NodeAgent,
    fake_hardware: FakeHardware,
    client: FakeClient,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """500 alternating commands within a second: a few flips, then the last state asked."""
    fake_hardware.rpi_gpio.outputs.clear()
    for n in range(500):
        clock.now += 0.002
        agent.handle_message(RELAY_SET, b"ON" if n % 2 == 0 else b"OFF")
        agent.tick()
    # The last command (OFF) waits; within the interval it is applied and confirmed.
    clock.now += SWITCH_INTERVAL_S
    agent.tick()

    assert _flips(fake_hardware, RELAY_PIN) <= SWITCH_BURST + 1
    assert agent.switches.states["relay"] is False
    assert _confirmed(client)[-1] == {"led": False, "relay": False}
    assert agent.stats.commands == 500
    assert agent.stats.commands_waited == 500 - SWITCH_BURST
    assert sum("faster than it obeys them" in r.message for r in caplog.records) == 1


def test_commands_at_a_users_pace_are_applied_at_once(
    agent: NodeAgent, fake_hardware: FakeHardware, client: FakeClient, clock: FakeClock
) -> None:
    """A user's clicks, even a few in a row, switch at once; a sustained flood every interval."""
    for on in (b"ON", b"OFF", b"ON", b"OFF"):
        agent.handle_message(LED_SET, on)
        assert _confirmed(client)[-1]["led"] is (on == b"ON")
    assert agent.stats.commands_waited == 0
    # Another switch has its own ration.
    agent.handle_message(RELAY_SET, b"ON")
    assert agent.switches.states["relay"] is True

    # A minute of one command a second: one change per interval goes through.
    fake_hardware.rpi_gpio.outputs.clear()
    for n in range(60):
        clock.now += 1.0
        agent.handle_message(LED_SET, b"ON" if n % 2 == 0 else b"OFF")
        agent.tick()
    assert _flips(fake_hardware, LED_PIN) <= 60 / SWITCH_INTERVAL_S + SWITCH_BURST


def test_a_waiting_change_asked_back_is_confirmed_without_a_flip(
    agent: NodeAgent, fake_hardware: FakeHardware, client: FakeClient, clock: FakeClock
) -> None:
    for n in range(SWITCH_BURST):
        agent.handle_message(LED_SET, b"ON" if n % 2 == 0 else b"OFF")
    assert agent.switches.states["led"] is True
    client.take()
    agent.handle_message(LED_SET, b"OFF")  # waits
    agent.handle_message(LED_SET, b"ON")  # the state it is in: it replaces the waiting OFF
    assert client.take() == []
    fake_hardware.rpi_gpio.outputs.clear()
    clock.now += SWITCH_INTERVAL_S
    agent.tick()
    assert agent.switches.states["led"] is True
    assert _flips(fake_hardware, LED_PIN) == 0
    # Home Assistant waits for its command's confirmation: it comes.
    assert _confirmed(client) == [{"led": True, "relay": False}]


def test_a_flood_of_commands_during_a_backlog_does_not_push_buffered_samples_out(
    agent: NodeAgent, client: FakeClient, clock: FakeClock
) -> None:
    """Each obeyed command's confirmation waits behind a backlog, in the buffer.

    Asking a switch for the state it is in flips nothing, but was obeyed (and confirmed)
    every time: 500 of them filled the buffer with 500 confirmations, and a full buffer drops
    its oldest samples (the outage's readings).
    """
    agent.handle_disconnected()
    for n in range(10):
        clock.now += 30.0
        agent.handle_sample(clock.now, reading(20.0 + n))
    agent.handle_connected()  # the backlog's first batch is on its way, unacknowledged
    client.take()
    buffered = len(agent.buffer)
    for _ in range(500):
        agent.handle_message(LED_SET, b"OFF")
        agent.tick()
    assert len(agent.buffer) <= buffered + SWITCH_BURST
    clock.now += SWITCH_INTERVAL_S
    agent.tick()
    assert len(agent.buffer) <= buffered + SWITCH_BURST + 1
    assert agent.buffer.dropped == 0


def test_the_ration_counts_monotonic_time() -> None:
    """A step of the wall clock (NTP) neither frees nor blocks a switch."""
    now = [0.0]
    ration = SwitchRation(lambda: now[0], burst=1, interval_s=3.0)
    assert ration.ask("led", True)
    assert not ration.ask("led", False)
    now[0] = 2.9
    assert ration.due() == {}
    now[0] = 3.0
    assert ration.due() == {"led": False}
    assert ration.waiting == {}
