"""Diagnostics of the home entry (each board and forecast) and of a node entry, started or not."""

from __future__ import annotations

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_mqtt_message
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, MqttMockHAClient
from syrupy.assertion import SnapshotAssertion

from custom_components.py_iot_home.const import CONF_ANNOUNCEMENT, CONF_SECRET, DOMAIN
from custom_components.py_iot_home.protocol import MessageSigner

from .fakes import FakeHardware, install_fake_hardware
from .home_entry import BOARD_SUBENTRY_ID
from .node_messages import (
    ANNOUNCE_TOPIC,
    STATE_TOPIC,
    announce_payload,
    state_payload,
    stored_node_entry,
)


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


async def test_a_home_entry_whose_set_up_failed_says_so(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
) -> None:
    """Without runtime data the download failed (a server error) when it was most needed."""
    fake_hardware.rpi_gpio.setup_error = "No access to /dev/mem.  Try running as root!"
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)
    assert diagnostics["started"] is False
    assert diagnostics["state"] == "setup_retry"
    assert diagnostics["reason"] == (
        "The GPIO pins could not be set up: Cannot set up GPIO17 as an output: "
        "No access to /dev/mem.  Try running as root!"
    )
    board = diagnostics["subentries"][BOARD_SUBENTRY_ID]
    assert (board["title"], board["started"]) == ("Living room", False)
    assert "reading_filter" not in board


@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_node_entry_whose_set_up_failed_says_so_and_keeps_its_secret(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, mqtt_mock: MqttMockHAClient
) -> None:
    stored = stored_node_entry()
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=stored.title,
        unique_id=stored.unique_id,
        source=stored.source,
        data={**stored.data, CONF_ANNOUNCEMENT: "{", CONF_SECRET: "top-secret"},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["started"] is False
    assert diagnostics["state"] == "setup_error"
    assert diagnostics["reason"].startswith("This node's stored settings cannot be read")
    assert diagnostics["data"][CONF_SECRET] == "**REDACTED**"
    assert "top-secret" not in str(diagnostics)
    assert "subentries" not in diagnostics


async def test_a_board_that_did_not_start_is_listed_as_not_started(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mock_config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It was left out of the home entry's download, as if it did not exist."""
    hardware = install_fake_hardware(monkeypatch, rpi_gpio="missing")
    assert hardware.gpiod is not None
    hardware.gpiod.claim("/dev/gpiochip0", 17)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)
    assert diagnostics["started"] is True
    board = diagnostics["subentries"][BOARD_SUBENTRY_ID]
    assert (board["title"], board["started"]) == ("Living room", False)
