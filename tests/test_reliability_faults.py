"""Sensor faults and restarts of the local board, on fake hardware and the recorder.

A seeded mix of failed, out-of-range, jumping and plausible DHT reads goes through the real
backend, filter and coordinator; every state the entities take and every state the recorder
keeps is checked. `PY_IOT_HOME_FAULT_POLLS` sets the number of polls (300 by default).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import history
from homeassistant.components.recorder.core import Recorder
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_ON,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_restore_state_shutdown_restart,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.board.runtime import BoardRuntimeData
from custom_components.py_iot_home.const import (
    CONF_FAILURE_THRESHOLD,
    DOMAIN,
)
from custom_components.py_iot_home.hardware.dht import DhtReading
from custom_components.py_iot_home.hardware.reading_filter import ReadingFilter

from .fakes import FakeHardware
from .home_entry import BOARD_SUBENTRY_ID, feature

TEMPERATURE = "sensor.living_room_temperature"
HUMIDITY = "sensor.living_room_humidity"
LED_UNIQUE_ID = "board0001_led_led00001"
POLL_S = 60
POLLS = int(os.environ.get("PY_IOT_HOME_FAULT_POLLS", "300"))
FAULT_SHARE = 0.3
DHT_PIN = 4
# The legacy driver tries three times before it gives up: one failed poll is three Nones.
READ_RETRIES = 3


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@dataclass
class FaultScript:
    """The scripted reads, what each was, and the mirror filter's verdicts."""

    plausible: set[tuple[float, float]] = field(default_factory=set)
    faults: int = 0
    expected_available: list[bool] = field(default_factory=list)


def _fault_script(hardware: FakeHardware, polls: int, seed: int, threshold: int) -> FaultScript:
    """Queue one DHT result per poll: 30 % failed, out of range or jumping, the rest plausible.

    No second jump comes before a plausible read: two reads that agree on a jump are, by
    design, a real change and accepted. The mirror filter, fed the same reads at the same
    times, says what availability the entities must show after each poll.
    """
    rng = random.Random(seed)
    script = FaultScript()
    mirror = ReadingFilter(max_consecutive_failures=threshold)
    temperature, humidity = 21.0, 45.0
    jump_pending = False
    now = dt_util.utcnow().timestamp()
    has_sample = True  # the first refresh (at setup) read the default 21.0 / 45.0
    mirror.accept(DhtReading(temperature, humidity), now)
    for poll in range(1, polls + 1):
        at = now + poll * POLL_S
        fault = ""
        if rng.random() < FAULT_SHARE:
            kinds = ["failed", "out_of_range", "jump"]
            if jump_pending:
                kinds.remove("jump")
            fault = rng.choice(kinds)
        jump_pending = (jump_pending or fault == "jump") and bool(fault)
        if fault == "failed":
            hardware.dht.script(DHT_PIN, *([None] * READ_RETRIES))
            mirror.record_failure()
        else:
            if fault == "out_of_range":
                reading = rng.choice([(95.0, 40.0), (-60.0, 40.0), (21.0, 140.0), (21.0, -3.0)])
            elif fault == "jump":
                sign = rng.choice([-1.0, 1.0])
                reading = (round(temperature + sign * rng.uniform(15, 40), 1), humidity)
            else:
                temperature = round(min(30.0, max(15.0, temperature + rng.uniform(-1, 1))), 1)
                humidity = round(min(70.0, max(30.0, humidity + rng.uniform(-3, 3))), 1)
                reading = (temperature, humidity)
                script.plausible.add(reading)
            hardware.dht.script(DHT_PIN, reading)
            verdict = mirror.accept(DhtReading(*reading), at)
            has_sample = has_sample or verdict.accepted
        script.faults += bool(fault)
        script.expected_available.append(has_sample and mirror.available)
    return script


async def _poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _record_states(hass: HomeAssistant, entity_ids: list[str]) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []

    def remember(event: Event[EventStateChangedData]) -> None:
        if (new := event.data["new_state"]) is not None:
            seen.append((new.entity_id, new.state))

    async_track_state_change_event(hass, entity_ids, remember)
    return seen


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def _history(hass: HomeAssistant, entity_id: str, start: datetime) -> list[str]:
    def read() -> list[str]:
        states = history.state_changes_during_period(hass, start, entity_id=entity_id)
        return [state.state for state in states.get(entity_id, [])]

    result: list[str] = await get_instance(hass).async_add_executor_job(read)
    return result


