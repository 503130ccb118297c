"""A stranger's announcement that comes first cannot make a signing node unsigned."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from homeassistant.config_entries import SOURCE_MQTT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import CONF_ANNOUNCEMENT, CONF_SECRET, DOMAIN
from custom_components.py_iot_home.protocol import MessageSigner

from .node_messages import ANNOUNCE_TOPIC, announce_payload, announcement

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

SECRET = "the kitchen node's own secret"
SIGNER = MessageSigner(SECRET)


async def _stranger_first_then_the_node(hass: HomeAssistant) -> str:
    """A stranger announces the node's id unsigned; the real, signing node announces next."""
    fake = replace(announcement(), name="Totally the kitchen")
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(fake), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    # Retained, but to a subscriber already there the broker delivers it as a live message.
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=SIGNER))
    await hass.async_block_till_done(wait_background_tasks=True)
    (flow,) = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_MQTT
    ]
    return flow["flow_id"]


async def test_confirming_without_the_secret_is_refused(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    flow_id = await _stranger_first_then_the_node(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_SECRET: ""})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SECRET: "secret_required"}


async def test_the_nodes_secret_confirms_the_nodes_own_announcement(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    flow_id = await _stranger_first_then_the_node(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_SECRET: "wrong"})
    assert result["errors"] == {CONF_SECRET: "bad_secret"}
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_SECRET: SECRET})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen Pi"
    assert result["data"][CONF_SECRET] == SECRET
    assert json.loads(result["data"][CONF_ANNOUNCEMENT])["name"] == "Kitchen Pi"
