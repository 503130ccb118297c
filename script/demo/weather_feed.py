"""DEMO weather service: the demo meter's outdoor weather and its next 24 hours, over MQTT.

`script/develop` has no internet, so no weather integration. This stands in for one: it
publishes, retained, the outdoor temperature and humidity the demo meter reads now and the
hourly means of the 24 data hours that follow (the UCI data, uci_replay.py). It announces
the MQTT sensor that holds the message through MQTT discovery, and
config/configuration.yaml's template weather turns that sensor into `weather.demo_weather`,
with an hourly forecast. A power forecast can then be given a weather entity in the
browser, as in a real home; its forecast of the coming hours is the data's own, a perfect
forecast (the bench's `--weather-forecast observed`).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from .uci_replay import DemoSeries

TOPIC = "demo/weather"
SENSOR_UNIQUE_ID = "py_iot_home_demo_weather_feed"
DISCOVERY_TOPIC = f"homeassistant/sensor/{SENSOR_UNIQUE_ID}/config"
FORECAST_HOURS = 24
REPUBLISH_S = 600


def weather_message(series: DemoSeries, now: datetime) -> dict[str, Any]:
    """What the weather service says at `now`: the current reading and the coming hours."""
    current = series.values_at(now)
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    forecast = []
    # From the hour under way, as weather services give it (the predictor's first hour).
    for ahead in range(FORECAST_HOURS + 1):
        start = hour + timedelta(hours=ahead)
        statistics = series.hour_statistics(start)
        forecast.append(
            {
                "datetime": start.isoformat(),
                "condition": "cloudy",
                "temperature": round(statistics["temperature"].mean, 1),
                "humidity": round(statistics["humidity"].mean),
            }
        )
    return {
        "temperature": round(current["temperature"], 1),
        "humidity": round(current["humidity"]),
        "forecast": forecast,
    }


def discovery_config() -> dict[str, Any]:
    """The sensor that holds the message, as MQTT discovery announces it.

    Not `mqtt:` YAML: a fresh stack starts Home Assistant before the bootstrap adds the MQTT
    entry, and YAML then raised the repair "MQTT is not set up correctly" until a restart.
    """
    return {
        "name": "Demo weather feed",
        "unique_id": SENSOR_UNIQUE_ID,
        "state_topic": TOPIC,
        "value_template": "{{ value_json.temperature }}",
        "device_class": "temperature",
        "unit_of_measurement": "°C",
        "json_attributes_topic": TOPIC,
        # The reading again, as an attribute: Home Assistant shows the state in the home's
        # unit (°F), and the template weather, whose unit is °C, read that as °C (116 °F).
        "json_attributes_template": (
            '{{ {"temperature_c": value_json.temperature, "humidity": value_json.humidity,'
            ' "forecast": value_json.forecast} | tojson }}'
        ),
    }


def main() -> None:
    """Publish the message now and every 10 minutes, until stopped."""
    series = DemoSeries.load(Path(sys.argv[1]))
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="demo-weather-service")
    # Connects (and reconnects) in the background: script/develop stops the whole stack
    # when one of its processes ends.
    client.connect_async("127.0.0.1", 1883)
    client.loop_start()
    while True:
        if client.is_connected():
            client.publish(DISCOVERY_TOPIC, json.dumps(discovery_config()), qos=1, retain=True)
            message = weather_message(series, datetime.now(UTC))
            client.publish(TOPIC, json.dumps(message), qos=1, retain=True)
            time.sleep(REPUBLISH_S)
        else:
            time.sleep(1)


if __name__ == "__main__":
    main()
