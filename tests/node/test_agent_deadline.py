"""A command Home Assistant has called failed is not obeyed when it arrives late."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from py_iot_node.agent import NodeAgent
from py_iot_node.buffer import SampleBuffer
from py_iot_node.devices import SwitchBank
from py_iot_node.hardware.gpio import SimulatedGpioBackend
from py_iot_node.protocol import (
    MessageSigner,
    RejectionKind,
    build_command,
    parse_state,
)
from py_iot_node.switch_ration import SWITCH_BURST, SWITCH_INTERVAL_S

from .conftest import FakeClient, FakeClock, make_config

SECRET = "a shared secret of the kitchen node"
STATE = "py_iot_home/kitchen/state"
LED_PIN = 17
# Home Assistant's wait, less the confirmation's way back (nodes.coordinator).
OBEY_WITHIN_S = 4.0


@pytest.fixture(params=[None, SECRET], ids=["unsigned", "signed"])
def secret(request: pytest.FixtureRequest) -> str | None:
    value: str | None = request.param
    return value


@pytest.fixture
def gpio() -> SimulatedGpioBackend:
    return SimulatedGpioBackend()


@pytest.fixture
def agent(
    tmp_path: Path,
    client: FakeClient,
    clock: FakeClock,
    gpio: SimulatedGpioBackend,
    secret: str | None,
) -> Iterator[NodeAgent]:
    config = make_config(tmp_path, secret=secret) if secret else make_config(tmp_path)
    bank = SwitchBank(gpio, config.switches)
    bank.setup()
    buffer = SampleBuffer(config.buffer_path, 100)
    node = NodeAgent(config, client, bank, buffer, clock=clock, monotonic=clock.monotonic)
    node.handle_connected()
    for message in client.take():
        node.handle_published(message.mid)
    yield node
    buffer.close()


class HomeAssistant:
    """Builds commands as the integration does: signed when the node has a secret."""

    def __init__(self, secret: str | None, clock: FakeClock) -> None:
        self._signer = MessageSigner(secret) if secret else None
        self._clock = clock
        self._seq = 0

    def command(self, on: bool, *, until: float | None, key: str = "led") -> tuple[str, bytes]:
        """A command sent now, with a deadline on the node's clock (None: an older integration)."""
        self._seq += 1
        message = build_command(
            "kitchen",
            key,
            on,
            signer=self._signer,
            seq=self._seq if self._signer else None,
            ts=self._clock.now if self._signer else None,
            until=until,
        )
        return message.topic, message.payload


@pytest.fixture
def home_assistant(secret: str | None, clock: FakeClock) -> HomeAssistant:
    return HomeAssistant(secret, clock)


def _reported(client: FakeClient) -> list[dict[str, bool]]:
    return [parse_state(m.topic, m.payload).switches for m in client.take() if m.topic == STATE]


