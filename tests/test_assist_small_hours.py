"""Assist's "tomorrow" said in the small hours: the coming day, today's date, and said so."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from .assist_sentences import said
from .imported_statistics import imported
from .test_assist_clocks_go_back import (
    AUTUMN_EVENING,
    _night_load_statistics,
    async_autumn_night_heard,
)
from .test_assist_power import (
    _card,
    _expects,
    _forecast_heard_at,
    _hourly,
    _over,
    _peak_over,
    _rows,
)
from .test_predictor import (
    ENOUGH_DAYS,
    NOW,
    _hourly_statistics,
)

# NOW is 4:10 PM on Saturday 28 February in US/Pacific; the small hours after are Sunday's.
_TAKEN = "It's after midnight, so I take tomorrow as today, Sunday. "


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    """The clock moved to `moment`, and the forecast remade as it is each hour."""
    freezer.move_to(moment)
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done(wait_background_tasks=True)


def _beyond(hass: HomeAssistant, ask_after: str, part: str = "") -> str:
    """What Power forecast says of a time past its end, up to where its rows reach."""
    reach = dt_util.as_local(max(_rows(hass)) + timedelta(hours=1))
    day = "today" if reach.date() == dt_util.now().date() else "tomorrow"
    when_seen = f", when it sees all of {part}" if part else ""
    # In the small hours "tonight" is the night under way: the coming midnight ends today.
    if (reach.hour, reach.minute) == (0, 0):
        up_to = f"midnight at the end of {dt_util.now():%A}"
    else:
        up_to = f"{reach:%-I:%M %p} {day}"
    return (
        f"Power forecast forecasts the next 24 hours only, up to {up_to}; ask "
        f"again after {ask_after}{when_seen}."
    )


def _expects_kw(hass: HomeAssistant, start: datetime, when: str) -> str:
    """As `_expects`, for a row that may reach 10 kW: said in tenths of a kilowatt from there."""

    def spoken(power_w: float) -> str:
        if power_w < 10_000:
            return _card(power_w)
        tenths = int(power_w / 100 + 0.5)
        return f"{tenths // 10:,}.{tenths % 10}\u00a0kW"

    point = _rows(hass)[start]
    return (
        f"Power forecast expects about {spoken(point['power_w'])} {when} (likely "
        f"{spoken(point['low_w'])} to {spoken(point['high_w'])})."
    )


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_tomorrow_said_in_the_small_hours_is_the_coming_day(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """At 00:30, "tomorrow morning", "at 7 tomorrow morning", "tomorrow at 7 am", "midnight
    tomorrow" and "how much power will we use tomorrow" followed the calendar (the morning after
    next, about 30 hours ahead), while "tomorrow night" was already the coming one. A person
    still up means the coming day: today's date, said once before the answers."""
    await _forecast_heard_at(hass, freezer, NOW)
    small_hours = dt_util.as_local(NOW).replace(hour=0, minute=30) + timedelta(days=1)
    await _at(hass, freezer, small_hours)
    midnight = small_hours.replace(minute=0)
    seven_am = midnight.replace(hour=7)
    coming_day = "Today, from 6:00 AM to midnight"
    after_night = _hourly(midnight.replace(hour=6), 18)
    for sentence, answer in (
        (
            "what will the power be tomorrow morning",
            _TAKEN
            + _over(
                hass, "This morning, from 6:00 AM to noon", _hourly(midnight.replace(hour=6), 6)
            ),
        ),
        (
            "how much power will we use tomorrow afternoon",
            _TAKEN
            + _over(
                hass,
                "This afternoon, from noon to 5:00 PM",
                _hourly(midnight.replace(hour=12), 5),
            ),
        ),
        (
            "what will the power be at 7 tomorrow morning",
            _TAKEN + _expects(hass, seven_am, "at 7:00 AM today"),
        ),
        (
            "what will the power be tomorrow at 7 am",
            _TAKEN + _expects(hass, seven_am, "at 7:00 AM today"),
        ),
        (
            "what will the power be at 7 am tomorrow",
            _TAKEN + _expects(hass, seven_am, "at 7:00 AM today"),
        ),
        # The midnight that ends the coming day, which the forecast reaches next hour.
        ("what will the power be at midnight tomorrow", _TAKEN + _beyond(hass, "1:00 AM today")),
        # The coming day after the night under way: its small hours are tonight's.
        ("how much power will we use tomorrow", _TAKEN + _over(hass, coming_day, after_night)),
        ("what is the power forecast for tomorrow", _TAKEN + _over(hass, coming_day, after_night)),
        ("when is the peak power tomorrow", _TAKEN + _peak_over(hass, coming_day, after_night)),
        # Tomorrow night, Sunday night, begins this evening.
        (
            "what will the power be at 10 tomorrow night",
            "It's after midnight, so I take tomorrow night as Sunday night. "
            + _expects(hass, midnight.replace(hour=22), "at 10:00 PM today"),
        ),
        (
            "how much power will we use between 6 and 9 tomorrow morning",
            _TAKEN
            + _over(hass, "From 6:00 AM to 9:00 AM today", _hourly(midnight.replace(hour=6), 3)),
        ),
        # Today is today, and said as before.
        ("what will the power be at 7 am today", _expects(hass, seven_am, "at 7:00 AM today")),
    ):
        assert await said(hass, sentence) == answer, sentence


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_tomorrow_at_the_edges_of_the_small_hours(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The small hours run from midnight to 6:00 AM: at 11:59 PM and from 6:00 AM tomorrow is
    the calendar's; from 00:00 to 5:59 AM it is today's date. A time of it already gone by
    (4 am, asked at 5:59) is the next one, as the calendar's tomorrow has it."""
    await _forecast_heard_at(hass, freezer, NOW)
    evening = dt_util.as_local(NOW).replace(hour=23, minute=59)
    sunday = evening + timedelta(minutes=1)
    await _at(hass, freezer, evening)
    assert await said(hass, "what will the power be at 7 tomorrow morning") == _expects(
        hass, sunday.replace(hour=7), "at 7:00 AM tomorrow"
    )
    await _at(hass, freezer, sunday)
    assert await said(hass, "what will the power be at 7 tomorrow morning") == _TAKEN + _expects(
        hass, sunday.replace(hour=7), "at 7:00 AM today"
    )
    await _at(hass, freezer, sunday.replace(hour=5, minute=59))
    assert await said(hass, "what will the power be tomorrow morning") == _TAKEN + _over(
        hass, "This morning, from 6:00 AM to noon", _hourly(sunday.replace(hour=6), 6)
    )
    # 4:00 AM today is gone: the next, tomorrow's, with no word of today.
    assert await said(hass, "what will the power be at 4 am tomorrow") == _expects(
        hass, sunday.replace(hour=4) + timedelta(days=1), "at 4:00 AM tomorrow"
    )
    await _at(hass, freezer, sunday.replace(hour=6))
    assert await said(hass, "what will the power be tomorrow morning") == _beyond(
        hass, "noon today", "tomorrow morning"
    )
    assert await said(hass, "what will the power be at 7 tomorrow morning") == _beyond(
        hass, "8:00 AM today"
    )


@imported(_night_load_statistics, ENOUGH_DAYS, AUTUMN_EVENING)
async def test_tomorrow_in_the_small_hours_the_night_the_clocks_go_back(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Berlin, Sunday 25 October 2026 at 00:30, before the clocks go back at 3:00 AM: "tomorrow
    at 2:30 am" is tonight's, which comes twice, and "tomorrow" is the 25-hour Sunday."""
    await async_autumn_night_heard(hass, freezer)
    small_hours = datetime(2026, 10, 24, 22, 30, tzinfo=dt_util.UTC)
    await _at(hass, freezer, small_hours)
    first_two = datetime(2026, 10, 25, 0, 0, tzinfo=dt_util.UTC)
    taken = "It's after midnight, so I take tomorrow as today, Sunday. "
    assert await said(hass, "what will the power be tomorrow at 2:30 am") == (
        f"{taken}2:30 AM today comes twice: the clocks go back from 3:00 AM to 2:00 AM; the "
        "first, before they do: " + _expects_kw(hass, first_two, "in the hour from 2:00 AM today")
    )
    rows = _rows(hass)
    assert max(rows, key=lambda start: rows[start]["power_w"]) == first_two
    # 24 real hours from midnight reach 11:00 PM on the clock of the 25-hour day: the coming
    # day, from 6:00 AM, is seen to its end from the next hour's forecast.
    assert await said(hass, "how much power will we use tomorrow") == (
        f"{taken}Power forecast forecasts the next 24 hours only, up to 11:00 PM today; ask "
        "again after 1:00 AM today, when it sees up to midnight at the end of Sunday."
    )
