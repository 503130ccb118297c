"""Assist asked of a weekday's part of the day: "what will the power be on friday evening"."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from .assist_sentences import said
from .imported_statistics import imported
from .outdoor_weather import FORECAST_WEATHER, async_forecast_with_weather
from .test_assist_power import _forecast_heard_at, _hourly, _over, _peak_over
from .test_assist_power_ways import _intents_run
from .test_predictor import ENOUGH_DAYS, NOW, _hourly_statistics

# NOW is 4:10 PM on Saturday 28 February in US/Pacific; the forecast sees to 4:00 PM Sunday.
_SEEN = "Power forecast sees from 4:00 PM today to 4:00 PM tomorrow."
_FRIDAY_EVENING = (
    "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again after "
    "midnight on Thursday night, when it sees all of Friday evening, 6 March."
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_the_power_of_a_weekdays_part_of_the_day(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ "What will the power be on friday evening", "when is the peak power friday evening" had
    no sentence (Home Assistant's fallback answered), and "what's the power forecast for sunday
    morning" was 'I do not understand "sunday morning" as a time of day'. Today's and
    tomorrow's weekdays are answered from the forecast, named by the weekday; a later one says
    how far the forecast sees and when it will see it; the night under way at 00:30 is the one
    of yesterday's weekday. A weekday's part that is not today's is said with its day:
    "Sunday morning, from 6:00 AM to noon" asked on Saturday did not say it was
    tomorrow's, nor "Friday evening" which Friday's."""
    await _forecast_heard_at(hass, freezer, NOW)
    caplog.set_level(logging.INFO, logger="homeassistant.helpers.intent")
    four_pm = dt_util.as_local(NOW).replace(minute=0)
    sunday_morning = "Tomorrow, Sunday morning, from 6:00 AM to noon"
    sunday_six_am = four_pm.replace(hour=6) + timedelta(days=1)
    for sentence, answer in (
        ("what will the power be on friday evening", _FRIDAY_EVENING),
        ("When is the peak power Friday evening?", _FRIDAY_EVENING),
        (
            "what will the power be on sunday morning",
            _over(hass, sunday_morning, _hourly(sunday_six_am, 6)),
        ),
        (
            "what's the power forecast for sunday morning",
            _over(hass, sunday_morning, _hourly(sunday_six_am, 6)),
        ),
        (
            "when is the peak power sunday morning",
            _peak_over(hass, sunday_morning, _hourly(sunday_six_am, 6)),
        ),
        (
            "how much power will we use on saturday evening",
            _over(
                hass,
                "Saturday evening, from 5:00 PM to midnight",
                _hourly(four_pm.replace(hour=17), 7),
            ),
        ),
    ):
        caplog.clear()
        assert await said(hass, sentence) == answer, sentence
        assert _intents_run(caplog) == 1, sentence
    # At 00:30 on Sunday, Saturday night is the night under way.
    small_hours = four_pm.replace(hour=0, minute=30) + timedelta(days=1)
    freezer.move_to(small_hours)
    async_fire_time_changed(hass, small_hours)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await said(hass, "what will the power be saturday night") == _over(
        hass,
        "For the rest of Saturday night, from 12:30 AM to 6:00 AM",
        _hourly(small_hours.replace(minute=0), 6),
        first_share=0.5,
    )
    # Then "tomorrow" is taken as today: the next day's part is said with its date.
    assert await said(hass, "what will the power be monday morning") == (
        "Power forecast forecasts the next 24 hours only, up to midnight at the end of Sunday; "
        "ask again after noon today, when it sees all of Monday morning, 2 March."
    )


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_outside_over_a_weekdays_part_of_the_day(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "How cold will it get outside on saturday night" had no sentence: the reading now and
    the weather's hourly forecast over that part of the day, or how far that forecast sees. A
    part past its end ("tomorrow evening") said no weather forecast tells the temperature,
    though one did, and then only how far it sees: it says when to ask again, as far ahead
    as the weather sees now (24 hours here). A weekday's part that is not today's is said
    with its day: "Sunday morning" asked on Saturday is tomorrow's, "Friday afternoon" the one
    on 6 March; asked on
    Saturday afternoon, "saturday morning" is next week's (it "has passed"), "this morning"
    today's."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, FORECAST_WEATHER)
    # The weather expects 5.2 °C at 4:00 PM, 0.5 °C less each hour to 3:00 PM tomorrow.
    now = "It is 4.5\u00a0°C outside (Garden). "
    for sentence, answer in (
        (
            "how cold will it get outside on saturday night",
            "Saturday night, from 5:00 PM to 6:00 AM, Outdoor's hourly forecast expects a low of "
            "-1.3\u00a0°C at 5:00 AM tomorrow.",
        ),
        (
            "how warm will it be sunday morning",
            "Tomorrow, Sunday morning, from 6:00 AM to noon, Outdoor's hourly forecast "
            "expects a high "
            "of -1.8\u00a0°C at 6:00 AM tomorrow.",
        ),
        (
            "how cold will it get saturday morning",
            "Saturday morning, 7 March, from 6:00 AM to noon, is past what Outdoor's hourly "
            "forecast sees: up to 4:00 PM tomorrow; ask again after noon on Friday, when it "
            "should see all of it.",
        ),
        (
            "how cold will it get this morning",
            "This morning, from 6:00 AM to noon, has passed.",
        ),
        (
            "how warm will it be outside on friday afternoon",
            "Friday afternoon, 6 March, from noon to 5:00 PM, is past what Outdoor's hourly "
            "forecast sees: up to 4:00 PM tomorrow; ask again after 5:00 PM on Thursday, when "
            "it should see all of it.",
        ),
        (
            "how cold will it get tomorrow evening",
            "Tomorrow evening, from 5:00 PM to midnight, is past what Outdoor's hourly forecast "
            "sees: up to 4:00 PM tomorrow; ask again after midnight tonight, when it should see "
            "all of it.",
        ),
    ):
        assert await said(hass, sentence) == now + answer, sentence


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_weekdays_part_gone_by_today_is_next_weeks(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "How much power will we use on saturday morning" asked on Saturday afternoon answered
    "Saturday morning, from 6:00 AM to noon, has passed": a person asking it then means
    next Saturday's, which the forecast does not see yet; the answer says when it will. "This
    morning" is today's still, and has passed; "saturday afternoon", under way, today's."""
    await _forecast_heard_at(hass, freezer, NOW)
    next_saturday = (
        "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
        "after noon on Friday, when it sees all of Saturday morning, 7 March."
    )
    for sentence, answer in (
        ("how much power will we use on saturday morning", next_saturday),
        ("when is the peak power saturday morning", next_saturday),
        # The afternoon under way is today's.
        (
            "what will the power be on saturday afternoon",
            _over(
                hass,
                "For the rest of Saturday afternoon, from 4:10 PM to 5:00 PM",
                [dt_util.as_local(NOW).replace(minute=0)],
                first_share=50 / 60,
            ),
        ),
        (
            "how much power will we use this morning",
            f"This morning, from 6:00 AM to noon, has passed; {_SEEN}",
        ),
    ):
        assert await said(hass, sentence) == answer, sentence