def test_a_command_arriving_after_its_deadline_is_not_obeyed(
    agent: NodeAgent,
    client: FakeClient,
    clock: FakeClock,
    gpio: SimulatedGpioBackend,
    home_assistant: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The link stalled: the command arrives 30 s after Home Assistant sent it."""
    command = home_assistant.command(True, until=clock.now + OBEY_WITHIN_S)
    clock.now += 30.0
    with caplog.at_level(logging.WARNING):
        agent.handle_message(*command)
    assert gpio.states[LED_PIN] is False
    assert agent.stats.rejected == {"late": 1}
    assert agent.stats.commands == 0
    # What the switch really is, so Home Assistant shows the truth.
    assert _reported(client) == [{"led": False, "relay": False}]
    [line] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "26.0 s past its deadline" in line


def test_a_command_in_time_is_obeyed_and_confirmed(
    agent: NodeAgent,
    client: FakeClient,
    clock: FakeClock,
    gpio: SimulatedGpioBackend,
    home_assistant: HomeAssistant,
) -> None:
    command = home_assistant.command(True, until=clock.now + OBEY_WITHIN_S)
    clock.now += OBEY_WITHIN_S - 0.1
    agent.handle_message(*command)
    assert gpio.states[LED_PIN] is True
    assert _reported(client) == [{"led": True, "relay": False}]
    assert agent.stats.rejected == {}
    # Without a deadline (an integration before them), a command is obeyed whenever it comes
    # (a signed one within its 60 s window).
    command = home_assistant.command(False, until=None)
    clock.now += 50.0
    agent.handle_message(*command)
    assert gpio.states[LED_PIN] is False


def test_many_late_commands_log_one_line_and_report_within_the_ration(
    agent: NodeAgent,
    client: FakeClient,
    clock: FakeClock,
    gpio: SimulatedGpioBackend,
    home_assistant: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A backlog of stale commands (or someone replaying them) cannot flood the broker."""
    commands = [home_assistant.command(n % 2 == 0, until=clock.now - 1.0) for n in range(200)]
    with caplog.at_level(logging.WARNING):
        for command in commands:
            agent.handle_message(*command)
            agent.tick()
    assert gpio.states[LED_PIN] is False
    assert agent.stats.rejected == {"late": 200}
    assert len(_reported(client)) == SWITCH_BURST
    assert sum("past its deadline" in r.getMessage() for r in caplog.records) == 1


def test_a_waiting_command_lapses_at_its_deadline(
    agent: NodeAgent,
    client: FakeClient,
    clock: FakeClock,
    gpio: SimulatedGpioBackend,
    home_assistant: HomeAssistant,
) -> None:
    """Its turn would come after Home Assistant stopped waiting: it is not applied then."""
    for n in range(SWITCH_BURST):
        agent.handle_message(*home_assistant.command(n % 2 == 0, until=clock.now + 4))
    assert gpio.states[LED_PIN] is True
    agent.handle_message(*home_assistant.command(False, until=clock.now + 1.0))
    client.take()
    clock.now += SWITCH_INTERVAL_S
    agent.tick()
    assert gpio.states[LED_PIN] is True
    assert agent.stats.rejected == {"late": 1}
    assert _reported(client) == [{"led": True, "relay": False}]
    # One that can still be obeyed in its turn is.
    agent.handle_message(*home_assistant.command(False, until=clock.now + 4))
    agent.handle_message(*home_assistant.command(True, until=clock.now + 4))
    agent.handle_message(*home_assistant.command(False, until=clock.now + SWITCH_INTERVAL_S + 1))
    clock.now += SWITCH_INTERVAL_S
    agent.tick()
    assert gpio.states[LED_PIN] is False
    assert agent.stats.rejected == {"late": 1}


def test_a_late_command_does_not_replace_one_waiting_its_turn(
    agent: NodeAgent,
    clock: FakeClock,
    gpio: SimulatedGpioBackend,
    home_assistant: HomeAssistant,
) -> None:
    for n in range(SWITCH_BURST):
        agent.handle_message(*home_assistant.command(n % 2 == 0, until=clock.now + 4))
    waiting = home_assistant.command(False, until=clock.now + OBEY_WITHIN_S)
    late = home_assistant.command(True, until=clock.now - 1.0)
    agent.handle_message(*waiting)
    agent.handle_message(*late)
    clock.now += SWITCH_INTERVAL_S
    agent.tick()
    assert gpio.states[LED_PIN] is False


def test_the_deadline_is_judged_by_the_monotonic_clock_while_waiting(
    agent: NodeAgent,
    clock: FakeClock,
    gpio: SimulatedGpioBackend,
    home_assistant: HomeAssistant,
) -> None:
    """NTP setting the clock an hour forward does not end a wait Home Assistant still has."""
    for n in range(SWITCH_BURST):
        agent.handle_message(*home_assistant.command(n % 2 == 0, until=clock.now + 4))
    agent.handle_message(*home_assistant.command(False, until=clock.now + SWITCH_INTERVAL_S + 1))
    clock.set(clock.now + 3600.0)
    clock.now += SWITCH_INTERVAL_S
    agent.tick()
    assert gpio.states[LED_PIN] is False
    assert "late" not in agent.stats.rejected


def test_a_step_of_the_clock_is_reported_at_once(
    agent: NodeAgent, client: FakeClient, clock: FakeClock
) -> None:
    """Home Assistant sets deadlines by the node's clock as its states show it: a new one."""
    clock.set(clock.now + 3600.0)
    agent.tick()
    [state] = [m for m in client.take() if m.topic == STATE]
    assert parse_state(state.topic, state.payload).ts == pytest.approx(clock.now)
    agent.tick()
    assert client.take() == []


def test_a_signed_deadline_cannot_be_moved_and_a_late_command_stays_used(
    tmp_path: Path, client: FakeClient, clock: FakeClock, gpio: SimulatedGpioBackend
) -> None:
    config = make_config(tmp_path, secret=SECRET)
    bank = SwitchBank(gpio, config.switches)
    bank.setup()
    buffer = SampleBuffer(config.buffer_path, 100)
    agent = NodeAgent(config, client, bank, buffer, clock=clock, monotonic=clock.monotonic)
    home_assistant = HomeAssistant(SECRET, clock)
    topic, payload = home_assistant.command(True, until=clock.now + OBEY_WITHIN_S)
    clock.now += 30.0
    # Whoever delayed it cannot give it a later deadline: the signature covers it.
    message = json.loads(payload)
    message["until"] += 60.0
    moved = json.dumps(message).encode()
    agent.handle_message(topic, moved)
    agent.handle_message(topic, payload)
    agent.handle_message(topic, payload)
    assert gpio.states[LED_PIN] is False
    assert agent.stats.rejected == {
        RejectionKind.BAD_SIGNATURE: 1,
        "late": 1,
        RejectionKind.REPLAYED_COUNTER: 1,
    }
    buffer.close()
