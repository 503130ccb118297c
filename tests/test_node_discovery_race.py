"""A stranger's announcement that comes first cannot make a signing node unsigned."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import pytest
from homeassistant.config_entries import SOURCE_MQTT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import CONF_ANNOUNCEMENT, CONF_SECRET, DOMAIN
from custom_components.py_iot_home.protocol import MessageSigner

from .mosquitto_server import MosquittoServer, mosquitto_available
from .mqtt_entry import async_settle, async_setup_mqtt_entry, broker_publisher
from .node_messages import (
    ANNOUNCE_TOPIC,
    STATE_TOPIC,
    announce_payload,
    announcement,
    state_payload,
)

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


@pytest.mark.usefixtures("no_retained_announcement_comes")
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


@pytest.mark.broker
@pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed")
async def test_on_a_real_broker(
    hass: HomeAssistant, tmp_path: Path, socket_enabled: None, mock_hass_config: None
) -> None:
    """The same with Mosquitto and Home Assistant's real client: how retained messages reach it."""
    with MosquittoServer(tmp_path) as broker:
        mqtt_entry = await async_setup_mqtt_entry(
            hass, {"broker": broker.host, "port": broker.port}
        )
        with broker_publisher(broker) as publisher:
            fake = announce_payload(replace(announcement(), name="Totally the kitchen"))
            for payload in (fake, announce_payload(signer=SIGNER)):
                publisher.publish(ANNOUNCE_TOPIC, payload, qos=1, retain=True).wait_for_publish(5)
                await async_settle(hass)
        (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: ""})
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {CONF_SECRET: "secret_required"}
        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_SECRET: SECRET}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["title"] == "Kitchen Pi"
        for entry in (*hass.config_entries.async_entries(DOMAIN), mqtt_entry):
            await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def test_the_newest_signed_announcement_is_confirmed(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """An old signed announcement replayed first must not lower the new node's floor."""
    async_fire_mqtt_message(
        hass, ANNOUNCE_TOPIC, announce_payload(replace(announcement(), seq=5), SIGNER), retain=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    async_fire_mqtt_message(
        hass, ANNOUNCE_TOPIC, announce_payload(replace(announcement(), seq=900), SIGNER)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: SECRET})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    node = result["result"].runtime_data.node
    # Signed by the node between the two announcements, captured, and replayed now.
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(600, signer=SIGNER))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert dict(node.rejections.counts) == {"replayed_counter": 1}


def _fake_signed(seq: int) -> bytes:
    """An announcement with a `sig` member that nobody signed: it looks signed until checked."""
    payload = announce_payload(replace(announcement(), name="Totally the kitchen", seq=seq))
    return payload[:-1] + b',"sig":"' + b"0" * 64 + b'"}'


async def test_fake_signed_announcements_cannot_push_the_nodes_own_out(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """More fakes than are kept: the broker's retained announcement, read again, confirms."""
    flow_id = await _stranger_first_then_the_node(hass)
    for seq in range(2, 8):
        async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, _fake_signed(seq))
        await hass.async_block_till_done()
    confirming = hass.async_create_task(
        hass.config_entries.flow.async_configure(flow_id, {CONF_SECRET: SECRET})
    )
    await asyncio.sleep(0.1)
    # What the broker sends a new subscription: the retained announcement, the node's own.
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=SIGNER), retain=True)
    result = await confirming
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen Pi"


@pytest.mark.broker
@pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed")
async def test_fake_signed_announcements_on_a_real_broker(
    hass: HomeAssistant, tmp_path: Path, socket_enabled: None, mock_hass_config: None
) -> None:
    """The node's announcement is retained; a stranger's fakes are live messages after it."""
    with MosquittoServer(tmp_path) as broker:
        mqtt_entry = await async_setup_mqtt_entry(
            hass, {"broker": broker.host, "port": broker.port}
        )
        with broker_publisher(broker) as publisher:
            fake = announce_payload(replace(announcement(), name="Totally the kitchen"))
            for payload in (fake, announce_payload(signer=SIGNER)):
                publisher.publish(ANNOUNCE_TOPIC, payload, qos=1, retain=True).wait_for_publish(5)
                await async_settle(hass)
            for seq in range(2, 8):
                publisher.publish(ANNOUNCE_TOPIC, _fake_signed(seq), qos=1).wait_for_publish(5)
            await async_settle(hass)
        (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_SECRET: SECRET}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["title"] == "Kitchen Pi"
        for entry in (*hass.config_entries.async_entries(DOMAIN), mqtt_entry):
            await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
