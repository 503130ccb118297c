"""Red-team review: a flood of replay batches against the recorder's import queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.tasks import ImportStatisticsTask, RecorderTask
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.nodes.replay_statistics import (
    IMPORT_DELAY_S,
    REIMPORT_SPACING_S,
)

from .hourly_statistics import hourly_statistics
from .node_messages import REPLAY_TOPIC, discover_and_confirm, replay_payload, state_payload

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

NOW = datetime(2026, 5, 4, 12, 30, tzinfo=dt_util.UTC)
BATCHES = 200


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def test_a_flood_of_replay_batches_queues_one_import_per_sensor(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each batch with a past sample queued its own imports (two per sample, one per quantity).

    200 small batches queued 400 imports: a stream of them (an unsigned node's, or a
    compromised node's) outgrew the recorder's backlog, at which it stops recording.
    """
    freezer.move_to(NOW)
    await discover_and_confirm(hass)
    recorder = get_instance(hass)
    queued: list[RecorderTask] = []
    queue_task = recorder.queue_task

    def counting(task: RecorderTask) -> None:
        queued.append(task)
        queue_task(task)

    an_hour_ago = (NOW - timedelta(hours=1)).timestamp()
    with patch.object(recorder, "queue_task", counting):
        for index in range(BATCHES):
            sample = state_payload(10 + index, temperature=20.0, ts=an_hour_ago + index)
            async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload([sample]))
        await hass.async_block_till_done(wait_background_tasks=True)
        freezer.tick(timedelta(seconds=IMPORT_DELAY_S))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)
    imports = [task for task in queued if isinstance(task, ImportStatisticsTask)]
    assert len(imports) == 2


async def test_replayed_hours_older_than_the_trend_window_are_not_kept_for_an_import(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every replayed hour waited for the import, which searched the trend's samples once per
    hour and sensor on the event loop: batches from anyone (an unsigned node's) stamped an
    hour apart since 2000 made tens of thousands of searches per import, for hours the trend
    no longer holds and so can never import. Only the window's hours wait now."""
    freezer.move_to(NOW)
    node = await discover_and_confirm(hass)
    replay_statistics = node.config_entry.runtime_data.replay_statistics
    start = datetime(2001, 1, 1, tzinfo=dt_util.UTC).timestamp()
    seq = 2
    for _ in range(20):
        states = []
        for _ in range(200):
            states.append(state_payload(seq, ts=start + 3600 * seq))
            seq += 1
        async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload(states))
    # And the last day, an hour apart: these may still be imported.
    recent = NOW.timestamp() - 86_400
    states = [state_payload(seq + hour, ts=recent + 3600 * hour) for hour in range(24)]
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload(states))
    await hass.async_block_till_done()
    assert node.replayed_samples == 20 * 200 + 24
    # Two quantities, 24 or 25 hours each (the last day's first hour may straddle two).
    assert 2 * 24 <= replay_statistics.pending_hours <= 2 * 26
    freezer.tick(timedelta(seconds=IMPORT_DELAY_S))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    assert replay_statistics.imported_hours == 2 * 24


async def test_replays_spread_over_the_week_import_each_hour_once_a_minute(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Batches every 5 s, each with a sample in every hour of the trend's week (anyone's, for
    an unsigned node): each import re-imported every hour again, 2,740 rows a minute for one
    sensor (helper-110). An hour is imported again a minute later at the soonest, with every
    sample that came meanwhile: nothing is lost."""
    freezer.move_to(NOW)
    node = await discover_and_confirm(hass)
    replay_statistics = node.config_entry.runtime_data.replay_statistics
    week_ago = NOW.timestamp() - 7 * 86_400 + 3600
    hours = 7 * 24 - 2  # complete hours, compiled by the recorder: imported in the batch
    seq = 2
    for batch in range(12):
        states = []
        for hour in range(hours):
            ts = week_ago + 3600 * hour + 60 * batch
            states.append(state_payload(seq, temperature=20.0 + batch, ts=ts))
            seq += 1
        async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload(states))
        await hass.async_block_till_done()
        freezer.tick(timedelta(seconds=IMPORT_DELAY_S))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    # Two quantities: every hour once at the first import, none again within the minute.
    assert replay_statistics.imported_hours == 2 * hours
    freezer.tick(timedelta(seconds=REIMPORT_SPACING_S))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    assert replay_statistics.imported_hours == 2 * 2 * hours
    assert replay_statistics.pending_hours == 0
    rows = await hourly_statistics(
        hass, "sensor.kitchen_pi_temperature", NOW - timedelta(days=7), NOW
    )
    assert len(rows) == hours
    assert {(row["min"], row["max"]) for row in rows} == {(20.0, 31.0)}
