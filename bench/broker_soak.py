"""Broker faults: Mosquitto killed and restarted while node agents publish into Home Assistant.

NODES real node agents (the `py_iot_node` runner, agent and on-disk buffer, simulated
sensors, one process) publish every INTERVAL_S seconds through a real Mosquitto into a real
Home Assistant: the MQTT integration with its own paho client (default 10 s reconnect
interval) and one confirmed node entry per node. The broker is SIGKILLed KILLS times, down
2 s each time. Every state message a node created must end up accepted by its node
coordinator (live, replayed from the node's disk buffer, or resent on request) or still be
in the node's buffer: `lost` counts the rest. Entities must go unavailable with the broker
and come back.

    script/run python bench/broker_soak.py                        # 50 nodes, 10 kills, 300 s
    script/run python bench/broker_soak.py --nodes 10 --kills 3 --seconds 60

bench/soak.py runs this as part of docs/reliability.md. Loopback only, bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "node"))

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import Event, EventStateChangedData, HomeAssistant

    from custom_components.py_iot_home.protocol import StateMessage
    from tests.mosquitto_server import MosquittoServer

INTERVAL_S = 2
DOWN_S = 2.0
# After the last kill: Home Assistant's reconnect interval (10 s), then resends and backlogs.
DRAIN_S = 25.0


def node_configs(root: Path, port: int, nodes: int) -> list[dict[str, Any]]:
    """Node agent configurations matching bench/mqtt_broker.py's node entries."""
    from bench.mqtt_broker import node_id

    return [
        {
            "node": {"id": node_id(index), "name": node_id(index)},
            "mqtt": {"host": "127.0.0.1", "port": port, "keepalive_s": 5},
            "interval_s": INTERVAL_S,
            "state_dir": str(root / f"node{index}"),
            # A bench machine's kernel may never call its clock synchronised.
            "clock_sync_wait_s": 0,
            "backend": "simulated",
            "sensors": [{"key": "climate", "name": "Climate", "model": "dht22", "pin": 4}],
            "switches": [{"key": "led", "name": "LED", "pin": 17}],
        }
        for index in range(nodes)
    ]


def run_nodes(spec: Path) -> None:
    """The node process: every agent on its own thread until SIGTERM; stats on stdout."""
    from py_iot_node.config import parse_config
    from py_iot_node.runner import run_node

    # 50 agents x 10 kills of "disconnected" warnings would bury the report.
    logging.basicConfig(level=logging.ERROR)
    configs = [parse_config(data) for data in json.loads(spec.read_text())]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stats: dict[str, Any] = {}

    def run(config: Any) -> None:
        result = run_node(config, stop)
        stats[config.node_id] = {"created": result.live_sent + result.buffered}

    threads = [threading.Thread(target=run, args=(config,)) for config in configs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(stats))


def start_nodes(spec: Path) -> subprocess.Popen[str]:
    """Start the node process on `spec`."""
    return subprocess.Popen(
        [sys.executable, __file__, "--run-nodes", str(spec)], stdout=subprocess.PIPE, text=True
    )


def kill_and_restart(server: MosquittoServer, down_s: float) -> None:
    """SIGKILL the broker (no clean shutdown, no last wills), keep it down, start it again."""
    assert server.process is not None
    server.process.kill()
    server.process.wait()
    server.process = None
    time.sleep(down_s)
    server.start()


