"""DEMO power meter: a node agent whose custom sensor replays the UCI data (uci_source.py).

It runs like any remote node, through the integration's own protocol; `script/develop`
confirms it, seeds its three sensors' long-term statistics with the data's last SEED_DAYS
and points the demo power predictor at them.
"""

from __future__ import annotations

from dataclasses import dataclass

NODE_ID = "demo-meter"
NODE_NAME = "Demo power meter"
SENSOR_KEY = "uci"


@dataclass(frozen=True, slots=True)
class DemoQuantity:
    """One replayed quantity: its series column and how its statistics are labelled."""

    quantity: str
    column: str
    unit: str
    unit_class: str | None

    @property
    def entity_id(self) -> str:
        """The node's sensor for this quantity (named after the device and the quantity)."""
        return f"sensor.demo_power_meter_{self.quantity}"


DEMO_QUANTITIES = (
    DemoQuantity(quantity="power", column="power_w", unit="W", unit_class="power"),
    DemoQuantity(quantity="temperature", column="temperature", unit="°C", unit_class="temperature"),
    DemoQuantity(quantity="humidity", column="humidity", unit="%", unit_class="unitless"),
)


def node_yaml(state_dir: str, cache_dir: str) -> str:
    """The node agent's configuration."""
    quantities = ", ".join(item.quantity for item in DEMO_QUANTITIES)
    return f"""# Written by script/develop: the DEMO power meter, replaying the UCI data live.
node: {{id: {NODE_ID}, name: {NODE_NAME}, model: Simulated meter and outdoor sensor (UCI data)}}
mqtt: {{host: 127.0.0.1, port: 1883}}
interval_s: 10
custom_sensors:
  - key: {SENSOR_KEY}
    name: UCI data
    factory: script.demo.uci_source:UciReplayMeter
    quantities: [{quantities}]
    options: {{cache: {cache_dir}}}
state_dir: {state_dir}
"""


if __name__ == "__main__":
    import sys

    print(node_yaml(sys.argv[1], sys.argv[2]), end="")
