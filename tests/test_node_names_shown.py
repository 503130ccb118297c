"""Names a node announces are shown as Markdown (Assist, cards) and read by people.

A name holding `<`, `>`, `[` or `]` could make the browser load a stranger's address when
Assist names it; a word mixing Latin with Cyrillic or Greek letters reads as another
device's name. Neither is discovered, and names kept from before the rules still set up.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from homeassistant.config_entries import SOURCE_MQTT, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import DOMAIN
from custom_components.py_iot_home.nodes.discovery import DISCOVERY_REJECTIONS
from custom_components.py_iot_home.protocol import NodeAnnouncement, SensorInfo, SwitchInfo

from .assist_sentences import said, start_assist
from .node_messages import (
    ANNOUNCE_TOPIC,
    BOTH,
    NODE_ID,
    announce_payload,
    announcement,
    discover_and_confirm,
    stored_node_entry,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

PIXEL = "![](https://e.io/p.png)"
TAG = "<img src=https://e.io/p.png>"
LINK = "[Verify](https://e.io)"
# "Kitchen Pi" with a Cyrillic i; "Temp" with a Greek capital tau.
CYRILLIC_I = "K\u0456tchen Pi"
GREEK_TAU = "\u03a4emp"


def _named(field: str, name: str) -> NodeAnnouncement:
    node = announcement()
    if field == "sensor":
        sensor = SensorInfo(key="dht1", name=name, quantities=BOTH, model="dht22")
        return replace(node, sensors=(sensor,))
    if field == "switch":
        return replace(node, switches=(SwitchInfo(key="led1", name=name),))
    return replace(node, **{field: name})


async def _discover(hass: HomeAssistant, node: NodeAnnouncement) -> dict:
    """The flow Home Assistant's MQTT integration starts for the node's announcement."""
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_MQTT},
        data=MqttServiceInfo(
            topic=ANNOUNCE_TOPIC,
            payload=announce_payload(node),
            qos=1,
            retain=True,
            subscribed_topic="py_iot_home/+/announce",
            timestamp=0,
        ),
    )


@pytest.mark.parametrize("field", ["name", "sensor", "switch"])
@pytest.mark.parametrize("name", [PIXEL, TAG, LINK, CYRILLIC_I, GREEK_TAU])
async def test_a_name_of_markup_or_mixed_scripts_is_not_discovered(
    hass: HomeAssistant, field: str, name: str
) -> None:
    result = await _discover(hass, _named(field, name))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "invalid_discovery_info"
    assert hass.data[DISCOVERY_REJECTIONS] == {"invalid_discovery_info": 1}


@pytest.mark.parametrize("model", [PIXEL, TAG, LINK])
async def test_a_model_of_markup_is_not_discovered(hass: HomeAssistant, model: str) -> None:
    """A model is no name (two may read alike), but the device page and cards show it."""
    result = await _discover(hass, _named("model", model))
    assert result["reason"] == "invalid_discovery_info"


@pytest.mark.parametrize(
    "name",
    [
        "\u041a\u0443\u0445\u043d\u044f",  # Russian: one script
        "\u039a\u03bf\u03c5\u03b6\u03af\u03bd\u03b1",  # Greek: one script
        "\u041a\u0443\u0445\u043d\u044f Pi",  # scripts mixed across words
        "\u041a\u0443\u0445\u043d\u044f-Pi",
        "\u6e29\u5ea6\u8a08 Pi",  # Japanese beside Latin
        "Pi 4 \U0001f321\ufe0f",  # digits and an emoji
        "K\u00fcche (2) & *more* `x` www.e.io",  # Markdown that only formats or autolinks
        "K\u00eblvin",  # a Latin letter with a diaeresis is Latin
    ],
)
async def test_names_in_one_script_a_word_are_discovered(hass: HomeAssistant, name: str) -> None:
    result = await _discover(hass, _named("name", name))
    assert result["step_id"] == "mqtt_confirm"
    assert result["description_placeholders"]["sensors"] == "Kitchen"
    assert hass.config_entries.flow.async_get(result["flow_id"])["context"][
        "title_placeholders"
    ] == {"name": name}


async def test_a_node_renaming_its_led_to_markup_keeps_its_name_in_assist(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Assist renders its answer as Markdown: "Turned on the Kitchen Pi <img …>" would load
    the stranger's image in the browser of whoever asked."""
    coordinator = await discover_and_confirm(hass)
    renamed = replace(announcement(), switches=(SwitchInfo(key="led1", name=TAG),))
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(renamed), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coordinator.rejections.counts == {"invalid_text": 1}
    await start_assist(hass)
    assert await said(hass, "turn on the LED in the kitchen") == (
        "Turned on the Kitchen Pi Desk LED."
    )


async def test_a_node_stored_with_markup_or_mixed_scripts_sets_up_as_text(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Confirmed before the rules: markup characters are dropped where the names are read
    again (the device, the LED, Assist); a word mixing scripts is kept, as dropping its
    letters would give another name, and the user confirmed it."""
    stored = stored_node_entry()
    message = json.loads(stored.data["announcement"])
    message["name"] = f"{PIXEL}Kitchen Pi"
    message["switches"][0]["name"] = f"{TAG}Desk LED"
    message["sensors"][0]["name"] = CYRILLIC_I
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=message["name"],
        unique_id=NODE_ID,
        source=SOURCE_MQTT,
        data={**stored.data, "announcement": json.dumps(message)},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.title == "!(https://e.io/p.png)Kitchen Pi"
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"node_{NODE_ID}"), entry.entry_id
    )
    assert device is not None
    assert device.name == "!(https://e.io/p.png)Kitchen Pi"
    node = entry.runtime_data.node.data.announcement
    assert [s.name for s in node.switches] == ["img src=https://e.io/p.pngDesk LED"]
    assert [s.name for s in node.sensors] == [CYRILLIC_I]
    kitchen = ar.async_get(hass).async_get_or_create("Kitchen")
    dr.async_get(hass).async_update_device(device.id, area_id=kitchen.id)
    await start_assist(hass)
    assert await said(hass, "turn on the LED in the kitchen") == (
        "Turned on the !(https://e.io/p.png)Kitchen Pi img src=https://e.io/p.pngDesk LED"
        " in the Kitchen."
    )
