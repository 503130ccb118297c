"""Assist: how cold or warm it will get outside over a part of the day, from the weather."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from .assist_sentences import expose, said
from .outdoor_weather import FORECAST_WEATHER, async_forecast_with_weather
from .test_predictor import NOW


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_how_cold_will_it_get_tonight(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "How cold will it get outside tonight", "how warm will it be tomorrow afternoon" had no
    sentence (Home Assistant's fallback answered): the reading now, and the weather's hourly
    forecast's lowest or highest over that part of the day, or both."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, FORECAST_WEATHER)
    # 4:10 PM in US/Pacific; the weather expects 5.2 °C at 4:00 PM, 0.5 °C less each hour to
    # 3:00 PM tomorrow.
    now = "It is 4.5\u00a0°C outside (Garden). "
    tonight = "Tonight, from 5:00 PM to 6:00 AM, Outdoor's hourly forecast expects "
    for sentence, answer in (
        (
            "how cold will it get outside tonight",
            f"{tonight}a low of -1.3\u00a0°C at 5:00 AM tomorrow.",
        ),
        ("how cold will it get tonight", f"{tonight}a low of -1.3\u00a0°C at 5:00 AM tomorrow."),
        (
            "how warm will it be outside tonight",
            f"{tonight}a high of 4.7\u00a0°C at 5:00 PM today.",
        ),
        (
            "what will the temperature be outside tonight",
            f"{tonight}between -1.3\u00a0°C and 4.7\u00a0°C.",
        ),
        # Unsaid, "outside" is meant: no room's temperature is forecast.
        ("what will the temperature be tonight", f"{tonight}between -1.3\u00a0°C and 4.7\u00a0°C."),
        (
            "what's the temperature going to be tonight",
            f"{tonight}between -1.3\u00a0°C and 4.7\u00a0°C.",
        ),
        (
            "how warm will it be tomorrow afternoon",
            "Tomorrow afternoon, from noon to 5:00 PM, Outdoor's hourly forecast expects a "
            "high of -4.8\u00a0°C at noon tomorrow (it sees up to 4:00 PM tomorrow).",
        ),
        # Under way since 4:00 PM, the warmest hour of what is left of the afternoon.
        (
            "how warm will it be this afternoon",
            "For the rest of this afternoon, from 4:10 PM to 5:00 PM, Outdoor's hourly forecast "
            "expects a high of 5.2\u00a0°C this hour.",
        ),
        (
            "how cold will it get this morning",
            "This morning, from 6:00 AM to noon, has passed.",
        ),
        (
            "what will the temperature be this afternoon",
            "For the rest of this afternoon, from 4:10 PM to 5:00 PM, Outdoor's hourly forecast "
            "expects 5.2\u00a0°C.",
        ),
    ):
        assert await said(hass, sentence) == now + answer, sentence
    # Without a weather forecast to say it, the reading now and what would.
    expose(hass, "weather.outdoor", False)
    assert await said(hass, "how cold will it get outside tonight") == (
        f"{now}No weather forecast tells me what the temperature will be: a power forecast's "
        "weather entity, exposed to Assist, does."
    )
    # At 00:30 "tomorrow afternoon" is this afternoon, and the answer says so.
    expose(hass, "weather.outdoor", True)
    small_hours = dt_util.as_local(NOW).replace(hour=0, minute=30) + timedelta(days=1)
    freezer.move_to(small_hours)
    async_fire_time_changed(hass, small_hours)
    await hass.async_block_till_done()
    assert await said(hass, "how warm will it be tomorrow afternoon") == (
        f"{now}It's after midnight, so I take tomorrow as today, Sunday. This afternoon, from "
        "noon to 5:00 PM, Outdoor's hourly forecast expects a high of -0.8\u00a0°C at "
        "noon today."
    )


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_forecast_in_fahrenheit_is_said_in_whole_degrees(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """In a home set to °F the weather forecasts whole degrees, and Assist says them so: on
    the walk of 2026-12-07 (Denver, °F) it said "a high of 46.0 °F" of a forecast of 46 °F."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, FORECAST_WEATHER)
    # By hand: -1.3 °C at 5:00 AM is 29.66 °F, 4.7 °C at 5:00 PM 40.46 °F and 2.2 °C at
    # 10:00 PM 35.96 °F, each forecast to the whole degree.
    now = "It is 4.5\u00a0°C outside (Garden). "
    tonight = "Tonight, from 5:00 PM to 6:00 AM, Outdoor's hourly forecast expects "
    for sentence, answer in (
        ("how cold will it get tonight", f"{tonight}a low of 30\u00a0°F at 5:00 AM tomorrow."),
        ("what will the temperature be tonight", f"{tonight}between 30\u00a0°F and 40\u00a0°F."),
        (
            "what will the temperature be outside",
            "Outdoor's hourly forecast expects 36\u00a0°F by 10:00 PM today.",
        ),
    ):
        assert await said(hass, sentence) == now + answer, sentence


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_how_humid_will_it_be_tonight(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "How humid will it be (outside) tonight", "tomorrow morning" had no sentence: the
    humidity now, and the lowest and highest the weather's hourly forecast expects then."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, FORECAST_WEATHER)
    # The weather expects 80 % at 4:00 PM, a percent more each hour.
    now = "The humidity outside is 84\u00a0percent (Garden humidity). "
    tonight = (
        "Tonight, from 5:00 PM to 6:00 AM, Outdoor's hourly forecast expects between "
        "81\u00a0percent and 93\u00a0percent."
    )
    for sentence, answer in (
        ("how humid will it be outside tonight", tonight),
        ("How humid will it get tonight?", tonight),
        ("what will the humidity be outside tonight", tonight),
        ("what will the humidity be tonight", tonight),
        (
            "how humid will it be tomorrow morning",
            "Tomorrow morning, from 6:00 AM to noon, Outdoor's hourly forecast expects "
            "between 94\u00a0percent and 99\u00a0percent.",
        ),
        (
            "how humid will it be this morning",
            "This morning, from 6:00 AM to noon, has passed.",
        ),
        # One hour of the afternoon left: said once, not "between 80 percent and 80 percent"
        # (in Denver at 5:09 AM, of the rest of tonight, on the walk of 2026-12-07).
        (
            "how humid will it be this afternoon",
            "For the rest of this afternoon, from 4:10 PM to 5:00 PM, Outdoor's hourly forecast "
            "expects 80\u00a0percent.",
        ),
    ):
        assert await said(hass, sentence) == now + answer, sentence
    expose(hass, "weather.outdoor", False)
    assert await said(hass, "how humid will it be tonight") == (
        f"{now}No weather forecast tells me what the humidity will be: a power forecast's "
        "weather entity, exposed to Assist, does."
    )


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_tomorrows_high_at_its_first_hour_is_said_as_the_day_begins(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Asked of tomorrow, its warmest hour at 00:00 was "at midnight tonight": true, but heard
    as tonight's (the walk of 2026-12-07). It is the midnight tomorrow begins with."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, FORECAST_WEATHER)
    # 4:10 PM; half a degree colder each hour: tomorrow's warmest is its first, 1.2 °C.
    assert await said(hass, "how warm will it be tomorrow") == (
        "It is 4.5\u00a0°C outside (Garden). Tomorrow, Outdoor's hourly forecast expects a high "
        "of 1.2\u00a0°C at midnight, as tomorrow begins (it sees up to 4:00 PM tomorrow)."
    )
    # Tonight's midnight is tonight's: its coldest hour is not the first of tonight.
    assert await said(hass, "what will the temperature be tonight") == (
        "It is 4.5\u00a0°C outside (Garden). Tonight, from 5:00 PM to 6:00 AM, Outdoor's hourly "
        "forecast expects between -1.3\u00a0°C and 4.7\u00a0°C."
    )


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_low_in_the_hour_under_way_is_said_of_the_hours_after_it(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A forecast warming from the hour under way: asked how cold it gets, its coldest is that
    hour's mean, which the reading now stands for; what is to come is said instead."""
    freezer.move_to(NOW)
    rising = str(FORECAST_WEATHER["forecast_hourly"]).replace("5.2 - 0.5 * h", "5.2 + 0.5 * h")
    assert rising != FORECAST_WEATHER["forecast_hourly"]
    await async_forecast_with_weather(hass, {**FORECAST_WEATHER, "forecast_hourly": rising})
    now = "It is 4.5\u00a0°C outside (Garden). "
    assert await said(hass, "how cold will it get today") == (
        f"{now}For the rest of today, Outdoor's hourly forecast expects no colder than "
        "5.7\u00a0°C after this hour (at 5:00 PM today)."
    )
    # Only the hour under way is left of the afternoon: it is said, as "this hour".
    assert await said(hass, "how cold will it get this afternoon") == (
        f"{now}For the rest of this afternoon, from 4:10 PM to 5:00 PM, Outdoor's hourly "
        "forecast expects a low of 5.2\u00a0°C this hour."
    )


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_later_hour_as_warm_as_the_one_under_way_is_the_high_to_come(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The hour under way and the next at 5.2 °C: the high to come is the next one's, said as
    a high (on the walk of 2026-12-07, in whole °F, "no warmer than 47 °F after this hour"
    read as a cap where the forecast held at 47 °F)."""
    freezer.move_to(NOW)
    flat = str(FORECAST_WEATHER["forecast_hourly"]).replace(
        "5.2 - 0.5 * h", "5.2 - 0.5 * ([h - 1, 0] | max)"
    )
    assert flat != FORECAST_WEATHER["forecast_hourly"]
    await async_forecast_with_weather(hass, {**FORECAST_WEATHER, "forecast_hourly": flat})
    assert await said(hass, "how warm will it be today") == (
        "It is 4.5\u00a0°C outside (Garden). For the rest of today, Outdoor's hourly forecast "
        "expects a high of 5.2\u00a0°C at 5:00 PM today."
    )


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_how_cold_will_it_get_tomorrow(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "How cold will it get tomorrow" had no sentence, and "how warm will it be outside today"
    was the weather six hours on: now the day's low or high from the hourly forecast, with how
    far it sees when short of the day's end."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, FORECAST_WEATHER)
    # 4:10 PM; the weather expects 5.2 °C at 4:00 PM, 0.5 °C less each hour to 3:00 PM tomorrow.
    now = "It is 4.5\u00a0°C outside (Garden). "
    for sentence, answer in (
        (
            "how cold will it get tomorrow",
            "Tomorrow, Outdoor's hourly forecast expects a low of -6.3\u00a0°C at 3:00 PM "
            "tomorrow (it sees up to 4:00 PM tomorrow).",
        ),
        (
            "what will the temperature be outside tomorrow",
            "Tomorrow, Outdoor's hourly forecast expects between -6.3\u00a0°C and 1.2\u00a0°C "
            "(it sees up to 4:00 PM tomorrow).",
        ),
        # The warmest hour is the one under way, whose forecast (its mean) the reading now
        # stands for: "a high of 5.2 °C this hour" beside "it is 4.5 °C" read as a
        # contradiction (the walk of 2026-12-07: 46.7 °F now, "a high of 47 °F this hour").
        (
            "how warm will it be outside today",
            "For the rest of today, Outdoor's hourly forecast expects no warmer than "
            "4.7\u00a0°C after this hour (at 5:00 PM today).",
        ),
        (
            "how cold will it get today",
            "For the rest of today, Outdoor's hourly forecast expects a low of 1.7\u00a0°C at "
            "11:00 PM today.",
        ),
    ):
        assert await said(hass, sentence) == now + answer, sentence
    assert await said(hass, "how humid will it be today") == (
        "The humidity outside is 84\u00a0percent (Garden humidity). For the rest of today, "
        "Outdoor's hourly forecast expects between 80\u00a0percent and 87\u00a0percent."
    )
    # At 00:30 "tomorrow" is today after the night under way, as the power's; said first.
    small_hours = dt_util.as_local(NOW).replace(hour=0, minute=30) + timedelta(days=1)
    freezer.move_to(small_hours)
    async_fire_time_changed(hass, small_hours)
    await hass.async_block_till_done()
    assert await said(hass, "how cold will it get tomorrow") == (
        f"{now}It's after midnight, so I take tomorrow as today, Sunday. Today, from 6:00 AM to "
        "midnight, Outdoor's hourly forecast expects a low of -6.3\u00a0°C at 11:00 PM today."
    )
