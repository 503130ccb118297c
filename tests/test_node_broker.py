"""End to end: the real node agent, a real Mosquitto and Home Assistant's real MQTT client.

The harness's MQTT mock stands in for everything between the node and the integration in
test_node.py; here nothing does. Waits are real and bounded (the agent samples every 2 s).
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from homeassistant.components.mqtt import client as mqtt_client
from homeassistant.components.switch.const import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_MQTT, ConfigEntryState, ConfigFlowResult
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.py_iot_home.analysis.ring_buffer import DEFAULT_MIN_INTERVAL_S
from custom_components.py_iot_home.const import CONF_SECRET, DOMAIN
from custom_components.py_iot_home.nodes.entities import (
    connectivity_unique_id,
    sensor_unique_id,
    switch_unique_id,
)
from custom_components.py_iot_home.nodes.runtime import NodeRuntimeData

from .mosquitto_server import MosquittoServer, mosquitto_available

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed"),
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

REPO = Path(__file__).resolve().parents[1]
NODE_ID = "e2e-node"
STATE_TOPIC = f"py_iot_home/{NODE_ID}/state"
WAIT_S = 15.0
INTERVAL_S = 2  # the agent's minimum


class Agent:
    """`python -m py_iot_node --simulate` in a subprocess, configured for the test broker."""

    def __init__(
        self, directory: Path, broker: MosquittoServer, *, interval_s: int = INTERVAL_S
    ) -> None:
        directory.mkdir()
        self.config = directory / "node.yaml"
        self.config.write_text(
            f"""
node: {{id: {NODE_ID}, name: E2E node, model: Raspberry Pi 5}}
mqtt: {{host: {broker.host}, port: {broker.port}, keepalive_s: 5}}
interval_s: {interval_s}
clock_sync_wait_s: 0  # a test machine's kernel may never call its clock synchronised
state_dir: {directory / "state"}
sensors:
  - {{key: climate, name: Climate, model: dht22, pin: 4}}
switches:
  - {{key: led, name: LED, pin: 17}}
"""
        )
        self.log_path = directory / "agent.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the agent; it connects on its own."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "py_iot_node", "--config", str(self.config), "--simulate"],
                cwd=REPO,
                env=os.environ | {"PYTHONPATH": str(REPO / "node")},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def signal(self, signum: signal.Signals) -> None:
        """Send a signal to the running agent."""
        assert self.process is not None
        self.process.send_signal(signum)

    def stop(self) -> None:
        """Kill the agent if it still runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait()

    def log(self) -> str:
        """What the agent logged so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def agent(tmp_path: Path, broker: MosquittoServer) -> Iterator[Agent]:
    node = Agent(tmp_path / "node", broker)
    yield node
    node.stop()


async def wait_until(predicate: Callable[[], bool], what: str, agent: Agent) -> None:
    """Poll `predicate` in real time for up to WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {WAIT_S} s; agent log:\n{agent.log()}")
        await asyncio.sleep(0.1)


def state_of(hass: HomeAssistant, entity_id: str) -> str | None:
    state = hass.states.get(entity_id)
    return None if state is None else state.state


def is_number(value: str | None) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except ValueError:
        return False


def entity_ids(hass: HomeAssistant) -> dict[str, str]:
    """The node's entity ids by role, found through their unique ids."""
    registry = er.async_get(hass)
    unique_ids = {
        "temperature": ("sensor", sensor_unique_id(NODE_ID, "climate", "temperature")),
        "humidity": ("sensor", sensor_unique_id(NODE_ID, "climate", "humidity")),
        "led": ("switch", switch_unique_id(NODE_ID, "led")),
        "connectivity": ("binary_sensor", connectivity_unique_id(NODE_ID)),
    }
    found = {
        role: registry.async_get_entity_id(platform, DOMAIN, unique_id)
        for role, (platform, unique_id) in unique_ids.items()
    }
    assert None not in found.values(), found
    return {role: entity_id for role, entity_id in found.items() if entity_id}


async def discover_and_confirm(
    hass: HomeAssistant, agent: Agent, secret: str = ""
) -> NodeRuntimeData:
    """Start the agent, wait for its discovery flow and confirm it as a user would."""
    agent.start()

    def flows() -> list[ConfigFlowResult]:
        return [
            flow
            for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
            if flow["context"]["source"] == SOURCE_MQTT
        ]

    await wait_until(lambda: bool(flows()), "discovery flow", agent)
    [flow] = flows()
    assert flow["context"]["unique_id"] == NODE_ID
    assert flow["step_id"] == "mqtt_confirm"
    # Nothing exists before the user confirms.
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: secret})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    runtime = entry.runtime_data
    assert isinstance(runtime, NodeRuntimeData)
    return runtime


