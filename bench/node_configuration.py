"""The node agent's YAML for the benches that run a real agent: a DHT22 and two LEDs."""

from __future__ import annotations

from pathlib import Path

from tests.mosquitto_server import MosquittoServer

_TEMPLATE = """# Written by {writer}.
node: {{id: {node_id}, name: {name}, model: {model}}}
mqtt: {{host: 127.0.0.1, port: {port}}}
interval_s: {interval_s}
sensors: [{{key: climate, name: Climate, model: dht22, pin: 4}}]
switches:
  - {{key: led-a, name: LED A, pin: 17}}
  - {{key: led-b, name: LED B, pin: 27}}
state_dir: {state_dir}
clock_sync_wait_s: 0  # a dev machine's kernel may never call its clock synchronised
"""


def two_led_node(
    *,
    writer: str,
    node_id: str,
    name: str,
    model: str,
    port: int,
    interval_s: float,
    state_dir: Path,
) -> str:
    """A node's configuration: one simulated DHT22 on pin 4, LEDs on pins 17 and 27."""
    return _TEMPLATE.format(
        writer=writer,
        node_id=node_id,
        name=name,
        model=model,
        port=port,
        interval_s=interval_s,
        state_dir=state_dir,
    )


def broker_and_node(
    work: Path,
    *,
    writer: str,
    node_id: str,
    name: str,
    model: str,
    interval_s: float,
    state_dir: Path,
) -> tuple[MosquittoServer, Path]:
    """A Mosquitto started on a free port under `work`/broker, and `work`/node.yaml for it."""
    (work / "broker").mkdir()
    broker = MosquittoServer(work / "broker")
    broker.start()
    config = work / "node.yaml"
    config.write_text(
        two_led_node(
            writer=writer,
            node_id=node_id,
            name=name,
            model=model,
            port=broker.port,
            interval_s=interval_s,
            state_dir=state_dir,
        )
    )
    return broker, config
