"""Reliability soak: hostile input, discovery flood, broker faults and sensor faults, one table.

Regenerates docs/reliability.md. Loopback only, bounded in time (about 15 minutes; `--quick`
about 2):

    script/run python bench/soak.py [--quick]

1. Fuzz: tests/test_reliability_fuzz.py with PY_IOT_HOME_FUZZ_EXAMPLES=10000 per message kind
   (state, replay, availability, announce, discovery, spoofing), and its discovery flood of
   10,000 announcements with the event-loop lag measured.
2. Broker faults: a real Mosquitto killed (SIGKILL) and restarted 10 times in 5 minutes while
   50 in-process node agents (the real `py_iot_node` runner, agent and on-disk buffer)
   publish; a subscriber using the protocol module accounts every sample, live or replayed.
3. Sensor faults: tests/test_reliability_faults.py's faulty-DHT run with 3,000 polls.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "node"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from py_iot_node.buffer import SampleBuffer
from py_iot_node.config import parse_config
from py_iot_node.runner import run_node

from custom_components.py_iot_home.protocol import ProtocolError, parse_replay, parse_state
from tests.mosquitto_server import MosquittoServer

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "reliability.md"


@dataclass(frozen=True)
class Plan:
    fuzz_examples: int
    nodes: int
    duration_s: float
    restarts: int
    fault_polls: int


FULL = Plan(fuzz_examples=10_000, nodes=50, duration_s=300.0, restarts=10, fault_polls=3000)
QUICK = Plan(fuzz_examples=500, nodes=10, duration_s=40.0, restarts=3, fault_polls=300)


def run_pytest(plan: Plan) -> dict[str, Any]:
    """The fuzz, flood and sensor-fault tests at soak size; their figures from their output."""
    env = os.environ | {
        "PY_IOT_HOME_FUZZ_EXAMPLES": str(plan.fuzz_examples),
        "PY_IOT_HOME_FAULT_POLLS": str(plan.fault_polls),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/test_reliability_fuzz.py",
        "tests/test_reliability_faults.py::test_faulty_sensor_never_shows_absurd_values",
        "-q",
        "-s",
        "-p",
        "no:cacheprovider",
        "--log-level=INFO",
    ]
    start = time.monotonic()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - start
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]
    fuzz = {
        match["kind"]: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match[0])}
        for match in re.finditer(r"FUZZ kind=(?P<kind>\w+) .*", done.stdout)
    }
    flood = re.search(r"FLOOD announcements=(\d+) chunk=(\d+) lag_max_ms=([\d.]+)", done.stdout)
    faults = re.search(r"FAULTS polls=(\d+) faults=(\d+) states_seen=(\d+)", done.stdout)
    return {
        "pytest_ok": done.returncode == 0,
        "pytest_summary": summary,
        "pytest_s": elapsed,
        "fuzz": fuzz,
        "flood_announcements": int(flood[1]) if flood else 0,
        "flood_chunk": int(flood[2]) if flood else 0,
        "flood_lag_max_ms": float(flood[3]) if flood else float("nan"),
        "fault_polls": int(faults[1]) if faults else 0,
        "faults_injected": int(faults[2]) if faults else 0,
    }


@dataclass
class Accounting:
    """Every state `seq` the subscriber saw, per node, live or replayed."""

    live: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    replayed: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    rejected: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_message(self, _client: paho.Client, _userdata: object, msg: paho.MQTTMessage) -> None:
        try:
            if msg.topic.endswith("/state"):
                state = parse_state(msg.topic, msg.payload)
                with self.lock:
                    self.live[state.node_id].add(state.seq)
            else:
                states = parse_replay(msg.topic, msg.payload)
                with self.lock:
                    for state in states:
                        self.replayed[state.node_id].add(state.seq)
        except ProtocolError:
            with self.lock:
                self.rejected += 1

    def seen(self, node_id: str) -> set[int]:
        with self.lock:
            return self.live[node_id] | self.replayed[node_id]


def subscriber(server: MosquittoServer, accounting: Accounting) -> paho.Client:
    """The integration's side: resubscribes on every reconnect, like Home Assistant's client."""
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id="soak-subscriber")
    client.on_message = accounting.on_message

    def on_connect(c: paho.Client, *_: object) -> None:
        c.subscribe([("py_iot_home/+/state", 1), ("py_iot_home/+/replay", 1)])

    client.on_connect = on_connect
    client.reconnect_delay_set(1, 2)
    client.connect(server.host, server.port, keepalive=5)
    client.loop_start()
    return client


def kill_and_restart(server: MosquittoServer, down_s: float) -> None:
    """SIGKILL the broker (no clean shutdown), keep it down a moment, start it again."""
    assert server.process is not None
    server.process.kill()
    server.process.wait()
    server.process = None
    time.sleep(down_s)
    server.start()


def broker_soak(plan: Plan) -> dict[str, Any]:
    """Nodes publish through repeated broker crashes; count what arrived or is still queued."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server = MosquittoServer(root)
        server.start()
        accounting = Accounting()
        listener = subscriber(server, accounting)
        stop = threading.Event()
        configs = [
            parse_config(
                {
                    "node": {"id": f"soak-{index:02d}", "name": f"Soak {index}"},
                    "mqtt": {"host": server.host, "port": server.port, "keepalive_s": 5},
                    "interval_s": 2,
                    "state_dir": str(root / f"node{index}"),
                    "backend": "simulated",
                    "sensors": [{"key": "climate", "name": "Climate", "model": "dht22", "pin": 4}],
                    "switches": [],
                }
            )
            for index in range(plan.nodes)
        ]
        stats: dict[str, Any] = {}

        def run(config: Any) -> None:
            stats[config.node_id] = run_node(config, stop)

        threads = [threading.Thread(target=run, args=(config,)) for config in configs]
        for thread in threads:
            thread.start()
        start = time.monotonic()
        gap = plan.duration_s / (plan.restarts + 1)
        for restart in range(plan.restarts):
            time.sleep(max(0.0, start + gap * (restart + 1) - time.monotonic()))
            kill_and_restart(server, down_s=2.0)
        time.sleep(max(0.0, start + plan.duration_s - time.monotonic()))
        # Let the last backlog drain before the nodes stop.
        time.sleep(10.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        time.sleep(1.0)
        listener.disconnect()
        listener.loop_stop()
        server.stop()

        published = lost = still_buffered = replayed = dropped = 0
        for config in configs:
            node_stats = stats[config.node_id]
            published += node_stats.live_sent + node_stats.buffered
            buffer = SampleBuffer(config.buffer_path, config.buffer_max_samples)
            queued = {seq for seq, _ in buffer.oldest(1_000_000)}
            dropped += buffer.dropped
            buffer.close()
            still_buffered += len(queued)
            seen = accounting.seen(config.node_id)
            replayed += len(accounting.replayed[config.node_id])
            accounted = len(seen) + len(queued - seen)
            lost += node_stats.live_sent + node_stats.buffered - accounted
    return {
        "nodes": plan.nodes,
        "duration_s": plan.duration_s,
        "broker_kills": plan.restarts,
        "samples_published": published,
        "samples_replayed": replayed,
        "samples_still_buffered": still_buffered,
        "samples_lost": lost,
        "samples_dropped_full_buffer": dropped,
        "subscriber_rejected": accounting.rejected,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def table(results: dict[str, Any]) -> list[tuple[str, str, str, str, str, str]]:
    fuzz = results["fuzz"]
    rows = [
        (
            f"fuzz: {kind}",
            f"{figures.get('cases', 0):,}",
            f"{figures.get('rejected', 0):,} rejected",
            "0 (nothing invalid accepted)",
            f"{figures['retained_bytes'] / 1024:.1f} KiB retained"
            if "retained_bytes" in figures
            else "-",
            "-",
        )
        for kind, figures in fuzz.items()
    ]
    rows.append(
        (
            "discovery flood",
            f"{results['flood_announcements']:,}",
            f"{results['flood_announcements']:,} announcements",
            "0 entities, 20 flows",
            "-",
            f"{results['flood_lag_max_ms']:.0f} ms (chunks of {results['flood_chunk']})",
        )
    )
    broker = results["broker"]
    rows.append(
        (
            f"broker kills, {broker['nodes']} nodes",
            f"{broker['samples_published']:,} samples",
            f"{broker['broker_kills']} SIGKILLs in {broker['duration_s']:.0f} s",
            f"{broker['samples_lost']} lost ({broker['samples_replayed']:,} replayed)",
            f"{broker['peak_rss_mib']:.0f} MiB peak RSS",
            "-",
        )
    )
    rows.append(
        (
            "sensor faults (DHT)",
            f"{results['fault_polls']:,} polls",
            f"{results['faults_injected']:,} faulty reads",
            "0 absurd values shown or recorded",
            "-",
            "-",
        )
    )
    return rows


HEADER = ("run", "cases tried", "faults injected", "samples lost / wrong", "memory", "loop lag")


def markdown(results: dict[str, Any], rows: Sequence[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    generated = time.strftime("%Y-%m-%d", time.gmtime())
    return DOC_TEMPLATE.format(
        table="\n".join(lines),
        mode="quick" if results["quick"] else "full",
        date=generated,
        summary=results["pytest_summary"],
    )


DOC_TEMPLATE = """# Reliability and security

Generated by `script/run python bench/soak.py` ({mode} run, {date}; pytest: {summary}).
Regenerate it with the same command; `--quick` makes a short run.

{table}

## What each row means

- **fuzz: state / replay / availability / announce**: hypothesis-generated hostile messages
  (arbitrary bytes, arbitrary JSON, valid messages with fields mutated, retyped, nested, made
  huge, and hostile topics) sent through Home Assistant's MQTT layer to a confirmed node.
  Every rejection is counted under the kind the protocol module itself gives for that
  payload; no invalid message changes a state, creates an entity or logs an error. Memory is
  what the same rejected messages, sent three times more, leave allocated.
- **fuzz: discovery**: the same against `py_iot_home/+/announce`. Nothing unconfirmed creates
  a config entry or an entity; refusals are counted by reason.
- **fuzz: spoofing**: two nodes with their own secrets; unsigned messages, wrong secrets, the
  other node's secret, tampered and replayed signed messages, and a node trying to reach the
  other's state through its own topics. State only ever follows the genuine node.
- **discovery flood**: distinct valid announcements in one burst, handed to the loop 500 at a
  time like Home Assistant's MQTT client reads them. Pending discovery flows stay capped at
  20; the loop lag is the worst delay a 1 ms ticker saw meanwhile.
- **broker kills**: a real Mosquitto killed with SIGKILL (no clean shutdown) and restarted
  while the real node agents publish every 2 s. Samples published = every state message the
  agents made; accounted = seen by the subscriber (live or replayed) or still in a node's
  on-disk buffer. Lost = published - accounted. A node forgets a sample once the broker
  acknowledged it; this broker runs without persistence and the subscriber with a clean
  session, so a sample acknowledged just before a kill, or published after a restart before
  the subscriber subscribed again, can be lost. Not yet analysed further: see the report.
- **sensor faults**: a seeded mix of failed, out-of-range, jumping and plausible DHT22 reads;
  every state the entities take and every state the recorder keeps is a plausible reading,
  and availability follows the consecutive-failure rule.

## Deploying the broker

The signatures stop injected and replayed readings; the broker should still keep nodes apart:

- **One user per node**, with its own password (`mosquitto_passwd`), and
  `allow_anonymous false`. Home Assistant gets a user of its own.
- **An ACL that limits each node to its own topic subtree**, so a compromised node cannot
  even publish as another one:

  ```
  # /etc/mosquitto/acl: %u is the user name, which is the node id
  pattern write py_iot_home/%u/state
  pattern write py_iot_home/%u/replay
  pattern write py_iot_home/%u/announce
  pattern write py_iot_home/%u/availability
  pattern read  py_iot_home/%u/switch/+/set

  user homeassistant
  topic read  py_iot_home/#
  topic write py_iot_home/+/switch/+/set
  ```

- **TLS** on the listener (`listener 8883`, `certfile`, `keyfile`, `cafile`), with
  `mqtt.tls` in each node's configuration; plain 1883 only on loopback.
- **A per-node secret** in the node's configuration and in Home Assistant's confirmation
  step: messages are then signed (HMAC-SHA256) and counters checked.
- **Persistence** (`persistence true`) so retained announcements survive a broker restart.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (about 2 minutes)")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite the document")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    results: dict[str, Any] = {"quick": args.quick}
    print(f"fuzz, flood and sensor faults ({plan.fuzz_examples:,} cases per kind)...", flush=True)
    results |= run_pytest(plan)
    print(f"  pytest: {results['pytest_summary']} in {results['pytest_s']:.0f} s", flush=True)
    print(
        f"broker soak ({plan.nodes} nodes, {plan.restarts} kills, {plan.duration_s:.0f} s)...",
        flush=True,
    )
    results["broker"] = broker_soak(plan)
    rows = table(results)
    widths = [max(len(str(row[i])) for row in [HEADER, *rows]) for i in range(len(HEADER))]
    print()
    for row in [HEADER, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    if not args.no_doc:
        DOC.write_text(markdown(results, rows))
        print(f"\nwrote {DOC.relative_to(REPO)}")
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main()
