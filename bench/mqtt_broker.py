"""Many nodes through a real Mosquitto into Home Assistant's real MQTT client: loss and latency.

NODES simulated nodes each publish one state message per second for SECONDS seconds (QoS 1,
unsigned unless --signed), from a few publisher processes that each drive many node ids over
one paho connection. The integration side is the real Home Assistant path: the MQTT
integration with its own paho client on the broker, one node entry per node (the entry a
confirmed discovery creates), the node coordinators and their entities. Latency is the time
the state machine shows a value minus the sample's `ts` in the message (taken just before
publishing), read from the state's `last_updated` when it is written.

    script/run python bench/mqtt_broker.py                      # 500 nodes, 60 s
    script/run python bench/mqtt_broker.py --nodes 50 --seconds 10

Loopback only; it stops by itself (publishers end after SECONDS, then at most DRAIN_S more).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "node"))

if TYPE_CHECKING:
    from homeassistant.core import Event, EventStateChangedData, HomeAssistant

    from custom_components.py_iot_home.nodes.coordinator import NodeCoordinator

TARGET_P99_MS = 250.0
START_DELAY_S = 3.0  # publishers import and connect before the first second starts
DRAIN_S = 15.0
SECRET = "bench-secret-0123456789"
LOOP_PROBE_S = 0.02  # how often the stall probe wakes up


class StallProbe:
    """What held the event loop up during the run: its longest stall, and Python's full GCs.

    The latency tail of this bench is set by event-loop stalls; a full (generation 2) garbage
    collection walks every object of Home Assistant (~600,000 with 500 nodes), so it is
    measured here to tell the collector's share from the integration's.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        self.longest_stall_s = 0.0
        self.full_collections: list[float] = []
        self._gc_started = 0.0
        self._task: asyncio.Task[None] | None = None

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif info["generation"] == 2:
            self.full_collections.append(time.perf_counter() - self._gc_started)

    async def _probe(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(LOOP_PROBE_S)
            stall = time.perf_counter() - before - LOOP_PROBE_S
            self.longest_stall_s = max(self.longest_stall_s, stall)

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)
        self._task = self._hass.async_create_background_task(self._probe(), "stall probe")

    def stop(self) -> None:
        gc.callbacks.remove(self._on_gc)
        if self._task is not None:
            self._task.cancel()


def node_id(index: int) -> str:
    return f"bench-{index:04d}"


def run_publisher(
    host: str, port: int, first: int, count: int, total: int, seconds: int, start_at: float
) -> dict[str, Any]:
    """Publish for nodes first..first+count-1 on one connection; return what was sent."""
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion
    from py_iot_node.protocol import (
        MessageSigner,
        SensorSample,
        StateMessage,
        build_announcement,
        build_availability,
        build_state,
    )

    from bench.bench_nodes import climate_node

    signer = MessageSigner(SECRET) if os.environ.get("BENCH_SIGNED") == "1" else None
    acked = 0
    lock = threading.Lock()

    def on_publish(*_args: object) -> None:
        nonlocal acked
        with lock:
            acked += 1

    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-publisher-{first}")
    client.on_publish = on_publish
    client.max_inflight_messages_set(1000)
    client.connect(host, port, keepalive=30)
    client.loop_start()
    ids = [node_id(first + i) for i in range(count)]
    for nid in ids:
        announcement = climate_node(nid, nid, interval_s=1, signed=bool(signer))
        for message in (
            build_announcement(announcement, signer=signer),
            build_availability(nid, True),
        ):
            client.publish(message.topic, message.payload, message.qos, message.retain)
    setup_messages = 2 * count

    sent = 0
    late_s = 0.0
    base_seq = int(start_at * 1000)
    for second in range(seconds):
        for i, nid in enumerate(ids):
            # Nodes spread over each second, as independent nodes would be.
            slot = start_at + second + (first + i) / total
            wait = slot - time.time()
            if wait > 0:
                time.sleep(wait)
            else:
                late_s = max(late_s, -wait)
            state = StateMessage(
                node_id=nid,
                ts=time.time(),
                seq=base_seq + second,
                # Values change every second, so every message changes the entity's state.
                sensors={
                    "climate": SensorSample(
                        temperature=20.0 + (second % 50) / 10.0, humidity=40.0 + (second % 2)
                    )
                },
                switches={"led": False},
            )
            message = build_state(state, signer=signer)
            client.publish(message.topic, message.payload, qos=1)
            sent += 1
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline:
        with lock:
            if acked >= sent + setup_messages:
                break
        time.sleep(0.05)
    client.disconnect()
    client.loop_stop()
    return {"sent": sent, "acked": acked - setup_messages, "late_max_s": late_s}


