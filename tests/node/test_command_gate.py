"""The owner's commands are not dropped behind a stranger's flood (command_gate.py)."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.properties import Properties
from py_iot_node.command_gate import CommandGate
from py_iot_node.config import NodeConfig
from py_iot_node.devices import SwitchBank
from py_iot_node.hardware.gpio import SimulatedGpioBackend
from py_iot_node.protocol import (
    MessageSigner,
    build_command,
    build_resend_request,
    parse_state,
)
from py_iot_node.runner import MAX_QUEUED_MESSAGES, run_node

from .conftest import make_config
from .loopback import LoopbackClient

SECRET = "a shared secret of the kitchen node"
LED_SET = "py_iot_home/kitchen/switch/led/set"
RELAY_SET = "py_iot_home/kitchen/switch/relay/set"
STATE = "py_iot_home/kitchen/state"


class StallingClient(LoopbackClient):
    """A loopback client whose publish can hold the agent's loop, as a slow Pi's would."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = threading.Event()
        self.holding = threading.Event()
        self.release = threading.Event()

    def publish(
        self,
        topic: str,
        payload: paho.PayloadType = None,
        qos: int = 0,
        retain: bool = False,
        properties: Properties | None = None,
    ) -> paho.MQTTMessageInfo:
        if self.hold.is_set():
            self.holding.set()
            self.release.wait(10)
        return super().publish(topic, payload, qos, retain, properties)

    def deliver(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """What paho's network thread does with a message from the broker."""
        message = paho.MQTTMessage(topic=topic.encode())
        message.payload = payload
        message.retain = retain
        callback = self.on_message
        assert callback is not None
        callback(self, None, message)


def _command(config: NodeConfig, key: str, on: bool, seq: int) -> bytes:
    """The command Home Assistant sends: signed for a node with a secret."""
    signer = MessageSigner(config.secret) if config.secret else None
    return build_command("kitchen", key, on, signer=signer, seq=seq, ts=time.time()).payload


def _flood(config: NodeConfig, count: int) -> Iterator[tuple[str, bytes, bool]]:
    """What a stranger may send that the agent refuses: (topic, payload, retained)."""
    forged = (
        b'{"v":1,"state":"OFF","seq":%d,"ts":%.1f,"sig":"' % (2**62, time.time())
        + b"0" * 64
        + b'"}'
    )
    kinds = [
        (LED_SET, b"OFF", True),  # retained: never obeyed
        ("py_iot_home/kitchen/switch/nope/set", b"OFF", False),  # no such switch
        (LED_SET, b'{"v":1,"state":"OFF"', False),  # not JSON
        (LED_SET, b"x" * 16_000, False),  # not checked on arrival: too big for a command
    ]
    if config.secret:
        kinds += [(LED_SET, b"OFF", False), (LED_SET, forged, False)]  # unsigned, forged
    for index in range(count):
        yield kinds[index % len(kinds)]


@pytest.mark.parametrize("secret", [None, SECRET], ids=["unsigned", "signed"])
def test_the_owners_command_is_obeyed_behind_a_flood_that_fills_the_queue(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, secret: str | None
) -> None:
    """The node's loop busy for a moment (a slow Pi) while a stranger's flood fills its
    queue of 1,000: the owner's command that came next was dropped ("too many queued"), so
    the LED never switched and Home Assistant told the user it failed."""
    config = make_config(tmp_path, **({"secret": secret} if secret else {}))
    gpio = SimulatedGpioBackend()
    bank = SwitchBank(gpio, config.switches)
    bank.setup()
    mqtt = StallingClient()
    stop = threading.Event()
    run = threading.Thread(
        target=run_node,
        args=(config, stop),
        kwargs={"client": mqtt, "sensors": [], "switches": bank},
    )
    caplog.set_level(logging.INFO, logger="py_iot_node")
    run.start()
    try:
        deadline = time.monotonic() + 10
        while not any(topic == STATE for topic, _, _ in mqtt.published):
            assert time.monotonic() < deadline, "the node did not report its switches"
            time.sleep(0.01)
        seq = time.time_ns() // 1000
        mqtt.hold.set()
        # The owner's command before the flood: its confirmation holds the loop.
        mqtt.deliver(RELAY_SET, _command(config, "relay", False, seq))
        assert mqtt.holding.wait(10)
        for topic, payload, retained in _flood(config, MAX_QUEUED_MESSAGES + 200):
            mqtt.deliver(topic, payload, retain=retained)
        mqtt.deliver(LED_SET, _command(config, "led", True, seq + 1))
        for topic, payload, retained in _flood(config, 200):
            mqtt.deliver(topic, payload, retain=retained)
        mqtt.hold.clear()
        mqtt.release.set()
        deadline = time.monotonic() + 10
        while not any(
            topic == STATE and parse_state(topic, body).switches.get("led") is True
            for topic, body, _ in list(mqtt.published)
        ):
            assert time.monotonic() < deadline, "the owner's command was not obeyed"
            time.sleep(0.01)
    finally:
        mqtt.release.set()
        stop.set()
        run.join(30)
    assert not run.is_alive()
    last_state = [body for topic, body, _ in mqtt.published if topic == STATE][-1]
    assert parse_state(STATE, last_state).switches == {"led": True, "relay": False}
    # The flood did overflow the queue: what was dropped was the flood's.
    stopped = re.search(r"; (\d+) incoming messages dropped", caplog.text)
    assert stopped is not None
    assert int(stopped[1]) == 400
    obeyed = re.findall(r"switched (?:on|off) by a command", caplog.text)
    assert obeyed == ["switched off by a command", "switched on by a command"]
    # Ahead of the flood, not behind 1,000 messages: judged after the owner's command.
    lines = [record.getMessage() for record in caplog.records]
    switched_on = next(i for i, line in enumerate(lines) if "switched on" in line)
    assert switched_on < next(i for i, line in enumerate(lines) if line.startswith("rejected"))


def test_the_gate_admits_what_the_agent_takes_and_nothing_a_stranger_can_make(
    tmp_path: Path,
) -> None:
    """A signed node: only its owner's signed, fresh, new messages go ahead of the queue."""
    config = make_config(tmp_path, secret=SECRET)
    gate = CommandGate(config, last_seq=100)
    seq = time.time_ns() // 1000
    command = _command(config, "led", True, seq)
    signer = MessageSigner(SECRET)
    request = build_resend_request("kitchen", 5, seq=seq + 1, signer=signer, ts=time.time())
    assert not gate.admits(LED_SET, command, retained=True)
    assert gate.admits(LED_SET, command, retained=False)
    # Captured and sent again (anyone who can read the topic can): not ahead of the queue.
    assert not gate.admits(LED_SET, command, retained=False)
    assert gate.admits(request.topic, request.payload, retained=False)
    assert not gate.admits(request.topic, request.payload, retained=False)
    # Restored after a restart: what the agent accepted before stays old.
    assert not CommandGate(config, last_seq=seq + 5).admits(
        LED_SET, _command(config, "led", True, seq + 5), retained=False
    )
    for topic, payload, retained in _flood(config, 6):
        assert not gate.admits(topic, payload, retained=retained)


def test_only_what_home_assistant_sends_is_parsed_on_arrival(tmp_path: Path) -> None:
    """Decoding is what costs paho's thread: nested or long JSON is left to the agent's loop."""
    gate = CommandGate(make_config(tmp_path))
    assert gate.admits(LED_SET, b" ON\n", retained=False)
    until = time.time() + 4
    largest = build_command("kitchen", "led", False, seq=2**63 - 1, ts=time.time(), until=until)
    assert gate.admits(LED_SET, largest.payload, retained=False)
    for payload in (b'{"v":1,"state":"ON","x":{}}', b'{"v":1,"state":"ON","x":[]}', b"[" * 500):
        assert not gate.admits(LED_SET, payload, retained=False)
