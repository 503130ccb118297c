"""How soon a node answers Home Assistant's request with its switch states, a real process.

    script/run python bench/node_switch_states.py

One `py-iot-node --simulate` process with one DHT22 and two LEDs, reading every 120 s (so no
reading answers for it), talking to a real Mosquitto on a free loopback port. A client asks
as Home Assistant does when it subscribes (a resend request for no sample, since 2**63-1)
and times the node's state message with its switch states, as the broker delivers it. The
node sends them once a second at most, and the samples of an answer every 10 s: the requests
are 1.5 s apart, so all but the first come before the samples' next turn (a reload right
after the last request), which held the switch states up until then. Home Assistant adds
its own subscription's time to this (tests/test_node_broker_switch_states.py bounds the
whole path by the 5 s it waits, with no "Unknown" on the way).
"""

from __future__ import annotations

import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.node_configuration import broker_and_node  # noqa: E402
from custom_components.py_iot_home.protocol import (  # noqa: E402
    MAX_SEQ,
    build_resend_request,
    parse_state,
)

NODE_ID = "switch-bench"
STATE_TOPIC = f"py_iot_home/{NODE_ID}/state"
REQUESTS = 5
# The node's SWITCH_STATES_MIN_INTERVAL_S, and a little more; below RESEND_MIN_INTERVAL_S.
REQUEST_SPACING_S = 1.5


def switch_states_after(client: mqtt.Client, arrivals: queue.Queue[tuple[float, bytes]]) -> float:
    """Ask once; seconds until the node's state message without readings arrived."""
    request = build_resend_request(NODE_ID, MAX_SEQ, seq=time.time_ns() // 1000)
    asked_at = time.perf_counter()
    client.publish(request.topic, request.payload, qos=1)
    while True:
        arrived_at, payload = arrivals.get(timeout=30)
        if not parse_state(STATE_TOPIC, payload).sensors:
            return arrived_at - asked_at


def measure(work: Path) -> dict[str, Any]:
    broker, config = broker_and_node(
        work,
        writer="bench/node_switch_states.py",
        node_id=NODE_ID,
        name="Switch bench",
        model="Raspberry Pi Zero",
        interval_s=120,
        state_dir=work / "state",
    )
    arrivals: queue.Queue[tuple[float, bytes]] = queue.Queue()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="switch-bench")
    client.on_message = lambda _client, _userdata, message: arrivals.put(
        (time.perf_counter(), message.payload)
    )
    client.connect("127.0.0.1", broker.port)
    client.subscribe(STATE_TOPIC, qos=1)
    client.loop_start()
    with (work / "node.log").open("wb") as log:
        agent = subprocess.Popen(
            ["py-iot-node", "--config", str(config), "--simulate"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    answers_ms: list[float] = []
    try:
        # The first reading and the reconnect's switch states, then quiet for 120 s.
        arrivals.get(timeout=30)
        time.sleep(1.0)
        while not arrivals.empty():
            arrivals.get_nowait()
        for index in range(REQUESTS):
            if index:
                time.sleep(REQUEST_SPACING_S)
            answers_ms.append(1000 * switch_states_after(client, arrivals))
        assert agent.poll() is None, (work / "node.log").read_text()
    finally:
        agent.terminate()
        agent.wait(timeout=30)
        client.loop_stop()
        client.disconnect()
        broker.stop()
    return {
        "requests": REQUESTS,
        "answer_ms": [round(value, 1) for value in answers_ms],
        "median_ms": round(statistics.median(answers_ms), 1),
        "max_ms": round(max(answers_ms), 1),
        "python": sys.version.split()[0],
        "machine": os.uname().machine,
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="switch-bench-") as tmp:
        result = measure(Path(tmp))
    print(
        f"switch states after a request: median {result['median_ms']:.1f} ms, "
        f"max {result['max_ms']:.1f} ms ({result['requests']} requests, "
        f"{REQUEST_SPACING_S} s apart)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
