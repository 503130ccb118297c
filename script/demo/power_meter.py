"""DEMO power meter: replays the UCI appliances data over MQTT, as Home Assistant discovers it.

Three sensors (power in W, living-room temperature and humidity) appear through Home
Assistant's standard MQTT discovery on one device, "Demo power meter (UCI data)", and are
updated every 10 s with the data's value for the current weekday and time of day.

    python -m script.demo.power_meter --host 127.0.0.1 --port 1883
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from .uci_replay import DemoSeries

_LOGGER = logging.getLogger(__name__)
BASE_TOPIC = "py_iot_home_demo/power_meter"
STATE_TOPIC = f"{BASE_TOPIC}/state"
AVAILABILITY_TOPIC = f"{BASE_TOPIC}/availability"
DEVICE = {
    "identifiers": ["py_iot_home_demo_power_meter"],
    "name": "Demo power meter (UCI data)",
    "manufacturer": "py_iot_home script/develop",
    "model": "Replay of UCI Appliances Energy Prediction, CC BY 4.0 (demo data)",
}


@dataclass(frozen=True, slots=True)
class DemoSensor:
    """One replayed quantity and how Home Assistant should show it."""

    key: str
    column: str
    name: str
    unit: str
    device_class: str
    unit_class: str
    precision: int

    @property
    def entity_id(self) -> str:
        """The entity id the sensor asks for (and the statistic id it is seeded under)."""
        return f"sensor.demo_{self.key}"

    @property
    def unique_id(self) -> str:
        """The MQTT unique id."""
        return f"py_iot_home_demo_{self.key}"

    def discovery(self) -> tuple[str, dict[str, object]]:
        """Home Assistant MQTT discovery topic and payload."""
        return f"homeassistant/sensor/{self.unique_id}/config", {
            "name": self.name,
            "unique_id": self.unique_id,
            "default_entity_id": self.entity_id,
            "state_topic": STATE_TOPIC,
            "value_template": f"{{{{ value_json.{self.key} }}}}",
            "availability_topic": AVAILABILITY_TOPIC,
            "unit_of_measurement": self.unit,
            "device_class": self.device_class,
            "state_class": "measurement",
            "suggested_display_precision": self.precision,
            "device": DEVICE,
            "origin": {"name": "py_iot_home script/develop (demo data)"},
        }


DEMO_SENSORS = (
    DemoSensor(
        key="power",
        column="power_w",
        name="Power",
        unit="W",
        device_class="power",
        unit_class="power",
        precision=0,
    ),
    DemoSensor(
        key="temperature",
        column="temperature",
        name="Temperature",
        unit="°C",
        device_class="temperature",
        unit_class="temperature",
        precision=1,
    ),
    DemoSensor(
        key="humidity",
        column="humidity",
        name="Humidity",
        unit="%",
        device_class="humidity",
        unit_class="unitless",
        precision=0,
    ),
)


def state_payload(series: DemoSeries, moment: datetime) -> dict[str, float]:
    """The state message for `moment`: one rounded value per demo sensor."""
    values = series.values_at(moment)
    return {sensor.key: round(values[sensor.column], 2) for sensor in DEMO_SENSORS}


def run(host: str, port: int, interval_s: float, cache: Path, stop: threading.Event) -> None:
    """Announce the sensors, then publish a state every `interval_s` until `stop` is set."""
    series = DemoSeries.load(cache)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="py_iot_home_demo_meter")
    client.will_set(AVAILABILITY_TOPIC, "offline", qos=1, retain=True)

    def on_connect(
        client: mqtt.Client,
        _userdata: object,
        _flags: mqtt.ConnectFlags,
        reason: ReasonCode,
        _properties: Properties | None,
    ) -> None:
        if reason.is_failure:
            _LOGGER.warning("broker refused the connection: %s", reason)
            return
        for sensor in DEMO_SENSORS:
            topic, config = sensor.discovery()
            client.publish(topic, json.dumps(config), qos=1, retain=True)
        client.publish(AVAILABILITY_TOPIC, "online", qos=1, retain=True)

    client.on_connect = on_connect
    client.connect_async(host, port)
    client.loop_start()
    try:
        while not stop.is_set():
            payload = state_payload(series, datetime.now(UTC))
            client.publish(STATE_TOPIC, json.dumps(payload), qos=0)
            _LOGGER.debug("published %s", payload)
            stop.wait(interval_s)
    finally:
        goodbye = client.publish(AVAILABILITY_TOPIC, "offline", qos=1, retain=True)
        if goodbye.rc == mqtt.MQTT_ERR_SUCCESS:
            goodbye.wait_for_publish(2)
        client.disconnect()
        client.loop_stop()


def main() -> None:
    """Command line entry: run until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between states")
    parser.add_argument("--cache", type=Path, default=Path(".cache/data"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()

    def handle(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    _LOGGER.info(
        "demo power meter publishing to %s:%s every %s s", args.host, args.port, args.interval
    )
    run(args.host, args.port, args.interval, args.cache, stop)


if __name__ == "__main__":
    main()
