"""A node added by its id, read from the broker, when a flood kept its discovery out."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import pytest
from homeassistant.config_entries import SOURCE_IGNORE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import (
    CONF_ANNOUNCEMENT,
    CONF_NODE_ID,
    CONF_SECRET,
    DOMAIN,
    MAX_PENDING_DISCOVERIES,
)
from custom_components.py_iot_home.nodes import discovery
from custom_components.py_iot_home.nodes.discovery import (
    PENDING_DISCOVERIES,
    REFUSED_FOR_CAPACITY,
)
from custom_components.py_iot_home.protocol import MessageSigner

from .mosquitto_server import MosquittoServer, mosquitto_available
from .mqtt_entry import async_settle, async_setup_mqtt_entry, broker_publisher
from .node_messages import ANNOUNCE_TOPIC, NODE_ID, announce_payload, announcement

SECRET = "the kitchen node's own secret"

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]


async def _announce_retained(hass: HomeAssistant, node_id: str) -> None:
    fake = replace(announcement(node_id), name=f"Node {node_id}")
    payload = announce_payload(fake if node_id != NODE_ID else None)
    async_fire_mqtt_message(hass, f"py_iot_home/{node_id}/announce", payload, retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _node_form(hass: HomeAssistant) -> str:
    """Add integration, then the menu's *Remote node by its id*: the form's flow id."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "node"}
    )
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "node")
    return result["flow_id"]


async def _ask_for(
    hass: HomeAssistant, flow_id: str, typed: str, retained: bytes | None = None
) -> dict:
    """Type a node id; the broker answers the new subscription with the retained announcement."""
    asking = hass.async_create_task(
        hass.config_entries.flow.async_configure(flow_id, {CONF_NODE_ID: typed})
    )
    await asyncio.sleep(0.1)
    # What the broker sends a new subscription to the node's announce topic: its retained one.
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, retained or announce_payload(), retain=True)
    return await asking


async def _flooded(hass: HomeAssistant) -> None:
    """The real node announces once amid a stranger's made-up nodes, and is not offered."""
    for index in range(2 * MAX_PENDING_DISCOVERIES):
        await _announce_retained(hass, f"fake-{index}")
    await _announce_retained(hass, NODE_ID)
    for index in range(2 * MAX_PENDING_DISCOVERIES, 3 * MAX_PENDING_DISCOVERIES):
        await _announce_retained(hass, f"fake-{index}")
    assert NODE_ID not in hass.data[PENDING_DISCOVERIES]


async def test_a_node_whose_announcement_a_flood_kept_out_is_added_by_its_id(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A stranger's made-up nodes filled the 20 discovery slots and the 20 kept for later
    when the real node announced once: it was never offered, and Home Assistant's MQTT
    discovery does not hand an unchanged retained announcement over again."""
    await _flooded(hass)
    assert len(hass.data[REFUSED_FOR_CAPACITY]) == MAX_PENDING_DISCOVERIES
    # Its retained announcement again, as a new subscription gets it: still not offered.
    await _announce_retained(hass, NODE_ID)
    assert NODE_ID not in hass.data[PENDING_DISCOVERIES]

    result = await _ask_for(hass, await _node_form(hass), f"  {NODE_ID.upper()} ")
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "mqtt_confirm")
    assert result["description_placeholders"]["name"] == "Kitchen Pi"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_SECRET: ""})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen Pi"
    assert result["data"][CONF_NODE_ID] == NODE_ID
    assert json.loads(result["data"][CONF_ANNOUNCEMENT])["id"] == NODE_ID
    await hass.async_block_till_done(wait_background_tasks=True)
    # Its slot was the user's, not one of the 20: none of the waiting fakes took a new one.
    assert NODE_ID not in hass.data[PENDING_DISCOVERIES]
    assert len(hass.data[PENDING_DISCOVERIES]) == MAX_PENDING_DISCOVERIES


async def test_an_id_that_is_none_or_that_nothing_announced_is_said_then_put_right(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _flooded(hass)
    flow_id = await _node_form(hass)
    for typed, error in (("kitchen/+", "invalid_node_id"), ("", "invalid_node_id")):
        result = await hass.config_entries.flow.async_configure(flow_id, {CONF_NODE_ID: typed})
        assert result["errors"] == {CONF_NODE_ID: error}
        assert _typed_in_form(result) == typed
    # The harness's MQTT sends nothing retained by itself: a moment's wait, not 3 s.
    with monkeypatch.context() as short_wait:
        short_wait.setattr(discovery, "RETAINED_WAIT_S", 0.01)
        result = await hass.config_entries.flow.async_configure(flow_id, {CONF_NODE_ID: "garage"})
    assert result["errors"] == {CONF_NODE_ID: "no_announcement"}
    # Beside its error the id stays as typed, to be put right (it was an empty field).
    assert _typed_in_form(result) == "garage"
    result = await _ask_for(hass, flow_id, NODE_ID)
    assert result["step_id"] == "mqtt_confirm"


def _typed_in_form(result: dict) -> str | None:
    """What the form's node id field shows when it comes back."""
    (field,) = [key for key in result["data_schema"].schema if key == CONF_NODE_ID]
    return (field.description or {}).get("suggested_value")


async def test_a_node_waiting_under_discovered_is_taken_over_when_asked_by_its_id(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """The user asks by id for a node whose card waits under Discovered (perhaps among a
    flood's): the dialog goes on to confirm it. Home Assistant aborted it with "This is
    already being configured. Finish the existing configuration before starting again",
    without saying where."""
    await _announce_retained(hass, NODE_ID)
    assert NODE_ID in hass.data[PENDING_DISCOVERIES]
    result = await _ask_for(hass, await _node_form(hass), NODE_ID)
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "mqtt_confirm")
    assert result["description_placeholders"]["name"] == "Kitchen Pi"
    # One dialog for the node, the user's: the card under Discovered went, and its slot.
    progress = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["flow_id"] for flow in progress] == [result["flow_id"]]
    assert hass.data[PENDING_DISCOVERIES] == {NODE_ID: result["flow_id"]}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_SECRET: ""})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_NODE_ID] == NODE_ID
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    assert NODE_ID not in hass.data[PENDING_DISCOVERIES]


