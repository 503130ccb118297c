"""What a node's device page shows: its maker as the node says it, never a made-up one."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient, WebSocketGenerator

from custom_components.py_iot_home.const import CONF_ANNOUNCEMENT, DOMAIN
from custom_components.py_iot_home.nodes.collision import MAX_HARDWARE_CHANGES
from custom_components.py_iot_home.protocol import NodeAnnouncement

from .node_messages import (
    ANNOUNCE_TOPIC,
    NODE_ID,
    announce_payload,
    announcement,
    discover_and_confirm,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]


def _device(hass: HomeAssistant) -> dr.DeviceEntry:
    [device] = [
        device
        for entry in hass.config_entries.async_entries(DOMAIN)
        if (
            device := dr.async_get(hass).async_get_device_by_identifier(
                (DOMAIN, f"node_{NODE_ID}"), entry.entry_id
            )
        )
    ]
    return device


def _node(
    model: str, manufacturer: str | None = None, sw_version: str = "0.1.0"
) -> NodeAnnouncement:
    return replace(announcement(), model=model, manufacturer=manufacturer, sw_version=sw_version)


@pytest.mark.parametrize(
    ("node", "maker"),
    [
        # A node before the field: a Pi by its model, else nothing rather than a guess.
        (_node("Raspberry Pi 4 Model B Rev 1.4"), "Raspberry Pi"),
        (_node("Simulated Raspberry Pi"), None),
        # script/develop's simulated nodes, and a board whose maker its settings name.
        (_node("Simulated Raspberry Pi", "Py IoT Home"), "Py IoT Home"),
        (_node("ODROID-C4", "Hardkernel"), "Hardkernel"),
    ],
    ids=["pi_by_model", "old_simulated", "simulated", "named"],
)
async def test_the_device_shows_the_maker_the_node_announces(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, node: NodeAnnouncement, maker: str | None
) -> None:
    await discover_and_confirm(hass, node)
    device = _device(hass)
    assert (device.manufacturer, device.model) == (maker, node.model)


async def test_an_updated_node_shows_its_maker_and_version_without_a_reload(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A node confirmed before its agent said who made it: the device page catches up."""
    coordinator = await discover_and_confirm(hass, _node("Simulated Raspberry Pi"))
    entry = coordinator.config_entry
    assert _device(hass).manufacturer is None

    updated = _node("Simulated Raspberry Pi", "Py IoT Home", sw_version="0.2.0")
    # The agent restarted: its new announcement reaches the subscriber live (not retained).
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(updated))
    await hass.async_block_till_done(wait_background_tasks=True)
    device = _device(hass)
    assert (device.manufacturer, device.sw_version) == ("Py IoT Home", "0.2.0")
    assert entry.runtime_data.node is coordinator  # not reloaded

    # Kept: after a restart the entities' device info says the same before the node speaks.
    assert json.loads(entry.data[CONF_ANNOUNCEMENT])["manufacturer"] == "Py IoT Home"
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert (_device(hass).manufacturer, _device(hass).sw_version) == ("Py IoT Home", "0.2.0")


@pytest.mark.parametrize(
    ("maker", "kind"),
    [
        ("Acme\u202eInc", "invalid_text"),
        ("\u200b", "invalid_text"),
        ("x" * 65, "out_of_range"),
        ("", "out_of_range"),
        (None, "wrong_type"),
        (7, "wrong_type"),
    ],
)
async def test_a_bad_maker_is_refused_with_its_announcement(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, maker: object, kind: str
) -> None:
    coordinator = await discover_and_confirm(hass, _node("Raspberry Pi 4"))
    message = json.loads(announce_payload(_node("Raspberry Pi 4")))
    message["manufacturer"] = maker
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, json.dumps(message).encode(), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coordinator.rejections.counts == {kind: 1}
    assert _device(hass).manufacturer == "Raspberry Pi"


async def test_a_node_changing_its_version_on_every_message_is_rationed(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Each change writes the entry and the device registry; anyone may announce an
    unsigned node, so ever new versions are adopted as rarely as other hardware."""
    coordinator = await discover_and_confirm(hass, _node("Raspberry Pi 4"))
    entry = coordinator.config_entry
    for n in range(1, 3 * MAX_HARDWARE_CHANGES + 1):
        node = _node("Raspberry Pi 4", sw_version=f"1.{n}.0")
        async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(node))
        await hass.async_block_till_done(wait_background_tasks=True)
    assert _device(hass).sw_version == f"1.{MAX_HARDWARE_CHANGES}.0"
    assert json.loads(entry.data[CONF_ANNOUNCEMENT])["sw_version"] == f"1.{MAX_HARDWARE_CHANGES}.0"
    assert coordinator.rejections.counts == {"hardware_change_rationed": 2 * MAX_HARDWARE_CHANGES}


async def test_deleting_the_device_says_how_to_delete_the_node(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, hass_ws_client: WebSocketGenerator
) -> None:
    """The device page's Delete said "Failed to remove device entry, rejected by
    integration": neither why nor how, while the repair for a node gone for good said to
    delete its device. The node goes with its entry, which the answer names."""
    coordinator = await discover_and_confirm(hass)
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": coordinator.config_entry.entry_id,
            "device_id": _device(hass).id,
        }
    )
    response = await client.receive_json()
    assert not response["success"]
    assert response["error"]["message"] == (
        "Kitchen Pi is deleted on the Py IoT Home page: open the ⋮ menu of Kitchen Pi there "
        "and choose Delete (a node that still runs is then offered again under Discovered)"
    )
    assert coordinator.config_entry.state is ConfigEntryState.LOADED
