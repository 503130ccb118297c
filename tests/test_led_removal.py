"""Removing an LED, from its board's Reconfigure or its device page, takes its device and switch."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.py_iot_home.const import CONF_LEDS, DOMAIN

from .fakes import FakeHardware
from .home_entry import (
    BOARD_SUBENTRY_ID,
    async_configure_subentry,
    async_start_reconfigure,
    feature,
    settings,
)

LED = "switch.desk_led"
LED_DEVICE = (DOMAIN, "board0001_led_led00001")
BOARD_DEVICE = (DOMAIN, "board0001")
PORCH = {
    "led_id": "led00002",
    "name": "Porch",
    "pin": 22,
    "active_high": True,
    "initial_on": False,
}


async def _open_remove_step(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    result = await async_start_reconfigure(hass, entry)
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "remove_led"})
    assert result["step_id"] == "remove_led"
    # The form starts with nothing ticked: submitting it as shown removes nothing.
    assert result["data_schema"]({}) == {CONF_LEDS: []}
    return result["flow_id"]


async def test_removed_led_takes_its_device_and_switch(
    hass: HomeAssistant, init_integration: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    devices, entities = dr.async_get(hass), er.async_get(hass)
    assert devices.async_get_device_by_identifier(LED_DEVICE, init_integration.entry_id) is not None
    assert entities.async_get(LED) is not None

    flow_id = await _open_remove_step(hass, init_integration)
    result = await async_configure_subentry(hass, flow_id, {CONF_LEDS: ["led00001"]})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "remove_led_confirm"
    assert result["description_placeholders"] == {
        "name": "Living room",
        "leds": "- Desk LED (GPIO17)",
    }
    assert settings(init_integration)[CONF_LEDS], "nothing goes before the user confirms"

    result = await async_configure_subentry(hass, flow_id, {})
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()
    assert settings(init_integration)[CONF_LEDS] == []
    assert devices.async_get_device_by_identifier(LED_DEVICE, init_integration.entry_id) is None
    assert entities.async_get(LED) is None
    assert hass.states.get(LED) is None
    assert 17 not in fake_hardware.rpi_gpio.levels
    # The board itself stays.
    assert (
        devices.async_get_device_by_identifier(BOARD_DEVICE, init_integration.entry_id) is not None
    )


async def test_submitting_nothing_removes_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    flow_id = await _open_remove_step(hass, init_integration)
    result = await async_configure_subentry(hass, flow_id, {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "nothing_removed"
    await hass.async_block_till_done()
    assert len(settings(init_integration)[CONF_LEDS]) == 1
    assert hass.states.get(LED) is not None


async def test_led_deleted_from_its_device_page_leaves_the_options(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_ws_client: WebSocketGenerator,
) -> None:
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_subentry(
        mock_config_entry,
        mock_config_entry.subentries[BOARD_SUBENTRY_ID],
        data={
            **settings(mock_config_entry),
            CONF_LEDS: [*settings(mock_config_entry)[CONF_LEDS], PORCH],
        },
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await async_setup_component(hass, "config", {})
    devices = dr.async_get(hass)
    led_device = devices.async_get_device_by_identifier(LED_DEVICE, mock_config_entry.entry_id)
    board_device = devices.async_get_device_by_identifier(BOARD_DEVICE, mock_config_entry.entry_id)
    assert led_device is not None
    assert board_device is not None

    runtime = feature(mock_config_entry)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": mock_config_entry.entry_id,
            "device_id": led_device.id,
        }
    )
    assert (await client.receive_json())["success"]
    await hass.async_block_till_done()
    assert [led["name"] for led in settings(mock_config_entry)[CONF_LEDS]] == ["Porch"]
    assert devices.async_get_device_by_identifier(LED_DEVICE, mock_config_entry.entry_id) is None
    assert er.async_get(hass).async_get(LED) is None
    assert hass.states.get("switch.porch").state == "off"
    # Its pin is free at once, and the board was not reloaded for it.
    assert 17 not in fake_hardware.rpi_gpio.levels
    assert feature(mock_config_entry) is runtime

    # The board's own device goes only with its entry.
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": mock_config_entry.entry_id,
            "device_id": board_device.id,
        }
    )
    response = await client.receive_json()
    assert not response["success"]
    # It said "Failed to remove device entry, rejected by integration", and not how.
    assert response["error"]["message"] == (
        "Living room is deleted on the Py IoT Home page: open the ⋮ menu of Living room there "
        "and choose Delete, which also forgets what it stored"
    )
    assert (
        devices.async_get_device_by_identifier(BOARD_DEVICE, mock_config_entry.entry_id) is not None
    )


async def test_stale_led_device_from_an_older_version_is_removed_at_setup(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """An LED dropped before this cleanup existed left its device behind: setup removes it."""
    mock_config_entry.add_to_hass(hass)
    devices = dr.async_get(hass)
    stale = devices.async_get_or_create(
        config_entry_id=mock_config_entry.entry_id,
        config_subentry_id=BOARD_SUBENTRY_ID,
        identifiers={(DOMAIN, "board0001_led_gone0001")},
        name="Old LED",
    )
    er.async_get(hass).async_get_or_create(
        "switch",
        DOMAIN,
        "board0001_led_gone0001",
        device_id=stale.id,
        config_entry=mock_config_entry,
        config_subentry_id=BOARD_SUBENTRY_ID,
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert devices.async_get(stale.id) is None
    assert (
        er.async_get(hass).async_get_entity_id("switch", DOMAIN, "board0001_led_gone0001") is None
    )
    assert (
        devices.async_get_device_by_identifier(LED_DEVICE, mock_config_entry.entry_id) is not None
    )
