"""How many node state messages per second the integration ingests inside Home Assistant.

Home Assistant's real MQTT integration runs with a mocked paho client (no broker): messages
enter where paho hands them over (``MQTT._async_mqtt_on_message``) and go through topic
matching, the node coordinator (``parse_state``, trend ring buffers) and the entity state
writes. N nodes are discovered and confirmed through the real config flow, then every
scenario sends MESSAGES state messages spread over its nodes and waits until all are applied;
the final entity states and per-node counters prove every message was processed.

Side by side: ``parse_state`` alone (no Home Assistant), the harness's
``async_fire_mqtt_message``, paho's on_message path, and signed nodes (HMAC per message).

    script/run python bench/mqtt_ingest.py [--nodes 50] [--messages 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The tests' harness, first: it prepares the test plugin's imports.
from tests.script_hass import async_setup_http, script_home_assistant  # isort: skip
from homeassistant.components import mqtt
from homeassistant.config_entries import SOURCE_MQTT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from paho.mqtt.client import MQTTMessage
from py_iot_node.protocol import MessageSigner as NodeSigner
from py_iot_node.protocol import build_announcement
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
)

from bench.bench_nodes import climate_node
from custom_components.py_iot_home.const import CONF_SECRET, DOMAIN
from custom_components.py_iot_home.nodes import display_ration
from custom_components.py_iot_home.nodes.entities import sensor_unique_id
from custom_components.py_iot_home.nodes.runtime import NodeRuntimeData
from custom_components.py_iot_home.protocol import (
    MessageSigner,
    SensorSample,
    StateMessage,
    build_state,
    parse_state,
)
from tests.mqtt_entry import async_setup_mqtt_entry, mocked_paho

TARGET_PER_S = 2_000
BATCH = 200  # messages handed over per loop iteration, like one socket read
SECRET = "bench-secret-0123456789"


def node_secret(node_id: str) -> str:
    """Every node its own secret (Home Assistant refuses one shared by two nodes)."""
    return f"{SECRET}-{node_id}"


BASE_TS = time.time() - 60


def node_announcement(node_id: str, secret: str | None) -> bytes:
    announcement = climate_node(node_id, f"Bench {node_id}", interval_s=30, signed=bool(secret))
    # Built as the node agent builds it (the same protocol package, under the node's name).
    signer = NodeSigner(secret) if secret else None
    return build_announcement(announcement, signer=signer).payload


async def confirm_node(hass: HomeAssistant, node_id: str, secret: str | None) -> NodeRuntimeData:
    """Announce a node and confirm its discovery flow, as a user would."""
    topic = f"py_iot_home/{node_id}/announce"
    async_fire_mqtt_message(hass, topic, node_announcement(node_id, secret), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    [flow] = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_MQTT
    ]
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_SECRET: secret or ""}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    runtime = result["result"].runtime_data
    assert isinstance(runtime, NodeRuntimeData)
    async_fire_mqtt_message(hass, f"py_iot_home/{node_id}/availability", b"online")
    return runtime


def values_for(index: int) -> tuple[float, float]:
    """Distinct, plausible values, so the last one a node got shows in its entity."""
    return round(15.0 + (index % 2000) / 100.0, 2), round(30.0 + (index % 500) / 10.0, 1)


@dataclass
class Workload:
    """Pre-built state messages (the nodes' work, not timed) and what they must leave."""

    messages: list[tuple[str, bytes]]
    expected_count: dict[str, int]
    expected_last: dict[str, tuple[float, float]]


def build_workload(node_ids: list[str], total: int, first_seq: int, signed: bool) -> Workload:
    signers = (
        {node_id: MessageSigner(node_secret(node_id)) for node_id in node_ids} if signed else {}
    )
    messages: list[tuple[str, bytes]] = []
    count = dict.fromkeys(node_ids, 0)
    last: dict[str, tuple[float, float]] = {}
    for index in range(total):
        node_id = node_ids[index % len(node_ids)]
        temperature, humidity = values_for(index)
        state = StateMessage(
            node_id=node_id,
            # Within a few seconds of now: Home Assistant refuses samples from the future and
            # stops recording a node whose samples are far behind its clock.
            ts=BASE_TS + (first_seq + index) * 1e-4,
            seq=first_seq + index,
            sensors={"climate": SensorSample(temperature=temperature, humidity=humidity)},
            switches={"led": index % 2 == 0},
        )
        message = build_state(state, signer=signers.get(node_id))
        messages.append((message.topic, message.payload))
        count[node_id] += 1
        last[node_id] = (temperature, humidity)
    return Workload(messages, count, last)


def paho_delivery(hass: HomeAssistant) -> Callable[[str, bytes], None]:
    """What paho's on_message does: hand an MQTTMessage to Home Assistant's client."""
    client = hass.data[mqtt.DATA_MQTT].client
    paho_client = client._mqttc
    on_message = client._async_mqtt_on_message

    def deliver(topic: str, payload: bytes) -> None:
        msg = MQTTMessage(topic=topic.encode())
        msg.payload = payload
        msg.qos = 1
        msg.timestamp = time.monotonic()
        on_message(paho_client, None, msg)

    return deliver


def harness_delivery(hass: HomeAssistant) -> Callable[[str, bytes], None]:
    return lambda topic, payload: async_fire_mqtt_message(hass, topic, payload, qos=1)


async def ingest(
    hass: HomeAssistant,
    nodes: dict[str, NodeRuntimeData],
    workload: Workload,
    deliver: Callable[[str, bytes], None],
) -> dict[str, float]:
    """Send the workload in batches and wait until Home Assistant applied all of it."""
    before = {node_id: rt.node.messages_accepted["state"] for node_id, rt in nodes.items()}
    messages = workload.messages
    wall_start = time.perf_counter()
    cpu_start = time.thread_time()
    for start in range(0, len(messages), BATCH):
        for topic, payload in messages[start : start + BATCH]:
            deliver(topic, payload)
        await asyncio.sleep(0)  # let the loop run whatever the batch scheduled
    await hass.async_block_till_done()
    loop_cpu_s = time.thread_time() - cpu_start
    wall_s = time.perf_counter() - wall_start
    verify(hass, nodes, workload, before)
    return {
        "per_s": len(messages) / wall_s,
        "wall_s": wall_s,
        "loop_us_per_msg": loop_cpu_s / len(messages) * 1e6,
    }


def verify(
    hass: HomeAssistant,
    nodes: dict[str, NodeRuntimeData],
    workload: Workload,
    before: dict[str, int],
) -> None:
    """Every message was accepted, and every entity shows its node's last values."""
    registry = er.async_get(hass)
    for node_id, expected in workload.expected_count.items():
        node = nodes[node_id].node
        accepted = node.messages_accepted["state"] - before[node_id]
        assert accepted == expected, f"{node_id}: {accepted} of {expected} accepted"
        assert not node.rejections.counts, dict(node.rejections.counts)
        for quantity, value in zip(
            ("temperature", "humidity"), workload.expected_last[node_id], strict=True
        ):
            entity_id = registry.async_get_entity_id(
                "sensor", DOMAIN, sensor_unique_id(node_id, "climate", quantity)
            )
            assert entity_id is not None
            state = hass.states.get(entity_id)
            assert state is not None
            assert float(state.state) == value, (entity_id, state.state, value)


def parse_only(workload: Workload) -> dict[str, float]:
    start = time.perf_counter()
    for topic, payload in workload.messages:
        parse_state(topic, payload)
    wall_s = time.perf_counter() - start
    n = len(workload.messages)
    return {"per_s": n / wall_s, "wall_s": wall_s, "loop_us_per_msg": wall_s / n * 1e6}


async def run(hass: HomeAssistant, n_nodes: int, n_messages: int) -> dict[str, Any]:
    # Each node here sends hundreds of samples a second (hours of them in seconds), which Home
    # Assistant would not show beyond its ration; this bench times the state writes of all.
    display_ration.SHOWN_BURST = math.inf
    await async_setup_mqtt_entry(hass, {"broker": "mock-broker", "protocol": "5"})

    plain_ids = [f"plain-{i:03d}" for i in range(n_nodes)]
    signed_ids = [f"signed-{i:03d}" for i in range(n_nodes)]
    setup_start = time.perf_counter()
    nodes = {node_id: await confirm_node(hass, node_id, None) for node_id in plain_ids}
    nodes |= {
        node_id: await confirm_node(hass, node_id, node_secret(node_id)) for node_id in signed_ids
    }
    await hass.async_block_till_done()
    setup_s = time.perf_counter() - setup_start

    warm = min(n_messages, 5_000)
    # Untimed first pass: first state writes and caches would otherwise bill the first row.
    await ingest(
        hass, nodes, build_workload(plain_ids, warm, 10, signed=False), paho_delivery(hass)
    )
    first = build_workload(plain_ids, n_messages, 10 + warm, signed=False)
    second = build_workload(plain_ids, n_messages, 10 + warm + n_messages, signed=False)
    signed = build_workload(signed_ids, n_messages, 10, signed=True)
    results = {
        "parse_state only (no HA)": parse_only(first),
        "HA, async_fire_mqtt_message": await ingest(hass, nodes, first, harness_delivery(hass)),
        "HA, paho on_message path": await ingest(hass, nodes, second, paho_delivery(hass)),
        "HA, signed nodes (HMAC)": await ingest(hass, nodes, signed, paho_delivery(hass)),
    }
    return {
        "nodes": n_nodes,
        "messages": n_messages,
        "entities": len(hass.states.async_all()),
        "setup_s": setup_s,
        "results": results,
    }


async def main(n_nodes: int, n_messages: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as config_dir:
        async with script_home_assistant(config_dir) as hass:
            await async_setup_http(hass)  # MQTT depends on http: a free port, not 8123
            with mocked_paho(hass):
                return await run(hass, n_nodes, n_messages)


def report(f: dict[str, Any]) -> dict[str, Any]:
    print(
        f"{f['messages']:,} state messages per scenario over {f['nodes']} nodes "
        f"({f['entities']} entities; {2 * f['nodes']} nodes confirmed in {f['setup_s']:.1f} s)\n"
    )
    results: dict[str, dict[str, float]] = f["results"]
    reference = results["HA, paho on_message path"]["per_s"]
    print(f"{'scenario':<32}{'msg/s':>10}{'wall s':>9}{'loop µs/msg':>13}{'vs paho path':>14}")
    for name, r in results.items():
        print(
            f"{name:<32}{r['per_s']:>10,.0f}{r['wall_s']:>9.2f}{r['loop_us_per_msg']:>13.1f}"
            f"{r['per_s'] / reference:>13.2f}x"
        )
    ok = "ok" if reference >= TARGET_PER_S else "MISSED"
    print(
        f"\ningest through Home Assistant: {reference:,.0f} msg/s "
        f"(target >= {TARGET_PER_S:,}: {ok})"
    )
    print("every message verified: per-node accepted counts and final entity states match")
    flat: dict[str, Any] = {
        "nodes": f["nodes"],
        "messages": f["messages"],
        "target_per_s": TARGET_PER_S,
    }
    keys = {
        "parse_state only (no HA)": "parse_only",
        "HA, async_fire_mqtt_message": "ha_harness",
        "HA, paho on_message path": "ha_paho",
        "HA, signed nodes (HMAC)": "ha_signed",
    }
    for name, r in results.items():
        flat[f"{keys[name]}_per_s"] = round(r["per_s"])
        flat[f"{keys[name]}_loop_us_per_msg"] = round(r["loop_us_per_msg"], 2)
    return flat


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=50)
    parser.add_argument("--messages", type=int, default=50_000)
    args = parser.parse_args()
    figures = asyncio.run(main(args.nodes, args.messages))
    print(json.dumps(report(figures)))
