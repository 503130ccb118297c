"""A reading restored from Home Assistant's restore state file is checked as a node's is.

The file is Home Assistant's own, but it may come back hand-edited, from another release or
another machine (a backup restored): what it says a sensor showed must be a reading the
sensor could show, read at a time that has been.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.restore_state import STORAGE_KEY, async_get
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
    async_mock_load_restore_state_from_storage,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from .fakes import FakeHardware
from .node_messages import (
    ANNOUNCE_TOPIC,
    STATE_TOPIC,
    announce_payload,
    announcement,
    state_payload,
)
from .polled_board import async_polled_board
from .test_node_restart_readings import TEMPERATURE, _node_reading, _started, _stopped
from .test_node_switch_states import record_states
from .test_restart_trend_values import DHT_PIN, READ_TRIES

BOARD_HUMIDITY = "sensor.living_room_humidity"

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]


async def _stopped_with(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entry: MockConfigEntry,
    entity_id: str = TEMPERATURE,
    whole: object = None,
    **edit: Any,
) -> None:
    """Home Assistant stops; the sensor's stored reading is edited in the file (`edit`), or
    replaced by `whole`, before the next start reads it."""
    # Unloaded first: an entity removed keeps its state in the restore cache, not the file.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await async_get(hass).async_dump_states()
    (stored,) = (
        item
        for item in hass_storage[STORAGE_KEY]["data"]
        if item["state"]["entity_id"] == entity_id
    )
    stored["extra_data"] = whole if whole is not None else stored["extra_data"] | edit
    await async_mock_load_restore_state_from_storage(hass)
    hass.states.async_remove(entity_id)


@pytest.mark.parametrize(
    "edit",
    [
        # sampled_at + the grace raised OverflowError: the sensor was never added (no entity).
        pytest.param({"sampled_at": "9999-12-31T23:59:59+00:00"}, id="year_9999"),
        # Shown as current, and written back at the stop as read in a year's time.
        pytest.param({"sampled_at": "in a year"}, id="a_year_ahead"),
        pytest.param({"native_value": 1e300}, id="beyond_any_temperature"),
        pytest.param({"native_value": -300.0}, id="below_absolute_zero"),
        # 72.5 °F shown as 72.5 °C.
        pytest.param({"native_value": 72.5, "native_unit_of_measurement": "°F"}, id="other_unit"),
    ],
)
async def test_a_restored_reading_the_sensor_could_not_have_shown_is_not_shown(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    edit: dict[str, Any],
) -> None:
    entry = await _node_reading(hass, mqtt_mock)
    if edit.get("sampled_at") == "in a year":
        edit["sampled_at"] = (dt_util.utcnow() + timedelta(days=365)).isoformat()
    await _stopped_with(hass, hass_storage, entry, **edit)
    freezer.tick(timedelta(seconds=20))
    changes = record_states(hass, TEMPERATURE)
    await _started(hass, mqtt_mock, entry, "online")
    assert changes == [(None, STATE_UNAVAILABLE)]
    assert caplog.text.count(f"{TEMPERATURE}: its reading from before the restart is not") == 1


async def test_a_boards_restored_humidity_above_100_percent_is_not_shown(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    board_data: dict[str, Any],
) -> None:
    """The board's first read after the start fails: its restored humidity showed 250 %."""
    entry = await async_polled_board(hass, board_data)
    fake_hardware.dht.script(DHT_PIN, *[None] * READ_TRIES)
    await _stopped_with(hass, hass_storage, entry, BOARD_HUMIDITY, native_value=250.0)
    freezer.tick(timedelta(seconds=30))
    changes = record_states(hass, BOARD_HUMIDITY)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert changes == [(None, STATE_UNAVAILABLE)]


async def test_a_strangers_day_long_interval_does_not_stretch_a_restored_reading(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """An unsigned node reads every 30 s; anyone may announce it at a day's interval. While
    Home Assistant runs, its readings' rhythm keeps their grace at 90 s; a restart forgot
    that rhythm, and with its reader stuck its last reading showed for three days."""
    entry = await _node_reading(hass, mqtt_mock)
    freezer.tick(timedelta(seconds=30))
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(51, temperature=22.6))
    strangers = announce_payload(replace(announcement(), interval_s=86_400))
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, strangers, retain=True)
    await hass.async_block_till_done()
    await _stopped(hass, entry)
    freezer.tick(timedelta(seconds=20))
    await _started(hass, mqtt_mock, entry, "online", announced=strangers)
    assert hass.states.get(TEMPERATURE).state == "22.6"
    freezer.tick(timedelta(seconds=71))  # 91 s after the node read it
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE


@pytest.mark.parametrize("whole", [["22.5"], "22.5", 22.5], ids=["list", "text", "number"])
async def test_stored_data_of_another_shape_restores_nothing(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    whole: object,
) -> None:
    """Home Assistant hands any non-empty JSON value over as the extra data: reading it as
    an object raised TypeError, and the sensor was never added (no entity at all)."""
    entry = await _node_reading(hass, mqtt_mock)
    await _stopped_with(hass, hass_storage, entry, whole=whole)
    freezer.tick(timedelta(seconds=20))
    changes = record_states(hass, TEMPERATURE)
    await _started(hass, mqtt_mock, entry, "online")
    assert changes == [(None, STATE_UNAVAILABLE)]
