"""Automations on a remote node, as a power user writes them from the README."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation import DOMAIN as AUTOMATION_DOMAIN
from homeassistant.const import STATE_OFF, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from .node_messages import AVAILABILITY_TOPIC, STATE_TOPIC, discover_and_confirm, state_payload
from .notifications import watch_notifications

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "node_offline_automation.yaml"
LED = "switch.kitchen_pi_desk_led"
CONNECTIVITY = "binary_sensor.kitchen_pi_connectivity"
START = datetime(2026, 12, 7, 3, 30, tzinfo=dt_util.UTC)


async def _online_node(hass: HomeAssistant) -> None:
    await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(LED).state == STATE_OFF


async def _after(hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: float) -> None:
    freezer.tick(timedelta(minutes=minutes))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def test_the_readme_shows_the_tested_example() -> None:
    assert EXAMPLE.read_text().strip() in (ROOT / "README.md").read_text()


@pytest.mark.freeze_time(START)
async def test_the_readme_example_tells_when_a_node_stays_offline(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """A minute away is nothing; five are told, with the time it went, in the home's zone."""
    await _online_node(hass)
    assert await async_setup_component(hass, "persistent_notification", {})
    notifications = watch_notifications(hass)
    automations = yaml.safe_load(EXAMPLE.read_text())
    assert await async_setup_component(hass, AUTOMATION_DOMAIN, {AUTOMATION_DOMAIN: automations})
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done()
    await _after(hass, freezer, 1)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await _after(hass, freezer, 10)
    assert "kitchen_pi_offline" not in notifications
    gone = dt_util.now()
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done()
    assert hass.states.get(CONNECTIVITY).state == STATE_OFF
    await _after(hass, freezer, 4)
    assert "kitchen_pi_offline" not in notifications
    await _after(hass, freezer, 1.5)
    note = notifications["kitchen_pi_offline"]
    assert note["title"] == "Kitchen Pi is offline"
    # 19:41 in US/Pacific, the harness's home, not 03:41 UTC.
    assert " ".join(note["message"].split()) == (
        f"Kitchen Pi Connectivity has been offline since {gone:%H:%M}: its readings are"
        " unavailable and its LEDs do nothing until it is back."
    )
    assert f"{gone:%H:%M}" == "19:41"


async def test_an_led_of_an_offline_node_is_passed_over_without_a_word(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """What the README warns of: Home Assistant calls no unavailable entity, so a script's
    switch.turn_on of an offline node's LED sends nothing and does not fail."""
    await _online_node(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done()
    assert hass.states.get(LED).state == STATE_UNAVAILABLE
    script = {"led_on": {"sequence": [{"action": "switch.turn_on", "target": {"entity_id": LED}}]}}
    assert await async_setup_component(hass, "script", {"script": script})
    mqtt_mock.async_publish.reset_mock()
    await hass.services.async_call("script", "led_on", blocking=True)
    await hass.async_block_till_done()
    assert mqtt_mock.async_publish.call_args_list == []
    assert hass.states.get(LED).state == STATE_UNAVAILABLE