def start_publishers(
    host: str, port: int, nodes: int, publishers: int, seconds: int, start_at: float, signed: bool
) -> list[subprocess.Popen[str]]:
    per = -(-nodes // publishers)
    processes = []
    for first in range(0, nodes, per):
        count = min(per, nodes - first)
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--publisher",
                    f"{host}:{port}:{first}:{count}:{nodes}:{seconds}:{start_at}",
                ],
                stdout=subprocess.PIPE,
                text=True,
                env=os.environ | {"BENCH_SIGNED": "1" if signed else "0"},
            )
        )
    return processes


def collect(processes: list[subprocess.Popen[str]], timeout_s: float) -> list[dict[str, Any]]:
    results = []
    for process in processes:
        out, _ = process.communicate(timeout=timeout_s)
        if process.returncode != 0:
            raise RuntimeError(f"publisher failed with {process.returncode}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def node_entry_data(nid: str, signed: bool) -> dict[str, Any]:
    """What a confirmed discovery stores for the bench node `nid`."""
    from py_iot_node.protocol import build_announcement  # as the node agent builds it

    from bench.bench_nodes import climate_node
    from custom_components.py_iot_home.const import (
        CONF_ANNOUNCEMENT,
        CONF_KIND,
        CONF_NODE_ID,
        CONF_PREFIX,
        CONF_SECRET,
        EntryKind,
    )
    from custom_components.py_iot_home.protocol import DEFAULT_PREFIX

    announcement = climate_node(nid, nid, interval_s=1)
    return {
        CONF_KIND: EntryKind.NODE,
        CONF_NODE_ID: nid,
        CONF_PREFIX: DEFAULT_PREFIX,
        CONF_ANNOUNCEMENT: build_announcement(announcement).payload.decode(),
        CONF_SECRET: SECRET if signed else "",
    }


async def set_up(
    hass: HomeAssistant, port: int, nodes: int, signed: bool
) -> dict[str, NodeCoordinator]:
    """The MQTT integration on the broker, and one loaded entry per node."""
    from homeassistant.components import mqtt
    from homeassistant.config_entries import SOURCE_MQTT, ConfigEntryState
    from homeassistant.helpers import entity_registry as er
    from homeassistant.helpers.discovery_flow import DiscoveryKey
    from pytest_homeassistant_custom_component.common import (
        MockConfigEntry,
    )

    from custom_components.py_iot_home.const import DOMAIN
    from custom_components.py_iot_home.nodes.entities import sensor_unique_id
    from custom_components.py_iot_home.nodes.runtime import NodeRuntimeData
    from tests.mqtt_entry import async_setup_mqtt_entry

    await async_setup_mqtt_entry(hass, {"broker": "127.0.0.1", "port": port})

    registry = er.async_get(hass)
    by_entity: dict[str, NodeCoordinator] = {}
    for index in range(nodes):
        nid = node_id(index)
        # Source and discovery key as the confirmed flow sets them; without the key, the
        # node's first announcement would update the entry and reload it.
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=nid,
            unique_id=nid,
            source=SOURCE_MQTT,
            discovery_keys={
                mqtt.DOMAIN: (
                    DiscoveryKey(domain=mqtt.DOMAIN, key=f"py_iot_home/{nid}/announce", version=1),
                )
            },
            data=node_entry_data(nid, signed),
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        assert entry.state is ConfigEntryState.LOADED
        assert isinstance(entry.runtime_data, NodeRuntimeData)
        entity_id = registry.async_get_entity_id(
            "sensor", DOMAIN, sensor_unique_id(nid, "climate", "temperature")
        )
        assert entity_id is not None
        by_entity[entity_id] = entry.runtime_data.node
    await hass.async_block_till_done()
    # Let the debounced subscriptions reach the broker before anyone publishes.
    await asyncio.sleep(2.0)
    return by_entity


async def measure(
    hass: HomeAssistant, args: argparse.Namespace, port: int, by_entity: dict[str, NodeCoordinator]
) -> dict[str, Any]:
    from homeassistant.helpers.event import async_track_state_change_event

    latencies: list[float] = []

    def on_change(event: Event[EventStateChangedData]) -> None:
        new_state = event.data["new_state"]
        sampled_at = by_entity[event.data["entity_id"]].data.sampled_at
        if new_state is None or sampled_at is None or new_state.state == "unavailable":
            return
        # Listeners run while the state is written, so sampled_at is this message's ts.
        latencies.append(new_state.last_updated_timestamp - sampled_at.timestamp())

    unsubscribe = async_track_state_change_event(hass, list(by_entity), on_change)
    probe = StallProbe(hass)
    probe.start()
    coordinators = list(by_entity.values())
    before = sum(c.messages_accepted["state"] for c in coordinators)
    start_at = time.time() + START_DELAY_S
    cpu_start = time.process_time()
    processes = start_publishers(
        "127.0.0.1", port, args.nodes, args.publishers, args.seconds, start_at, args.signed
    )
    published = await hass.async_add_executor_job(
        collect, processes, START_DELAY_S + args.seconds + DRAIN_S + 30.0
    )
    sent = sum(p["sent"] for p in published)

    def accepted() -> int:
        return sum(c.messages_accepted["state"] for c in coordinators) - before

    for _ in range(int(DRAIN_S / 0.1)):
        if accepted() >= sent:
            break
        await asyncio.sleep(0.1)
    cpu_s = time.process_time() - cpu_start
    probe.stop()
    unsubscribe()
    latencies.sort()

    def percentile(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000.0

    rejected = sum(sum(c.rejections.counts.values()) for c in coordinators)
    return {
        "nodes": args.nodes,
        "seconds": args.seconds,
        "publishers": len(processes),
        "signed": args.signed,
        "sent": sent,
        "acked_by_broker": sum(p["acked"] for p in published),
        "accepted": accepted(),
        "applied": len(latencies),
        "lost": max(0, sent - accepted()),
        "rejected": rejected,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "max_ms": latencies[-1] * 1000.0,
        "publisher_late_max_s": max(p["late_max_s"] for p in published),
        "ha_cpu_percent": cpu_s / (START_DELAY_S + args.seconds) * 100.0,
        "loop_stall_max_ms": probe.longest_stall_s * 1000.0,
        "full_gc_count": len(probe.full_collections),
        "full_gc_max_ms": max(probe.full_collections, default=0.0) * 1000.0,
        "tracked_objects": len(gc.get_objects()),
    }


async def run(args: argparse.Namespace, port: int) -> dict[str, Any]:
    from tests.script_hass import async_setup_http, script_home_assistant

    with tempfile.TemporaryDirectory() as config_dir:
        async with script_home_assistant(config_dir) as hass:
            await async_setup_http(hass)  # MQTT depends on http: a free port, not 8123
            setup_start = time.perf_counter()
            by_entity = await set_up(hass, port, args.nodes, args.signed)
            setup_s = time.perf_counter() - setup_start
            figures = await measure(hass, args, port, by_entity)
    return figures | {"setup_s": setup_s}


def documented_broker_queue() -> str:
    """The queue lines of the documented broker configuration (docs/broker.md)."""
    conf = REPO / "docs" / "examples" / "mosquitto" / "py_iot_home.conf"
    lines = [line for line in conf.read_text().splitlines() if line.startswith("max_queued_")]
    if not lines:
        raise SystemExit(f"{conf} sets no max_queued_messages")
    return "\n".join(lines) + "\n"


def report(f: dict[str, Any]) -> None:
    signing = "signed (HMAC)" if f["signed"] else "unsigned"
    print(
        f"{f['nodes']} nodes x 1 msg/s x {f['seconds']} s, {signing}, {f['publishers']} "
        f"publisher processes -> Mosquitto -> Home Assistant MQTT client "
        f"(setup of {f['nodes']} node entries: {f['setup_s']:.1f} s); broker queue: "
        f"{f['broker_queue']}\n"
    )
    rows = [
        ("messages sent (QoS 1)", f"{f['sent']:,}"),
        ("acknowledged by the broker", f"{f['acked_by_broker']:,}"),
        ("accepted by the node coordinators", f"{f['accepted']:,}"),
        ("applied to the state machine", f"{f['applied']:,}"),
        ("lost (target 0)", f"{f['lost']:,}"),
        ("rejected", f"{f['rejected']:,}"),
        ("broker's notices of dropped messages", f"{f['broker_drop_notices']}"),
        ("latency p50, ms", f"{f['p50_ms']:.1f}"),
        ("latency p99, ms (target < 250)", f"{f['p99_ms']:.1f}"),
        ("latency max, ms", f"{f['max_ms']:.1f}"),
        ("HA process CPU, % of one core", f"{f['ha_cpu_percent']:.0f}"),
        ("publishers' worst lag behind schedule, s", f"{f['publisher_late_max_s']:.3f}"),
        ("event loop's longest stall, ms", f"{f['loop_stall_max_ms']:.0f}"),
        ("  full garbage collections during the run", f"{f['full_gc_count']}"),
        ("  the longest of them, ms", f"{f['full_gc_max_ms']:.0f}"),
        ("  objects the collector tracks", f"{f['tracked_objects']:,}"),
    ]
    for name, value in rows:
        print(f"{name:<44}{value:>12}")
    ok = f["lost"] == 0 and f["p99_ms"] < TARGET_P99_MS
    print(f"\n{'ok' if ok else 'MISSED'}: lost {f['lost']}, p99 {f['p99_ms']:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--publishers", type=int, default=4)
    parser.add_argument("--signed", action="store_true", help="sign every message (HMAC)")
    parser.add_argument(
        "--broker-queue",
        choices=("documented", "default"),
        default="documented",
        help="the broker's per-client queue: as docs/broker.md's configuration sets it, or "
        "Mosquitto's default (1,000 messages)",
    )
    parser.add_argument("--publisher", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.publisher:
        host, port, first, count, total, seconds, start_at = args.publisher.split(":")
        result = run_publisher(
            host, int(port), int(first), int(count), int(total), int(seconds), float(start_at)
        )
        print(json.dumps(result))
        return
    if not 1 <= args.nodes <= 2000 or not 1 <= args.seconds <= 600:
        parser.error("--nodes 1..2000, --seconds 1..600")

    from tests.mosquitto_server import MosquittoServer

    settings = "allow_anonymous true\npersistence false\n"
    if args.broker_queue != "default":
        settings += documented_broker_queue()
    with (
        tempfile.TemporaryDirectory() as broker_dir,
        MosquittoServer(Path(broker_dir), settings=settings) as broker,
    ):
        figures = asyncio.run(run(args, broker.port))
        figures["broker_queue"] = args.broker_queue
        # Mosquitto says so (once per episode) when a client's queue is full and it drops.
        figures["broker_drop_notices"] = broker.log().count("messages are being dropped")
    report(figures)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
