"""Replayed node samples land in long-term statistics at their original hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest.mock import patch

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import async_import_statistics, get_metadata
from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.analysis.hourly import hourly_aggregates
from custom_components.py_iot_home.nodes import replay_statistics
from custom_components.py_iot_home.nodes.replay_statistics import (
    IMPORT_DELAY_S,
    REIMPORT_SPACING_S,
)

from .hourly_statistics import hourly_statistics
from .node_messages import (
    AVAILABILITY_TOPIC,
    REPLAY_TOPIC,
    STATE_TOPIC,
    discover_and_confirm,
    replay_payload,
    state_payload,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

NOW = datetime(2026, 5, 4, 12, 30, tzinfo=dt_util.UTC)
TEMPERATURE = "sensor.kitchen_pi_temperature"
HUMIDITY = "sensor.kitchen_pi_humidity"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _confirmed_online_node(hass: HomeAssistant) -> None:
    """The kitchen node discovered, confirmed without a secret, and online."""
    await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")


def _replay(hass: HomeAssistant, samples: list[tuple[datetime, float]], first_seq: int) -> None:
    """The node replays these (time, temperature) samples in one batch."""
    batch = replay_payload(
        [
            state_payload(first_seq + index, temperature=value, ts=when.timestamp())
            for index, (when, value) in enumerate(samples)
        ]
    )
    async_fire_mqtt_message(hass, REPLAY_TOPIC, batch)


async def _imports_after_replay(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    samples: list[tuple[datetime, float]],
    first_seq: int,
) -> int:
    """How many statistics imports the node's replay of `samples` makes, once they are due
    (an hour imported within the last minute is imported again a minute after)."""
    with patch.object(
        replay_statistics, "async_import_statistics", wraps=async_import_statistics
    ) as imported:
        _replay(hass, samples, first_seq)
        await hass.async_block_till_done()
        freezer.tick(timedelta(seconds=REIMPORT_SPACING_S))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    return imported.call_count


async def test_replay_imports_hours_at_their_times(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(NOW)
    await _confirmed_online_node(hass)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1, temperature=22.0))
    await hass.async_block_till_done()

    # The broker was away from 09:00 to 12:20: the node buffered a sample a minute.
    outage_start = NOW.replace(hour=9, minute=0)
    samples = [
        (outage_start + timedelta(minutes=minute), 20.0 + minute / 100) for minute in range(200)
    ]
    _replay(hass, samples, 2)
    await hass.async_block_till_done()
    freezer.tick(timedelta(seconds=IMPORT_DELAY_S))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)

    rows = await hourly_statistics(hass, TEMPERATURE, outage_start, NOW)
    assert [row["start"] for row in rows] == [
        (outage_start + timedelta(hours=hour)).timestamp() for hour in range(3)
    ]
    for hour, row in enumerate(rows):
        values = [value for _, value in samples[hour * 60 : (hour + 1) * 60]]
        assert row["mean"] == pytest.approx(np.mean(values), abs=1e-4)
        assert row["min"] == pytest.approx(min(values), abs=1e-4)
        assert row["max"] == pytest.approx(max(values), abs=1e-4)

    # The current hour (12:00) is imported once the recorder has compiled it.
    freezer.move_to(NOW.replace(hour=13, minute=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)
    rows = await hourly_statistics(
        hass, TEMPERATURE, NOW.replace(minute=0), NOW.replace(hour=13, minute=0)
    )
    assert len(rows) == 1
    live_and_replayed = [value for _, value in samples[180:]] + [22.0]
    assert rows[0]["mean"] == pytest.approx(np.mean(live_and_replayed), abs=1e-4)
    # The import labels units as the recorder's own compiling does (% is "unitless").
    metadata = await get_instance(hass).async_add_executor_job(
        lambda: get_metadata(hass, statistic_ids={TEMPERATURE, HUMIDITY})
    )
    assert metadata[TEMPERATURE][1]["unit_class"] == "temperature"
    assert metadata[HUMIDITY][1]["unit_class"] == "unitless"


@pytest.mark.parametrize("shown_in", ["its_own_setting", "the_homes_units"])
async def test_a_replay_keeps_the_unit_the_statistics_are_kept_in(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    shown_in: str,
) -> None:
    """A node's temperature shown in °F (every sensor's, in a home set to US units; or its
    own setting) has its statistics kept in °F. The replay's hours were imported in °C,
    which relabelled every hour compiled before: 12:00's 71.6 °F then read 160.9 °F."""
    freezer.move_to(NOW)
    if shown_in == "the_homes_units":
        hass.config.units = US_CUSTOMARY_SYSTEM
    await _confirmed_online_node(hass)
    if shown_in == "its_own_setting":
        er.async_get(hass).async_update_entity_options(
            TEMPERATURE, "sensor", {"unit_of_measurement": UnitOfTemperature.FAHRENHEIT}
        )
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1, temperature=22.0))
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == "71.6"
    await async_wait_recording_done(hass)
    # The recorder compiles 12:00 from the state it recorded, in °F.
    freezer.move_to(NOW.replace(hour=13, minute=1))
    hour = NOW.replace(minute=0)
    for minutes in range(0, 60, 5):
        do_adhoc_statistics(hass, start=hour + timedelta(minutes=minutes))
    do_adhoc_statistics(hass, start=hour, period="hourly")
    await async_wait_recording_done(hass)
    outage_start = NOW.replace(hour=9, minute=0)
    _replay(hass, [(outage_start + timedelta(minutes=m), 20.0) for m in range(60)], 2)
    await hass.async_block_till_done()
    freezer.tick(timedelta(seconds=IMPORT_DELAY_S))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    rows = await hourly_statistics(hass, TEMPERATURE, outage_start, hour + timedelta(hours=1))
    assert [(row["start"], row["mean"]) for row in rows] == [
        (outage_start.timestamp(), pytest.approx(68.0)),
        (hour.timestamp(), pytest.approx(71.6)),
    ]
    metadata = await get_instance(hass).async_add_executor_job(
        lambda: get_metadata(hass, statistic_ids={TEMPERATURE})
    )
    assert metadata[TEMPERATURE][1]["unit_of_measurement"] == UnitOfTemperature.FAHRENHEIT


