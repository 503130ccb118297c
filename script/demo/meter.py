"""DEMO power meter: a node agent whose custom sensor replays the UCI data (uci_source.py).

It runs like any remote node, through the integration's own protocol; `script/develop`
confirms it, seeds its three sensors' long-term statistics with the data's last SEED_DAYS
and points the demo power predictor at them.
"""

from __future__ import annotations

from dataclasses import dataclass

NODE_ID = "demo-meter"
NODE_NAME = "Demo power meter"
# Two sensors, so that their entities say what they measure: the outdoor temperature and
# humidity read as a badly wrong room ("Demo power meter Humidity 98.7 %") when unnamed.
DEMO_SENSORS = {"mains": "Mains", "outdoor": "Outdoor"}


@dataclass(frozen=True, slots=True)
class DemoQuantity:
    """One replayed quantity: its sensor, its series column and its statistics' labels."""

    sensor_key: str
    quantity: str
    column: str
    unit: str
    unit_class: str | None

    @property
    def entity_id(self) -> str:
        """The node's entity for this quantity: device, sensor and quantity names."""
        return f"sensor.demo_power_meter_{self.sensor_key}_{self.quantity}"


DEMO_QUANTITIES = (
    DemoQuantity("mains", "power", column="power_w", unit="W", unit_class="power"),
    DemoQuantity(
        "outdoor", "temperature", column="temperature", unit="°C", unit_class="temperature"
    ),
    DemoQuantity("outdoor", "humidity", column="humidity", unit="%", unit_class="unitless"),
)


def node_yaml(state_dir: str, cache_dir: str) -> str:
    """The node agent's configuration."""
    sensors = "".join(
        f"""  - key: {key}
    name: {name}
    factory: script.demo.uci_source:UciReplayMeter
    quantities: [{", ".join(item.quantity for item in DEMO_QUANTITIES if item.sensor_key == key)}]
    options: {{cache: {cache_dir}}}
"""
        for key, name in DEMO_SENSORS.items()
    )
    return f"""# Written by script/develop: the DEMO power meter, replaying the UCI data live.
node:
  id: {NODE_ID}
  name: {NODE_NAME}
  model: Simulated meter and outdoor sensor (UCI data)
  manufacturer: Py IoT Home
mqtt: {{host: 127.0.0.1, port: 1883}}
interval_s: 10
custom_sensors:
{sensors}state_dir: {state_dir}
clock_sync_wait_s: 0  # a dev machine's kernel may never call its clock synchronised
"""


if __name__ == "__main__":
    import sys

    print(node_yaml(sys.argv[1], sys.argv[2]), end="")