async def test_a_waiting_signing_node_taken_over_by_its_id_still_needs_its_secret(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """The signing node's card waits; a stranger (a broker without the documented ACL) then
    announces its id unsigned and retained, which the broker now hands a new subscription.
    Asked by its id, the dialog took the card over and dropped the node's signed
    announcement with it: confirmed without a secret, the node was added unsigned, and
    anyone could speak for it. Its own card had said its secret was required."""
    signer = MessageSigner(SECRET)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=signer), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert NODE_ID in hass.data[PENDING_DISCOVERIES]
    strangers = announce_payload()
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, strangers, retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)

    result = await _ask_for(hass, await _node_form(hass), NODE_ID, strangers)
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "mqtt_confirm")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_SECRET: ""})
    assert result["errors"] == {CONF_SECRET: "secret_required"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SECRET: SECRET}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_SECRET] == SECRET
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_without_mqtt_the_form_says_to_set_it_up(hass: HomeAssistant) -> None:
    flow_id = await _node_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_NODE_ID: NODE_ID})
    assert result["errors"] == {"base": "no_mqtt"}


async def test_a_node_ignored_before_can_be_added_by_its_id(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Ignored while a fake took its name, say: the user may still add the real one."""
    MockConfigEntry(domain=DOMAIN, source=SOURCE_IGNORE, unique_id=NODE_ID).add_to_hass(hass)
    result = await _ask_for(hass, await _node_form(hass), NODE_ID)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_SECRET: ""})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [entry.source for entry in hass.config_entries.async_entries(DOMAIN)] == [SOURCE_USER]


@pytest.mark.broker
@pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed")
async def test_on_a_real_broker(
    hass: HomeAssistant, tmp_path: Path, socket_enabled: None, mock_hass_config: None
) -> None:
    """Home Assistant's own client hands a retained message to a subscription once: the
    discovery's has had the node's; the new subscription to its topic gets it from Mosquitto."""
    with MosquittoServer(tmp_path) as broker:
        mqtt_entry = await async_setup_mqtt_entry(
            hass, {"broker": broker.host, "port": broker.port}
        )
        with broker_publisher(broker) as publisher:
            publisher.publish(
                ANNOUNCE_TOPIC, announce_payload(), qos=1, retain=True
            ).wait_for_publish(5)
        await async_settle(hass)
        # Discovered once; ignored as the flood's were (the user could not tell it apart).
        (discovered,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        hass.config_entries.flow.async_abort(discovered["flow_id"])
        await hass.async_block_till_done()
        flow_id = await _node_form(hass)
        result = await hass.config_entries.flow.async_configure(flow_id, {CONF_NODE_ID: NODE_ID})
        assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "mqtt_confirm")
        result = await hass.config_entries.flow.async_configure(flow_id, {CONF_SECRET: ""})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        for entry in (*hass.config_entries.async_entries(DOMAIN), mqtt_entry):
            await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


@pytest.mark.broker
@pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed")
async def test_a_strangers_retained_announcement_on_a_real_broker_does_not_drop_the_secret(
    hass: HomeAssistant, tmp_path: Path, socket_enabled: None, mock_hass_config: None
) -> None:
    """On Mosquitto without the documented ACL: the stranger's unsigned announcement replaces
    the signing node's retained one, and the dialog asked by the node's id reads it."""
    with MosquittoServer(tmp_path) as broker:
        mqtt_entry = await async_setup_mqtt_entry(
            hass, {"broker": broker.host, "port": broker.port}
        )
        signed = announce_payload(signer=MessageSigner(SECRET))
        with broker_publisher(broker) as node:
            node.publish(ANNOUNCE_TOPIC, signed, qos=1, retain=True).wait_for_publish(5)
        await async_settle(hass)
        assert NODE_ID in hass.data[PENDING_DISCOVERIES]
        with broker_publisher(broker) as stranger:
            stranger.publish(
                ANNOUNCE_TOPIC, announce_payload(), qos=1, retain=True
            ).wait_for_publish(5)
        await async_settle(hass)
        flow_id = await _node_form(hass)
        result = await hass.config_entries.flow.async_configure(flow_id, {CONF_NODE_ID: NODE_ID})
        assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "mqtt_confirm")
        result = await hass.config_entries.flow.async_configure(flow_id, {CONF_SECRET: ""})
        assert result["errors"] == {CONF_SECRET: "secret_required"}
        result = await hass.config_entries.flow.async_configure(flow_id, {CONF_SECRET: SECRET})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        for entry in (*hass.config_entries.async_entries(DOMAIN), mqtt_entry):
            await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
