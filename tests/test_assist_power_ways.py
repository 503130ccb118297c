"""More ways to ask Assist about the power at a time: the 24-hour clock in words, a weekday."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .assist_sentences import said, start_assist
from .imported_statistics import imported
from .test_assist_power import _expects
from .test_predictor import ENOUGH_DAYS, NOW, _add_predictor, _hourly_statistics, _seed


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_the_twenty_four_hour_clock_said_in_words(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "At eighteen hundred (hours)", "oh seven hundred", "eighteen thirty" were 'I do not
    understand … as a time of day', while "at 1800" was the forecast's 6 PM."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    await start_assist(hass)
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
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    await start_assist(hass)
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
        (
            "what will the power be at 9 am today on friday",
            'I do not understand "9 am today on friday" as a time of day; ask, for example, '
            '"what will the power be at 6 pm?"',
        ),
    ):
        assert await said(hass, sentence) == answer, sentence