async def test_discovery_state_command_and_last_will(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, agent: Agent
) -> None:
    runtime = await discover_and_confirm(hass, agent)
    [device] = dr.async_entries_for_config_entry(
        dr.async_get(hass), runtime.node.config_entry.entry_id
    )
    assert device.identifiers == {(DOMAIN, f"node_{NODE_ID}")}
    # A simulated Pi 5 (`--simulate`), made by this project's agent: "simulated" once.
    assert (device.name, device.model, device.manufacturer) == (
        "E2E node",
        "Simulated Raspberry Pi 5",
        "Py IoT Home",
    )
    ids = entity_ids(hass)

    # The retained "online" and the first samples arrive over the broker.
    await wait_until(
        lambda: (
            state_of(hass, ids["connectivity"]) == STATE_ON
            and is_number(state_of(hass, ids["temperature"]))
            and is_number(state_of(hass, ids["humidity"]))
        ),
        "numeric temperature and humidity",
        agent,
    )
    assert 0 < float(state_of(hass, ids["temperature"]) or "nan") < 45
    assert 0 <= float(state_of(hass, ids["humidity"]) or "nan") <= 100
    assert runtime.node.messages_accepted["state"] >= 1
    assert state_of(hass, ids["led"]) == STATE_OFF

    # The service returns only once the node confirmed the new state over the broker.
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: ids["led"]}, blocking=True
    )
    assert state_of(hass, ids["led"]) == STATE_ON
    assert runtime.node.data.switches == {"led": True}

    # SIGKILL leaves no chance to say goodbye: the broker publishes the node's last will.
    agent.signal(signal.SIGKILL)
    await wait_until(
        lambda: state_of(hass, ids["temperature"]) == STATE_UNAVAILABLE,
        "unavailable temperature after the last will",
        agent,
    )
    assert state_of(hass, ids["humidity"]) == STATE_UNAVAILABLE
    assert state_of(hass, ids["led"]) == STATE_UNAVAILABLE
    assert state_of(hass, ids["connectivity"]) == STATE_OFF


async def test_broker_restart_loses_nothing(
    hass: HomeAssistant,
    mqtt_entry: MockConfigEntry,
    agent: Agent,
    broker: MosquittoServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = await discover_and_confirm(hass, agent)
    ids = entity_ids(hass)
    sampled_at: dict[int, float] = {}
    runtime.node.async_add_samples_listener(
        lambda states, _replayed: sampled_at.update((state.seq, state.ts) for state in states)
    )
    seen = sampled_at.keys()
    await wait_until(lambda: len(seen) >= 2, "first samples", agent)
    first_seq = min(seen)
    assert runtime.node.replayed_samples == 0

    # Home Assistant comes back well after the node, which replays its outage backlog and
    # sends live samples while nobody is subscribed (clean session): only a resend saves them.
    monkeypatch.setattr(mqtt_client, "RECONNECT_INTERVAL_SECONDS", 4 * INTERVAL_S)
    await hass.async_add_executor_job(broker.stop)
    outage_start = time.time()
    # Home Assistant lost the broker, not the node: unknown, not "disconnected".
    await wait_until(
        lambda: state_of(hass, ids["connectivity"]) == STATE_UNAVAILABLE,
        "connectivity unavailable while the broker is down",
        agent,
    )
    await asyncio.sleep(max(0.0, outage_start + 2.5 * INTERVAL_S - time.time()))
    await hass.async_add_executor_job(broker.start)
    outage_end = time.time()
    await wait_until(lambda: runtime.node.resend.requests_sent > 0, "resend request", agent)
    await wait_until(lambda: runtime.node.resend.owed_since is None, "acknowledged resend", agent)

    # Every state message the node sent since the first one seen arrived: the node numbers
    # them consecutively (an unsigned node's announcements take no number).
    def complete_after_reconnect() -> bool:
        newest = runtime.node.data.sampled_at
        return (
            newest is not None
            and newest.timestamp() > outage_end + 2 * INTERVAL_S
            and seen == set(range(first_seq, max(seen) + 1))
        )

    await wait_until(complete_after_reconnect, "every sample, in order", agent)
    assert runtime.node.replayed_samples > 0
    times, values = runtime.trend.store.view("climate_temperature")
    during = (times >= outage_start) & (times <= outage_end)
    # The trend keeps one sample per slot of DEFAULT_MIN_INTERVAL_S. Without the resend,
    # no sample would cover the outage and the wait for Home Assistant's reconnect (over
    # 10 s together): every slot from the first sample to the newest one holds a sample.
    slot = DEFAULT_MIN_INTERVAL_S
    kept = {math.floor(at / slot) for at in times}
    # Should it fail, what the trend kept and what arrived before the outage tell why.
    before = sorted(at for at in sampled_at.values() if at <= outage_start)
    assert math.floor(times[0] / slot) <= math.floor(outage_start / slot), (
        times[:4].tolist(),
        outage_start,
        before[-4:],
    )
    across = range(math.floor(times[0] / slot), math.floor(times[-1] / slot) + 1)
    assert [index for index in across if index not in kept] == []
    assert all(0 < value < 45 for value in values[during])
    await wait_until(
        lambda: (
            state_of(hass, ids["connectivity"]) == STATE_ON
            and is_number(state_of(hass, ids["temperature"]))
        ),
        "entities back after the restart",
        agent,
    )
