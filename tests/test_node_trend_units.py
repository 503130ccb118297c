"""Each of a node's trends is shown in the unit its own sensor shows."""

from __future__ import annotations

import pytest
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.protocol import (
    SensorSample,
)

from .node_messages import (
    room_and_meter_reporting,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]


def _units(hass: HomeAssistant, entity_id: str) -> tuple[str, str, str, float]:
    """The sensor's unit, its trend's, and its rising sensor's threshold with its unit."""
    rising = hass.states.get(f"binary_sensor.{entity_id.removeprefix('sensor.')}_rising")
    assert rising is not None
    return (
        hass.states.get(entity_id).attributes[ATTR_UNIT_OF_MEASUREMENT],
        hass.states.get(f"{entity_id}_trend").attributes[ATTR_UNIT_OF_MEASUREMENT],
        rising.attributes["threshold_unit"],
        rising.attributes["threshold"],
    )


async def test_one_sensor_set_to_fahrenheit_shows_only_its_own_trend_in_fahrenheit(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """The meter's temperature in °F, the room's in °C: each trend as its sensor. A power
    sensor shown in kW keeps its trend in whole watts a day (in kW/d it would read 0)."""
    await room_and_meter_reporting(
        hass,
        {
            "dht1": SensorSample(temperature=21.0, humidity=40.0),
            "meter": SensorSample(power=1234.5, temperature=23.0),
        },
    )
    mains, kitchen = "sensor.kitchen_pi_mains_temperature", "sensor.kitchen_pi_kitchen_temperature"
    power = "sensor.kitchen_pi_mains_power"
    assert _units(hass, mains) == ("°C", "°C/d", "°C/d", 0.2)

    registry = er.async_get(hass)
    registry.async_update_entity_options(mains, "sensor", {"unit_of_measurement": "°F"})
    registry.async_update_entity_options(power, "sensor", {"unit_of_measurement": "kW"})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _units(hass, mains) == ("°F", "°F/d", "°F/d", 0.36)
    assert _units(hass, kitchen) == ("°C", "°C/d", "°C/d", 0.2)
    assert _units(hass, power) == ("kW", "W/d", "W/d", 20.0)
