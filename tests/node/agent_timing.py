"""Helpers for the node agent's tests: an agent on a fake clock, what it sent, readings.

Most of them are for a node whose clock is stale (`STALE`).
"""

from __future__ import annotations

from py_iot_node.agent import NodeAgent
from py_iot_node.buffer import SampleBuffer
from py_iot_node.clock_sync import ClockSyncProbe, kernel_clock_sync
from py_iot_node.config import NodeConfig
from py_iot_node.devices import SwitchBank
from py_iot_node.hardware.gpio import SimulatedGpioBackend
from py_iot_node.protocol import (
    MessageVerifier,
    SensorSample,
    StateMessage,
    parse_replay,
    parse_state,
)

from .conftest import START, FakeClient, FakeClock, Sent

STATE = "py_iot_home/kitchen/state"
REPLAY = "py_iot_home/kitchen/replay"
RESEND = "py_iot_home/kitchen/resend"
SECRET = "a shared secret of the kitchen node"
# A Pi's clock after boot without network or NTP: three years behind (an old saved time).
STALE = START - 3 * 365 * 86_400


def reading(temperature: float) -> dict[str, SensorSample]:
    return {"climate": SensorSample(temperature=temperature, humidity=45.0)}


def make_agent(
    config: NodeConfig,
    client: FakeClient,
    clock: FakeClock,
    *,
    boot: int | None = None,
    clock_sync: ClockSyncProbe = kernel_clock_sync,
) -> tuple[NodeAgent, SampleBuffer]:
    """An agent on the fake clock; its buffer of this `boot` (by default the kernel's)."""
    bank = SwitchBank(SimulatedGpioBackend(), config.switches)
    bank.setup()
    buffer = SampleBuffer(config.buffer_path, 1000, boot=boot)
    agent = NodeAgent(
        config,
        client,
        bank,
        buffer,
        clock=clock,
        monotonic=clock.monotonic,
        clock_sync=clock_sync,
    )
    return agent, buffer


def states(sent: list[Sent], verifier: MessageVerifier | None = None) -> list[StateMessage]:
    """Every state published, live or in replay batches, in publishing order."""
    found: list[StateMessage] = []
    for message in sent:
        if message.topic == STATE:
            found.append(parse_state(STATE, message.payload, verifier=verifier))
        elif message.topic == REPLAY:
            found.extend(parse_replay(REPLAY, message.payload, verifier=verifier))
    return found


def ack_all(agent: NodeAgent, client: FakeClient) -> list[Sent]:
    """What the client sent since the last take, each acknowledged by the broker."""
    sent = client.take()
    for message in sent:
        agent.handle_published(message.mid)
    return sent


def resend_answer(
    sent: list[Sent], verifier: MessageVerifier | None = None
) -> tuple[StateMessage, list[Sent]]:
    """A resend request's answer: the switch states sent live first, then the replay batches."""
    first, *batches = sent
    assert first.topic == STATE
    switch_states = parse_state(STATE, first.payload, verifier=verifier)
    assert switch_states.sensors == {}
    assert [message.topic for message in batches] == [REPLAY] * len(batches)
    return switch_states, batches
