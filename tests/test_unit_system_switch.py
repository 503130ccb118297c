"""A home switched from metric to US customary keeps its temperatures in °F after a restart.

Settings > System > General sends `config/core/update` with `update_units` (its checkbox
"Update the unit of all sensors", ticked by default). A reload of the entry adds the
entities again as a restart does. On 2026-12-07 (walk in °F and America/Denver) every
temperature of the demo read °F until the restart from the UI, then °C again.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient, WebSocketGenerator

from .node_messages import AVAILABILITY_TOPIC, STATE_TOPIC, discover_and_confirm, state_payload

BOARD_TEMPERATURE = "sensor.living_room_temperature"
BOARD_TEMPERATURE_TREND = "sensor.living_room_temperature_trend"
NODE_TEMPERATURE = "sensor.kitchen_pi_temperature"
POLL_INTERVAL = timedelta(seconds=60)


async def _switch_to_us_customary(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, *, update_units: bool
) -> None:
    """What Settings > System > General sends when the unit system is changed."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "config/core/update", "unit_system": "us_customary", "update_units": update_units}
    )
    assert (await client.receive_json())["success"]
    await hass.async_block_till_done()


def _shown(hass: HomeAssistant, entity_id: str) -> tuple[float, str]:
    state = hass.states.get(entity_id)
    assert state is not None
    return float(state.state), state.attributes["unit_of_measurement"]


def _trend_unit(hass: HomeAssistant) -> str:
    state = hass.states.get(BOARD_TEMPERATURE_TREND)
    assert state is not None
    return str(state.attributes["unit_of_measurement"])


async def _next_reading(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """The board's next poll, which writes its state again."""
    freezer.tick(POLL_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _restarted(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_boards_temperature_stays_in_fahrenheit_after_a_restart(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """21.0 °C reads 69.8 °F once switched, and still after the restart; so its trend."""
    assert _shown(hass, BOARD_TEMPERATURE) == (21.0, "°C")
    await _switch_to_us_customary(hass, hass_ws_client, update_units=True)
    await _next_reading(hass, freezer)
    assert _shown(hass, BOARD_TEMPERATURE) == (69.8, "°F")
    assert _trend_unit(hass) == "°F/d"
    await _restarted(hass, init_integration)
    assert _shown(hass, BOARD_TEMPERATURE) == (69.8, "°F")
    assert _trend_unit(hass) == "°F/d"


async def test_a_switch_that_keeps_the_units_keeps_celsius_before_and_after_a_restart(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With the checkbox cleared the sensor keeps °C, and its trend °C/d: they showed °F
    from the next reading until the next restart, then °C again."""
    await _switch_to_us_customary(hass, hass_ws_client, update_units=False)
    await _next_reading(hass, freezer)
    assert _shown(hass, BOARD_TEMPERATURE) == (21.0, "°C")
    assert _trend_unit(hass) == "°C/d"
    await _restarted(hass, init_integration)
    assert _shown(hass, BOARD_TEMPERATURE) == (21.0, "°C")
    assert _trend_unit(hass) == "°C/d"


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_nodes_temperature_stays_in_fahrenheit_after_a_restart(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, hass_ws_client: WebSocketGenerator
) -> None:
    """A node's 19.7 °C reads 67.46 °F once switched, and still after the restart."""
    coordinator = await discover_and_confirm(hass)
    entry = coordinator.config_entry

    async def report() -> None:
        async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, temperature=19.7))
        await hass.async_block_till_done(wait_background_tasks=True)

    await report()
    assert _shown(hass, NODE_TEMPERATURE) == (19.7, "°C")
    await _switch_to_us_customary(hass, hass_ws_client, update_units=True)
    assert _shown(hass, NODE_TEMPERATURE) == (67.46, "°F")
    await _restarted(hass, entry)
    await report()
    assert _shown(hass, NODE_TEMPERATURE) == (67.46, "°F")
