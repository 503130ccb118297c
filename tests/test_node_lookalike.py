"""A stranger's node announced under a configured node's name, model and sensors."""

from __future__ import annotations

from dataclasses import replace

import pytest
from homeassistant.config_entries import SOURCE_IGNORE, SOURCE_MQTT
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import CONF_ADD_LED, CONF_SECRET, DOMAIN

from .node_messages import announce_payload, announcement, discover_and_confirm
from .test_board_form import _board_form, _defaults

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]


async def _announce(hass: HomeAssistant, node_id: str, name: str) -> dict:
    """Announce `node_id` as `name` (otherwise the kitchen node's twin); its discovery flow."""
    node = replace(announcement(node_id), name=name)
    topic = f"py_iot_home/{node_id}/announce"
    async_fire_mqtt_message(hass, topic, announce_payload(node), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    (flow,) = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_MQTT and flow["context"]["unique_id"] == node_id
    ]
    return flow


@pytest.mark.parametrize(
    "name",
    [
        "Kitchen Pi",
        "kitchen  PI",
        "\uff2b\uff49\uff54\uff43\uff48\uff45\uff4e \uff30\uff49",
        "\U0001d40a\U0001d422\U0001d42d\U0001d41c\U0001d421\U0001d41e\U0001d427"
        " \U0001d40f\U0001d422",
        # Whole words of Cyrillic or Greek letters that read as Latin ones: "Pi" in a Cyrillic
        # Er and Ukrainian i, "KITCHEN PI" in Greek capitals with a lunate sigma for the C.
        "Kitchen \u0420\u0456",
        "\u039a\u0399\u03a4\u03f9\u0397\u0395\u039d \u03a1\u0399",
        "K\u0131tchen P\u0131",  # dotless i
        # An i with a combining dot above: fonts draw it as an i (Roboto, DejaVu).
        "Kitchen Pi\u0307",
        "K\u0131\u0307tchen P\u0131\u0307",
    ],
    ids=[
        "same",
        "case_and_spaces",
        "full_width",
        "mathematical_bold",
        "cyrillic_word",
        "greek_words",
        "dotless_i",
        "dot_above_i",
        "dot_above_dotless_i",
    ],
)
async def test_a_node_announced_under_a_configured_nodes_name_is_told_apart(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, name: str
) -> None:
    """`kitchen-p1` announced as "Kitchen Pi", a Raspberry Pi 4 with the same sensors: the
    dialog read exactly as the real node's did, and the new device was a second "Kitchen
    Pi" in every list. It now names the node id, and the new node's name carries it."""
    await discover_and_confirm(hass)
    flow = await _announce(hass, "kitchen-p1", name)
    assert flow["context"]["title_placeholders"] == {"name": f"{name} (kitchen-p1)"}
    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert result["type"] is FlowResultType.FORM
    placeholders = result["description_placeholders"]
    assert placeholders["name"] == rf"{name} \(kitchen\-p1\)"
    assert placeholders["node_id"] == r"kitchen\-p1"
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: ""})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"{name} (kitchen-p1)"
    await hass.async_block_till_done(wait_background_tasks=True)
    registry = dr.async_get(hass)
    devices = {
        device.name
        for entry in hass.config_entries.async_entries(DOMAIN)
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
    }
    assert {"Kitchen Pi", f"{name} (kitchen-p1)"} <= devices


async def test_a_node_of_its_own_name_keeps_it_and_says_its_id(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A name no other device here has is the node's as announced; the dialog says its id.

    An ignored discovery's title (whatever a stranger announced) is no other device.
    """
    await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_IGNORE},
        data={"unique_id": "stranger", "title": "Garage Pi"},
    )
    flow = await _announce(hass, "garage-pi", "Garage Pi")
    assert flow["context"]["title_placeholders"] == {"name": "Garage Pi"}
    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert result["description_placeholders"]["node_id"] == r"garage\-pi"
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: ""})
    assert result["title"] == "Garage Pi"


@pytest.mark.usefixtures("mock_setup_entry", "fake_hardware")
async def test_an_ignored_strangers_name_does_not_hold_a_board_name(hass: HomeAssistant) -> None:
    """A board's name may not repeat another device's; an ignored discovery is no device,
    and its title is whatever a stranger announced: "Living room" was refused as taken."""
    await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_IGNORE},
        data={"unique_id": "stranger", "title": "Living room"},
    )
    result = await _board_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**_defaults(result), CONF_NAME: "Living room", CONF_ADD_LED: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
