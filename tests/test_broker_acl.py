"""The broker set-up of docs/broker.md, as documented, with a real node agent and Home Assistant.

Mosquitto reads the documented ACL file as it is and a password file made with the
documented `mosquitto_passwd` commands; only the file locations in the documented
configuration are replaced by the test's own (and persistence is off, as the test broker
has nowhere to keep it). Through it discovery, state, commands and resend requests work,
and a client without the node's credentials cannot speak for the node.
"""

from __future__ import annotations

import asyncio
import queue
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from homeassistant.components.mqtt import client as mqtt_client
from homeassistant.components.switch.const import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_MQTT
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_ON, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from paho.mqtt.enums import CallbackAPIVersion
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.py_iot_home.const import CONF_SECRET, DOMAIN
from custom_components.py_iot_home.nodes.runtime import NodeRuntimeData

from .mosquitto_server import MosquittoServer, mosquitto_available
from .mqtt_entry import async_setup_mqtt_entry
from .test_node_broker import INTERVAL_S, NODE_ID, Agent, entity_ids, state_of, wait_until

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed"),
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "docs" / "examples" / "mosquitto"
MOSQUITTO_PASSWD = "mosquitto_passwd"
HA_PASSWORD = "ha-password-for-the-test"
NODE_PASSWORD = "node-password-for-the-test"
OTHER_NODE = "other-node"
SECRET = "a shared secret for the e2e node"


def documented_settings(directory: Path) -> str:
    """The documented configuration with the test's file locations."""
    passwd = directory / "passwd"
    # As docs/broker.md says: one user for Home Assistant, one per node, named by its id.
    for index, (user, password) in enumerate(
        [("homeassistant", HA_PASSWORD), (NODE_ID, NODE_PASSWORD), (OTHER_NODE, "other-pw")]
    ):
        create = ["-c"] if index == 0 else []
        subprocess.run([MOSQUITTO_PASSWD, *create, "-b", str(passwd), user, password], check=True)
    acl = directory / "py_iot_home.acl"
    acl.write_text((EXAMPLES / "py_iot_home.acl").read_text())
    # Mosquitto drops to its own user before reading these files.
    for path in (directory, passwd, acl):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return (
        (EXAMPLES / "py_iot_home.conf")
        .read_text()
        .replace("/etc/mosquitto/passwd", str(passwd))
        .replace("/etc/mosquitto/py_iot_home.acl", str(acl))
        .replace("persistence true", "persistence false")
    )


@pytest.fixture
def broker(socket_enabled: None) -> Iterator[MosquittoServer]:
    # Not under pytest's private tmp_path: Mosquitto reads the files as its own user.
    with tempfile.TemporaryDirectory(prefix="py_iot_home_broker_") as name:
        directory = Path(name)
        server = MosquittoServer(directory, settings=documented_settings(directory))
        server.start()
        yield server
        server.stop()


@pytest.fixture
def agent(tmp_path: Path, broker: MosquittoServer) -> Iterator[Agent]:
    node = Agent(tmp_path / "node", broker)
    text = node.config.read_text().replace(
        "keepalive_s: 5}",
        f"keepalive_s: 5, username: {NODE_ID}, password: {NODE_PASSWORD}}}",
    )
    node.config.write_text(f"{text}secret: {SECRET}\n")
    yield node
    node.stop()