async def test_faulty_sensor_never_shows_absurd_values(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    start = dt_util.utcnow()
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    threshold = mock_config_entry.subentries[BOARD_SUBENTRY_ID].data[CONF_FAILURE_THRESHOLD]
    script = _fault_script(fake_hardware, POLLS, seed=2026, threshold=threshold)
    seen = _record_states(hass, [TEMPERATURE, HUMIDITY])
    plausible = {(21.0, 45.0), *script.plausible}
    temperatures = {f"{t}" for t, _ in plausible}
    humidities = {f"{h}" for _, h in plausible}

    for poll, available in enumerate(script.expected_available):
        await _poll(hass, freezer, POLL_S)
        shown = _state(hass, TEMPERATURE)
        assert (shown != STATE_UNAVAILABLE) == available, f"poll {poll + 1}"
        assert shown in temperatures or shown == STATE_UNAVAILABLE
    await async_wait_recording_done(hass)

    print(f"FAULTS polls={POLLS} faults={script.faults} states_seen={len(seen)}")
    assert script.faults >= POLLS * FAULT_SHARE * 0.7
    assert {state for entity_id, state in seen if entity_id == TEMPERATURE} - {
        STATE_UNAVAILABLE
    } <= temperatures
    assert {state for entity_id, state in seen if entity_id == HUMIDITY} - {
        STATE_UNAVAILABLE
    } <= humidities
    assert STATE_UNAVAILABLE in {state for _, state in seen}
    for entity_id, allowed in ((TEMPERATURE, temperatures), (HUMIDITY, humidities)):
        recorded = await _history(hass, entity_id, start)
        assert len(recorded) > 10
        assert set(recorded) - {STATE_UNAVAILABLE, STATE_UNKNOWN} <= allowed
    counts = feature(mock_config_entry).board.filter_counts
    assert counts.failed_reads + counts.rejected_out_of_range + counts.rejected_step == (
        script.faults
    )


async def test_restart_keeps_led_states_and_trend_context(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    led = er.async_get(hass).async_get_entity_id(Platform.SWITCH, DOMAIN, LED_UNIQUE_ID)
    assert led is not None
    await hass.services.async_call(Platform.SWITCH, SERVICE_TURN_ON, {ATTR_ENTITY_ID: led}, True)
    for step in range(30):
        fake_hardware.dht.script(DHT_PIN, (21.0 + step * 0.1, 45.0))
        await _poll(hass, freezer, POLL_S)
    await async_wait_recording_done(hass)
    runtime = feature(mock_config_entry)
    assert isinstance(runtime, BoardRuntimeData)
    samples_before = len(runtime.trend.store.buffer("temperature"))
    await runtime.trend.async_refresh()
    trend_before = hass.states.get("sensor.living_room_temperature_trend")
    assert trend_before is not None

    # Home Assistant stops mid-stream (restore state is written) and starts again.
    await async_mock_restore_state_shutdown_restart(hass)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _state(hass, led) == STATE_ON
    assert fake_hardware.rpi_gpio.levels[17] == 1
    runtime = feature(mock_config_entry)
    assert isinstance(runtime, BoardRuntimeData)
    # The fresh trend store got the stored samples back before the first new read.
    seeded = len(runtime.trend.store.buffer("temperature"))
    assert seeded >= samples_before
    # Half an hour is no trend yet, before as after; the context is the same.
    trend = hass.states.get("sensor.living_room_temperature_trend")
    assert trend is not None
    assert trend.state == trend_before.state == STATE_UNKNOWN
    assert trend.attributes["unknown_reason"] == "span_too_short"
    assert trend.attributes["samples"] >= trend_before.attributes["samples"] == samples_before
    assert trend.attributes["span_hours"] >= trend_before.attributes["span_hours"]


async def test_readded_board_trends_start_from_its_history(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for step in range(20):
        fake_hardware.dht.script(DHT_PIN, (21.0 + step * 0.1, 45.0))
        await _poll(hass, freezer, POLL_S)
    await async_wait_recording_done(hass)
    recorded = len(feature(mock_config_entry).trend.store.buffer("temperature"))

    # Removed (its entities leave the registry) and added again with the same board.
    board = mock_config_entry.subentries[BOARD_SUBENTRY_ID]
    assert hass.config_entries.async_remove_subentry(mock_config_entry, BOARD_SUBENTRY_ID)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (
        er.async_get(hass).async_get_entity_id(Platform.SENSOR, DOMAIN, "board0001_temperature")
        is None
    )
    again = ConfigSubentry(
        data=board.data, subentry_type=board.subentry_type, title=board.title, unique_id="board0001"
    )
    assert hass.config_entries.async_add_subentry(mock_config_entry, again)
    await hass.async_block_till_done(wait_background_tasks=True)

    runtime = feature(mock_config_entry, again.subentry_id)
    assert isinstance(runtime, BoardRuntimeData)
    # The sensors were registered only by the platforms; their history still seeded the store.
    assert len(runtime.trend.store.buffer("temperature")) >= recorded - 1
    # Twenty minutes of history are no trend yet, but they count towards one.
    trend = hass.states.get("sensor.living_room_temperature_trend")
    assert trend is not None
    assert trend.state == STATE_UNKNOWN
    assert trend.attributes["samples"] >= recorded - 1
