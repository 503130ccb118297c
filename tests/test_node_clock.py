"""A node whose clock is off: its values are current, its times are not recorded."""

from __future__ import annotations

import time
from itertools import count

import pytest
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_ON, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import DOMAIN
from custom_components.py_iot_home.repairs import node_clock_issue_id

from .node_messages import (
    AVAILABILITY_TOPIC,
    COMMAND_TOPIC,
    NODE_ID,
    STATE_TOPIC,
    discover_and_confirm,
    state_payload,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

TEMPERATURE = "sensor.kitchen_pi_temperature"
LED = "switch.kitchen_pi_desk_led"


async def test_a_pi_booted_days_behind_makes_no_trend_of_its_first_samples(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Its first samples, before a few in a row call its clock off, used to be recorded
    days in the past: one of them made a confident trend of hours of a steady room."""
    node = await discover_and_confirm(hass)
    store = node.config_entry.runtime_data.trend.store
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    for seq in (1, 2):
        async_fire_mqtt_message(
            hass, STATE_TOPIC, state_payload(seq, ts=time.time() - 3 * 86400, temperature=19.0)
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(store.buffer("dht1_temperature").snapshot()[0]) == 0
    # One late message is not a wrong clock: it does not show either.
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert ir.async_get(hass).async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID)) is None


@pytest.mark.parametrize("offset_s", [-20 * 60, 2 * 60], ids=["20_min_behind", "2_min_ahead"])
async def test_a_node_minutes_off_shows_its_values_and_confirms_its_led(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, offset_s: float
) -> None:
    """A Pi without a time server drifts: its LED must still switch, its values show."""
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    seq = count(1)
    for temperature in (20.0, 21.0, 22.0, 23.0):
        async_fire_mqtt_message(
            hass,
            STATE_TOPIC,
            state_payload(next(seq), temperature=temperature, ts=time.time() + offset_s),
        )
        await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "23.0"

    async def node_switches(topic: str, payload: bytes, *args: object, **kwargs: object) -> None:
        if topic == COMMAND_TOPIC:
            async_fire_mqtt_message(
                hass,
                STATE_TOPIC,
                state_payload(next(seq), temperature=23.0, led=True, ts=time.time() + offset_s),
            )

    mqtt_mock.async_publish.side_effect = node_switches
    await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert hass.states.get(LED).state == STATE_ON
    assert node.messages_accepted["state"] == 0  # none recorded
