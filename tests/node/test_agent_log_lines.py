"""A rejected message is one log line, whatever its topic holds (brokers differ in what
they let through: Mosquitto drops control characters in topics, others need not)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from .agent_timing import make_agent
from .conftest import FakeClient, FakeClock, make_config


@pytest.mark.parametrize(
    "level", ["x\nWARNING py_iot_node.agent: forged line", "\x1b[2J\x1b[Hcleared", "\u202egnp"]
)
def test_a_hostile_topic_is_logged_escaped_on_one_line(
    tmp_path: Path,
    client: FakeClient,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    level: str,
) -> None:
    config = make_config(tmp_path)
    agent, _ = make_agent(config, client, clock)
    agent.handle_connected()
    with caplog.at_level(logging.WARNING, logger="py_iot_node.agent"):
        agent.handle_message(f"py_iot_home/kitchen/switch/{level}/set", b"ON")
    (record,) = [record for record in caplog.records if record.levelno >= logging.WARNING]
    line = record.getMessage()
    assert line.isprintable()
    assert "\n" not in line


def test_a_switch_obeyed_says_so_in_one_line(
    tmp_path: Path, client: FakeClient, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Switched from Home Assistant, the LED changed with no word in the agent's log: a user
    checking on the node that the command arrived found nothing. A refused one says why."""
    config = make_config(tmp_path)
    agent, _ = make_agent(config, client, clock)
    agent.handle_connected()
    with caplog.at_level(logging.INFO, logger="py_iot_node.agent"):
        caplog.clear()
        agent.handle_command("py_iot_home/kitchen/switch/led/set", b"ON")
        agent.handle_command("py_iot_home/kitchen/switch/relay/set", b"OFF")
    assert [record.getMessage() for record in caplog.records] == [
        "Desk LED (led, GPIO17) switched on by a command",
        "Fan (relay, GPIO27) switched off by a command",
    ]
