"""Red-team findings in the node agent: each case got through before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from py_iot_node.agent import NodeAgent
from py_iot_node.buffer import SampleBuffer
from py_iot_node.config import ConfigError
from py_iot_node.devices import SwitchBank
from py_iot_node.hardware.gpio import SimulatedGpioBackend
from py_iot_node.protocol import MessageSigner, RejectionKind, build_resend_request

from .conftest import FakeClient, FakeClock, make_config

SECRET = "a shared secret of the kitchen node"
REPLAY = "py_iot_home/kitchen/replay"


def _agent(tmp_path: Path, client: FakeClient, clock: FakeClock) -> tuple[NodeAgent, SampleBuffer]:
    config = make_config(tmp_path, secret=SECRET)
    bank = SwitchBank(SimulatedGpioBackend(), config.switches)
    bank.setup()
    buffer = SampleBuffer(config.buffer_path, 100)
    return NodeAgent(config, client, bank, buffer, clock=clock, monotonic=clock.monotonic), buffer


def test_a_captured_resend_request_stays_old_after_a_restart(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    """Only commands' counters were kept: a request replayed after a restart was answered."""
    request = build_resend_request("kitchen", 0, seq=7, signer=MessageSigner(SECRET), ts=clock.now)
    agent, buffer = _agent(tmp_path, client, clock)
    agent.handle_connected()
    agent.handle_message(request.topic, request.payload)
    assert len(client.on(REPLAY)) == 1
    buffer.close()

    agent, buffer = _agent(tmp_path, client, clock)
    agent.handle_connected()
    client.take()
    agent.handle_message(request.topic, request.payload)
    assert client.on(REPLAY) == []
    assert agent.stats.rejected == {RejectionKind.REPLAYED_COUNTER: 1}
    buffer.close()


def test_a_blank_name_is_a_configuration_error(tmp_path: Path) -> None:
    """Home Assistant refuses an announcement whose names show nothing: say so at start."""
    with pytest.raises(ConfigError, match="visible character"):
        make_config(tmp_path, node={"id": "kitchen", "name": "\u00a0 "})


def test_an_invisible_character_in_a_name_is_a_configuration_error(tmp_path: Path) -> None:
    """Home Assistant refuses a name with a zero-width character: say so at start."""
    with pytest.raises(ConfigError, match="invisible character U\\+200B"):
        make_config(tmp_path, node={"id": "kitchen", "name": "Kitchen\u200bPi"})