@pytest.fixture
async def mqtt_entry(
    hass: HomeAssistant, broker: MosquittoServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[MockConfigEntry]:
    monkeypatch.setattr(mqtt_client, "RECONNECT_INTERVAL_SECONDS", 4 * INTERVAL_S)
    entry = await async_setup_mqtt_entry(
        hass,
        {
            "broker": broker.host,
            "port": broker.port,
            "username": "homeassistant",
            "password": HA_PASSWORD,
        },
    )
    yield entry
    for node_entry in hass.config_entries.async_entries(DOMAIN):
        await hass.config_entries.async_unload(node_entry.entry_id)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


class Client:
    """A test-side paho client with the given credentials; records what it receives."""

    def __init__(self, broker: MosquittoServer, user: str | None, password: str | None) -> None:
        self.received: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self.connected: queue.Queue[bool] = queue.Queue()
        self.client = paho.Client(CallbackAPIVersion.VERSION2)
        if user is not None:
            self.client.username_pw_set(user, password)
        self.client.on_connect = lambda _c, _u, _f, rc, _p: self.connected.put(not rc.is_failure)
        self.client.on_message = lambda _c, _u, m: self.received.put((m.topic, m.payload))
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()

    def accepted(self) -> bool:
        return self.connected.get(timeout=10)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


async def test_documented_broker_carries_everything_and_keeps_nodes_apart(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, agent: Agent, broker: MosquittoServer
) -> None:
    agent.start()

    def flows() -> list[dict[str, object]]:
        return [
            flow
            for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
            if flow["context"]["source"] == SOURCE_MQTT
        ]

    # Discovery: the node's announcement reaches Home Assistant through the ACL.
    await wait_until(lambda: bool(flows()), "discovery flow", agent)
    [flow] = flows()
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: SECRET})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    runtime = result["result"].runtime_data
    assert isinstance(runtime, NodeRuntimeData)
    node = runtime.node
    ids = entity_ids(hass)

    # State.
    await wait_until(lambda: node.messages_accepted["state"] >= 1, "a state message", agent)
    # Commands: Home Assistant may write the node's command topic, the node may read it.
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: ids["led"]}, blocking=True
    )
    assert state_of(hass, ids["led"]) == STATE_ON

    # Resend: after a broker restart Home Assistant asks, the node answers with the ack.
    await hass.async_add_executor_job(broker.stop)
    await asyncio.sleep(INTERVAL_S)
    await hass.async_add_executor_job(broker.start)
    await wait_until(lambda: node.resend.requests_sent > 0, "a resend request", agent)
    await wait_until(lambda: node.resend.owed_since is None, "the resend acknowledged", agent)
    assert dict(node.rejections.counts) == {}

    # Nobody without credentials gets in.
    anonymous = await hass.async_add_executor_job(Client, broker, None, None)
    assert not await hass.async_add_executor_job(anonymous.accepted)
    await hass.async_add_executor_job(anonymous.close)
    # Another node's credentials cannot publish as this node, nor read its commands.
    watcher = await hass.async_add_executor_job(Client, broker, "homeassistant", HA_PASSWORD)
    assert await hass.async_add_executor_job(watcher.accepted)
    watcher.client.subscribe(f"py_iot_home/{NODE_ID}/#", qos=1)
    intruder = await hass.async_add_executor_job(Client, broker, OTHER_NODE, "other-pw")
    assert await hass.async_add_executor_job(intruder.accepted)
    intruder.client.subscribe(f"py_iot_home/{NODE_ID}/#", qos=1)
    await asyncio.sleep(0.5)
    accepted_before = sum(node.messages_accepted.values())
    forged = b'{"v":1,"seq":1,"ts":1790000000,"sensors":{},"switches":{"led":false}}'
    for kind in ("state", "announce", "replay", "availability"):
        intruder.client.publish(f"py_iot_home/{NODE_ID}/{kind}", forged, qos=1).wait_for_publish(5)
    # The node keeps publishing; wait for two of its samples to pass through the watcher.
    deadline = time.monotonic() + 6 * INTERVAL_S
    seen: list[tuple[str, bytes]] = []
    while time.monotonic() < deadline and sum(t.endswith("/state") for t, _ in seen) < 2:
        await asyncio.sleep(0.2)
        while not watcher.received.empty():
            seen.append(watcher.received.get())
    assert sum(topic.endswith("/state") for topic, _ in seen) >= 2
    assert all(payload != forged for _, payload in seen)
    assert intruder.received.empty()
    assert sum(node.messages_accepted.values()) > accepted_before
    assert dict(node.rejections.counts) == {}
    for client in (watcher, intruder):
        await hass.async_add_executor_job(client.close)
