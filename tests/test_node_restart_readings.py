"""A node's readings across a restart of Home Assistant: the same values, no unavailable.

Home Assistant's restore state file is written at the stop and read at the start as Home
Assistant does (async_mock_restore_state_shutdown_restart); the start waits for the node's
retained availability and switch states as a real start does.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
    async_mock_restore_state_shutdown_restart,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.nodes.silence import MIN_SILENCE_S, SILENCE_CHECK_INTERVAL

from .node_messages import (
    ANNOUNCE_TOPIC,
    AVAILABILITY_TOPIC,
    REPLAY_TOPIC,
    STATE_TOPIC,
    announce_payload,
    published_resend_requests,
    replay_payload,
    retained_availability_delivered,
    state_payload,
    stored_node_entry,
)
from .test_node_switch_states import record_states, switch_states
from .test_restart_trend_values import shown_as_read

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

TEMPERATURE = "sensor.kitchen_pi_temperature"
HUMIDITY = "sensor.kitchen_pi_humidity"
# The kitchen node reads every 30 s: its readings stay current for 90 s (three intervals).
GRACE_S = MIN_SILENCE_S


async def _node_reading(hass: HomeAssistant, mqtt_mock: MqttMockHAClient) -> MockConfigEntry:
    """The kitchen node running, its latest reading 22.5 °C and 41 %."""
    entry = stored_node_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(50, temperature=22.5, humidity=41))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "22.5"
    assert hass.states.get(HUMIDITY).state == "41.0"
    return entry


async def _stopped(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Home Assistant stops: its restore state file is written, then read as a start does."""
    await async_mock_restore_state_shutdown_restart(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    for entity_id in (TEMPERATURE, HUMIDITY):
        hass.states.async_remove(entity_id)  # a new run's state machine has none yet


async def _started(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    entry: MockConfigEntry,
    availability: str,
    replayed: list[bytes] | None = None,
    announced: bytes | None = None,
) -> None:
    """Home Assistant starts; the broker hands over the node's retained availability and
    announcement (`announced`, else the node's own), and an online node answers the request
    with its switch states (no reading), then what it read meanwhile (`replayed`)."""
    hass.set_state(CoreState.not_running)
    mqtt_mock.async_publish.reset_mock()
    setup = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    await retained_availability_delivered(hass, entry, availability)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announced or announce_payload(), retain=True)
    await asyncio.sleep(0)
    if availability == "online":
        (request,) = published_resend_requests(mqtt_mock)
        # Numbered after what it read meanwhile (51 on), which it answers with next.
        async_fire_mqtt_message(
            hass, STATE_TOPIC, switch_states(51 + len(replayed or []), led=False)
        )
        await asyncio.sleep(0)
        async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload(replayed or [], ack=request.seq))
    assert await setup
    await hass.async_block_till_done()
    hass.set_state(CoreState.running)


async def test_a_restart_shows_the_nodes_last_reading_until_its_next(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """Restarted 20 s after the node's reading, Home Assistant showed the node's sensors
    unavailable until its next reading (up to its interval): now the same 22.5 °C and 41 %
    from the start, then the next reading; never unavailable between."""
    entry = await _node_reading(hass, mqtt_mock)
    await _stopped(hass, entry)
    freezer.tick(timedelta(seconds=20))
    changes = {entity_id: record_states(hass, entity_id) for entity_id in (TEMPERATURE, HUMIDITY)}
    await _started(hass, mqtt_mock, entry, "online")
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(52, temperature=22.7, humidity=40))
    await hass.async_block_till_done()
    assert changes == {
        TEMPERATURE: [(None, "22.5"), ("22.5", "22.7")],
        HUMIDITY: [(None, "41.0"), ("41.0", "40.0")],
    }


