"""The node agent's own footprint: resident memory and CPU time per sample, a real process.

    script/run python bench/node_agent.py                # table, then one JSON line
    script/run python bench/node_agent.py --write-docs   # also rewrite the figures in the docs

One `py-iot-node --simulate` process with one DHT22 and two LEDs, talking to a real Mosquitto
on a free loopback port, reading every 2 s (the shortest interval) so a minute gives enough
samples. A subscriber counts the state messages it publishes; its CPU time (the threads'
schedstat in /proc) over the measured minute, divided by the samples, is the CPU per sample,
and includes everything the agent does meanwhile (MQTT keep-alives, the sample buffer, its
threads). Each LED is switched 10 times before memory is read, so the command path is
resident too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import write_section  # noqa: E402
from bench.hass_process import read_memory  # noqa: E402
from bench.node_configuration import broker_and_node  # noqa: E402

NODE_ID = "zero-bench"
INTERVAL_S = 2
WARM_UP_S = 20.0
MEASURE_S = 60.0
TARGET_RSS_MIB = 40.0
DOCS = (REPO / "node" / "README.md", REPO / "docs" / "pi.md")


class StateCounter:
    """Counts the node's state messages as the broker delivers them."""

    def __init__(self, port: int) -> None:
        self.count = 0
        self._lock = threading.Lock()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="node-bench")
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(f"py_iot_home/{NODE_ID}/state", qos=1)
        self.client.loop_start()

    def _on_message(self, client: mqtt.Client, userdata: object, message: Any) -> None:
        with self._lock:
            self.count += 1

    def seen(self) -> int:
        with self._lock:
            return self.count

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def cpu_seconds(pid: int) -> float:
    """CPU time of the process's threads so far, in ns resolution (schedstat, not clock ticks).

    The agent's threads live as long as it does, so none of their time is lost by summing
    over the threads alive at the end.
    """
    tasks = Path(f"/proc/{pid}/task")
    return sum(int((task / "schedstat").read_text().split()[0]) for task in tasks.iterdir()) / 1e9


def wait_for(what: str, probe: Any, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not probe():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        time.sleep(0.1)


def measure(work: Path) -> dict[str, Any]:
    broker, config = broker_and_node(
        work,
        writer="bench/node_agent.py",
        node_id=NODE_ID,
        name="Zero bench",
        model="Simulated Raspberry Pi Zero",
        interval_s=INTERVAL_S,
        state_dir=work / "state",
    )
    counter = StateCounter(broker.port)
    with (work / "node.log").open("wb") as log:
        agent = subprocess.Popen(
            ["py-iot-node", "--config", str(config), "--simulate"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for("the first sample", lambda: counter.seen() > 0)
        for toggle in range(10):
            for key in ("led-a", "led-b"):
                counter.client.publish(
                    f"py_iot_home/{NODE_ID}/switch/{key}/set", "ON" if toggle % 2 else "OFF"
                )
        time.sleep(WARM_UP_S)
        cpu_before, samples_before = cpu_seconds(agent.pid), counter.seen()
        time.sleep(MEASURE_S)
        cpu_after, samples_after = cpu_seconds(agent.pid), counter.seen()
        memory = read_memory(agent.pid)
        assert agent.poll() is None, (work / "node.log").read_text()
    finally:
        agent.terminate()
        agent.wait(timeout=30)
        counter.close()
        broker.stop()
    samples = samples_after - samples_before
    cpu_s = cpu_after - cpu_before
    return {
        "rss_mib": memory.rss_mib,
        "uss_mib": memory.uss_mib,
        "peak_rss_mib": memory.peak_rss_mib,
        "samples": samples,
        "measured_s": MEASURE_S,
        "cpu_s": cpu_s,
        "cpu_ms_per_sample": 1000 * cpu_s / samples if samples else None,
        "cpu_percent_at_30s_interval": (100 * (cpu_s / samples) / 30 if samples else None),
        "python": sys.version.split()[0],
        "machine": os.uname().machine,
        "target_rss_mib": TARGET_RSS_MIB,
        "target_met": memory.rss_mib <= TARGET_RSS_MIB,
    }


def table(result: dict[str, Any]) -> str:
    rows = [
        ("resident memory (RSS)", f"{result['rss_mib']:.1f} MiB", f"<= {TARGET_RSS_MIB:.0f} MB"),
        ("unique memory (USS)", f"{result['uss_mib']:.1f} MiB", "-"),
        ("peak resident memory", f"{result['peak_rss_mib']:.1f} MiB", "-"),
        (
            f"CPU per sample ({result['samples']} samples in {MEASURE_S:.0f} s)",
            f"{result['cpu_ms_per_sample']:.2f} ms",
            "-",
        ),
        (
            "CPU share at the default 30 s interval",
            f"{result['cpu_percent_at_30s_interval']:.3f} %",
            "-",
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"target {'met' if result['target_met'] else 'NOT met'}")
    return "\n".join(lines)


def write_docs(result: dict[str, Any]) -> None:
    block = "\n".join(
        [
            f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} by `script/run python "
            f"bench/node_agent.py --write-docs`: one simulated DHT22 and two LEDs, a real "
            f"Mosquitto, Python {result['python']} on {result['machine']}.",
            "",
            "| what | target | measured |",
            "|---|---|---|",
            f"| resident memory (RSS / USS) | <= 40 MB | {result['rss_mib']:.1f} / "
            f"{result['uss_mib']:.1f} MiB ({'met' if result['target_met'] else 'not met'}) |",
            f"| CPU time per sample (all the agent does, divided by samples) | - | "
            f"{result['cpu_ms_per_sample']:.2f} ms |",
            f"| CPU share at the default 30 s interval | - | "
            f"{result['cpu_percent_at_30s_interval']:.3f} % |",
        ]
    )
    write_section("node_agent", block, DOCS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-docs", action="store_true", help="rewrite the docs' figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="node-bench-") as tmp:
        result = measure(Path(tmp))
    print(table(result))
    if args.write_docs:
        write_docs(result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
