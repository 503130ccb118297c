"""Trend settings changed (a board's: in Reconfigure, with its polling) apply while running.

A reload takes a node's or board's entities away for a moment: "Connectivity: unavailable"
in the history, the temperature's graph broken, for a setting that only changes how the
trends are judged, or how often a board reads. A new window needs a store of another
length, and so a reload.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import (
    CONF_FAILURE_THRESHOLD,
    CONF_HUMIDITY_TREND_THRESHOLD,
    CONF_POLL_INTERVAL,
    CONF_TREND_MIN_SPAN_HOURS,
    CONF_TREND_THRESHOLD,
    CONF_WINDOW_DAYS,
)

from .fakes import FakeHardware
from .home_entry import async_configure_subentry, async_start_reconfigure, feature, settings
from .node_messages import NODE_ID, discover_and_confirm, state_payload
from .state_watch import record_unavailable

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

NODE_TREND = {
    CONF_WINDOW_DAYS: 7,
    CONF_TREND_THRESHOLD: 0.5,
    CONF_HUMIDITY_TREND_THRESHOLD: 2.5,
    CONF_TREND_MIN_SPAN_HOURS: 6,
}


async def _configure(hass: HomeAssistant, entry_id: str, values: dict[str, Any]) -> None:
    """A node's Configure."""
    result = await hass.config_entries.options.async_init(entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], values)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)


async def _configure_board(
    hass: HomeAssistant, entry: MockConfigEntry, values: dict[str, Any]
) -> None:
    """A board's Reconfigure, its polling, failures and trends."""
    result = await async_start_reconfigure(hass, entry)
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "settings"})
    result = await async_configure_subentry(hass, result["flow_id"], values)
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_nodes_thresholds_apply_without_a_reload(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, f"py_iot_home/{NODE_ID}/state", state_payload(1))
    await hass.async_block_till_done(wait_background_tasks=True)
    entry = node.config_entry
    runtime = entry.runtime_data
    unavailable = record_unavailable(hass)

    await _configure(hass, entry.entry_id, NODE_TREND)

    assert entry.runtime_data is runtime  # the same set-up: not reloaded
    assert unavailable == []
    assert runtime.trend.thresholds == {"dht1_temperature": 0.5, "dht1_humidity": 2.5}
    assert {s.min_span_s for s in runtime.trend.settings.values()} == {6 * 3600.0}
    rising = hass.states.get("binary_sensor.kitchen_pi_humidity_rising")
    assert rising.attributes["threshold"] == 2.5  # refreshed with the new setting at once

    # Another window is another store: that one reloads.
    await _configure(hass, entry.entry_id, {**NODE_TREND, CONF_WINDOW_DAYS: 3})
    assert entry.runtime_data is not runtime
    assert entry.runtime_data.trend.window_s == 3 * 86400.0


async def test_a_boards_polling_and_trend_settings_apply_without_a_reload(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    runtime = mock_config_entry.runtime_data
    unavailable = record_unavailable(hass)
    reading = {CONF_POLL_INTERVAL: 60, CONF_FAILURE_THRESHOLD: 3}

    await _configure_board(
        hass, mock_config_entry, {**reading, **NODE_TREND, CONF_TREND_THRESHOLD: 0.3}
    )

    assert mock_config_entry.runtime_data is runtime
    assert unavailable == []
    assert feature(mock_config_entry).trend.thresholds == {"temperature": 0.3, "humidity": 2.5}
    assert settings(mock_config_entry)[CONF_TREND_THRESHOLD] == 0.3

    # Its polling too: a reload took every board and forecast of the home entry away for a
    # moment (unavailable, then unknown, in their logbook) for a poll interval.
    await _configure_board(
        hass,
        mock_config_entry,
        {**NODE_TREND, CONF_POLL_INTERVAL: 30, CONF_FAILURE_THRESHOLD: 1},
    )
    assert mock_config_entry.runtime_data is runtime
    assert unavailable == []
    assert settings(mock_config_entry)[CONF_POLL_INTERVAL] == 30
    assert feature(mock_config_entry).board.update_interval.total_seconds() == 30
    # The new interval and threshold are the ones read by: one rejected read 30 s on is enough.
    fake_hardware.dht.script(4, (-100.0, 45.0))
    freezer.tick(timedelta(seconds=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.living_room_temperature").state == STATE_UNAVAILABLE
