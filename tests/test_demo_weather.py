"""The demo weather service forecasts the demo meter's own coming hours, from the hour under way."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import pytest
from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from script.demo.uci_replay import DemoSeries
from script.demo.weather_feed import (
    DISCOVERY_TOPIC,
    FORECAST_HOURS,
    TOPIC,
    discovery_config,
    weather_message,
)

from .demo_configuration import demo_configuration

# Three whole weeks of 10-minute rows from a Monday midnight (local times, as the data).
INDEX = pd.date_range("2016-01-18 00:00", periods=21 * 144, freq="10min")


def _series() -> DemoSeries:
    step = np.arange(len(INDEX), dtype=np.float64)
    frame = pd.DataFrame(
        {
            "power_w": 100.0 + step % 6,
            # A day's swing of outdoor temperature, 2 to 10 °C.
            "temperature": 6.0 - 4.0 * np.cos(2 * np.pi * (step % 144) / 144),
            "humidity": 70.0 + 10.0 * np.sin(2 * np.pi * (step % 144) / 144),
        },
        index=INDEX,
    )
    return DemoSeries.from_frame(frame)


def test_the_forecast_is_the_meters_own_next_hours_from_the_hour_under_way() -> None:
    series = _series()
    now = datetime(2026, 12, 4, 17, 25, tzinfo=UTC)
    message = weather_message(series, now)

    assert message["temperature"] == round(series.values_at(now)["temperature"], 1)
    forecast = message["forecast"]
    starts = [datetime.fromisoformat(point["datetime"]) for point in forecast]
    assert starts[0] == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    assert len(starts) == FORECAST_HOURS + 1
    assert all(b - a == timedelta(hours=1) for a, b in pairwise(starts))
    for start, point in zip(starts, forecast, strict=True):
        hour = series.hour_statistics(start)
        assert point["temperature"] == round(hour["temperature"].mean, 1)
        assert point["humidity"] == round(hour["humidity"].mean)
    # Plausible as a person reads a forecast: within the day's swing, and it moves with it.
    temperatures = [point["temperature"] for point in forecast]
    assert 2.0 <= min(temperatures) < max(temperatures) <= 10.0
    # What Home Assistant's MQTT sensor receives is plain JSON.
    assert json.loads(json.dumps(message)) == message


async def test_a_fresh_stack_starts_without_an_mqtt_repair(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """The very first start comes before the bootstrap adds the MQTT entry: MQTT set up from
    the demo's configuration.yaml then must not say "MQTT is not set up correctly" (it did,
    under Settings → Repairs, until a restart, while the demo's sensor was `mqtt:` YAML)."""
    config = demo_configuration()
    assert await async_setup_component(
        hass, mqtt.DOMAIN, {k: config[k] for k in config if k == mqtt.DOMAIN}
    )
    await hass.async_block_till_done()
    assert [key for key in issue_registry.issues if key[0] == mqtt.DOMAIN] == []


@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.usefixtures("mock_hass_config")
async def test_the_announced_feed_makes_the_demo_weather_with_its_hours(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """The service's discovery message and its reading give `weather.demo_weather` (the
    template of configuration.yaml) the hourly forecast a power forecast is offered."""
    message = weather_message(_series(), datetime(2026, 12, 4, 17, 25, tzinfo=UTC))
    async_fire_mqtt_message(hass, DISCOVERY_TOPIC, json.dumps(discovery_config()))
    await hass.async_block_till_done()
    async_fire_mqtt_message(hass, TOPIC, json.dumps(message))
    await hass.async_block_till_done()
    assert hass.states.get("sensor.demo_weather_feed").state == str(message["temperature"])

    assert await async_setup_component(
        hass, "template", {"template": demo_configuration()["template"]}
    )
    await hass.async_block_till_done()
    weather = hass.states.get("weather.demo_weather")
    assert weather.attributes["temperature"] == message["temperature"]
    hours = await _demo_weather_hours(hass)
    assert [hour["temperature"] for hour in hours] == [
        point["temperature"] for point in message["forecast"]
    ]


@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.usefixtures("mock_hass_config")
async def test_the_demo_weather_reads_right_in_fahrenheit(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """docs/develop.md invites a switch to °F: the demo weather then reads the feed's
    temperature in °F, as its hours do. It read the feed sensor's state, which Home Assistant
    had already shown in °F, as °C: 8.2 °C outside became 116 °F on the walk of 2026-12-06."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    message = weather_message(_series(), datetime(2026, 12, 4, 17, 25, tzinfo=UTC))
    async_fire_mqtt_message(hass, DISCOVERY_TOPIC, json.dumps(discovery_config()))
    await hass.async_block_till_done()
    async_fire_mqtt_message(hass, TOPIC, json.dumps(message))
    await hass.async_block_till_done()
    assert await async_setup_component(
        hass, "template", {"template": demo_configuration()["template"]}
    )
    await hass.async_block_till_done()

    weather = hass.states.get("weather.demo_weather")
    assert weather.attributes["temperature_unit"] == "°F"
    # By hand: 9/5 x the reading + 32, to the whole degree Home Assistant shows in °F.
    assert weather.attributes["temperature"] == round(message["temperature"] * 9 / 5 + 32)
    first = (await _demo_weather_hours(hass))[0]
    assert first["temperature"] == pytest.approx(
        message["forecast"][0]["temperature"] * 9 / 5 + 32, abs=0.5
    )


async def _demo_weather_hours(hass: HomeAssistant) -> list[dict[str, Any]]:
    """`weather.demo_weather`'s hourly forecast, as `weather.get_forecasts` answers it."""
    answer = await hass.services.async_call(
        "weather",
        "get_forecasts",
        {"entity_id": "weather.demo_weather", "type": "hourly"},
        blocking=True,
        return_response=True,
    )
    assert answer is not None
    hours: list[dict[str, Any]] = answer["weather.demo_weather"]["forecast"]
    return hours