async def test_a_restored_reading_goes_when_the_node_stays_silent(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """A node online but not reading (a stuck reader) shows its last reading no longer than
    it would have without the restart: three intervals after the node read it."""
    entry = await _node_reading(hass, mqtt_mock)
    await _stopped(hass, entry)
    freezer.tick(timedelta(seconds=20))
    await _started(hass, mqtt_mock, entry, "online")
    assert hass.states.get(TEMPERATURE).state == "22.5"
    freezer.tick(timedelta(seconds=GRACE_S - 20 - 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == "22.5"
    freezer.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(HUMIDITY).state == STATE_UNAVAILABLE


def _read_while_down(down_s: float, last: float) -> list[bytes]:
    """The node's readings every 30 s while Home Assistant was down, the last one `last` s
    ago, 22.9 °C and 39 %."""
    now = dt_util.utcnow().timestamp()
    times = [now - last - 30.0 * step for step in range(int((down_s - last) // 30.0), -1, -1)]
    return [
        state_payload(51 + index, temperature=22.9 if at == times[-1] else 22.6, humidity=39, ts=at)
        for index, at in enumerate(times)
    ]


async def test_a_restart_longer_than_the_grace_shows_what_the_node_read_meanwhile(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """Down for three minutes, longer than the reading from before the stop stays current:
    the node's answer holds what it read meanwhile, and its newest reading, 10 s old, is the
    first state (it was unavailable until the node's next reading, up to 30 s)."""
    entry = await _node_reading(hass, mqtt_mock)
    await _stopped(hass, entry)
    freezer.tick(timedelta(minutes=3))
    changes = {entity_id: record_states(hass, entity_id) for entity_id in (TEMPERATURE, HUMIDITY)}
    await _started(hass, mqtt_mock, entry, "online", _read_while_down(180, last=10))
    assert changes == {TEMPERATURE: [(None, "22.9")], HUMIDITY: [(None, "39.0")]}
    # Current as long as a live reading 10 s old would be: stale at the silence check after.
    freezer.tick(timedelta(seconds=GRACE_S - 10 - 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == "22.9"
    freezer.tick(SILENCE_CHECK_INTERVAL + timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE


async def test_a_replayed_reading_older_than_the_grace_is_not_shown(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """A node whose reader stopped two minutes before the start: its replayed readings are
    history, not current values."""
    entry = await _node_reading(hass, mqtt_mock)
    await _stopped(hass, entry)
    freezer.tick(timedelta(minutes=4))
    changes = record_states(hass, TEMPERATURE)
    await _started(hass, mqtt_mock, entry, "online", _read_while_down(240, last=GRACE_S + 1))
    assert changes == [(None, STATE_UNAVAILABLE)]


async def _restarted_replaying_an_older_reading(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> list[tuple[str | None, str | None]]:
    """A restart 20 s after the node read 22.5 °C, its answer replaying the 21.0 °C it read
    30 s before that; the temperature's state changes from the start on."""
    entry = await _node_reading(hass, mqtt_mock)
    read_at = dt_util.utcnow().timestamp()
    await _stopped(hass, entry)
    freezer.tick(timedelta(seconds=20))
    changes = record_states(hass, TEMPERATURE)
    missed = state_payload(49, temperature=21.0, humidity=40, ts=read_at - 30)
    await _started(hass, mqtt_mock, entry, "online", [missed])
    return changes


async def test_a_replayed_reading_older_than_the_restored_one_is_not_shown(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """The node's answer at the start replays a reading it sent before the one shown at the
    stop (one Home Assistant had missed; anyone's, for an unsigned node): it was the first
    state, an older value in place of the newer one, until the node's next reading."""
    changes = await _restarted_replaying_an_older_reading(hass, mqtt_mock, freezer)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(52, temperature=22.7, humidity=40))
    await hass.async_block_till_done()
    assert changes == [(None, "22.5"), ("22.5", "22.7")]


async def test_a_restored_reading_that_expires_leaves_no_older_one_showing(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """The same, the node then silent: the restored reading goes at its grace, and the
    older replayed one does not show in its place."""
    changes = await _restarted_replaying_an_older_reading(hass, mqtt_mock, freezer)
    freezer.tick(timedelta(seconds=GRACE_S - 20 + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert changes == [(None, "22.5"), ("22.5", STATE_UNAVAILABLE)]


@pytest.mark.parametrize(
    ("availability", "down_s"),
    [
        ("offline", 20),  # the node went away while Home Assistant was down
        ("online", GRACE_S + 1),  # its reading is older than its rhythm explains
    ],
)
async def test_a_stale_reading_is_not_shown_after_a_restart(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    availability: str,
    down_s: float,
) -> None:
    """No reading shows as current that would not have without the restart."""
    entry = await _node_reading(hass, mqtt_mock)
    await _stopped(hass, entry)
    freezer.tick(timedelta(seconds=down_s))
    changes = record_states(hass, TEMPERATURE)
    await _started(hass, mqtt_mock, entry, availability)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=GRACE_S))
    await hass.async_block_till_done()
    assert changes == [(None, STATE_UNAVAILABLE)]


NODE_TREND_ENTITIES = (
    "sensor.kitchen_pi_temperature_trend",
    "sensor.kitchen_pi_temperature_status",
    "sensor.kitchen_pi_temperature_ready",
    "binary_sensor.kitchen_pi_temperature_rising",
)


@pytest.mark.parametrize(
    ("silent_for", "status"),
    [
        (timedelta(seconds=20), "shown"),
        (timedelta(minutes=40), "shown"),
        (timedelta(hours=3), "no_recent_samples"),
    ],
)
async def test_a_nodes_trend_reads_the_same_after_a_restart(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    silent_for: timedelta,
    status: str,
) -> None:
    """A week of a warming room, the node's last reading `silent_for` before the stop (a
    silent source's trend is held at its last reading): its trend reads the same right after
    the start, before the node reads again."""
    freezer.move_to(datetime(2026, 11, 9, 20, 0, tzinfo=UTC))
    entry = await _node_reading(hass, mqtt_mock)
    end_s = dt_util.utcnow().timestamp()
    times = np.arange(end_s - 6 * 86400.0, end_s, 600.0)
    days = (times - times[0]) / 86400.0
    noise = np.random.default_rng(7).normal(0.0, 0.1, times.size)
    values = np.round(20.0 + 0.3 * days + 1.5 * np.sin(2 * np.pi * days) + noise, 1)
    trend = entry.runtime_data.trend
    trend.add_samples("dht1_temperature", times, values)
    freezer.tick(silent_for)
    async_fire_time_changed(hass)
    await trend.async_refresh()
    await hass.async_block_till_done()
    before = shown_as_read(hass, NODE_TREND_ENTITIES)
    assert before["sensor.kitchen_pi_temperature_status"][0] == status
    await _stopped(hass, entry)
    for entity_id in NODE_TREND_ENTITIES:
        hass.states.async_remove(entity_id)
    freezer.tick(timedelta(seconds=30))
    changes = {entity_id: record_states(hass, entity_id) for entity_id in NODE_TREND_ENTITIES}
    await _started(hass, mqtt_mock, entry, "online")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert shown_as_read(hass, NODE_TREND_ENTITIES) == before
    # Written once, as before the stop: no unavailable (nor anything else) on the way.
    expected = {entity_id: [(None, before[entity_id][0])] for entity_id in NODE_TREND_ENTITIES}
    assert changes == expected
