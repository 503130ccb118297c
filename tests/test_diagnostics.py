"""Diagnostics of the home entry (each board and forecast) and of a node entry."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_mqtt_message
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, MqttMockHAClient
from syrupy.assertion import SnapshotAssertion

from custom_components.py_iot_home.const import CONF_SECRET, DOMAIN
from custom_components.py_iot_home.protocol import MessageSigner

from .home_entry import BOARD_SUBENTRY_ID
from .node_messages import ANNOUNCE_TOPIC, STATE_TOPIC, announce_payload, state_payload


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    board = diagnostics["subentries"][BOARD_SUBENTRY_ID]
    assert (board["type"], board["title"]) == ("board", "Living room")
    assert board["backends"] == {"dht": "adafruit_dht", "gpio": "rpi_gpio"}
    assert board["reading_filter"]["reads_ok"] == 1
    # The library path depends on where the checkout is.
    assert diagnostics == snapshot(
        exclude=lambda prop, path: prop in {"sampled_at", "native_library"}
    )


@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.usefixtures("mock_hass_config")
async def test_node_diagnostics_redact_the_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mqtt_mock: MqttMockHAClient,
) -> None:
    signer = MessageSigner("top-secret")
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=signer), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_SECRET: "top-secret"}
    )
    await hass.async_block_till_done()
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(3, signer=signer))
    async_fire_mqtt_message(hass, STATE_TOPIC, b"garbage")
    await hass.async_block_till_done()
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, result["result"])
    assert diagnostics["data"][CONF_SECRET] == "**REDACTED**"
    assert "top-secret" not in str(diagnostics)
    assert diagnostics["signed"] is True
    assert diagnostics["online"] is True
    assert diagnostics["messages_accepted"] == {"state": 1}
    assert diagnostics["messages_rejected"] == {"malformed_json": 1}
    assert diagnostics["sensors"]["dht1"] == {"temperature": 22.5, "humidity": 41.0, "power": None}
    assert diagnostics["resend"] == {
        "requests_sent": 0,
        "last_seen_seq": 3,
        "owed_since": None,
        "gaps_seen": 0,
        "open_gap": None,
    }
