"""Security findings of issue 13 in the node agent: each case got through before its fix."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from py_iot_node.agent import RESEND_MIN_INTERVAL_S, NodeAgent
from py_iot_node.buffer import SampleBuffer
from py_iot_node.config import ConfigError, default_node_id, parse_config
from py_iot_node.devices import SwitchBank
from py_iot_node.hardware.gpio import SimulatedGpioBackend
from py_iot_node.mqtt import create_client
from py_iot_node.protocol import (
    MessageSigner,
    RejectionKind,
    build_command,
    build_resend_request,
)

from .conftest import FakeClient, FakeClock, make_config

SECRET = "a shared secret of the kitchen node"
LED_SET = "py_iot_home/kitchen/switch/led/set"
RESEND = "py_iot_home/kitchen/resend"
REPLAY = "py_iot_home/kitchen/replay"
FAKE_SIG = "0" * 64


def _agent(
    tmp_path: Path, client: FakeClient, clock: FakeClock, **overrides: object
) -> tuple[NodeAgent, SimulatedGpioBackend, SampleBuffer]:
    config = make_config(tmp_path, **overrides)
    gpio = SimulatedGpioBackend()
    bank = SwitchBank(gpio, config.switches)
    bank.setup()
    buffer = SampleBuffer(config.buffer_path, 100)
    return (
        NodeAgent(config, client, bank, buffer, clock=clock, monotonic=clock.monotonic),
        gpio,
        buffer,
    )


@pytest.mark.parametrize("topic", [LED_SET, RESEND])
def test_a_non_finite_number_in_a_signed_message_is_one_counted_rejection(
    tmp_path: Path, client: FakeClient, clock: FakeClock, topic: str
) -> None:
    agent, _gpio, buffer = _agent(tmp_path, client, clock, secret=SECRET)
    payload = b'{"v":1,"state":"ON","since":0,"seq":9,"ts":%d,"x":1e999,"sig":"%s"}' % (
        clock.now,
        FAKE_SIG.encode(),
    )
    agent.handle_message(topic, payload)
    assert agent.stats.rejected == {RejectionKind.MALFORMED_JSON: 1}
    buffer.close()


def test_retained_commands_are_ignored(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    agent, gpio, buffer = _agent(tmp_path, client, clock)
    agent.handle_connected()
    client.take()
    agent.handle_message(LED_SET, b"ON", retained=True)
    assert gpio.states[17] is False
    assert agent.stats.rejected == {"retained": 1}
    agent.handle_message(LED_SET, b"ON")
    assert gpio.states[17] is True
    buffer.close()


def test_repeated_rejections_log_at_a_bounded_rate(
    tmp_path: Path, client: FakeClient, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    agent, _gpio, buffer = _agent(tmp_path, client, clock)
    with caplog.at_level(logging.WARNING):
        for _ in range(500):
            agent.handle_message(LED_SET, b"MAYBE" * 1000)
    assert agent.stats.rejected == {RejectionKind.MALFORMED_JSON: 500}
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert len(warnings[0].getMessage()) < 400
    buffer.close()


def test_resend_answers_are_rate_limited(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    agent, _gpio, buffer = _agent(tmp_path, client, clock)
    agent.handle_connected()
    client.take()
    for seq in range(1, 6):
        # Unsigned requests from anyone on the broker, asking for everything.
        request = build_resend_request("kitchen", 0, seq=seq)
        agent.handle_message(request.topic, request.payload)
    answers = client.on(REPLAY)
    assert len(answers) == 1
    clock.now += RESEND_MIN_INTERVAL_S / 2
    agent.tick()
    assert len(client.on(REPLAY)) == 1
    clock.now += RESEND_MIN_INTERVAL_S / 2
    agent.tick()
    # Only the latest waiting request is answered, once its turn comes.
    later = client.on(REPLAY)
    assert len(later) == 2
    assert later[-1].json()["ack"] == 5
    buffer.close()


def test_a_captured_command_stays_old_after_a_restart(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    agent, gpio, buffer = _agent(tmp_path, client, clock, secret=SECRET)
    on = build_command("kitchen", "led", True, signer=MessageSigner(SECRET), seq=7, ts=clock.now)
    agent.handle_message(on.topic, on.payload)
    assert gpio.states[17] is True
    buffer.close()
    agent, gpio, buffer = _agent(tmp_path, client, clock, secret=SECRET)
    off_then_replayed = build_command(
        "kitchen", "led", True, signer=MessageSigner(SECRET), seq=7, ts=clock.now
    )
    agent.handle_message(off_then_replayed.topic, off_then_replayed.payload)
    assert agent.stats.rejected == {RejectionKind.REPLAYED_COUNTER: 1}
    buffer.close()


def test_a_corrupt_buffer_is_set_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "buffer.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    buffer = SampleBuffer(path, 10)
    buffer.append(1, b"{}")
    assert len(buffer) == 1
    (aside,) = tmp_path.glob("buffer.sqlite3.corrupt-*")
    assert aside.read_bytes().startswith(b"this is not")
    assert "unreadable" in caplog.text
    buffer.close()


def test_buffer_file_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        buffer = SampleBuffer(tmp_path / "state" / "buffer.sqlite3", 10)
        buffer.append(1, b"{}")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "state" / "buffer.sqlite3").stat().st_mode)
    assert mode == 0o600
    buffer.close()


def test_a_full_disk_degrades_to_memory(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "buffer.sqlite3"
    buffer = SampleBuffer(path, 100_000)
    buffer.append(1, b"kept")
    # Stand-in for a full SD card: SQLite reports SQLITE_FULL once the file may not grow.
    with closing(sqlite3.connect(path)) as other:
        pages = other.execute("PRAGMA page_count").fetchone()[0]
    buffer._db.execute(f"PRAGMA max_page_count = {pages}")
    for seq in range(2, 400):
        buffer.append(seq, b"x" * 4000)
    assert buffer.in_memory
    assert len(buffer) == 399
    assert buffer.oldest(1) == [(1, b"kept")]
    assert caplog.text.count("keeping samples in memory") == 1
    buffer.close()


def test_default_node_id_differs_between_machines(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_text("0123456789abcdef0123456789abcdef\n")
    second.write_text("fedcba9876543210fedcba9876543210\n")
    ids = {default_node_id((first,)), default_node_id((second,))}
    assert len(ids) == 2
    assert default_node_id((first,)) == default_node_id((first,))
    assert default_node_id((tmp_path / "missing",))


def test_client_ids_are_not_guessable(tmp_path: Path) -> None:
    """Random for each machine (state directory); kept across restarts of one, so that a
    restarted agent takes its session over (test_agent_broker's crash and restart)."""
    configs = [
        parse_config({"node": {"id": "kitchen"}, "state_dir": str(tmp_path / str(machine))})
        for machine in range(3)
    ]
    ids = {create_client(config)._client_id for config in configs}
    assert len(ids) == 3
    assert all(client_id.startswith(b"py-iot-node-kitchen-") for client_id in ids)
    assert create_client(configs[0])._client_id == create_client(configs[0])._client_id
    # A damaged or foreign id is replaced, not used.
    (tmp_path / "0" / "mqtt_client_id").write_text("py-iot-node-kitchen-\n")
    replaced = create_client(configs[0])._client_id
    assert replaced not in ids
    assert len(replaced) == len(b"py-iot-node-kitchen-") + 12


def test_a_state_directory_copied_to_another_pi_gets_a_client_id_of_its_own(
    tmp_path: Path,
) -> None:
    """A cloned SD card (same node id, same state directory): both Pis read one client id,
    and each took the other's MQTT session as it reconnected: 16 connections in 12 s on
    Mosquitto ("session taken over"), an announcement each time. The id is kept for one boot
    of the kernel (its boot id), which a restart after a crash keeps and another Pi has not."""
    boot, clone_boot = tmp_path / "boot_id", tmp_path / "clone_boot_id"
    boot.write_text("6f1d0c3e-5b0e-4f7e-9a57-0a1b2c3d4e5f\n")
    clone_boot.write_text("0c8e7f4a-2d51-4b8e-8f0e-9e8d7c6b5a49\n")
    pi = parse_config({"node": {"id": "kitchen"}, "state_dir": str(tmp_path / "pi")})
    first = create_client(pi, boot)._client_id
    assert create_client(pi, boot)._client_id == first
    shutil.copytree(tmp_path / "pi", tmp_path / "clone")
    clone = parse_config({"node": {"id": "kitchen"}, "state_dir": str(tmp_path / "clone")})
    assert create_client(clone, clone_boot)._client_id != first
    # The Pi itself after a reboot: a new one too (its old session ended 5 s after it went).
    assert create_client(pi, clone_boot)._client_id != first


@pytest.mark.parametrize("name", ["Kitchen\u202ePi", "Kitchen\nPi", "Kitchen\ud800"])
def test_configuration_refuses_text_home_assistant_cannot_store(name: str) -> None:
    with pytest.raises(ConfigError, match="name"):
        parse_config({"node": {"id": "kitchen", "name": name}})
