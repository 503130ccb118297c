"""A node's LED comes back as the user left it after the agent (or the Pi) restarts."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from py_iot_node.agent import NodeAgent
from py_iot_node.buffer import SampleBuffer
from py_iot_node.config import NodeConfig
from py_iot_node.devices import SwitchBank, open_switches
from py_iot_node.protocol import parse_state
from py_iot_node.runner import run_node

from tests.fakes import FakeHardware
from tests.fakes.fake_rpi_gpio import HIGH, LOW

from .conftest import FakeClient, FakeClock, make_config
from .loopback import LoopbackClient

LED_SET = "py_iot_home/kitchen/switch/led/set"
RELAY_SET = "py_iot_home/kitchen/switch/relay/set"
STATE = "py_iot_home/kitchen/state"
LED_PIN = 17
RELAY_PIN = 27


def _config(tmp_path: Path, *, relay_restores: bool = True) -> NodeConfig:
    return make_config(
        tmp_path,
        gpio_backend="rpi_gpio",
        switches=[
            {"key": "led", "name": "Desk LED", "pin": LED_PIN},
            {
                "key": "relay",
                "name": "Fan",
                "pin": RELAY_PIN,
                "active_high": False,
                "initial_on": True,
                "restore": relay_restores,
            },
        ],
    )


@contextlib.contextmanager
def _started(config: NodeConfig) -> Iterator[SwitchBank]:
    """The node's outputs as a start claims them: at their saved states where they restore."""
    buffer = SampleBuffer(config.buffer_path, 100)
    bank = open_switches(config, buffer.switch_states())
    try:
        yield bank
    finally:
        bank.release()
        buffer.close()


def _switch_and_stop(config: NodeConfig, clock: FakeClock, commands: dict[str, bytes]) -> None:
    """One run of the agent: connect, obey `commands` (topic: payload), stop."""
    buffer = SampleBuffer(config.buffer_path, 100)
    try:
        bank = open_switches(config, buffer.switch_states())
        agent = NodeAgent(
            config, FakeClient(), bank, buffer, clock=clock, monotonic=clock.monotonic
        )
        agent.handle_connected()
        for topic, payload in commands.items():
            clock.now += 1
            agent.handle_message(topic, payload)
            agent.tick()
        agent.shutdown()
        bank.release()
    finally:
        buffer.close()


def test_a_restarted_node_sets_its_outputs_as_they_were_left(
    tmp_path: Path, fake_hardware: FakeHardware, clock: FakeClock
) -> None:
    config = _config(tmp_path)
    # First start: nothing saved, each output at its `initial_on` (the relay is active low).
    with _started(config) as bank:
        assert fake_hardware.rpi_gpio.levels == {LED_PIN: LOW, RELAY_PIN: LOW}
        assert bank.states == {"led": False, "relay": True}

    _switch_and_stop(config, clock, {LED_SET: b"ON", RELAY_SET: b"OFF"})
    fake_hardware.rpi_gpio.outputs.clear()

    with _started(config) as bank:
        # Claimed at the saved level: no flash of the initial state before the first command.
        assert fake_hardware.rpi_gpio.levels == {LED_PIN: HIGH, RELAY_PIN: HIGH}
        assert fake_hardware.rpi_gpio.outputs == []
        assert bank.states == {"led": True, "relay": False}


def test_an_output_that_does_not_restore_takes_its_initial_state(
    tmp_path: Path, fake_hardware: FakeHardware, clock: FakeClock
) -> None:
    config = _config(tmp_path, relay_restores=False)
    _switch_and_stop(config, clock, {LED_SET: b"ON", RELAY_SET: b"OFF"})

    with _started(config) as bank:
        assert bank.states == {"led": True, "relay": True}
        assert fake_hardware.rpi_gpio.levels[RELAY_PIN] == LOW


def test_a_saved_state_that_is_not_on_or_off_is_ignored(
    tmp_path: Path, fake_hardware: FakeHardware
) -> None:
    """A flipped bit or a hand edit in the store: the output's initial state, no crash."""
    config = _config(tmp_path)
    buffer = SampleBuffer(config.buffer_path, 100)
    buffer.save_switch_state("led", True)
    buffer.save_switch_state("relay", False)
    buffer.close()
    with sqlite3.connect(config.buffer_path) as db:
        db.execute("UPDATE meta SET value = 7 WHERE name = 'switch:led'")
        db.execute("UPDATE meta SET value = 'on' WHERE name = 'switch:relay'")
    with _started(config) as bank:
        assert bank.states == {"led": False, "relay": True}


def test_the_node_reports_the_restored_state_on_connecting(
    tmp_path: Path, fake_hardware: FakeHardware, clock: FakeClock
) -> None:
    """Through the whole run: Home Assistant learns the restored state, not the initial one."""
    config = _config(tmp_path)
    _switch_and_stop(config, clock, {LED_SET: b"ON", RELAY_SET: b"OFF"})

    mqtt = LoopbackClient()
    stop = threading.Event()
    reported = threading.Event()

    def stop_once_the_switches_are_reported() -> None:
        while not any(topic == STATE for topic, _, _ in mqtt.published):
            if reported.wait(0.01):
                return
        stop.set()

    watcher = threading.Thread(target=stop_once_the_switches_are_reported)
    watcher.start()
    try:
        run_node(config, stop, client=mqtt, sensors=[], clock=clock, monotonic=clock.monotonic)
    finally:
        reported.set()
        watcher.join()
    first_state = next(body for topic, body, _ in mqtt.published if topic == STATE)
    assert parse_state(STATE, first_state).switches == {"led": True, "relay": False}
