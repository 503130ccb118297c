"""A node with a power meter next to its DHT: power entities and their trend."""

from __future__ import annotations

import pytest
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.protocol import (
    SensorSample,
)

from .assist_sentences import said, start_assist
from .node_messages import (
    room_and_meter_reporting,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

POWER = "sensor.kitchen_pi_mains_power"


async def test_power_meter_entities(hass: HomeAssistant, mqtt_mock: MqttMockHAClient) -> None:
    await room_and_meter_reporting(
        hass,
        {
            "dht1": SensorSample(temperature=21.0, humidity=40.0),
            "meter": SensorSample(power=1234.5, temperature=23.0),
        },
    )

    power = hass.states.get(POWER)
    assert power is not None
    assert power.state == "1234.5"
    assert power.attributes[ATTR_DEVICE_CLASS] == "power"
    assert power.attributes[ATTR_UNIT_OF_MEASUREMENT] == "W"
    assert power.attributes["state_class"] == "measurement"
    assert power.name == "Kitchen Pi Mains power"
    assert hass.states.get("sensor.kitchen_pi_mains_temperature").state == "23.0"
    trend = hass.states.get("sensor.kitchen_pi_mains_power_trend")
    assert trend is not None
    assert trend.attributes[ATTR_UNIT_OF_MEASUREMENT] == "W/d"
    registry = er.async_get(hass)
    rising = registry.async_get("binary_sensor.kitchen_pi_mains_power_rising")
    assert rising is not None
    # Enabled like the climate ones: its own threshold (20 W/d) keeps it from flapping.
    assert rising.disabled_by is None
    climate_rising = registry.async_get("binary_sensor.kitchen_pi_kitchen_temperature_rising")
    assert climate_rising is not None
    assert climate_rising.disabled_by is None
    # Watts are shown whole: a meter's "1,380.0 W" gave a tenth no meter here measures.
    shown = registry.async_get(POWER)
    assert shown is not None
    assert shown.options["sensor"]["suggested_display_precision"] == 0


async def test_assist_says_the_power_a_node_meter_reads_now(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Without a power forecast, "how much power are we using" is the node's meter, whole
    watts as its page shows them: 1234.5 W is 1,235 (Python's rounding said 1234)."""
    await room_and_meter_reporting(
        hass,
        {"meter": SensorSample(power=1234.5, temperature=23.0)},
    )
    await start_assist(hass)
    assert hass.states.get(POWER).state == "1234.5"
    assert await said(hass, "how much power are we using?") == (
        "Kitchen Pi Mains power reads 1,235\u00a0W now."
    )
