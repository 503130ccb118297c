"""What Assist says, read as a person hears it: capitals, clock times, no raw states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import CONF_NAME, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import area_registry as ar
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.py_iot_home.const import (
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
)

from .assist_sentences import NOT_EXPOSED, ask, expose, said, start_assist
from .fakes import FakeHardware
from .imported_statistics import imported
from .test_assist import TEMPERATURE as LIVING_ROOM_TEMPERATURE
from .test_assist import _add_board_in_the_living_room
from .test_predictor import (
    ENOUGH_DAYS,
    NOW,
    POWER,
    TEMPERATURE,
    _add_predictor,
    _hourly_statistics,
    _predictor_form,
    _seed,
    _set_states,
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def test_an_answer_begins_with_a_capital_and_a_name_keeps_its_own(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A forecast its user named "home forecast": the answer began "home forecast has no
    forecast". A meter named "eGauge mains" keeps its brand's spelling at a sentence's start
    ("EGauge" reads as a typo), after a sentence about the trend too."""
    freezer.move_to(NOW)
    _set_states(hass)
    form = await _predictor_form(hass)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"],
        {
            CONF_NAME: "home forecast",
            CONF_POWER_ENTITY: POWER,
            CONF_TEMPERATURE_ENTITY: TEMPERATURE,
            CONF_TRAINING_DAYS: 60,
            CONF_RETRAIN_HOURS: 24,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    hass.states.async_set(
        POWER, "100", {"unit_of_measurement": "W", "friendly_name": "eGauge mains"}
    )
    hass.states.async_set(
        TEMPERATURE, "4.5", {"unit_of_measurement": "°C", "friendly_name": "garden"}
    )
    await start_assist(hass)
    assert await said(hass, "how much power are we using") == "eGauge mains reads 100\u00a0W now."
    assert await said(hass, "is the power use rising") == (
        "eGauge mains keeps no power trend, so I cannot tell whether the home is using more "
        "power: a node's power meter, chosen as a power forecast's power sensor, keeps one. "
        "eGauge mains reads 100\u00a0W now."
    )
    # Within a sentence a name is as its user wrote it.
    assert await said(hass, "what is the temperature outside") == (
        "It is 4.5\u00a0°C outside (garden)."
    )
    assert await said(hass, "what is the power forecast") == (
        "Home forecast has no forecast: its power sensor recorded nothing for weeks."
    )


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_the_forecast_asked_in_the_present_tense(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "How much power do we use tomorrow" and the like were not understood (or "not aware of
    any device called power use tomorrow"): with a day, a part of it or a time they ask of the
    forecast as the future tense does. A meter's own "Energy usage today" stays its own."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    hass.states.async_set(
        "sensor.energy_usage_today",
        "5.2",
        {"friendly_name": "Energy usage today", "unit_of_measurement": "kWh"},
    )
    await start_assist(hass)
    tomorrow = await said(hass, "how much power will we use tomorrow")
    assert tomorrow.startswith("Tomorrow, Power forecast expects about "), tomorrow
    for sentence in (
        "how much power do we use tomorrow",
        "how much electricity do we need tomorrow?",
        "how much energy tomorrow",
        "what's our power use tomorrow",
        "what is the energy usage tomorrow",
        # Asked at 4:10 PM on Saturday, Sunday is tomorrow.
        "what's our electricity consumption on sunday",
    ):
        assert await said(hass, sentence) == tomorrow, sentence
    tonight = await said(hass, "how much power will we use tonight")
    assert tonight.startswith("Tonight, from 5:00 PM to 6:00 AM, Power forecast expects "), tonight
    for sentence in (
        "how much power do we use tonight",
        "how much power tonight",
        "what's the power usage tonight",
        # How high, in figures: no threshold says what "high" is.
        "will power be high tonight",
    ):
        assert await said(hass, sentence) == tonight, sentence
    for sentence, future in (
        ("how much power does the house use tomorrow morning", "… tomorrow morning"),
        ("how much energy do we use today", "… today"),
        ("how much power do we use at 6 pm", "… at 6 pm"),
        ("how much power do we use tomorrow at 7 am", "… tomorrow at 7 am"),
        ("how much power do we use between 6 and 9 pm", "… between 6 and 9 pm"),
    ):
        asked = future.replace("…", "how much power will we use")
        assert await said(hass, sentence) == await said(hass, asked), sentence
    # Of now, or a meter's own name: not the forecast's.
    assert await said(hass, "how much power do we use") == "Sorry, I couldn't understand that"
    assert await said(hass, "what's the energy usage today") == ("Energy usage today is 5.2 kWh")


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_midnight_and_noon_are_said_in_words(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "Ask again after 12:00 AM on Wednesday" was heard as Wednesday's noon or its end as
    often as its start; "from 6:00 AM to 12:00 PM" read as a clock, not as the morning. Asked
    at 4:10 PM on Saturday 28 February."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    await start_assist(hass)
    assert await said(hass, "how much power will we use on wednesday evening") == (
        "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
        "after midnight on Tuesday night, when it sees all of Wednesday evening, 4 March."
    )
    evening = await said(hass, "how much power will we use this evening")
    assert evening.startswith("This evening, from 5:00 PM to midnight, Power forecast "), evening
    morning = await said(hass, "how much power will we use tomorrow morning")
    assert morning.startswith("Tomorrow morning, from 6:00 AM to noon, Power forecast "), morning
    for sentence, when in (
        ("what will the power be at midnight", "at midnight tonight (likely "),
        ("what will the power be at noon", "at noon tomorrow (likely "),
    ):
        assert when in await said(hass, sentence), sentence


async def test_an_area_temperature_without_a_reading_is_said_plainly(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Home Assistant answers an area's temperature from its sensor, ours once the board is in
    the area, as its state and "degrees": the board's DHT22 failing, Assist said "unavailable
    degrees". While it has no reading Assist says so; once it reads, Home Assistant's own
    answer is back."""
    ar.async_get(hass).async_get_or_create("Living room")
    _add_board_in_the_living_room(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await start_assist(hass)
    sentences = (
        "what is the temperature in the living room",
        "What's the living room temperature?",
        "how warm is it in the living room",
    )
    reading = {sentence: await said(hass, sentence) for sentence in sentences}
    # Home Assistant's own answers, from the area's sensor or by the sensor's name.
    assert reading[sentences[0]] == "21.0 degrees", reading
    fake_hardware.dht.default_reading = None
    await _polls(hass, freezer, 4)
    assert hass.states.get(LIVING_ROOM_TEMPERATURE).state == STATE_UNAVAILABLE
    no_reading = "The temperature sensor of the Living room has no reading now."
    for sentence in sentences:
        assert await said(hass, sentence) == no_reading, sentence
    # Un-exposed, it is Home Assistant's to answer (from a thermostat, where there is one).
    expose(hass, LIVING_ROOM_TEMPERATURE, False)
    await hass.async_block_till_done()
    # Home Assistant's own: "Sorry, I am not aware of any climate in the Living room area".
    assert await said(hass, sentences[0]) not in (
        no_reading,
        f"Living room Temperature{NOT_EXPOSED}",
    )
    expose(hass, LIVING_ROOM_TEMPERATURE, True)
    await hass.async_block_till_done()
    assert await said(hass, sentences[0]) == no_reading
    fake_hardware.dht.default_reading = (21.0, 45.0)
    await _polls(hass, freezer, 1)
    for sentence in sentences:
        assert await said(hass, sentence) == reading[sentence], sentence


async def test_an_area_temperature_in_fahrenheit_is_said_as_shown(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """In a home set to °F Home Assistant's own answer says the converted state with all its
    digits: on the walk of 2026-12-07 "what is the temperature in the living room" was "72.14
    degrees" where the card showed 72.1 °F. The area's sentences are ours in °F, as shown."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    ar.async_get(hass).async_get_or_create("Living room")
    _add_board_in_the_living_room(hass, mock_config_entry)
    fake_hardware.dht.default_reading = (22.3, 45.0)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await start_assist(hass)
    # 22.3 °C is 72.14 °F by hand; the sensor shows a tenth.
    assert hass.states.get(LIVING_ROOM_TEMPERATURE).state == "72.14"
    for sentence in (
        "what is the temperature in the living room",
        "What's the living room temperature?",
        "how warm is it in the living room",
    ):
        assert await said(hass, sentence) == (
            "The temperature in the Living room is 72.1\u00a0°F."
        ), sentence
    # 21.0 °C is 69.8 °F, written as shown: still ours, not "69.8 degrees" one read in a few.
    fake_hardware.dht.default_reading = (21.0, 45.0)
    await _polls(hass, freezer, 1)
    assert hass.states.get(LIVING_ROOM_TEMPERATURE).state == "69.8"
    assert await said(hass, "what is the temperature in the living room") == (
        "The temperature in the Living room is 69.8\u00a0°F."
    )


async def test_who_answers_an_area_temperature_does_not_change_with_a_readings_digits(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """In °C Home Assistant's own answer stays, whatever a reading's digits: deciding by them
    (21.04 shown 21.0) handed the area's sentences back and forth with each reading, and each
    hand-over makes Home Assistant parse all of Assist's trigger sentences again."""
    ar.async_get(hass).async_get_or_create("Living room")
    _add_board_in_the_living_room(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await start_assist(hass)
    for reading in (21.04, 21.0, 21.06):
        fake_hardware.dht.default_reading = (reading, 45.0)
        await _polls(hass, freezer, 1)
        assert hass.states.get(LIVING_ROOM_TEMPERATURE).state == str(reading)
        result = await ask(hass, "what is the temperature in the living room")
        # Home Assistant's own answer is a query's; ours are a sentence trigger's.
        assert result.response.response_type.value == "query_answer", reading


async def _polls(hass: HomeAssistant, freezer: FrozenDateTimeFactory, count: int) -> None:
    """`count` of the board's polls (one a minute), and what they set off."""
    for _ in range(count):
        freezer.tick(timedelta(seconds=61))
        async_fire_time_changed(hass)
        # The read runs in the executor, as a background task.
        await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_trend_not_ready_makes_no_promise_while_its_sensor_reads_nothing(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A new board's trend says when to ask again: when it expects its first slope, counting
    on readings. With the DHT22 failing it still said "ask again after 3:44 AM tomorrow",
    a time that would come with no slope."""
    ar.async_get(hass).async_get_or_create("Living room")
    _add_board_in_the_living_room(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await start_assist(hass)
    asked = await said(hass, "is the living room getting warmer")
    assert asked.startswith(
        "Not enough data yet to tell whether the Living room is getting warmer or colder; "
        "ask again after "
    ), asked
    fake_hardware.dht.default_reading = None
    await _polls(hass, freezer, 4)
    for sentence, quantity, either in (
        ("is the living room getting warmer", "temperature", "warmer or colder"),
        ("is the humidity rising in the living room", "humidity", "more humid or drier"),
    ):
        assert await said(hass, sentence) == (
            f"Not enough data yet to tell whether the Living room is getting {either}; its "
            f"{quantity} sensor has no reading now."
        ), sentence
    assert await said(hass, "is it getting warmer") == (
        "Not enough data yet to tell whether any room is getting warmer or colder; no room's "
        "temperature sensor has a reading now."
    )


async def test_a_missing_sensor_is_named_by_the_forecast_that_reads_it(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A forecast's power or outdoor sensor removed from Home Assistant: Assist read out its
    entity id ("The power sensor sensor.demo_power is gone.")."""
    freezer.move_to(NOW)
    _set_states(hass)
    await _add_predictor(hass)
    await start_assist(hass)
    hass.states.async_remove(POWER)
    hass.states.async_remove(TEMPERATURE)
    assert await said(hass, "how much power are we using") == (
        "The power sensor Power forecast reads is missing: choose another in its settings."
    )
    assert await said(hass, "what is the temperature outside") == (
        "The outdoor temperature source Power forecast reads is missing: choose another in its "
        "settings."
    )
