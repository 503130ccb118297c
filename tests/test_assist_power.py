"""Assist and the home's power forecast: the power now, its peak, the temperature outside."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.const import (
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
    DOMAIN,
    SubentryKind,
)

from .assist_sentences import clock, said, start_assist
from .home_entry import async_configure_subentry, async_start_add
from .imported_statistics import async_import_once, imported
from .outdoor_weather import WEATHER, async_forecast_with_weather, set_home_sensors
from .test_assist_exposure import NOT_EXPOSED, expose, start_default_agent
from .test_predictor import (
    ENOUGH_DAYS,
    HUMIDITY,
    NOW,
    POWER,
    PREDICTED,
    TEMPERATURE,
    _add_predictor,
    _hourly_statistics,
    _import,
    _seed,
    _set_states,
)


# A weather entity outdoors, in °F: the home shows it in °C.
@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _shown_with(hass: HomeAssistant, entity_id: str, precision: int) -> None:
    """Give a plain state a registry entry shown with `precision` decimals, as a user may."""
    registry = er.async_get(hass)
    entry = registry.async_get_or_create(
        "sensor", "demo", entity_id, suggested_object_id=entity_id.removeprefix("sensor.")
    )
    assert entry.entity_id == entity_id
    registry.async_update_entity_options(entity_id, "sensor", {"display_precision": precision})


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_when_is_the_peak_power(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The hour of the highest forecast in the next 24 hours, in the home's time zone."""
    await _forecast_heard_at(hass, freezer, NOW)
    forecast = hass.states.get(PREDICTED).attributes["forecast"]
    assert len(forecast) == 24
    peak = max(forecast, key=lambda point: point["power_w"])
    start = dt_util.parse_datetime(peak["datetime"])
    assert start is not None
    assert start.utcoffset() == dt_util.as_local(NOW).utcoffset() != timedelta(0)
    day = "today" if start.date() == dt_util.as_local(NOW).date() else "tomorrow"
    watts = f"{math.floor(peak['power_w'] + 0.5):,}"
    assert start > dt_util.as_local(NOW)  # the hour under way is not the peak of this day
    for sentence in (
        "when is the peak power?",
        "When is peak electricity use",
        "when will our power use peak",
        "when do we use the most energy?",
        "when's the peak power",
        "what time is the peak electricity use",
    ):
        assert await said(hass, sentence) == (
            f"Power forecast expects the peak at {start:%-I:%M %p} {day}, about {watts}\u00a0W."
        ), sentence
    # Of today or tomorrow: that day's highest hour. At 16:10 in US/Pacific the forecast
    # reaches from 16:00 today to 16:00 tomorrow.
    local_now = dt_util.as_local(NOW)
    hours = [(dt_util.parse_datetime(point["datetime"]), point["power_w"]) for point in forecast]
    for day, date, reaches in (
        ("today", local_now.date(), ""),
        (
            "tomorrow",
            local_now.date() + timedelta(days=1),
            " (midnight to 4:00 PM, as far as it sees)",
        ),
    ):
        of_day = [(at, power) for at, power in hours if at is not None and at.date() == date]
        assert len(of_day) == {"today": 8, "tomorrow": 16}[day]
        at, power = max(of_day, key=lambda hour: hour[1])
        when = "this hour" if at <= local_now else f"at {at:%-I:%M %p} {day}"
        assert await said(hass, f"when is the peak power {day}") == (
            f"Power forecast expects the peak {when}, about {math.floor(power + 0.5):,}\u00a0W"
            f"{reaches}."
        ), day
    # "How much power will we use" is still the forecast, not the power now.
    assert (await said(hass, "how much power will we use")).startswith(
        "Power forecast expects about "
    )