async def soak(
    hass: HomeAssistant, server: MosquittoServer, root: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Set up Home Assistant, run the nodes through the kills, and account every sample."""
    from homeassistant.const import STATE_UNAVAILABLE
    from homeassistant.helpers.event import async_track_state_change_event

    from bench.mqtt_broker import set_up

    by_entity = await set_up(hass, server.port, args.nodes, signed=False)
    seen: dict[str, set[int]] = defaultdict(set)

    def counter_listener(node_id: str) -> Callable[[list[StateMessage], bool], None]:
        def listen(states: list[StateMessage], _replayed: bool) -> None:
            seen[node_id].update(state.seq for state in states)

        return listen

    for node in by_entity.values():
        node.async_add_samples_listener(counter_listener(node.node_id))
    outages: dict[str, int] = defaultdict(int)

    def on_change(event: Event[EventStateChangedData]) -> None:
        new, old = event.data["new_state"], event.data["old_state"]
        if (
            new is not None
            and old is not None
            and new.state == STATE_UNAVAILABLE
            and old.state != STATE_UNAVAILABLE
        ):
            outages[event.data["entity_id"]] += 1

    unsubscribe = async_track_state_change_event(hass, list(by_entity), on_change)
    configs = node_configs(root, server.port, args.nodes)
    spec = root / "nodes.json"
    spec.write_text(json.dumps(configs))
    process = await hass.async_add_executor_job(start_nodes, spec)
    start = time.monotonic()
    gap = args.seconds / (args.kills + 1)
    for kill in range(args.kills):
        await asyncio.sleep(max(0.0, start + gap * (kill + 1) - time.monotonic()))
        await hass.async_add_executor_job(kill_and_restart, server, DOWN_S)
        print(f"  kill {kill + 1}/{args.kills} at {time.monotonic() - start:.0f} s", flush=True)
    await asyncio.sleep(max(0.0, start + args.seconds - time.monotonic()) + DRAIN_S)
    online_at_end = sum(node.data.online for node in by_entity.values())
    # Outages are counted up to here: stopping the nodes below takes them offline for good.
    unsubscribe()
    process.send_signal(signal.SIGTERM)
    stdout, _ = await hass.async_add_executor_job(process.communicate)
    await asyncio.sleep(2.0)
    created = json.loads(stdout.strip().splitlines()[-1])
    return account(configs, created, seen, by_entity, outages) | {
        "online_at_end": online_at_end,
    }


def account(
    configs: list[dict[str, Any]],
    created: dict[str, Any],
    seen: dict[str, set[int]],
    by_entity: dict[str, Any],
    outages: dict[str, int],
) -> dict[str, Any]:
    """Created = accepted by Home Assistant + still in the node's buffer + lost."""
    from py_iot_node.buffer import SampleBuffer
    from py_iot_node.config import parse_config

    published = lost = still_buffered = dropped = 0
    for data in configs:
        config = parse_config(data)
        buffer = SampleBuffer(config.buffer_path, config.buffer_max_samples)
        queued = {seq for seq, _ in buffer.oldest(1_000_000)}
        dropped += buffer.dropped
        buffer.close()
        count = created[config.node_id]["created"]
        published += count
        still_buffered += len(queued - seen[config.node_id])
        lost += count - len(seen[config.node_id] | queued)
    nodes = list(by_entity.values())
    return {
        "samples_created": published,
        "samples_accepted": sum(len(seqs) for seqs in seen.values()),
        "samples_replayed_or_resent": sum(node.replayed_samples for node in nodes),
        "samples_still_buffered": still_buffered,
        "samples_lost": lost,
        "samples_dropped_full_buffer": dropped,
        "resend_requests": sum(node.resend.requests_sent for node in nodes),
        "rejected": sum(sum(node.rejections.counts.values()) for node in nodes),
        "entity_outages_min": min((outages[entity] for entity in by_entity), default=0),
        "entity_outages_total": sum(outages.values()),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Home Assistant (test harness instance, no debug loop) around one soak."""
    from tests.mosquitto_server import MosquittoServer
    from tests.script_hass import async_setup_http, script_home_assistant

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "broker").mkdir()
        with MosquittoServer(root / "broker") as server:
            async with script_home_assistant(root / "config") as hass:
                await async_setup_http(hass)  # MQTT depends on http
                figures = await soak(hass, server, root, args)
    return figures | {
        "nodes": args.nodes,
        "broker_kills": args.kills,
        "duration_s": args.seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(f: dict[str, Any]) -> None:
    """The readable table."""
    print(
        f"\n{f['nodes']} node agents, Mosquitto SIGKILLed {f['broker_kills']} times in "
        f"{f['duration_s']} s, Home Assistant's real MQTT client\n"
    )
    rows = [
        ("samples created by the nodes", f["samples_created"]),
        ("accepted by Home Assistant", f["samples_accepted"]),
        ("  of which replayed or resent", f["samples_replayed_or_resent"]),
        ("still in the nodes' disk buffers", f["samples_still_buffered"]),
        ("lost (target 0)", f["samples_lost"]),
        ("dropped by a full node buffer", f["samples_dropped_full_buffer"]),
        ("resend requests sent", f["resend_requests"]),
        ("messages rejected", f["rejected"]),
        ("outages seen per entity (min)", f["entity_outages_min"]),
        ("nodes online at the end", f"{f['online_at_end']}/{f['nodes']}"),
        ("peak RSS, MiB", f"{f['peak_rss_mib']:.0f}"),
    ]
    for name, value in rows:
        print(f"{name:<40}{value:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=50)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--run-nodes", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_nodes:
        run_nodes(args.run_nodes)
        return
    if not 1 <= args.nodes <= 200 or not 0 <= args.kills <= 100 or not 10 <= args.seconds <= 3600:
        parser.error("--nodes 1..200, --kills 0..100, --seconds 10..3600")
    figures = asyncio.run(run(args))
    report(figures)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
