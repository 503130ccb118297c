"""More ways to ask Assist about the power: the 24-hour clock in words, a weekday, two times."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .assist_sentences import said
from .imported_statistics import imported
from .outdoor_weather import WEATHER, async_forecast_with_weather
from .test_assist_power import (
    _expects,
    _forecast_heard_at,
    _hourly,
    _over,
    _parts_said,
    _peak_over,
)
from .test_predictor import ENOUGH_DAYS, NOW, _hourly_statistics

_HOUR = timedelta(hours=1)
_DAY_ANSWERS = ("For the rest of today, ", "Tomorrow, ", "Power forecast expects the peak ")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_the_twenty_four_hour_clock_said_in_words(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "At eighteen hundred (hours)", "oh seven hundred", "eighteen thirty" were 'I do not
    understand … as a time of day', while "at 1800" was the forecast's 6 PM."""
    await _forecast_heard_at(hass, freezer, NOW)
    # 4:10 PM on Saturday 28 February in US/Pacific: the forecast reaches 4:00 PM tomorrow.
    six_pm = dt_util.as_local(NOW).replace(hour=18, minute=0)
    at_six = _expects(hass, six_pm, "at 6:00 PM today")
    for sentence, answer in (
        ("what will the power be at eighteen hundred hours", at_six),
        ("what will the power be at eighteen hundred", at_six),
        ("how much power will we use at 1800 hours", at_six),
        (
            "how much power will we use at oh seven hundred",
            _expects(hass, six_pm.replace(hour=7) + timedelta(days=1), "at 7:00 AM tomorrow"),
        ),
        (
            "what will the power be at eighteen thirty",
            _expects(hass, six_pm, "from 6:00 PM to 7:00 PM today"),
        ),
    ):
        assert await said(hass, sentence) == answer, sentence


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_time_on_a_weekday(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "What will the power be at 7 pm on friday" was 'I do not understand "7 pm on friday" as
    a time of day'. Today's or tomorrow's weekday is that day's; a later one is past the 24
    hours the forecast sees, and the answer says how far it sees and when it will see it."""
    await _forecast_heard_at(hass, freezer, NOW)
    saturday = dt_util.as_local(NOW).replace(minute=0)
    assert saturday.strftime("%A %H:%M") == "Saturday 16:00"
    for sentence, answer in (
        (
            "what will the power be at 7 pm on saturday",
            _expects(hass, saturday.replace(hour=19), "at 7:00 PM today"),
        ),
        (
            "what will the power be at 7 am on sunday",
            _expects(hass, saturday.replace(hour=7) + timedelta(days=1), "at 7:00 AM tomorrow"),
        ),
        (
            "how much power will we use at 7 sunday",
            _expects(hass, saturday.replace(hour=7) + timedelta(days=1), "at 7:00 AM tomorrow"),
        ),
        (
            "what will the power be at 7 pm on friday",
            "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
            "after 8:00 PM on Thursday.",
        ),
        # Today's 9 AM has gone by: a person asking means next Saturday's ("9:00 AM today has
        # passed" before).
        (
            "what will the power be at 9 am on saturday",
            "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
            "after 10:00 AM on Friday.",
        ),
        (
            "what will the power be at 9 am today on friday",
            'I do not understand "9 am today on friday" as a time of day; ask, for example, '
            '"what will the power be at 6 pm?"',
        ),
    ):
        assert await said(hass, sentence) == answer, sentence


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_the_power_between_two_times(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ "How much power will we use between 6 and 9 pm" (and "from 6 to 9 tonight") had no
    sentence: Home Assistant's fallback answered. Now those hours' energy and highest hour,
    by one intent, as a part of the day's; the start is the last of its hour before the end."""
    await _forecast_heard_at(hass, freezer, NOW)
    caplog.set_level(logging.INFO, logger="homeassistant.helpers.intent")
    four_pm = dt_util.as_local(NOW).replace(minute=0)
    six_to_nine = _over(hass, "From 6:00 PM to 9:00 PM today", _hourly(four_pm + 2 * _HOUR, 3))
    for sentence, answer in (
        ("how much power will we use between 6 and 9 pm", six_to_nine),
        ("how much power will we use from 6 to 9 tonight", six_to_nine),
        ("what will the power be between 6 pm and 9 pm", six_to_nine),
        (
            "what's the power forecast between 10 pm and 2 am",
            _over(hass, "From 10:00 PM today to 2:00 AM tomorrow", _hourly(four_pm + 6 * _HOUR, 4)),
        ),
        # Under way at 4:10 PM: from now, the hour under way for what is left of it.
        (
            "how much power will we use from 3 to 5 pm",
            _over(hass, "From 4:10 PM to 5:00 PM today", [four_pm], first_share=50 / 60),
        ),
        # From now: the hour under way for what is left of it, as "from 3 to 5 pm" at 4:10 PM.
        (
            "how much power will we use from now to 9 pm",
            _over(hass, "From 4:10 PM to 9:00 PM today", _hourly(four_pm, 5), first_share=50 / 60),
        ),
        (
            "how much power will we use between now and midnight",
            _over(
                hass,
                "From 4:10 PM to midnight tonight",
                _hourly(four_pm, 8),
                first_share=50 / 60,
            ),
        ),
        # Hours that would end in the hour under way are tomorrow's.
        (
            "how much power will we use between 2 and 4 pm",
            _over(hass, "From 2:00 PM to 4:00 PM tomorrow", _hourly(four_pm + 22 * _HOUR, 2)),
        ),
        (
            "how much power will we use between 6 and 9 pm tomorrow",
            "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
            "after 9:00 PM today, when it sees up to 9:00 PM tomorrow.",
        ),
        (
            "how much power will we use between 6 and 9 am today",
            "9:00 AM today has passed; Power forecast sees from 4:00 PM today to 4:00 PM tomorrow.",
        ),
        (
            "how much power will we use between banana and 9",
            'I do not understand "banana to 9" as hours of the day; ask, for example, "how much '
            'power will we use between 6 and 9 pm?"',
        ),
    ):
        caplog.clear()
        assert await said(hass, sentence) == answer, sentence
        handled = [
            record.getMessage()
            for record in caplog.records
            if record.name == "homeassistant.helpers.intent"
            and record.getMessage().startswith("Triggering intent handler")
        ]
        assert len(handled) == 1, (sentence, handled)


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_day_asked_by_its_weekday(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ "How much power will we use on sunday", "when is the peak power on friday" had no
    sentence, and "what's the power forecast for friday" was 'I do not understand "friday" as
    a time of day'. Today's and tomorrow's weekdays are answered as today and tomorrow; a later
    one says it is beyond the 24 hours, and each forecast what it sees."""
    await _forecast_heard_at(hass, freezer, NOW)
    caplog.set_level(logging.INFO, logger="homeassistant.helpers.intent")
    # Saturday 4:10 PM in US/Pacific.
    for sentence, as_said in (
        ("how much power will we use on saturday", "how much power will we use today"),
        ("how much power will we use on sunday", "how much power will we use tomorrow"),
        ("what will the power be on sunday", "what will the power be tomorrow"),
        ("what's the power forecast for sunday", "what's the power forecast for tomorrow"),
        ("when is the peak power on sunday", "when is the peak power tomorrow"),
    ):
        caplog.clear()
        answer = await said(hass, sentence)
        assert _intents_run(caplog) == 1, sentence
        assert answer == await said(hass, as_said), sentence
        assert answer.startswith(("For the rest of today, ", "Tomorrow, ", "Power forecast ")), (
            answer
        )
    seen = "Power forecast sees from 4:00 PM today to 4:00 PM tomorrow."
    for sentence, answer in (
        ("how much power will we use on friday", f"Friday is beyond the next 24 hours; {seen}"),
        ("what's the power forecast for friday", f"Friday is beyond the next 24 hours; {seen}"),
        ("when is the peak power on monday", f"Monday is beyond the next 24 hours; {seen}"),
    ):
        caplog.clear()
        assert await said(hass, sentence) == answer, sentence
        assert _intents_run(caplog) == 1, sentence


def _intents_run(caplog: pytest.LogCaptureFixture) -> int:
    """How many intent handlers the last sentence ran."""
    return sum(
        1
        for record in caplog.records
        if record.name == "homeassistant.helpers.intent"
        and record.getMessage().startswith("Triggering intent handler")
    )


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_the_forecast_asked_other_ways(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ "What is the forecast for power tonight" was "not aware of any device called forecast
    for power tonight", "what's the forecast for power tomorrow" and "what's tomorrow's power
    forecast" Home Assistant's weather intent, "how much power will we need tomorrow" "Sorry,
    I couldn't understand that". Each is the forecast's answer, as the ways heard before say
    it, by one intent."""
    await _forecast_heard_at(hass, freezer, NOW)
    caplog.set_level(logging.INFO, logger="homeassistant.helpers.intent")
    tonight, _, tomorrow_morning = _parts_said(hass, _over)
    for sentence, answer in (
        ("what is the forecast for power tonight", tonight),
        ("what's tonight's power forecast", tonight),
        ("how much electricity are we going to need tonight", tonight),
        ("what's the forecast for electricity use tomorrow morning", tomorrow_morning),
    ):
        caplog.clear()
        assert await said(hass, sentence) == answer, sentence
        assert _intents_run(caplog) == 1, sentence
    for sentence, as_said in (
        ("what's the forecast for power tomorrow", "how much power will we use tomorrow"),
        ("what's tomorrow's power forecast", "how much power will we use tomorrow"),
        ("how much power will we need tomorrow", "how much power will we use tomorrow"),
        ("what is today's energy forecast", "how much power will we use today"),
        ("what's the forecast for power", "what is the power forecast"),
        ("what is the forecast for power at 6 pm", "what will the power be at 6 pm"),
        ("what's the forecast for power on friday", "what's the power forecast on friday"),
    ):
        caplog.clear()
        answer = await said(hass, sentence)
        assert _intents_run(caplog) == 1, sentence
        assert answer == await said(hass, as_said), sentence
        assert answer.startswith(
            ("For the rest of today, ", "Tomorrow, ", "Power forecast ", "Friday is beyond ")
        ), answer


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_the_forecast_for_a_day_is_still_the_weathers(
    recorder_mock: Recorder, hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Only "forecast for power" (electricity, energy) is ours: the weather's questions are
    still Home Assistant's own."""
    await async_forecast_with_weather(hass, WEATHER)
    caplog.set_level(logging.INFO, logger="homeassistant.helpers.intent")
    for sentence, handler in (
        ("what's the forecast for tomorrow", "HassGetWeather"),
        ("what is the weather forecast for tonight", "HassGetWeather"),
        ("what's the forecast for power tomorrow", "PyIotHomeGetPowerForecast"),
    ):
        caplog.clear()
        await said(hass, sentence)
        assert _intent_types_run(caplog) == [handler], sentence


def _intent_types_run(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The intent types whose handlers the last sentence ran."""
    return [
        str(record.args[0].intent_type)
        for record in caplog.records
        if record.name == "homeassistant.helpers.intent"
        and record.getMessage().startswith("Triggering intent handler")
        and isinstance(record.args, tuple)
    ]


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_the_peak_between_two_times(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ "When is the peak (power) between 6 and 9 pm", "from 6 to 9 tonight" had no sentence:
    Home Assistant's fallback answered. Now the highest forecast hour of those hours, as of a
    part of the day, by the intent that reads the hours."""
    await _forecast_heard_at(hass, freezer, NOW)
    caplog.set_level(logging.INFO, logger="homeassistant.helpers.intent")
    four_pm = dt_util.as_local(NOW).replace(minute=0)
    six_to_nine = _peak_over(hass, "From 6:00 PM to 9:00 PM today", _hourly(four_pm + 2 * _HOUR, 3))
    for sentence, answer in (
        ("when is the peak between 6 and 9 pm", six_to_nine),
        ("When is the peak power from 6 to 9 tonight?", six_to_nine),
        ("what time do we use the most electricity between 6 pm and 9 pm", six_to_nine),
        (
            "when will the power peak between 10 pm and 2 am",
            _peak_over(
                hass, "From 10:00 PM today to 2:00 AM tomorrow", _hourly(four_pm + 6 * _HOUR, 4)
            ),
        ),
        (
            "when's the highest power use between 6 and 9 am today",
            "9:00 AM today has passed; Power forecast sees from 4:00 PM today to 4:00 PM tomorrow.",
        ),
        (
            "when is the peak between 6 and 9 pm tomorrow",
            "Power forecast forecasts the next 24 hours only, up to 4:00 PM tomorrow; ask again "
            "after 9:00 PM today, when it sees up to 9:00 PM tomorrow.",
        ),
    ):
        caplog.clear()
        assert await said(hass, sentence) == answer, sentence
        assert _intents_run(caplog) == 1, sentence
