"""A node confirmed under older rules for names still sets up after an upgrade.

Names with characters refused today (a zero-width space, before it was refused) may be in
a stored announcement: read again without them, the node sets up, and it stops nobody else.
"""

from __future__ import annotations

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import DOMAIN

from .node_messages import announcement, discover_and_confirm

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

STORED_BEFORE = {
    "title": "Kitchen Pi",
    "unique_id": "kitchen-pi",
    "options": {},
    "data": {
        "kind": "node",
        "node_id": "kitchen-pi",
        "prefix": "py_iot_home",
        "secret": "",
        "announcement": (
            '{"v":1,"id":"kitchen-pi","name":"Kitchen\\u200bPi","model":"Raspberry Pi 4",'
            '"sw_version":"0.1.0","sensors":[{"key":"dht1","name":"Kitchen\\u200bDHT",'
            '"quantities":["temperature","humidity"],"model":"dht22"}],'
            '"switches":[{"key":"led1","name":"Desk LED"}],"interval_s":30,"dropped":0}'
        ),
    },
}


async def test_a_node_stored_under_older_text_rules_sets_up(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, **STORED_BEFORE)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, "node_kitchen-pi"), entry.entry_id
    )
    assert device is not None
    assert device.name == "Kitchen Pi"
    assert hass.states.get("sensor.kitchen_pi_temperature") is not None


async def test_a_node_stored_under_older_text_rules_stops_no_other_confirmation(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    MockConfigEntry(domain=DOMAIN, **STORED_BEFORE).add_to_hass(hass)
    garage = await discover_and_confirm(hass, announcement("garage-pi"))
    assert garage.config_entry.state is ConfigEntryState.LOADED
