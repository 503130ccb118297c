"""Assist: the default conversation agent controls LEDs and answers with sensor values."""

from __future__ import annotations

import logging
from datetime import timedelta

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.components.sensor import async_update_suggested_units
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import DOMAIN
from custom_components.py_iot_home.protocol import TopicKind
from custom_components.py_iot_home.trends.coordinator import TREND_CHANGED_EVENT

from .assist_sentences import ask, speech
from .fakes import FakeHardware
from .home_entry import BOARD_SUBENTRY_ID, feature
from .node_messages import NODE_ID, discover_and_confirm, state_payload
from .trend_samples import three_days_warming

TEMPERATURE_TREND = "sensor.living_room_living_room_temperature_trend"
HUMIDITY_TREND = "sensor.living_room_living_room_humidity_trend"
TEMPERATURE_RISING = "binary_sensor.living_room_living_room_temperature_rising"
TEMPERATURE = "sensor.living_room_living_room_temperature"


def _add_board_in_the_living_room(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """The board entry as the flow makes it with "Living room" in its area field."""
    entry.add_to_hass(hass)
    board = entry.subentries[BOARD_SUBENTRY_ID]
    hass.config_entries.async_update_subentry(
        entry, board, data={**board.data, "area": "Living room"}
    )


@pytest.fixture
async def assist(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """A board set up in the living room (the flow's area field), and the default agent."""
    ar.async_get(hass).async_get_or_create("Living room")
    _add_board_in_the_living_room(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    await hass.async_block_till_done()
    for entity_id in hass.states.async_entity_ids():
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)


@pytest.mark.usefixtures("assist")
async def test_turn_on_the_desk_led(hass: HomeAssistant, fake_hardware: FakeHardware) -> None:
    result = await ask(hass, "turn on the desk LED")
    assert result.response.response_type.value == "action_done", result.response.speech
    await hass.async_block_till_done()
    assert hass.states.get("switch.living_room_desk_led").state == "on"
    assert fake_hardware.rpi_gpio.levels[17] == 1


@pytest.mark.usefixtures("assist")
async def test_temperature_in_the_living_room(hass: HomeAssistant) -> None:
    result = await ask(hass, "what is the temperature in the living room")
    said = speech(result)
    assert result.response.response_type.value == "query_answer", said
    assert "21" in said


async def test_area_sensor_chosen_by_the_user_is_kept(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    areas = ar.async_get(hass)
    area = areas.async_get_or_create("Living room")
    hass.states.async_set(
        "sensor.thermostat", "20", {"device_class": "temperature", "unit_of_measurement": "°C"}
    )
    areas.async_update(area.id, temperature_entity_id="sensor.thermostat")
    _add_board_in_the_living_room(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    area = areas.async_get_area(area.id)
    assert area.temperature_entity_id == "sensor.thermostat"
    assert area.humidity_entity_id == "sensor.living_room_living_room_humidity"


async def test_a_disabled_climate_sensor_is_not_offered_to_the_area(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """A sensor the user disabled has no state; the area cannot take it, the board still sets up."""
    areas = ar.async_get(hass)
    area = areas.async_get_or_create("Living room")
    _add_board_in_the_living_room(hass, mock_config_entry)
    er.async_get(hass).async_get_or_create(
        "sensor",
        "py_iot_home",
        "board0001_humidity",
        config_entry=mock_config_entry,
        config_subentry_id=BOARD_SUBENTRY_ID,
        disabled_by=er.RegistryEntryDisabler.USER,
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    area = areas.async_get_area(area.id)
    assert area.temperature_entity_id == "sensor.living_room_living_room_temperature"
    assert area.humidity_entity_id is None


@pytest.mark.usefixtures("assist")
async def test_humidity_in_the_living_room(hass: HomeAssistant) -> None:
    humidity = hass.states.get("sensor.living_room_living_room_humidity").state
    for sentence in (
        "what is the humidity in the living room",
        "What's the humidity in the living room?",
        "how humid is the Living Room?",
    ):
        said = await _speech(hass, sentence)
        assert said == f"The humidity in the Living room is {humidity}\u00a0percent.", sentence


@pytest.mark.usefixtures("assist")
async def test_humidity_of_an_unknown_area(hass: HomeAssistant) -> None:
    assert await _speech(hass, "what is the humidity in the attic") == (
        "I do not know an area called attic."
    )


@pytest.mark.usefixtures("assist")
async def test_trend_not_ready_yet(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Until the window holds enough data the trend sensor has no slope: Assist says so.

    The clock is frozen: the expected times below and the answers' read it at different
    moments, which a minute ending in between set a minute apart.
    """
    trend = hass.states.get(TEMPERATURE_TREND)
    hass.states.async_set(TEMPERATURE_TREND, STATE_UNKNOWN, {**trend.attributes, "ready_at": None})
    assert await _speech(hass, "is the living room getting warmer") == (
        "Not enough data yet to tell whether the Living room is getting warmer or colder."
    )
    # With the time the trend expects to be ready, in the home's time zone, and the day in
    # words; a time gone by (a sensor that stopped sending) is left out.
    not_yet = "Not enough data yet to tell whether the Living room is getting warmer or colder"
    # Days added in UTC, as the trend's ready_at is: on the wall clock they were an hour off
    # within ten days of a DST change.
    now = dt_util.utcnow()
    in_two_days = dt_util.as_local(now + timedelta(days=2))
    in_ten_days = dt_util.as_local(now + timedelta(days=10))
    assert in_two_days.utcoffset() != timedelta(0)  # the harness's zone is not UTC
    expected = {
        now + timedelta(days=2): (
            f"{not_yet}; ask again after {in_two_days:%-I:%M %p} on {in_two_days:%A}."
        ),
        now + timedelta(days=10): (
            f"{not_yet}; ask again after {in_ten_days:%-I:%M %p} "
            f"on {in_ten_days.day} {in_ten_days:%B}."
        ),
        now - timedelta(days=2): f"{not_yet}.",
    }
    for ready, answer in expected.items():
        hass.states.async_set(
            TEMPERATURE_TREND, STATE_UNKNOWN, {**trend.attributes, "ready_at": ready.isoformat()}
        )
        assert await _speech(hass, "is it getting colder in the living room") == answer
    hass.states.async_set(
        TEMPERATURE_TREND, STATE_UNKNOWN, {**trend.attributes, "ready_at": "2026-02-30T00:00:00"}
    )
    assert await _speech(hass, "is the living room getting colder") == f"{not_yet}."


@pytest.mark.usefixtures("assist")
async def test_getting_warmer_and_colder_in_words(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Three days two degrees warmer a day, flat humidity: read from the trend sensors' states."""
    await three_days_warming(hass, mock_config_entry)
    slope = float(hass.states.get(TEMPERATURE_TREND).state)
    assert 1.5 < slope < 2.5
    assert await _speech(hass, "is the living room getting warmer") == (
        f"Yes, the Living room is getting warmer: {slope:+.1f}\u00a0°C a day over the last 3 days."
    )
    assert await _speech(hass, "Is the Living Room getting colder?") == (
        f"No, the Living room is getting warmer: {slope:+.1f}\u00a0°C a day over the last 3 days."
    )
    humidity_slope = float(hass.states.get(HUMIDITY_TREND).state)
    assert humidity_slope == pytest.approx(0.0, abs=1e-6)
    assert await _speech(hass, "is the living room getting more humid") == (
        f"No, the Living room is holding steady: {humidity_slope:+.2f}\u00a0percent a day "
        "over the last 3 days."
    )
    for sentence in (
        "what is the temperature trend in the living room",
        "whats the temperature trend of the Living Room?",
        "What's the temperature trend in the living room?",
        "how's the temperature trend in the living room",
    ):
        assert await _speech(hass, sentence) == (
            f"The Living room is getting warmer: {slope:+.1f}\u00a0°C a day over the last 3 days."
        )
    assert await _speech(hass, "is it getting warmer in the living room") == (
        f"Yes, the Living room is getting warmer: {slope:+.1f}\u00a0°C a day over the last 3 days."
    )
    assert await _speech(hass, "is it getting drier in the living room") == (
        f"No, the Living room is holding steady: {humidity_slope:+.2f}\u00a0percent a day "
        "over the last 3 days."
    )
    assert await _speech(hass, "is the living room getting louder") == (
        'I cannot tell whether a room is getting "louder"; ask whether it is getting '
        "warmer, colder, more humid or drier."
    )
    # Home Assistant's own intent answered these with the reading ("20.7 degrees").
    warmer = f"the Living room is getting warmer: {slope:+.1f}\u00a0°C a day over the last 3 days."
    for sentence, answer in (
        ("is the temperature rising in the living room?", f"Yes, {warmer}"),
        ("Is temperature going up in the Living Room", f"Yes, {warmer}"),
        ("is the living room warming up", f"Yes, {warmer}"),
        ("is it warming up in the living room?", f"Yes, {warmer}"),
        ("is the temperature falling in the living room", f"No, {warmer}"),
        ("is the living room cooling down", f"No, {warmer}"),
        ("is it cooling down in the living room", f"No, {warmer}"),
    ):
        assert await _speech(hass, sentence) == answer, sentence
    steady = (
        f"No, the Living room is holding steady: {humidity_slope:+.2f}\u00a0percent a day "
        "over the last 3 days."
    )
    for sentence in (
        "is the humidity rising in the living room",
        "is humidity dropping in the living room?",
    ):
        assert await _speech(hass, sentence) == steady, sentence


@pytest.mark.usefixtures("assist")
async def test_a_week_too_uneven_for_a_trend_is_no_clear_trend(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A full window whose days jump by degrees (weather, not a trend): the sensor says
    there is no clear trend, with no time to wait for, and so does Assist."""
    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - 7 * 86400 + 1800.0, now_s, 3600.0)  # hourly means, a week
    days = ((times - times[0]) // 86400).astype(int)
    day_means = np.array([5.0, 11.0, 2.0, 9.0, 1.0, 10.0, 4.0, 8.0])
    trend = feature(mock_config_entry).trend
    trend.add_samples("temperature", times, day_means[days] + 0.1 * np.sin(times / 3600.0))
    await trend.async_refresh()
    await hass.async_block_till_done()
    state = hass.states.get(TEMPERATURE_TREND)
    assert state.state == STATE_UNKNOWN
    assert state.attributes["unknown_reason"] == "no_clear_trend"
    assert state.attributes["method"] == "daily_means"
    assert "ready_at" not in state.attributes
    assert await _speech(hass, "is the living room getting warmer") == (
        "The temperature of the Living room has no clear trend: it went up and down too much "
        "over the last 7 days to tell whether it is getting warmer or colder."
    )


async def _poll_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, shown: str, *, after: timedelta
) -> None:
    """Let time pass by ``after``, then by polls, until the board's temperature shows ``shown``."""
    freezer.tick(after)
    for _ in range(10):
        freezer.tick(timedelta(seconds=61))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        if hass.states.get(TEMPERATURE).state == shown:
            return
    pytest.fail(f"the board's temperature never showed {shown}")


@pytest.mark.usefixtures("assist")
async def test_a_board_whose_sensor_stopped_reading_has_no_trend_until_it_reads_again(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The review's room: three days warming 2 degC a day, then no readings for two days
    (a DHT that keeps failing; a node unplugged is the same). Its temperature was
    unavailable, and its trend still said +2.0 degC/d, rising, "over the last 3 days"."""
    events = async_capture_events(hass, TREND_CHANGED_EVENT)
    await three_days_warming(hass, mock_config_entry)
    fake_hardware.dht.default_reading = (25.0, 45.0)
    # Polls on whole seconds, as the attribute says them.
    await _poll_until(
        hass,
        freezer,
        "25.0",
        after=timedelta(seconds=1, microseconds=-dt_util.utcnow().microsecond),
    )
    last_reading = dt_util.as_local(hass.states.get(TEMPERATURE).last_changed)
    assert hass.states.get(TEMPERATURE_RISING).state == "on"
    fake_hardware.dht.default_reading = None  # every read fails from now on
    await _poll_until(hass, freezer, STATE_UNAVAILABLE, after=timedelta(days=2))
    trend_coordinator = feature(mock_config_entry).trend
    await trend_coordinator.async_refresh()  # its 5-minute refresh, whenever it came
    await hass.async_block_till_done()
    for quantity, trend_id in (("temperature", TEMPERATURE_TREND), ("humidity", HUMIDITY_TREND)):
        trend = hass.states.get(trend_id)
        assert (trend.state, trend.attributes["unknown_reason"]) == (
            STATE_UNKNOWN,
            "no_recent_samples",
        )
        assert "direction" not in trend.attributes
        assert "ready_at" not in trend.attributes
        assert trend.attributes["last_sample_at"] == last_reading.isoformat()
        status_id = trend_id.replace("_trend", "_status")
        assert hass.states.get(status_id).state == "no_recent_samples"
        rising = hass.states.get(f"binary_sensor.living_room_living_room_{quantity}_rising")
        assert (rising.state, rising.attributes["unknown_reason"]) == (
            STATE_UNKNOWN,
            "no_recent_samples",
        )
    assert last_reading.utcoffset() != timedelta(0)  # said in the home's time zone
    assert await _speech(hass, "is the living room getting warmer") == (
        f"The Living room's temperature sensor has not reported since {last_reading:%-I:%M %p} on "
        f"{last_reading:%A}, so I cannot tell whether it is getting warmer or colder."
    )
    # Readings again: the trend comes back by itself with the first one (not minutes later
    # at the refresh), its direction as it was, no event.
    fake_hardware.dht.default_reading = (25.0, 45.0)
    await _poll_until(hass, freezer, "25.0", after=timedelta(0))
    assert float(hass.states.get(TEMPERATURE_TREND).state) == pytest.approx(2.0, abs=0.2)
    assert hass.states.get(TEMPERATURE_RISING).state == "on"
    assert events == []


async def _speech(hass: HomeAssistant, text: str) -> str:
    return speech(await ask(hass, text))


@pytest.mark.usefixtures("assist")
async def test_what_assist_says_when_it_cannot_answer(hass: HomeAssistant) -> None:
    ar.async_get(hass).async_get_or_create("Attic")
    answers = {
        "what is the humidity in the attic": "The Attic has no humidity sensor.",
        "is the attic getting colder": "The Attic has no temperature trend.",
        "is the cellar getting colder": "I do not know an area called cellar.",
        "what is the power forecast": "No power forecast is set up.",
        "when is the peak power": "No power forecast is set up.",
        "how much power are we using": (
            "No power sensor is set up: a power forecast, or a node with a power meter, gives one."
        ),
        "what is the temperature outside": (
            "I do not know the temperature outside: no outdoor sensor or weather entity is set "
            "up. A power forecast's settings take one."
        ),
        "how humid is it outside": (
            "I do not know the humidity outside: no outdoor humidity sensor or weather entity is "
            "set up. A power forecast's settings take one."
        ),
        # It said 'I cannot tell whether a room is getting "colder outside"'.
        "is it getting colder outside": (
            "I cannot tell the temperature trend outside: no outdoor sensor or weather entity is "
            "set up. A power forecast's settings take one."
        ),
        "is the outdoor humidity rising": (
            "I cannot tell the humidity trend outside: no outdoor humidity sensor or weather "
            "entity is set up. A power forecast's settings take one."
        ),
        # It said 'I cannot tell whether a room is getting "louder outside"'.
        "is it getting louder outside": (
            'I cannot tell whether it is getting "louder" outside; ask whether it is getting '
            "warmer, colder, more humid or drier outside."
        ),
    }
    for sentence, answer in answers.items():
        assert await _speech(hass, sentence) == answer
    # Only temperature and humidity trends are ours: other "... trend in ..." questions are
    # left to Home Assistant, not answered with "I cannot tell".
    assert "I cannot tell" not in await _speech(hass, "what is the pressure trend in the attic")
    trend = hass.states.get(TEMPERATURE_TREND)
    hass.states.async_set(TEMPERATURE_TREND, STATE_UNAVAILABLE, trend.attributes)
    assert await _speech(hass, "is the living room getting warmer") == (
        "The temperature trend of the Living room is unavailable right now."
    )
    humidity = hass.states.get("sensor.living_room_living_room_humidity")
    hass.states.async_set(humidity.entity_id, STATE_UNKNOWN, humidity.attributes)
    assert await _speech(hass, "what is the humidity in the living room") == (
        "The humidity sensor of the Living room has no reading now."
    )


async def test_sentences_work_when_conversation_was_set_up_first(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """Home Assistant's usual order: Assist runs before the integration is set up."""
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})
    ar.async_get(hass).async_get_or_create("Living room")
    _add_board_in_the_living_room(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    humidity = hass.states.get("sensor.living_room_living_room_humidity").state
    assert await _speech(hass, "what is the humidity in the living room") == (
        f"The humidity in the Living room is {humidity}\u00a0percent."
    )


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_node_moved_into_an_area_answers_for_it(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A node is confirmed first and given its area afterwards: Assist then knows the area's
    temperature and humidity at once, without a restart (Home Assistant's own temperature
    answer and ours both read the area's chosen sensors)."""
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, node.topic(TopicKind.STATE), state_payload(1, humidity=44.0))
    await hass.async_block_till_done(wait_background_tasks=True)
    for entity_id in hass.states.async_entity_ids():
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)
    kitchen = ar.async_get(hass).async_get_or_create("Kitchen")
    # The Kitchen has no humidity sensor yet: the node named like it, in no area, answers.
    assert await _speech(hass, "what is the humidity in the kitchen") == (
        "Kitchen Pi reads 44.0\u00a0percent."
    )
    devices = dr.async_get(hass)
    device = devices.async_get_device_by_identifier(
        (DOMAIN, f"node_{NODE_ID}"), node.config_entry.entry_id
    )
    devices.async_update_device(device.id, area_id=kitchen.id)
    await hass.async_block_till_done()
    kitchen = ar.async_get(hass).async_get_area(kitchen.id)
    assert kitchen.humidity_entity_id == "sensor.kitchen_pi_humidity"
    assert kitchen.temperature_entity_id == "sensor.kitchen_pi_temperature"
    assert await _speech(hass, "what is the humidity in the kitchen") == (
        "The humidity in the Kitchen is 44.0\u00a0percent."
    )
    result = await ask(hass, "what is the temperature in the kitchen")
    assert "22.5" in speech(result)


async def test_moving_a_board_keeps_an_area_choice_and_fills_an_empty_one(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """The area the board joins takes its sensors where it has none; the area it leaves
    stops answering with them (they would read another room)."""
    areas = ar.async_get(hass)
    bedroom = areas.async_get_or_create("Bedroom")
    hall = areas.async_get_or_create("Hall")
    hass.states.async_set(
        "sensor.thermostat", "20", {"device_class": "temperature", "unit_of_measurement": "°C"}
    )
    areas.async_update(hall.id, temperature_entity_id="sensor.thermostat")
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    board = await _move_board(hass, mock_config_entry, bedroom.id)
    bedroom = areas.async_get_area(bedroom.id)
    board_temperature, board_humidity = (
        bedroom.temperature_entity_id,
        bedroom.humidity_entity_id,
    )
    assert board_temperature is not None
    assert board_temperature.endswith("_temperature")
    assert board_humidity is not None
    assert board_humidity.endswith("_humidity")

    await _move_board(hass, mock_config_entry, hall.id)
    bedroom, hall = areas.async_get_area(bedroom.id), areas.async_get_area(hall.id)
    assert (bedroom.temperature_entity_id, bedroom.humidity_entity_id) == (None, None)
    assert (hall.temperature_entity_id, hall.humidity_entity_id) == (
        "sensor.thermostat",
        board_humidity,
    )
    # Renaming the device (no area change) offers nothing new.
    areas.async_update(hall.id, humidity_entity_id=None)
    dr.async_get(hass).async_update_device(board.id, name_by_user="Hall sensor")
    await hass.async_block_till_done()
    assert areas.async_get_area(hall.id).humidity_entity_id is None


async def test_a_cleared_area_sensor_stays_cleared_after_a_restart(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    areas = ar.async_get(hass)
    area = areas.async_get_or_create("Living room")
    _add_board_in_the_living_room(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert areas.async_get_area(area.id).humidity_entity_id is not None
    areas.async_update(area.id, humidity_entity_id=None, temperature_entity_id=None)
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    area = areas.async_get_area(area.id)
    assert (area.temperature_entity_id, area.humidity_entity_id) == (None, None)


async def test_a_sensor_whose_device_class_the_user_changed_is_not_offered(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """Home Assistant takes an area sensor by its state's device class: the board still
    sets up, and the area gets the sensor it can take."""
    areas = ar.async_get(hass)
    area = areas.async_get_or_create("Living room")
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    entities = er.async_get(hass)
    humidity = next(
        entity.entity_id
        for entity in er.async_entries_for_config_entry(entities, mock_config_entry.entry_id)
        if entity.original_device_class == "humidity"
    )
    entities.async_update_entity(humidity, device_class="moisture")
    await hass.async_block_till_done()
    assert hass.states.get(humidity).attributes["device_class"] == "moisture"
    await _move_board(hass, mock_config_entry, area.id)
    area = areas.async_get_area(area.id)
    assert area.temperature_entity_id is not None
    assert area.humidity_entity_id is None
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.LOADED


async def _move_board(hass: HomeAssistant, entry: MockConfigEntry, area_id: str) -> dr.DeviceEntry:
    """Put the board's device in the area, as its device page's area picker does."""
    devices = dr.async_get(hass)
    board = devices.async_get_device_by_identifier((DOMAIN, "board0001"), entry.entry_id)
    assert board is not None
    devices.async_update_device(board.id, area_id=area_id)
    await hass.async_block_till_done()
    return board


@pytest.mark.usefixtures("assist")
async def test_a_slope_past_the_threshold_but_uncertain_is_steady_as_the_rising_sensor_says(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A day and a half that warm by more than the threshold, in readings too noisy to be
    sure of it: the rising sensor stays off, and Assist agrees with it (it
    answered "getting warmer" from the slope alone) and says how far back it looked."""
    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - 36 * 3600.0, now_s, 900.0)
    days = (times - times[0]) / 86400
    trend = feature(mock_config_entry).trend
    noise = np.random.default_rng(7).normal(0.0, 1.5, len(times))
    trend.add_samples("temperature", times, 21.0 + 0.5 * days + noise)
    await trend.async_refresh()
    await hass.async_block_till_done()
    state = hass.states.get(TEMPERATURE_TREND)
    slope = float(state.state)
    (rising,) = (
        rising
        for rising in hass.states.async_all("binary_sensor")
        if rising.entity_id.endswith("living_room_temperature_rising")
    )
    assert slope > rising.attributes["threshold"] == 0.2
    assert rising.state == "off"
    assert state.attributes["direction"] == "steady"
    assert await _speech(hass, "is the living room getting warmer") == (
        f"No, the Living room is holding steady: {slope:+.1f}\u00a0°C a day over the last 36 hours."
    )


async def _node_in_no_area(hass: HomeAssistant, name: str | None = None) -> dr.DeviceEntry:
    """The kitchen node confirmed without an area (renamed `name`), with one reading."""
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})
    node = await discover_and_confirm(hass)
    devices = dr.async_get(hass)
    device = devices.async_get_device_by_identifier(
        (DOMAIN, f"node_{NODE_ID}"), node.config_entry.entry_id
    )
    if name is not None:
        device = devices.async_update_device(device.id, name_by_user=name)
    async_fire_mqtt_message(hass, node.topic(TopicKind.STATE), state_payload(1))
    await hass.async_block_till_done(wait_background_tasks=True)
    return device


async def _into_the_garage(hass: HomeAssistant, device: dr.DeviceEntry) -> None:
    """The device put in a new Garage area, its entities (and the area's) exposed to Assist."""
    garage = ar.async_get(hass).async_get_or_create("Garage")
    dr.async_get(hass).async_update_device(device.id, area_id=garage.id)
    await hass.async_block_till_done()
    for entity_id in hass.states.async_entity_ids():
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_the_temperature_of_a_node_in_no_area_is_answered(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A node confirmed without an area: "what is the temperature in the kitchen" (or of the
    Kitchen Pi) said Home Assistant knew no area or device of that name. Once the node is in
    an area, the area's question is Home Assistant's own again."""
    device = await _node_in_no_area(hass)
    for sentence in (
        "what is the temperature in the kitchen",
        "what's the temperature of the Kitchen Pi?",
        "how warm is it in the kitchen pi",
    ):
        assert await _speech(hass, sentence) == "Kitchen Pi reads 22.5\u00a0°C.", sentence

    kitchen = ar.async_get(hass).async_get_or_create("Kitchen")
    await hass.async_block_till_done()
    for entity_id in hass.states.async_entity_ids():
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)
    # An area of that name: "the kitchen" is the area's, the node's full name still its own.
    assert await _speech(hass, "what is the temperature of the kitchen pi") == (
        "Kitchen Pi reads 22.5\u00a0°C."
    )
    dr.async_get(hass).async_update_device(device.id, area_id=kitchen.id)
    await hass.async_block_till_done()
    result = await ask(hass, "what is the temperature in the kitchen")
    assert result.response.response_type.value == "query_answer", speech(result)
    assert "22.5" in speech(result)


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_the_humidity_of_a_node_in_no_area_is_answered(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A node renamed "Garage Pi", in no area: "what is the humidity in the garage" said no
    area is called garage, as the temperature did. Its own name now answers, both readings."""
    device = await _node_in_no_area(hass, "Garage Pi")
    for sentence in (
        "what is the humidity in the garage",
        "what's the humidity of the Garage Pi?",
        "how humid is it in the garage pi",
    ):
        assert await _speech(hass, sentence) == "Garage Pi reads 41.0\u00a0percent.", sentence
    assert await _speech(hass, "what is the temperature in the garage") == (
        "Garage Pi reads 22.5\u00a0°C."
    )

    await _into_the_garage(hass, device)
    # In the Garage area, the question is the area's again.
    assert await _speech(hass, "what is the humidity in the garage") == (
        "The humidity in the Garage is 41.0\u00a0percent."
    )
    # Asked by its whole name, the node answers wherever it is (it said "Garage Pi is in the
    # Shed: ask about the Shed", where Home Assistant answered its temperature).
    shed = ar.async_get(hass).async_get_or_create("Shed")
    dr.async_get(hass).async_update_device(device.id, area_id=shed.id)
    await hass.async_block_till_done()
    assert await _speech(hass, "what's the humidity of the Garage Pi?") == (
        "Garage Pi reads 41.0\u00a0percent."
    )


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_node_reading_is_said_as_its_device_page_shows_it(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """In °F a node's 19.7 °C is 67.46 °F in its state, 67.5 °F on its device page: Assist
    said "67.46 °F" (the walk of 2026-12-06: the meter's outdoor sensor was "44.258 °F" by
    its name and "44.3 °F outside" in the next answer), and a humidity of 84.04 "84.04
    percent" beside the page's 84.0 %. Both are rounded as shown now, by name and by area."""
    device = await _node_in_no_area(hass, "Garage Pi")
    # As Settings > System > General switches, its "update the unit of all sensors" ticked.
    hass.config.units = US_CUSTOMARY_SYSTEM
    async_update_suggested_units(hass)
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    node = entry.runtime_data.node
    async_fire_mqtt_message(
        hass, node.topic(TopicKind.STATE), state_payload(2, temperature=19.7, humidity=84.04)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.kitchen_pi_temperature").state == "67.46"
    assert hass.states.get("sensor.kitchen_pi_humidity").state == "84.04"
    assert await _speech(hass, "what is the temperature in the garage") == (
        "Garage Pi reads 67.5\u00a0°F."
    )
    assert await _speech(hass, "what's the humidity of the Garage Pi?") == (
        "Garage Pi reads 84.0\u00a0percent."
    )
    await _into_the_garage(hass, device)
    assert await _speech(hass, "what is the humidity in the garage") == (
        "The humidity in the Garage is 84.0\u00a0percent."
    )


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_node_named_like_an_area_without_sensors_answers_all_three_questions(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """The node Kitchen Pi in no area, and an area Kitchen with no sensor: its temperature got
    Home Assistant's "not aware of any climate in the Kitchen area", its humidity "The Kitchen
    has no humidity sensor", its trend "The Kitchen has no temperature trend". The node
    answers all three, by its name; once the area has sensors, the area answers again."""
    await _node_in_no_area(hass)
    areas = ar.async_get(hass)
    kitchen = areas.async_get_or_create("Kitchen")
    await hass.async_block_till_done()
    for entity_id in hass.states.async_entity_ids():
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)
    assert await _speech(hass, "what is the temperature in the kitchen") == (
        "Kitchen Pi reads 22.5\u00a0°C."
    )
    assert await _speech(hass, "how humid is it in the kitchen") == (
        "Kitchen Pi reads 41.0\u00a0percent."
    )
    assert (await _speech(hass, "is the kitchen getting warmer")).startswith(
        "Not enough data yet to tell whether Kitchen Pi is getting warmer or colder"
    )

    # A board in the Kitchen gives the area its sensors and trends: the area answers.
    entry = MockConfigEntry(domain="test")
    entry.add_to_hass(hass)
    entities = er.async_get(hass)
    for quantity, value, unit in (("temperature", "19.5", "°C"), ("humidity", "55", "%")):
        sensor = entities.async_get_or_create(
            "sensor", "test", f"kitchen_{quantity}", config_entry=entry
        )
        entities.async_update_entity(sensor.entity_id, area_id=kitchen.id)
        hass.states.async_set(
            sensor.entity_id, value, {"device_class": quantity, "unit_of_measurement": unit}
        )
        async_expose_entity(hass, conversation.DOMAIN, sensor.entity_id, True)
        areas.async_update(kitchen.id, **{f"{quantity}_entity_id": sensor.entity_id})
    await hass.async_block_till_done()
    result = await ask(hass, "what is the temperature in the kitchen")
    assert result.response.response_type.value == "query_answer", speech(result)
    assert "19.5" in speech(result)
    assert await _speech(hass, "how humid is it in the kitchen") == (
        "The humidity in the Kitchen is 55\u00a0percent."
    )
    # Asked by its whole name, the node still answers.
    assert await _speech(hass, "what is the temperature of the kitchen pi") == (
        "Kitchen Pi reads 22.5\u00a0°C."
    )


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_an_area_with_a_thermostat_answers_its_temperature_itself(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Home Assistant answers an area's temperature from a thermostat in it too: the node
    named like the area does not take the question from it."""
    await _node_in_no_area(hass)
    kitchen = ar.async_get(hass).async_get_or_create("Kitchen")
    entry = MockConfigEntry(domain="test")
    entry.add_to_hass(hass)
    entities = er.async_get(hass)
    thermostat = entities.async_get_or_create(
        "climate", "test", "kitchen_thermostat", config_entry=entry
    )
    entities.async_update_entity(thermostat.entity_id, area_id=kitchen.id)
    hass.states.async_set(
        thermostat.entity_id, "heat", {"current_temperature": 19.5, "temperature": 21}
    )
    await hass.async_block_till_done()
    for entity_id in hass.states.async_entity_ids():
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)
    result = await ask(hass, "what is the temperature in the kitchen")
    assert result.response.response_type.value == "query_answer", speech(result)
    assert "19.5" in speech(result)


@pytest.mark.usefixtures("assist")
async def test_a_device_named_like_the_place_asked_about_is_pointed_to(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A device "Garage Pi" in no area: "is the garage getting warmer" asked the user to give
    it an area, while "what is the temperature in the garage" answered from the device: its
    own trend answers now. In an area, the device is pointed to it."""
    devices = dr.async_get(hass)
    (board,) = [
        device
        for device in devices.devices
        if device.name == "Living room" and device.model is not None and "DHT" in device.model
    ]
    devices.async_update_device(board.id, name_by_user="Garage Pi", area_id=None)
    await three_days_warming(hass, mock_config_entry)
    slope = float(hass.states.get(TEMPERATURE_TREND).state)
    assert await _speech(hass, "is the garage getting warmer") == (
        f"Yes, Garage Pi is getting warmer: {slope:+.1f}\u00a0°C a day over the last 3 days."
    )
    assert await _speech(hass, "what is the temperature in the garage") == (
        f"Garage Pi reads {hass.states.get(TEMPERATURE).state}\u00a0°C."
    )
    shed = ar.async_get(hass).async_get_or_create("Shed")
    devices.async_update_device(board.id, area_id=shed.id)
    for sentence in ("what is the humidity in the garage", "is the garage getting warmer"):
        assert await _speech(hass, sentence) == "Garage Pi is in the Shed: ask about the Shed."
    # A word that names neither an area nor one of our devices.
    assert await _speech(hass, "what is the humidity in the gar") == (
        "I do not know an area called gar."
    )


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_attaching_the_sentences_again_is_not_logged_at_info(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Each registry change attaches the device sentences again, and each time Home
    Assistant's trigger helper said "Assist sentences: Initialized trigger" at info level:
    185 of the 199 lines the integration wrote in a short walk through script/develop."""
    caplog.set_level(logging.INFO, logger="custom_components.py_iot_home")
    device = await _node_in_no_area(hass, "Garage Pi")
    for name in ("Shed Pi", "Garage Pi"):
        dr.async_get(hass).async_update_device(device.id, name_by_user=name)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert await _speech(hass, "what is the temperature in the garage") == (
        "Garage Pi reads 22.5\u00a0°C."
    )
    chatter = [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.py_iot_home")
        and record.levelno >= logging.INFO
        and "Initialized trigger" in record.getMessage()
    ]
    assert chatter == []


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_another_entitys_change_leaves_the_device_sentences_attached(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Every registry change attached the device sentences again, the same ones: each time
    Home Assistant parsed all of Assist's trigger sentences again before the next question.
    Only a change of what the sentences say attaches them again."""
    caplog.set_level(logging.DEBUG, logger="custom_components.py_iot_home")
    device = await _node_in_no_area(hass, "Garage Pi")

    def attached() -> int:
        return sum("Initialized trigger" in record.getMessage() for record in caplog.records)

    before = attached()
    entities = er.async_get(hass)
    lamp = entities.async_get_or_create("light", "demo", "lamp", suggested_object_id="lamp")
    entities.async_update_entity(lamp.entity_id, name="Desk lamp")
    ar.async_get(hass).async_get_or_create("Attic")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert attached() == before
    dr.async_get(hass).async_update_device(device.id, name_by_user="Shed Pi")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert attached() > before
    assert (
        await _speech(hass, "what is the temperature in the shed") == "Shed Pi reads 22.5\u00a0°C."
    )


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.parametrize(
    "name",
    [
        "Garage Pi, north",
        "Garage Pi!",
        "Garage: Pi north",
        "Garage Pi\\",
        "Garage\\Pi",
        # Inside a word a semicolon made the group a permutation, which hassil then refused.
        "Garage;Pi",
        "Garage Pi;north",
    ],
)
async def test_a_device_named_with_punctuation_is_asked_by_its_words(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, name: str
) -> None:
    """A comma, colon or exclamation mark in a name (the user's rename, a node's announcement)
    made Home Assistant refuse every device sentence, so no device in no area answered:
    "I do not know an area called garage", and an error in the log. So did a backslash at its
    end, which escaped the template's closing parenthesis; inside, it joined two words."""
    await _node_in_no_area(hass, name)
    for sentence in (
        "what is the temperature in the garage",
        "what is the temperature of the garage pi north"
        if "north" in name
        else "what is the temperature of the garage pi",
    ):
        assert await _speech(hass, sentence) == f"{name} reads 22.5\u00a0°C.", sentence
