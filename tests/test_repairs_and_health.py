"""Repair issues (native library, offline node, pin conflict) and system health."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home import repairs
from custom_components.py_iot_home.const import CONF_SECRET, DOMAIN
from custom_components.py_iot_home.system_health import system_health_info

from .fakes import install_fake_hardware
from .home_entry import BOARD_SUBENTRY_ID
from .node_messages import (
    ANNOUNCE_TOPIC,
    AVAILABILITY_TOPIC,
    NODE_ID,
    STATE_TOPIC,
    announce_payload,
    discover_and_confirm,
    state_payload,
)

STRINGS = Path(repairs.__file__).parent / "strings.json"


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


async def test_native_library_that_does_not_load(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repairs, "expected_native_library", lambda: "/x/libpyiot.so")
    monkeypatch.setattr(repairs, "backend_name", lambda: "numpy")
    assert await async_setup_component(hass, DOMAIN, {})
    issue = _issue(hass, "native_unusable")
    assert issue is not None
    assert issue.translation_placeholders == {"path": "/x/libpyiot.so"}
    monkeypatch.setattr(repairs, "backend_name", lambda: "native")
    repairs.async_check_native_library(hass)
    assert _issue(hass, "native_unusable") is None


async def test_native_library_loaded_here(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    assert _issue(hass, "native_unusable") is None


@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.usefixtures("mock_hass_config")
async def test_node_offline_for_a_day(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: ""})
    await hass.async_block_till_done()
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done()
    freezer.tick(timedelta(hours=23))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert _issue(hass, f"node_offline_{NODE_ID}") is None
    freezer.tick(timedelta(hours=1, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    issue = _issue(hass, f"node_offline_{NODE_ID}")
    assert issue is not None
    assert issue.translation_placeholders == {"name": "Kitchen Pi", "node_id": NODE_ID}
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await hass.async_block_till_done()
    assert _issue(hass, f"node_offline_{NODE_ID}") is None


@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.usefixtures("mock_hass_config")
async def test_a_deleted_nodes_repairs_go_with_it(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """A node deleted (gone for good, as its *offline for a day* repair suggests) left its
    repairs behind: "Kitchen Pi has been offline for a day" and its clock's stayed in the
    list, naming a node that no longer existed, until Home Assistant restarted."""
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    for seq in (1, 2, 3):
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(seq, ts=time.time() + 7200))
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done()
    freezer.tick(timedelta(days=1, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    issues = [f"node_offline_{NODE_ID}", f"node_clock_off_{NODE_ID}"]
    assert all(_issue(hass, issue_id) is not None for issue_id in issues)
    assert await hass.config_entries.async_remove(node.config_entry.entry_id)
    await hass.async_block_till_done()
    assert [issue_id for issue_id in issues if _issue(hass, issue_id) is not None] == []


async def test_pin_conflict_issue(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    hardware = install_fake_hardware(monkeypatch, rpi_gpio="missing")
    assert hardware.gpiod is not None
    hardware.gpiod.claim("/dev/gpiochip0", 17)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    issue = _issue(hass, f"pin_conflict_{BOARD_SUBENTRY_ID}")
    assert issue is not None
    assert "GPIO17" in issue.translation_placeholders["error"]


async def test_system_health(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    info = await system_health_info(hass)
    assert info["analysis_backend"] in {"native", "numpy"}
    assert info["boards_available"] == "1/1"
    assert info["nodes_online"] == "0/0"
    assert info["predictors_trained"] == "0/0"


def test_no_node_repair_puts_the_announced_name_in_its_markdown() -> None:
    """A repair's description is Markdown and its title plain text. A node's name is what it
    announced, anyone's on the broker: it may go in a title, never in a description."""
    issues = json.loads(STRINGS.read_text())["issues"]
    node_issues = {key: text for key, text in issues.items() if key.startswith("node_")}
    assert len(node_issues) == 5
    for key, text in node_issues.items():
        assert "{name}" not in text["description"], key
