"""Assist the night the clocks go back: which 2:00 AM a forecast's highest hour is."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .assist_sentences import said, start_assist
from .imported_statistics import Statistics, async_import_once, imported
from .test_assist_power import _rows
from .test_predictor import (
    ENOUGH_DAYS,
    HUMIDITY,
    POWER,
    TEMPERATURE,
    _add_predictor,
    _hourly,
    _set_states,
    _statistic,
)

# Berlin, Saturday 24 October 2026, 11:30 PM: that night the clocks go back at 3:00 AM, and
# the clock reads 2:00 AM twice (00:00 and 01:00 UTC).
BERLIN = "Europe/Berlin"
AUTUMN_EVENING = datetime(2026, 10, 24, 21, 30, tzinfo=dt_util.UTC)
# A storage heater charging at 2 AM every night: the night's highest hour.
_NIGHT_LOAD_W = 4000.0


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _night_load_statistics(days: int, end: datetime) -> Statistics:
    """The real slice up to `end`, with the 2 AM load of each night in Berlin."""
    frame = _hourly(days, end)
    local_hours = frame.index.tz_convert(BERLIN).hour
    power = frame["power_w"].where(local_hours != 2, frame["power_w"] + _NIGHT_LOAD_W)
    return [
        _statistic(POWER, "W", "power", power),
        _statistic(TEMPERATURE, "°C", "temperature", frame["temperature"]),
        _statistic(HUMIDITY, "%", None, frame["humidity"]),
    ]


async def async_autumn_night_heard(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Berlin at 11:30 PM the evening the clocks go back: the night-load forecast, and Assist."""
    await hass.config.async_update(time_zone=BERLIN)
    freezer.move_to(AUTUMN_EVENING)
    await async_import_once(hass, _night_load_statistics(ENOUGH_DAYS, AUTUMN_EVENING))
    _set_states(hass)
    await _add_predictor(hass)
    await start_assist(hass)


@imported(_night_load_statistics, ENOUGH_DAYS, AUTUMN_EVENING)
async def test_the_highest_hour_says_which_two_oclock(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "The highest hour is 2:00 AM" did not say which of the night's two 2:00 AMs."""
    await async_autumn_night_heard(hass, freezer)
    rows = _rows(hass)
    peak = max(rows, key=lambda start: rows[start]["power_w"])
    first_two = datetime(2026, 10, 25, 0, 0, tzinfo=dt_util.UTC)
    assert peak in (first_two, first_two + timedelta(hours=1))
    assert dt_util.as_local(peak).hour == 2
    which = "before" if peak == first_two else "after"
    at = f"2:00 AM tomorrow ({which} the clocks go back)"
    watts = f"about {int(rows[peak]['power_w'] + 0.5):,}\u00a0W"
    assert await said(hass, "when is the peak power") == (
        f"Power forecast expects the peak at {at}, {watts}."
    )
    assert await said(hass, "when is the peak power tomorrow") == (
        f"Power forecast expects the peak at {at}, {watts} (midnight to 10:00 PM, as far as it "
        "sees)."
    )
    assert await said(hass, "when is the peak power tonight") == (
        "For the rest of tonight, from 11:30 PM to 6:00 AM, Power forecast expects the peak at "
        f"2:00 AM ({which} the clocks go back), {watts}."
    )
    tonight = await said(hass, "how much power will we use tonight")
    assert tonight.endswith(f"; the highest hour is 2:00 AM ({which} the clocks go back), {watts}.")
    forecast = await said(hass, "what is the power forecast")
    assert f"; the highest hour ahead is {at}, {watts};" in forecast, forecast


@imported(_night_load_statistics, ENOUGH_DAYS, AUTUMN_EVENING)
async def test_in_a_few_hours_says_which_two_thirty(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """At 11:30 PM, "in three hours" and "in four hours" are both 2:30 AM on the clock: the
    answers gave the first's figure "in the hour from 2:00 AM" and the second's "from 2:00 AM
    to 3:00 AM", not saying which. Now as "at 2:30 am" says it."""
    await async_autumn_night_heard(hass, freezer)
    rows = _rows(hass)

    def spoken(power_w: float) -> str:
        # Whole watts, or tenths of a kilowatt from 10 kW; a half up.
        if power_w < 10_000:
            return f"{int(power_w + 0.5):,}\u00a0W"
        tenths = int(power_w / 100 + 0.5)
        return f"{tenths // 10:,}.{tenths % 10}\u00a0kW"

    def expects(start: datetime, when: str) -> str:
        point = rows[start]
        return (
            f"Power forecast expects about {spoken(point['power_w'])} {when} (likely "
            f"{spoken(point['low_w'])} to {spoken(point['high_w'])})."
        )

    first_two = datetime(2026, 10, 25, 0, 0, tzinfo=dt_util.UTC)
    twice = "2:30 AM tomorrow comes twice: the clocks go back from 3:00 AM to 2:00 AM"
    assert await said(hass, "what will the power be in three hours") == (
        f"{twice}; the first, before they do: "
        + expects(first_two, "in the hour from 2:00 AM tomorrow")
    )
    assert await said(hass, "what will the power be in four hours") == (
        f"{twice}; the second, after they do: "
        + expects(first_two + timedelta(hours=1), "from 2:00 AM to 3:00 AM tomorrow")
    )
