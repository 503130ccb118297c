"""End to end: a real Mosquitto drops samples for a busy Home Assistant; the gap brings them back.

The broker keeps at most one message in flight and one queued per client (small, so a short
stall is enough): while Home Assistant's event loop is stalled, it drops the node's samples
beyond those, as it does for any client that falls behind (`max_queued_messages`).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from homeassistant.config_entries import SOURCE_MQTT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.py_iot_home.const import CONF_SECRET, DOMAIN
from custom_components.py_iot_home.nodes.runtime import NodeRuntimeData

from .mosquitto_server import MosquittoServer, mosquitto_available
from .test_node_broker import INTERVAL_S, Agent, wait_until

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed"),
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

SECRET = "a secret for the gap test node"
TIGHT_QUEUES = (
    "allow_anonymous true\npersistence false\nmax_inflight_messages 1\nmax_queued_messages 1\n"
)


@pytest.fixture
def broker(tmp_path: Path, socket_enabled: None) -> Iterator[MosquittoServer]:
    directory = tmp_path / "broker"
    directory.mkdir()
    server = MosquittoServer(directory, settings=TIGHT_QUEUES)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def agent(tmp_path: Path, broker: MosquittoServer) -> Iterator[Agent]:
    node = Agent(tmp_path / "node", broker)
    node.config.write_text(f"{node.config.read_text()}secret: {SECRET}\n")
    yield node
    node.stop()


async def test_samples_dropped_for_a_busy_home_assistant_are_resent_once(
    hass: HomeAssistant, mqtt_entry: MockConfigEntry, agent: Agent, broker: MosquittoServer
) -> None:
    agent.start()
    await wait_until(
        lambda: bool(hass.config_entries.flow.async_progress_by_handler(DOMAIN)),
        "discovery flow",
        agent,
    )
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_MQTT
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: SECRET})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    runtime = result["result"].runtime_data
    assert isinstance(runtime, NodeRuntimeData)
    node = runtime.node
    arrivals: Counter[int] = Counter()
    node.async_add_samples_listener(
        lambda states, _replayed: arrivals.update(state.seq for state in states)
    )
    await wait_until(lambda: len(arrivals) >= 2, "first samples", agent)
    first = min(arrivals)

    # Home Assistant's loop stalls (a slow integration, a long garbage collection) for
    # about four samples: one is in flight, one queued, the others dropped by the broker.
    threading.Event().wait(4.2 * INTERVAL_S)

    def complete() -> bool:
        newest = max(arrivals)
        return newest >= first + 8 and set(arrivals) == set(range(first, newest + 1))

    await wait_until(complete, "every sample, the dropped ones resent", agent)
    assert "Outgoing messages are being dropped" in broker.log()
    # Each arrived once, after exactly one request.
    assert set(arrivals.values()) == {1}
    # The answer's last batch carries the agent's signed ack, which settles the request.
    await wait_until(lambda: node.resend.request_seq is None, "the signed ack", agent)
    assert node.resend.asked_gap is None
    assert node.resend.requests_sent == 1
    assert node.replayed_samples > 0
    assert dict(node.rejections.counts) == {}