async def test_how_much_power_are_we_using(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The forecast's power sensor now, rounded as the user has it shown."""
    freezer.move_to(NOW)
    _shown_with(hass, POWER, 0)
    _set_states(hass)
    await _add_predictor(hass)
    await start_assist(hass)
    hass.states.async_set(POWER, "1234.56", {"unit_of_measurement": "W", "friendly_name": "Meter"})
    for sentence in (
        "how much power are we using?",
        "How much electricity are we using right now",
        "what is the current power usage",
        "what's our power consumption now",
        # A walk's "what is the power now" was Home Assistant's "no device called power now".
        "what is the power now",
        "what's the electricity right now",
    ):
        assert await said(hass, sentence) == "Meter reads 1,235\u00a0W now.", sentence
    # A net meter below zero: the home gives power back.
    hass.states.async_set(POWER, "-310.4", {"unit_of_measurement": "W", "friendly_name": "Meter"})
    assert await said(hass, "how much power are we using") == (
        "Meter reads -310\u00a0W now: the home is sending 310\u00a0W to the grid."
    )
    # An energy meter can feed a forecast: its total is no power now.
    hass.states.async_set(POWER, "1234.5", {"unit_of_measurement": "kWh", "friendly_name": "Meter"})
    assert await said(hass, "how much power are we using") == (
        "Meter counts energy, not power: it cannot say what the home uses now."
    )
    hass.states.async_set(
        POWER, "unavailable", {"unit_of_measurement": "W", "friendly_name": "Meter"}
    )
    assert await said(hass, "how much power are we using") == "Meter has no reading now."


async def test_a_reading_of_more_digits_than_decimal_keeps_is_said_not_an_error(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Another integration's meter at 1e30 W (a cheap meter's glitch, a cloud API's bad
    value), or an outdoor sensor at 1e308 °C: rounding it as shown needs more than the 28
    digits Python's decimals keep, so Assist answered "An unexpected error occurred" and
    logged a traceback. It is said in full, as the frontend shows it."""
    freezer.move_to(NOW)
    _shown_with(hass, POWER, 0)
    _shown_with(hass, TEMPERATURE, 1)
    _set_states(hass)
    await _add_predictor(hass)
    await start_assist(hass)
    hass.states.async_set(POWER, "1e30", {"unit_of_measurement": "W", "friendly_name": "Meter"})
    assert await said(hass, "how much power are we using") == (
        f"Meter reads 1{',000' * 10}\u00a0W now."
    )
    hass.states.async_set(
        TEMPERATURE, "-1e308", {"unit_of_measurement": "°C", "friendly_name": "Garden"}
    )
    assert await said(hass, "what is the temperature outside") == (
        f"It is -100{',000' * 102}.0\u00a0°C outside (Garden)."
    )


async def test_what_is_the_temperature_outside(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The forecast's outdoor sensor, rounded as the user has it shown."""
    freezer.move_to(NOW)
    _shown_with(hass, TEMPERATURE, 1)
    _set_states(hass)
    await _add_predictor(hass)
    await start_assist(hass)
    hass.states.async_set(
        TEMPERATURE, "4.46", {"unit_of_measurement": "°C", "friendly_name": "Garden"}
    )
    for sentence in (
        "what is the temperature outside?",
        "What's the outdoor temperature",
        "how cold is it outside",
        "what is the temperature outside right now",
        "what's the temperature like outside",
    ):
        assert await said(hass, sentence) == "It is 4.5\u00a0°C outside (Garden).", sentence
    hass.states.async_set(TEMPERATURE, "unknown", {"friendly_name": "Garden"})
    assert await said(hass, "what is the temperature outside") == "Garden has no reading now."


async def test_what_is_the_humidity_outside(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The forecast's humidity sensor: "how humid is it outside" said "I do not know an
    area called it outside.", and "what is the outdoor humidity" that no device had that
    name, while the temperature outside was answered."""
    freezer.move_to(NOW)
    _shown_with(hass, HUMIDITY, 1)
    _set_states(hass)
    await _add_predictor(hass)
    await start_assist(hass)
    hass.states.async_set(
        HUMIDITY, "65.61", {"unit_of_measurement": "%", "friendly_name": "Garden"}
    )
    for sentence in (
        "how humid is it outside",
        "what is the humidity outside?",
        "What's the outdoor humidity",
    ):
        assert await said(hass, sentence) == (
            "The humidity outside is 65.6\u00a0percent (Garden)."
        ), sentence
    # A sensor is of one quantity: this one was "Garden humidity has no humidity now".
    hass.states.async_set(HUMIDITY, "unknown", {"friendly_name": "Garden humidity"})
    assert await said(hass, "how humid is it outside") == "Garden humidity has no reading now."


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_the_temperature_outside_from_the_weather(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A forecast set up with a weather entity and no outdoor sensor: the weather answers."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, WEATHER, outdoor_sensors=False)
    # 41.3 °F is 5.17 °C: the weather entity shows it in the home's unit, to a tenth.
    assert hass.states.get("weather.outdoor").attributes["temperature_unit"] == "°C"
    assert await said(hass, "what is the temperature outside") == (
        "It is 5.2\u00a0°C outside (Outdoor)."
    )
    # Its humidity too, without a humidity sensor.
    assert await said(hass, "how humid is it outside") == (
        "The humidity outside is 80\u00a0percent (Outdoor)."
    )
    # A weather entity is not exposed to Assist by default: un-exposed, it says so.
    expose(hass, "weather.outdoor", False)
    assert await said(hass, "what is the temperature outside") == f"Outdoor{NOT_EXPOSED}"
    assert await said(hass, "how humid is it outside") == f"Outdoor{NOT_EXPOSED}"


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_outside_the_homes_sensors_answer_before_the_weather(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """With outdoor sensors and a weather entity, both questions take the sensors: the
    temperature took the sensor and the humidity the weather, side by side 4.5 °C from the
    garden and 80 % from a weather service (the forecast learns the humidity from the sensor)."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, WEATHER)
    weather = hass.states.get("weather.outdoor").attributes
    assert (weather["temperature"], weather["humidity"]) == (5.2, 80)
    assert await said(hass, "what is the temperature outside") == (
        "It is 4.5\u00a0°C outside (Garden)."
    )
    assert await said(hass, "how humid is it outside") == (
        "The humidity outside is 84\u00a0percent (Garden humidity)."
    )


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_power_answers_say_where_to_expose_the_power_sensors(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Power sensors are not exposed by default: the power now and the forecast say so, and
    where to expose them; the temperature and humidity outside are answered out of the box."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    set_home_sensors(hass)
    await _add_predictor(hass)
    await start_default_agent(hass)
    predicted = hass.states.get(PREDICTED).name
    assert await said(hass, "how much power are we using") == f"Meter{NOT_EXPOSED}"
    assert await said(hass, "what is the power forecast") == f"{predicted}{NOT_EXPOSED}"
    assert await said(hass, "when is the peak power") == f"{predicted}{NOT_EXPOSED}"
    assert await said(hass, "what will the power be at 6 pm") == f"{predicted}{NOT_EXPOSED}"
    assert await said(hass, "what will the power be tonight") == f"{predicted}{NOT_EXPOSED}"
    assert await said(hass, "what will the power be this morning") == (
        f"This morning, from 6:00 AM to noon, has passed; {predicted}{NOT_EXPOSED}"
    )
    assert await said(hass, "what is the temperature outside") == (
        "It is 4.5\u00a0°C outside (Garden)."
    )
    assert await said(hass, "how humid is it outside") == (
        "The humidity outside is 84\u00a0percent (Garden humidity)."
    )

    expose(hass, POWER, True)
    expose(hass, PREDICTED, True)
    assert await said(hass, "how much power are we using") == "Meter reads 1,234.4\u00a0W now."
    assert (await said(hass, "what is the power forecast")).startswith(
        "Power forecast expects about "
    )

    expose(hass, TEMPERATURE, False)
    expose(hass, HUMIDITY, False)
    assert await said(hass, "what is the temperature outside") == f"Garden{NOT_EXPOSED}"
    assert await said(hass, "how humid is it outside") == f"Garden humidity{NOT_EXPOSED}"


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_what_will_the_power_be_at_a_time_of_day(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The forecast's row of that hour in the home's time zone: "what will the power be at
    6 pm" was Home Assistant's "not aware of any area called 6 pm"."""
    await _forecast_heard_at(hass, freezer, NOW)
    rows = {
        dt_util.parse_datetime(point["datetime"]): point
        for point in hass.states.get(PREDICTED).attributes["forecast"]
    }
    # 16:10 in US/Pacific: the forecast runs from 4:00 PM today to 4:00 PM tomorrow.
    local_now = dt_util.as_local(NOW)
    assert (local_now.hour, local_now.minute) == (16, 10)

    def expects(day: int, hour: int, when: str) -> str:
        start = local_now.replace(hour=hour, minute=0) + timedelta(days=day)
        point = rows[start]
        return (
            f"Power forecast expects about {_card(point['power_w'])} {when} (likely "
            f"{_card(point['low_w'])} to {_card(point['high_w'])})."
        )

    for sentence, day, hour, when in (
        ("what will the power be at 6 pm?", 0, 18, "at 6:00 PM today"),
        ("What will our power usage be at 6 p.m. today", 0, 18, "at 6:00 PM today"),
        ("how much power will we use at 18:00", 0, 18, "at 6:00 PM today"),
        ("what will the power consumption be at 6 o'clock", 0, 18, "at 6:00 PM today"),
        ("what is the power forecast for 7 am tomorrow?", 1, 7, "at 7:00 AM tomorrow"),
        ("what's the power forecast for 7 am", 1, 7, "at 7:00 AM tomorrow"),
        ("what will the electricity use be tomorrow at 7 am", 1, 7, "at 7:00 AM tomorrow"),
        ("what will the power be at noon", 1, 12, "at noon tomorrow"),
        ("what will the power be at midnight", 1, 0, "at midnight tonight"),
        # 3 pm has gone by today: the next is tomorrow's, the forecast's last hour.
        ("what will the power be at 3 pm", 1, 15, "at 3:00 PM tomorrow"),
        ("what will the power be at 6:30 pm", 0, 18, "from 6:00 PM to 7:00 PM today"),
        ("what will the power be at 6.30 pm", 0, 18, "from 6:00 PM to 7:00 PM today"),
        ("what will the power be at half past six", 0, 18, "from 6:00 PM to 7:00 PM today"),
        # Said as a clock is read aloud; "half six" is British English for 6:30.
        ("what will the power be at six thirty pm", 0, 18, "from 6:00 PM to 7:00 PM today"),
        ("what will the power be at half six", 0, 18, "from 6:00 PM to 7:00 PM today"),
        ("what will the power be at twenty past six", 0, 18, "from 6:00 PM to 7:00 PM today"),
        ("what will the power be at ten to seven", 0, 18, "from 6:00 PM to 7:00 PM today"),
        (
            "what will the power be at a quarter to seven tomorrow morning",
            1,
            6,
            "from 6:00 AM to 7:00 AM tomorrow",
        ),
        # 4 pm is the hour under way.
        ("what will the power be at 4 pm", 0, 16, "this hour"),
        # Other ways to ask: "going to be", in watts, "be using".
        ("what's the power going to be at 7 tonight", 0, 19, "at 7:00 PM today"),
        ("how many watts will we use at 6 pm", 0, 18, "at 6:00 PM today"),
        ("how much power will we be using at 6 pm", 0, 18, "at 6:00 PM today"),
        ("what's the electricity usage forecast for 6 pm", 0, 18, "at 6:00 PM today"),
        ("what will the power draw be at 6 pm", 0, 18, "at 6:00 PM today"),
        ("how much power are we going to use at 6 pm", 0, 18, "at 6:00 PM today"),
        ("how many kW will we use at 6 pm", 0, 18, "at 6:00 PM today"),
        ("what will the power be at 1800", 0, 18, "at 6:00 PM today"),
    ):
        assert await said(hass, sentence) == expects(day, hour, when), sentence
    assert await said(hass, "what will the power be at 5 pm tomorrow") == (
        "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
        "after 6:00 PM today."
    )
    # A time of today gone by, its time said as the other answers say it: "It is past 6 am
    # today; ask about tomorrow." echoed the words asked.
    for sentence in (
        "what will the power be at 6 am today",
        "what will the power be today at 6 am",
    ):
        assert await said(hass, sentence) == (
            "6:00 AM today has passed; Power forecast sees from 4:00 PM today to 4:00 PM tomorrow."
        ), sentence
    assert await said(hass, "what will the power be at banana") == (
        'I do not understand "banana" as a time of day; ask, for example, "what will the '
        'power be at 6 pm?"'
    )
    # "For tomorrow" fits "for {time}" too: still the day's answer.
    assert (await said(hass, "what's the power forecast for tomorrow")).startswith(
        "Tomorrow, Power forecast expects about "
    )


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_tonight_is_todays_night(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """At 11:30 PM, "at 9 pm tonight" answered tomorrow's 9 PM; tonight's evening is today's,
    and its small hours come after its midnight."""
    await _forecast_heard_at(hass, freezer, NOW)
    # Asked at 11:30 PM, once the forecast has followed the clock there.
    evening = dt_util.as_local(NOW).replace(hour=23, minute=30)
    freezer.move_to(evening)
    async_fire_time_changed(hass, evening)
    await hass.async_block_till_done(wait_background_tasks=True)
    rows = {
        dt_util.parse_datetime(point["datetime"]): point
        for point in hass.states.get(PREDICTED).attributes["forecast"]
    }
    assert (min(rows), max(rows)) == (
        evening.replace(minute=0),
        evening.replace(minute=0) + timedelta(hours=23),
    )

    def expects(start_in: timedelta, when: str) -> str:
        point = rows[evening.replace(minute=0) + start_in]
        return (
            f"Power forecast expects about {_card(point['power_w'])} {when} (likely "
            f"{_card(point['low_w'])} to {_card(point['high_w'])})."
        )

    seen = "Power forecast sees from 11:00 PM today to 11:00 PM tomorrow."
    for sentence, answer in (
        ("what will the power be at 9 pm tonight", f"9:00 PM today has passed; {seen}"),
        ("what will the power be at 9 tonight", f"9:00 PM today has passed; {seen}"),
        ("what will the power be at 8:30 this evening", f"8:30 PM today has passed; {seen}"),
        ("what will the power be at 7 this morning", f"7:00 AM today has passed; {seen}"),
        ("what will the power be at 11 pm tonight", expects(timedelta(), "this hour")),
        (
            "what will the power be at 1 am tonight",
            expects(timedelta(hours=2), "at 1:00 AM tomorrow"),
        ),
        (
            "what will the power be at midnight tonight",
            expects(timedelta(hours=1), "at midnight tonight"),
        ),
    ):
        assert await said(hass, sentence) == answer, sentence


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_tomorrow_morning_evening_and_night_are_tomorrows(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "At 7 tomorrow morning", "at 9 tomorrow evening", "at 10 tomorrow night" were no
    time of day; tomorrow night's small hours come after tomorrow's midnight."""
    await _forecast_heard_at(hass, freezer, NOW)
    # 16:10 in US/Pacific: the forecast runs from 4:00 PM today to 4:00 PM tomorrow.
    local_now = dt_util.as_local(NOW)

    def expects(day: int, hour: int, when: str) -> str:
        return _expects(hass, local_now.replace(hour=hour, minute=0) + timedelta(days=day), when)

    def beyond(ask_after: str) -> str:
        return (
            "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
            f"after {ask_after}."
        )

    for sentence, answer in (
        ("what will the power be at 7 tomorrow morning", expects(1, 7, "at 7:00 AM tomorrow")),
        ("what will the power be at 7 am tomorrow morning", expects(1, 7, "at 7:00 AM tomorrow")),
        (
            "what will the power be tomorrow at 7 in the morning",
            expects(1, 7, "at 7:00 AM tomorrow"),
        ),
        (
            "what will the power be at 2 tomorrow afternoon",
            expects(1, 14, "at 2:00 PM tomorrow"),
        ),
        ("what will the power be at 8 in the evening", expects(0, 20, "at 8:00 PM today")),
        ("what will the power be at 9 tomorrow evening", beyond("10:00 PM today")),
        ("what will the power be at 10 tomorrow night", beyond("11:00 PM today")),
        # Tomorrow night's 1 AM is the day after tomorrow's, which no forecast sees yet.
        ("what will the power be at 1 tomorrow night", beyond("2:00 AM tomorrow")),
        (
            "what will the power be at 9 am tomorrow evening",
            'I do not understand "9 am tomorrow evening" as a time of day; ask, for example, '
            '"what will the power be at 6 pm?"',
        ),
    ):
        assert await said(hass, sentence) == answer, sentence


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_tomorrow_night_asked_in_the_small_hours_is_the_next_night(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """At 00:30, "at 1 am tomorrow night" answered of the small hours two days on (48.5 hours
    ahead): tonight is then the night under way, and tomorrow night the one after it, which
    begins this evening, as at 11:30 PM (its 1 AM about 24.5 hours ahead)."""
    await _forecast_heard_at(hass, freezer, NOW)
    small_hours = dt_util.as_local(NOW).replace(hour=0, minute=30) + timedelta(days=1)
    freezer.move_to(small_hours)
    async_fire_time_changed(hass, small_hours)
    await hass.async_block_till_done(wait_background_tasks=True)
    midnight = small_hours.replace(minute=0)
    assert min(_rows(hass)) == midnight.astimezone(dt_util.UTC)
    # Said first, as for any "tomorrow" asked in the small hours.
    taken = "It's after midnight, so I take tomorrow night as Sunday night. "
    for sentence, answer in (
        (
            "what will the power be at 1 am tomorrow night",
            f"{taken}Power forecast forecasts the next 24 hours only, up to midnight at the end "
            "of Sunday; ask again after 2:00 AM today.",
        ),
        (
            "what will the power be at 10 tomorrow night",
            taken + _expects(hass, midnight.replace(hour=22), "at 10:00 PM today"),
        ),
        (
            "what will the power be tomorrow night",
            f"{taken}Power forecast forecasts the next 24 hours only, up to midnight at the end "
            "of Sunday; ask again after 6:00 AM today, when it sees all of tomorrow night.",
        ),
        # Tonight is still the night under way.
        (
            "what will the power be tonight",
            _over(
                hass,
                "For the rest of tonight, from 12:30 AM to 6:00 AM",
                _hourly(midnight, 6),
                first_share=0.5,
            ),
        ),
    ):
        assert await said(hass, sentence) == answer, sentence


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_forecast_not_remade_yet_sends_no_one_to_a_time_gone_by(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """At 5:00:30 PM, before the forecast is remade a minute past the hour, it reaches 4:00 PM
    tomorrow: "at 4 pm tomorrow" said "ask again after 5:00 PM today", a time gone by. Now it
    says to ask once this hour's forecast is made, and then it answers."""
    await _forecast_heard_at(hass, freezer, NOW)
    five_pm = dt_util.as_local(NOW).replace(hour=17, minute=0)
    late = five_pm + timedelta(seconds=30)
    freezer.move_to(late)
    async_fire_time_changed(hass, late)
    await hass.async_block_till_done(wait_background_tasks=True)
    # The hours of the forecast made at 4:01 PM that have not ended: 5 PM to 3 PM tomorrow.
    assert (min(_rows(hass)), max(_rows(hass))) == (
        five_pm.astimezone(dt_util.UTC),
        (five_pm + timedelta(hours=22)).astimezone(dt_util.UTC),
    )
    not_yet = "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
    for sentence, answer in (
        (
            "what will the power be at 4 pm tomorrow",
            f"{not_yet}once this hour's forecast is made.",
        ),
        (
            "how much power will the house use tomorrow afternoon",
            f"{not_yet}once this hour's forecast is made, when it sees all of tomorrow afternoon.",
        ),
        # A time the next forecasts will see is said as before.
        ("what will the power be at 5 pm tomorrow", f"{not_yet}after 6:00 PM today."),
    ):
        assert await said(hass, sentence) == answer, sentence
    # Remade a minute past the hour, it sees them.
    remade = five_pm + timedelta(minutes=1)
    freezer.move_to(remade)
    async_fire_time_changed(hass, remade)
    await hass.async_block_till_done(wait_background_tasks=True)
    tomorrow_four_pm = five_pm + timedelta(days=1, hours=-1)
    assert await said(hass, "what will the power be at 4 pm tomorrow") == _expects(
        hass, tomorrow_four_pm, "at 4:00 PM tomorrow"
    )


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_part_of_the_day_said_before_the_time(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "What will the power be tomorrow morning at 7" was Home Assistant's "Sorry, I am not
    aware of any area called 7"; "tonight at 9", "this evening at 8" the same, "in the
    morning at 7" "… called morning at 7"."""
    await _forecast_heard_at(hass, freezer, NOW)
    # 16:10 in US/Pacific: the forecast runs from 4:00 PM today to 4:00 PM tomorrow.
    local_now = dt_util.as_local(NOW)

    def expects(day: int, hour: int, when: str) -> str:
        return _expects(hass, local_now.replace(hour=hour, minute=0) + timedelta(days=day), when)

    for sentence, answer in (
        ("what will the power be tomorrow morning at 7", expects(1, 7, "at 7:00 AM tomorrow")),
        (
            "how much power will we use tomorrow afternoon at 2",
            expects(1, 14, "at 2:00 PM tomorrow"),
        ),
        ("what will the power be tonight at 9", expects(0, 21, "at 9:00 PM today")),
        ("what will the power be in the morning at 7", expects(1, 7, "at 7:00 AM tomorrow")),
        ("how much power will we use this evening at 8", expects(0, 20, "at 8:00 PM today")),
        (
            "what will the power be this morning at 7",
            "7:00 AM today has passed; Power forecast sees from 4:00 PM today to 4:00 PM tomorrow.",
        ),
        (
            "what will the power be tomorrow morning at 9 pm",
            'I do not understand "tomorrow morning at 9 pm" as a time of day; ask, for '
            'example, "what will the power be at 6 pm?"',
        ),
    ):
        assert await said(hass, sentence) == answer, sentence


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_an_hour_said_with_another_part_of_the_day_is_taken_and_said_so(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "At 3 this evening" answered of 3 PM as if it were the evening's: the hour is taken as
    said, 3 PM, and the answer says it is in the afternoon. Any AM hour is the morning's
    ("5 this morning"), and 5 and 6 PM are the afternoon's or the evening's."""
    await _forecast_heard_at(hass, freezer, NOW)
    # 16:10 in US/Pacific: the forecast runs from 4:00 PM today to 4:00 PM tomorrow.
    local_now = dt_util.as_local(NOW)

    def expects(day: int, hour: int, when: str) -> str:
        return _expects(hass, local_now.replace(hour=hour, minute=0) + timedelta(days=day), when)

    seen = "Power forecast sees from 4:00 PM today to 4:00 PM tomorrow."
    for sentence, answer in (
        (
            "what will the power be at 3 this evening",
            f"3:00 PM is in the afternoon, not the evening; 3:00 PM today has passed; {seen}",
        ),
        (
            "what will the power be at 3 tomorrow evening",
            "3:00 PM is in the afternoon, not the evening; "
            + expects(1, 15, "at 3:00 PM tomorrow"),
        ),
        (
            "what will the power be at 9 this afternoon",
            "9:00 PM is in the evening, not the afternoon; " + expects(0, 21, "at 9:00 PM today"),
        ),
        ("what will the power be at 5 this afternoon", expects(0, 17, "at 5:00 PM today")),
        ("what will the power be at 6 in the evening", expects(0, 18, "at 6:00 PM today")),
        # "12 this evening" is its midnight, as "12 tonight" is; not noon.
        ("what will the power be at 12 this evening", expects(1, 0, "at midnight tonight")),
        ("what will the power be at 9 this morning", f"9:00 AM today has passed; {seen}"),
        ("what will the power be at 5 in the morning", expects(1, 5, "at 5:00 AM tomorrow")),
    ):
        assert await said(hass, sentence) == answer, sentence


# Brussels, Saturday 28 March 2026, 8:30 PM: that night the clocks go forward at 2:00 AM.
SPRING_EVENING = datetime(2026, 3, 28, 19, 30, tzinfo=dt_util.UTC)


@imported(_hourly_statistics, ENOUGH_DAYS, end=SPRING_EVENING)
async def test_the_night_the_clocks_go_forward_the_answer_says_the_jump(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "2:30 am" that night never comes: the answer said "There is no 2:30 am tomorrow: the
    clocks go forward an hour.", the user's words echoed; now the times, as every answer says
    them, and the hour the clocks jump to."""
    await hass.config.async_update(time_zone="Europe/Brussels")
    freezer.move_to(SPRING_EVENING)
    await async_import_once(hass, _hourly_statistics(ENOUGH_DAYS, end=SPRING_EVENING))
    _set_states(hass)
    await _add_predictor(hass)
    await start_assist(hass)
    local_now = dt_util.as_local(SPRING_EVENING)
    assert (local_now.hour, local_now.minute, str(local_now.tzinfo)) == (20, 30, "Europe/Brussels")
    three_am = datetime(2026, 3, 29, 1, 0, tzinfo=dt_util.UTC)
    assert dt_util.as_local(three_am).hour == 3
    at_three = _expects(hass, three_am, "at 3:00 AM tomorrow")
    for sentence, asked in (
        ("what will the power be at 2:30 am", "2:30 AM"),
        ("what will the power be tomorrow at 2 am", "2:00 AM"),
        ("what will the power be at 2:30 tonight", "2:30 AM"),
    ):
        assert await said(hass, sentence) == (
            f"{asked} tomorrow does not exist: the clocks go forward from 2:00 AM to 3:00 AM; "
            f"{at_three}"
        ), sentence
    # 1:30 AM comes, as any other time.
    assert await said(hass, "what will the power be at 1:30 am") == _expects(
        hass, datetime(2026, 3, 29, 0, 0, tzinfo=dt_util.UTC), "from 1:00 AM to 3:00 AM tomorrow"
    )


# Brussels, Saturday 24 October 2026, 11:30 PM: that night the clocks go back at 3:00 AM.
AUTUMN_EVENING = datetime(2026, 10, 24, 21, 30, tzinfo=dt_util.UTC)


@imported(_hourly_statistics, ENOUGH_DAYS, end=AUTUMN_EVENING)
async def test_the_night_the_clocks_go_back_the_answer_says_which_of_the_two(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "2:30 am" that night comes twice: the answer gave the first as "from 2:00 AM to 2:00 AM
    tomorrow", with no word of the second; now it says which, and why."""
    await hass.config.async_update(time_zone="Europe/Brussels")
    freezer.move_to(AUTUMN_EVENING)
    await async_import_once(hass, _hourly_statistics(ENOUGH_DAYS, end=AUTUMN_EVENING))
    _set_states(hass)
    await _add_predictor(hass)
    await start_assist(hass)
    local_now = dt_util.as_local(AUTUMN_EVENING)
    assert (local_now.hour, local_now.minute) == (23, 30)
    # 2:00 AM summer time is 00:00 UTC, 2:00 AM winter time 01:00 UTC.
    first_two = datetime(2026, 10, 25, 0, 0, tzinfo=dt_util.UTC)
    second_two = first_two + timedelta(hours=1)
    assert dt_util.as_local(first_two).hour == dt_util.as_local(second_two).hour == 2
    twice = "comes twice: the clocks go back from 3:00 AM to 2:00 AM"
    for sentence, answer in (
        (
            "what will the power be at 2:30 am",
            f"2:30 AM tomorrow {twice}; the first, before they do: "
            + _expects(hass, first_two, "in the hour from 2:00 AM tomorrow"),
        ),
        (
            "what will the power be at 2 am",
            f"2:00 AM tomorrow {twice}; the first, before they do: "
            + _expects(hass, first_two, "at 2:00 AM tomorrow"),
        ),
        (
            "what will the power be at 3 am",
            _expects(hass, datetime(2026, 10, 25, 2, 0, tzinfo=dt_util.UTC), "at 3:00 AM tomorrow"),
        ),
    ):
        assert await said(hass, sentence) == answer, sentence
    # In the second 2 o'clock hour, once the forecast has followed the clock there.
    second = second_two + timedelta(minutes=40)
    freezer.move_to(second)
    async_fire_time_changed(hass, second)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await said(hass, "what will the power be at 2:30 am") == (
        f"2:30 AM today {twice}; the second, after they do: "
        + _expects(hass, second_two, "this hour")
    )


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_each_power_question_is_answered_by_one_intent(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ "What's the power forecast for today" fitted the day's sentences and "… for {time}":
    both triggers ran, and two intents worked the day's answer out for one reply."""
    await _forecast_heard_at(hass, freezer, NOW)
    caplog.set_level(logging.INFO, logger="homeassistant.helpers.intent")
    today = "For the rest of today, Power forecast expects about "
    tomorrow = "Tomorrow, Power forecast expects about "
    for sentence, answer in (
        ("what's the power forecast for today", today),
        ("what is the energy forecast for tomorrow", tomorrow),
        ("what's the power forecast today", today),
        ("what's the expected power for tomorrow", tomorrow),
        ("how much power will we use today", today),
        ("what will my power be tomorrow", tomorrow),
        ("what is the power forecast", "Power forecast expects about "),
        ("what is the power forecast for 6 pm", "Power forecast expects about "),
        ("when is the peak power tomorrow", "Power forecast expects the peak "),
        ("what's the power forecast for tonight", "Tonight, from 5:00 PM to 6:00 AM, "),
        ("how much power will we use tonight", "Tonight, from 5:00 PM to 6:00 AM, "),
        ("what will the power be tonight at 9", "Power forecast expects about "),
        ("what's the power forecast at night", "Tonight, from 5:00 PM to 6:00 AM, "),
        ("what's the power forecast tomorrow morning", "Tomorrow morning, from 6:00 AM "),
        ("how much power will we use tomorrow in the morning", "Tomorrow morning, from 6:00 AM "),
        ("when is the peak power tonight", "Tonight, from 5:00 PM to 6:00 AM, "),
        ("when's the peak power tomorrow", "Power forecast expects the peak "),
        ("what's the power going to be tonight at 9", "Power forecast expects about "),
        ("how many watts will we use in two hours", "Power forecast expects about "),
        ("what's the power going to be", "Power forecast expects about "),
        ("how much energy are we going to use tomorrow", tomorrow),
        ("what will the power draw be at 6 pm", "Power forecast expects about "),
        ("when will power use be highest tomorrow", "Power forecast expects the peak "),
    ):
        caplog.clear()
        assert (await said(hass, sentence)).startswith(answer), sentence
        handled = [
            record.getMessage()
            for record in caplog.records
            if record.name == "homeassistant.helpers.intent"
            and record.getMessage().startswith("Triggering intent handler")
        ]
        assert len(handled) == 1, (sentence, handled)


def _card(power_w: float) -> str:
    """Watts as the card shows them: whole, a half up, grouped."""
    return f"{math.floor(power_w + 0.5):,}\u00a0W"


async def test_what_will_the_power_be_in_a_few_hours(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "What will the power be in two hours" was Home Assistant's timer: "Command will be
    executed in two hours" (the question asked again then, to no one); now the forecast's
    row of that hour, as "at 6:10 pm" would have it."""
    await _forecast_heard_at(hass, freezer, NOW)
    # 16:10 in US/Pacific: the forecast runs from 4:00 PM today to 4:00 PM tomorrow.
    today = dt_util.as_local(NOW).replace(minute=0, second=0, microsecond=0)
    assert today.hour == 16
    for sentence, hour, when in (
        ("what will the power be in two hours", 18, "from 6:00 PM to 7:00 PM today"),
        ("what will the power be in 2 hours?", 18, "from 6:00 PM to 7:00 PM today"),
        ("how much power will we use in an hour", 17, "from 5:00 PM to 6:00 PM today"),
        ("what's the power forecast in one hour", 17, "from 5:00 PM to 6:00 PM today"),
        ("what will the power be in half an hour", 16, "this hour"),
        ("what will the power be in 90 minutes", 17, "from 5:00 PM to 6:00 PM today"),
        ("what will the energy use be in twelve hours", 28, "from 4:00 AM to 5:00 AM tomorrow"),
    ):
        start = today + timedelta(hours=hour - 16)
        assert await said(hass, sentence) == _expects(hass, start, when), sentence
    assert await said(hass, "what will the power be in 24 hours") == (
        "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
        "after 5:00 PM today."
    )
    # The next 24 hours are still the forecast's whole answer.
    coming = await said(hass, "what will the power be in the next 24 hours")
    assert coming.startswith("Power forecast expects about ")
    # "Later", as the weather's questions take it, was not understood (the walk of 2026-12-07).
    for sentence in ("what will the power be later", "how much power will we use later"):
        assert await said(hass, sentence) == coming, sentence


def _expects(hass: HomeAssistant, start: datetime, when: str) -> str:
    """What Power forecast says of its hour from `start` (matched as an instant), from its row."""
    (point,) = (
        point
        for point in hass.states.get(PREDICTED).attributes["forecast"]
        if dt_util.parse_datetime(point["datetime"]) == start
    )
    return (
        f"Power forecast expects about {_card(point['power_w'])} {when} (likely "
        f"{_card(point['low_w'])} to {_card(point['high_w'])})."
    )


async def _two_forecasts(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> str:
    """The home's forecast and a heat pump's (half the power), at NOW, with Assist: the heat
    pump's Predicted power."""
    freezer.move_to(NOW)
    frame = await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    _import(hass, "sensor.heat_pump_power", "W", "power", frame["power_w"] / 2)
    await async_wait_recording_done(hass)
    hass.states.async_set("sensor.heat_pump_power", "50", {"unit_of_measurement": "W"})
    (home,) = hass.config_entries.async_entries(DOMAIN)
    result = await async_start_add(hass, home, SubentryKind.FORECAST)
    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {
            CONF_NAME: "Heat pump forecast",
            CONF_POWER_ENTITY: "sensor.heat_pump_power",
            CONF_TEMPERATURE_ENTITY: TEMPERATURE,
            CONF_TRAINING_DAYS: 60,
            CONF_RETRAIN_HOURS: 24,
        },
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    await start_assist(hass)
    return "sensor.heat_pump_forecast_predicted_power"


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_each_power_forecast_answers_the_hour_asked(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Two forecasts: each says its own row of 6 PM, as for the other power questions; one
    not exposed says where to expose it while the other answers."""
    heat_pump = await _two_forecasts(hass, freezer)
    six_pm = dt_util.as_local(NOW).replace(hour=18, minute=0)

    def at_six(entity_id: str, name: str) -> str:
        (point,) = (
            point
            for point in hass.states.get(entity_id).attributes["forecast"]
            if dt_util.parse_datetime(point["datetime"]) == six_pm
        )
        return (
            f"{name} expects about {_card(point['power_w'])} at 6:00 PM today (likely "
            f"{_card(point['low_w'])} to {_card(point['high_w'])})."
        )

    home_answer = at_six(PREDICTED, "Power forecast")
    heat_pump_answer = at_six(heat_pump, "Heat pump forecast")
    assert home_answer != heat_pump_answer.replace("Heat pump forecast", "Power forecast")
    assert await said(hass, "what will the power be at 6 pm") in (
        f"{home_answer} {heat_pump_answer}",
        f"{heat_pump_answer} {home_answer}",
    )
    expose(hass, heat_pump, False)
    assert await said(hass, "what will the power be at 6 pm") in (
        f"{home_answer} {hass.states.get(heat_pump).name}{NOT_EXPOSED}",
        f"{hass.states.get(heat_pump).name}{NOT_EXPOSED} {home_answer}",
    )


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_time_gone_by_is_said_once_and_each_forecast_says_what_it_sees(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Two forecasts, "at 6 am today" at 4:10 PM: "has passed" once, then each forecast the
    hours it sees; one not exposed says where to expose it."""
    heat_pump = await _two_forecasts(hass, freezer)
    seen = "sees from 4:00 PM today to 4:00 PM tomorrow."
    home, pump = f"Power forecast {seen}", f"Heat pump forecast {seen}"
    lead = "6:00 AM today has passed; "
    assert await said(hass, "what will the power be at 6 am today") in (
        f"{lead}{home} {pump}",
        f"{lead}{pump} {home}",
    )
    expose(hass, heat_pump, False)
    not_exposed = f"{hass.states.get(heat_pump).name}{NOT_EXPOSED}"
    assert await said(hass, "what will the power be at 6 am today") in (
        f"{lead}{home} {not_exposed}",
        f"{lead}{not_exposed} {home}",
    )


def _rows(hass: HomeAssistant, entity_id: str = PREDICTED) -> dict[datetime, dict[str, float]]:
    """A forecast's rows by their start, as instants (UTC)."""
    rows: dict[datetime, dict[str, float]] = {}
    for point in hass.states.get(entity_id).attributes["forecast"]:
        start = dt_util.parse_datetime(point["datetime"])
        assert start is not None
        rows[start.astimezone(dt_util.UTC)] = point
    return rows


def _over(hass: HomeAssistant, when: str, starts: list[datetime], first_share: float = 1.0) -> str:
    """What Power forecast says over the hours from `starts` (the first for its share), worked
    out from its rows: the kWh to a tenth, a half up, and the highest hour, said on the clock."""
    rows = _rows(hass)
    points = [rows[start.astimezone(dt_util.UTC)] for start in starts]
    energy_wh = points[0]["power_w"] * first_share + sum(p["power_w"] for p in points[1:])
    tenths = math.floor(energy_wh / 100 + 0.5)
    peak_start, peak = max(zip(starts, points, strict=True), key=lambda row: row[1]["power_w"])
    return (
        f"{when}, Power forecast expects about {tenths // 10:,}.{tenths % 10}\u00a0kWh; the "
        f"highest hour is {clock(dt_util.as_local(peak_start))}, about {_card(peak['power_w'])}."
    )


async def _forecast_heard_at(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, now: datetime
) -> None:
    """At `now`, a forecast trained on the seeded weeks, and Assist listening."""
    freezer.move_to(now)
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    await start_assist(hass)


def _parts_said(
    hass: HomeAssistant, say: Callable[[HomeAssistant, str, list[datetime]], str]
) -> tuple[str, str, str]:
    """What is said of tonight, this evening and tomorrow morning at 4:10 PM, by `say`."""
    local_now = dt_util.as_local(NOW)
    five_pm = local_now.replace(hour=17, minute=0)
    tomorrow_six_am = local_now.replace(hour=6, minute=0) + timedelta(days=1)
    return (
        say(hass, "Tonight, from 5:00 PM to 6:00 AM", _hourly(five_pm, 13)),
        say(hass, "This evening, from 5:00 PM to midnight", _hourly(five_pm, 7)),
        say(hass, "Tomorrow morning, from 6:00 AM to noon", _hourly(tomorrow_six_am, 6)),
    )


def _hourly(first: datetime, count: int) -> list[datetime]:
    """`count` real hours from `first`, each an hour after the last in UTC."""
    return [first + timedelta(hours=index) for index in range(count)]


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_the_power_over_a_part_of_the_day(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "What will the power be tonight?", "how much energy will we use this evening?", "what's
    the power forecast for tomorrow morning?" were Home Assistant's "Sorry, I couldn't
    understand that" (the last, 'I do not understand "tomorrow morning" as a time of day')."""
    await _forecast_heard_at(hass, freezer, NOW)
    # 16:10 in US/Pacific on Saturday 28 February: the forecast runs from 4:00 PM today to
    # 4:00 PM tomorrow.
    local_now = dt_util.as_local(NOW)
    tonight, this_evening, tomorrow_morning = _parts_said(hass, _over)
    # What is left of the hour under way: 50 minutes of 4 PM.
    rest_of_afternoon = _over(
        hass,
        "For the rest of this afternoon, from 4:10 PM to 5:00 PM",
        [local_now.replace(minute=0)],
        first_share=50 / 60,
    )
    seen = "Power forecast sees from 4:00 PM today to 4:00 PM tomorrow."
    for sentence, answer in (
        ("what will the power be tonight?", tonight),
        ("How much power will we use tonight", tonight),
        ("what's the energy forecast tonight", tonight),
        ("what is the power forecast for tonight", tonight),
        ("how much power will we use at night", tonight),
        ("what will the power be today at night", tonight),
        ("how much energy will we use this evening?", this_evening),
        ("what's the power forecast for tomorrow morning?", tomorrow_morning),
        ("what will our electricity usage be tomorrow morning", tomorrow_morning),
        ("what will the power be in the morning", tomorrow_morning),
        ("what is the predicted power use for tomorrow morning", tomorrow_morning),
        ("what's the power forecast for tomorrow in the morning", tomorrow_morning),
        # Without "for", a sentence had none: "Sorry, I am not aware of any area called morning".
        ("how much power will we use tomorrow in the morning", tomorrow_morning),
        ("what will the power be tomorrow in the morning", tomorrow_morning),
        ("what is the energy usage going to be tomorrow morning", tomorrow_morning),
        ("how many units will we use tonight", tonight),
        ("how many kilowatt hours will we use tonight", tonight),
        ("how much energy will we use overnight", tonight),
        ("what's the power use forecast for tonight", tonight),
        ("what will the power be today in the evening", this_evening),
        ("how much power is the house going to use tonight", tonight),
        ("what's the power demand going to be tonight", tonight),
        ("what's the electricity use gonna be tonight", tonight),
        ("what's the power forecast for the morning", tomorrow_morning),
        ("how much power will we use this afternoon", rest_of_afternoon),
        (
            "what will the power be this morning",
            f"This morning, from 6:00 AM to noon, has passed; {seen}",
        ),
        (
            "how much power will the house use tomorrow afternoon",
            "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
            "after 5:00 PM today, when it sees all of tomorrow afternoon.",
        ),
        (
            "what will the power be tomorrow at night",
            "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
            "after 6:00 AM tomorrow, when it sees all of tomorrow night.",
        ),
        (
            "what will the power be tomorrow night",
            "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
            "after 6:00 AM tomorrow, when it sees all of tomorrow night.",
        ),
    ):
        assert await said(hass, sentence) == answer, sentence


def _peak_over(hass: HomeAssistant, when: str, starts: list[datetime]) -> str:
    """What Power forecast says of the highest hour among `starts`, worked out from its rows."""
    rows = _rows(hass)
    start = max(starts, key=lambda one: rows[one.astimezone(dt_util.UTC)]["power_w"])
    power = rows[start.astimezone(dt_util.UTC)]["power_w"]
    return (
        f"{when}, Power forecast expects the peak at {clock(dt_util.as_local(start))}, "
        f"about {_card(power)}."
    )


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_when_is_the_peak_power_of_a_part_of_the_day(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "When is the peak power tonight" was Home Assistant's "Sorry, I couldn't understand
    that": the peak questions knew today and tomorrow only. Now the part's highest hour."""
    await _forecast_heard_at(hass, freezer, NOW)
    # 16:10 in US/Pacific: the forecast runs from 4:00 PM today to 4:00 PM tomorrow.
    local_now = dt_util.as_local(NOW)
    tonight, this_evening, tomorrow_morning = _parts_said(hass, _peak_over)
    (this_hour,) = (
        point
        for start, point in _rows(hass).items()
        if start == local_now.replace(minute=0).astimezone(dt_util.UTC)
    )
    for sentence, answer in (
        ("when is the peak power tonight", tonight),
        ("when's the peak power tonight", tonight),
        ("what time is the peak electricity use overnight", tonight),
        ("when will we use the most power at night", tonight),
        ("when will the power use be highest tonight", tonight),
        ("when is the peak power this evening", this_evening),
        ("when is the peak power tomorrow morning", tomorrow_morning),
        ("when will our power use peak tomorrow in the morning", tomorrow_morning),
        (
            "when is the peak power this afternoon",
            "For the rest of this afternoon, from 4:10 PM to 5:00 PM, Power forecast expects "
            f"the peak this hour, about {_card(this_hour['power_w'])}.",
        ),
        (
            "when is the peak power this morning",
            "This morning, from 6:00 AM to noon, has passed; Power forecast sees from "
            "4:00 PM today to 4:00 PM tomorrow.",
        ),
        # Its highest hour may be one the forecast does not see yet: no peak.
        (
            "when is the peak power tomorrow afternoon",
            "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
            "after 5:00 PM today, when it sees all of tomorrow afternoon.",
        ),
    ):
        assert await said(hass, sentence) == answer, sentence


@imported(_hourly_statistics, ENOUGH_DAYS, end=SPRING_EVENING)
async def test_tonight_the_clocks_go_forward_counts_the_hours_that_come(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Brussels at 8:30 PM on 28 March: tonight has no 2 AM hour, and it is not counted."""
    await hass.config.async_update(time_zone="Europe/Brussels")
    freezer.move_to(SPRING_EVENING)
    await async_import_once(hass, _hourly_statistics(ENOUGH_DAYS, end=SPRING_EVENING))
    _set_states(hass)
    await _add_predictor(hass)
    await start_assist(hass)
    # 8 PM (half of it left) to 6 AM: 8 PM, 9, 10, 11, midnight, 1 AM, then 3, 4 and 5 AM.
    starts = _hourly(datetime(2026, 3, 28, 19, 0, tzinfo=dt_util.UTC), 9)
    assert [dt_util.as_local(start).hour for start in starts] == [20, 21, 22, 23, 0, 1, 3, 4, 5]
    assert await said(hass, "how much power will we use tonight") == _over(
        hass, "For the rest of tonight, from 8:30 PM to 6:00 AM", starts, first_share=0.5
    )


@imported(_hourly_statistics, ENOUGH_DAYS, end=AUTUMN_EVENING)
async def test_tonight_the_clocks_go_back_counts_both_two_oclock_hours(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Brussels at 11:30 PM on 24 October: tonight's 2 AM hour comes twice; both count."""
    await hass.config.async_update(time_zone="Europe/Brussels")
    freezer.move_to(AUTUMN_EVENING)
    await async_import_once(hass, _hourly_statistics(ENOUGH_DAYS, end=AUTUMN_EVENING))
    _set_states(hass)
    await _add_predictor(hass)
    await start_assist(hass)
    starts = _hourly(datetime(2026, 10, 24, 21, 0, tzinfo=dt_util.UTC), 8)
    assert [dt_util.as_local(start).hour for start in starts] == [23, 0, 1, 2, 2, 3, 4, 5]
    assert await said(hass, "what will the power be tonight") == _over(
        hass, "For the rest of tonight, from 11:30 PM to 6:00 AM", starts, first_share=0.5
    )


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_each_power_forecast_answers_a_part_of_the_day(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Two forecasts: each says its own tonight; a part gone by is said once, then each says
    what it sees; one not exposed says where to expose it."""
    heat_pump = await _two_forecasts(hass, freezer)
    five_pm = dt_util.as_local(NOW).replace(hour=17, minute=0)
    home = _over(hass, "Tonight, from 5:00 PM to 6:00 AM", _hourly(five_pm, 13))
    answer = await said(hass, "how much power will we use tonight")
    assert answer.startswith(f"{home} ") or answer.endswith(f" {home}"), answer
    pump = answer.replace(home, "").strip()
    assert pump.startswith("Tonight, from 5:00 PM to 6:00 AM, Heat pump forecast expects about ")
    assert pump != home.replace("Power forecast", "Heat pump forecast")
    seen = "sees from 4:00 PM today to 4:00 PM tomorrow."
    lead = "This morning, from 6:00 AM to noon, has passed; "
    assert await said(hass, "what will the power be this morning") in (
        f"{lead}Power forecast {seen} Heat pump forecast {seen}",
        f"{lead}Heat pump forecast {seen} Power forecast {seen}",
    )
    expose(hass, heat_pump, False)
    not_exposed = f"{hass.states.get(heat_pump).name}{NOT_EXPOSED}"
    assert await said(hass, "how much power will we use tonight") in (
        f"{home} {not_exposed}",
        f"{not_exposed} {home}",
    )