@pytest.mark.parametrize(
    ("recorder_config", "disabled"),
    [({"exclude": {"entities": [TEMPERATURE]}}, False), (None, True)],
    ids=["excluded", "disabled"],
)
async def test_a_replay_writes_no_statistics_of_a_sensor_left_out_of_the_recorder(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    disabled: bool,
) -> None:
    """The user left the node's temperature out of the recorder (`recorder: exclude:`), or
    disabled it: Home Assistant keeps no new statistics of it, yet each replay imported its
    hours into long-term statistics. Its humidity still gets them."""
    freezer.move_to(NOW)
    await _confirmed_online_node(hass)
    if disabled:
        er.async_get(hass).async_update_entity(
            TEMPERATURE, disabled_by=er.RegistryEntryDisabler.USER
        )
    outage_start = NOW.replace(hour=9, minute=0)
    _replay(hass, [(outage_start + timedelta(minutes=m), 20.0) for m in range(60)], 2)
    await hass.async_block_till_done()
    freezer.tick(timedelta(seconds=IMPORT_DELAY_S))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    assert await hourly_statistics(hass, TEMPERATURE, outage_start, NOW) == []
    assert len(await hourly_statistics(hass, HUMIDITY, outage_start, NOW)) == 1


def test_hourly_aggregates_skip_empty_and_nan_hours() -> None:
    times = np.array([0.0, 10.0, 3600.0, 7300.0, 7400.0])
    values = np.array([1.0, 3.0, np.nan, 5.0, 7.0])
    aggregates = hourly_aggregates(times, values, [0, 3600, 7200, 10800])
    assert [(a.start_s, a.mean, a.minimum, a.maximum, a.count) for a in aggregates] == [
        (0, 2.0, 1.0, 3.0, 2),
        (7200, 6.0, 5.0, 7.0, 2),
    ]


async def test_a_replay_of_what_arrived_already_imports_nothing(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A node made to resend what Home Assistant has (a stranger's resend request to an
    unsigned node) changes no hour: nothing is imported again. A changed sample is."""
    freezer.move_to(NOW)
    await _confirmed_online_node(hass)
    outage_start = NOW.replace(hour=9, minute=0)

    async def imports_after(values: list[float], first_seq: int) -> int:
        samples = [
            (outage_start + timedelta(minutes=minute), value) for minute, value in enumerate(values)
        ]
        return await _imports_after_replay(hass, freezer, samples, first_seq)

    values = [20.0 + minute / 100 for minute in range(120)]
    assert await imports_after(values, 1) > 0
    assert await imports_after(values, 200) == 0
    values[30] = 25.0
    assert await imports_after(values, 400) > 0


async def test_a_fast_nodes_replay_of_what_arrived_imports_nothing(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A sample every 2 s is thinned to one per 10 s in the trend's store: sent again, the
    thinned-out samples are not news (nothing imported), nor samples from the future."""
    freezer.move_to(NOW)
    await _confirmed_online_node(hass)
    start = NOW.replace(hour=11, minute=0)
    samples = [(start + timedelta(seconds=2 * index), 20 + index / 100) for index in range(180)]

    assert await _imports_after_replay(hass, freezer, samples, 1) > 0
    assert await _imports_after_replay(hass, freezer, samples, 200) == 0
    assert "stamped in the future" not in caplog.text


async def test_a_replay_just_after_the_hour_waits_for_the_recorders_compile(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A replay five seconds into 13:00 (Home Assistant just restarted, the node resent the
    last hour) imported 12:00 before the recorder compiled it at 13:00:10: its compile then
    failed with duplicated rows, an ERROR and a traceback (the browser test's stack)."""
    freezer.move_to(NOW)
    await _confirmed_online_node(hass)
    hour = NOW.replace(minute=0)
    samples = [(hour + timedelta(minutes=minute), 21.0 + minute / 100) for minute in range(60)]
    freezer.move_to(hour + timedelta(hours=1, seconds=5))
    _replay(hass, samples, 1)
    await hass.async_block_till_done()
    freezer.tick(timedelta(seconds=IMPORT_DELAY_S))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    assert await hourly_statistics(hass, TEMPERATURE, hour, hour + timedelta(hours=1)) == []

    freezer.move_to(hour + timedelta(hours=1, minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)
    (row,) = await hourly_statistics(hass, TEMPERATURE, hour, hour + timedelta(hours=1))
    assert row["mean"] == pytest.approx(np.mean([value for _, value in samples]), abs=1e-4)
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
