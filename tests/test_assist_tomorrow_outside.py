"""Assist: "will it be warmer tomorrow?", by the days' highs outside."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from .assist_sentences import expose, said
from .outdoor_weather import FORECAST_WEATHER, async_forecast_with_weather
from .test_predictor import NOW, TEMPERATURE

# NOW is 4:10 PM in US/Pacific. The weather expects 5.2 °C this hour, half a degree less each
# hour after, up to 3:00 PM tomorrow: tomorrow's high is at midnight, 5.2 - 8 x 0.5 °C.
TOMORROW = (
    "Outdoor's hourly forecast expects a high of 1.2\u00a0°C tomorrow (it sees up to 4:00 PM "
    "tomorrow)"
)
# Warmer, and the same but for a degree: a forecast's error is larger than that.
MILD_WEATHER = {
    **FORECAST_WEATHER,
    "forecast_hourly": FORECAST_WEATHER["forecast_hourly"].replace(
        "5.2 - 0.5 * h", "4.0 + 0.1 * h"
    ),
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _garden_read_at_noon(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, celsius: str
) -> None:
    """The garden's sensor read `celsius` at 1:10 PM today, as the recorder keeps it."""
    freezer.move_to(NOW - timedelta(hours=3))
    hass.states.async_set(
        TEMPERATURE,
        celsius,
        {"unit_of_measurement": "°C", "device_class": "temperature", "friendly_name": "Garden"},
    )
    await async_wait_recording_done(hass)
    freezer.move_to(NOW)


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_will_it_be_warmer_tomorrow_compares_the_days_highs(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """ "Will it be warmer tomorrow" was not understood (the walk of session 38): yes or no
    first, by tomorrow's forecast high against today's, which counts what the garden's sensor
    recorded since midnight (9.0 °C at 1:10 PM, above all the weather expects of the rest of
    the day, 5.2 °C, and the 4.5 °C read now)."""
    await _garden_read_at_noon(hass, freezer, "9.0")
    await async_forecast_with_weather(hass, FORECAST_WEATHER)
    answer = f"tomorrow looks colder: {TOMORROW}, against 9.0\u00a0°C today."
    for sentence, lead in (
        ("will it be warmer tomorrow", "No"),
        ("will it be warmer outside tomorrow", "No"),
        ("is it going to be hotter tomorrow", "No"),
        ("will tomorrow be warmer than today", "No"),
        ("will it be colder tomorrow", "Yes"),
        ("is tomorrow going to be chillier", "Yes"),
    ):
        assert await said(hass, sentence) == f"{lead}, {answer}", sentence

    # Without the weather's forecast there is nothing to compare with.
    expose(hass, "weather.outdoor", False)
    assert await said(hass, "will it be warmer tomorrow") == (
        "I cannot tell whether tomorrow will be warmer: no weather entity with an hourly "
        "forecast is set up and exposed. A power forecast's settings take one."
    )


@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_degree_apart_is_about_the_same(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Tomorrow's high (4.0 + 2.3 = 6.3 °C at 3:00 PM) and today's (5.5 °C recorded at 1:10
    PM) differ by less than a day-ahead forecast errs: neither yes nor no."""
    await _garden_read_at_noon(hass, freezer, "5.5")
    await async_forecast_with_weather(hass, MILD_WEATHER)
    assert await said(hass, "will it be warmer tomorrow") == (
        "About the same as today: Outdoor's hourly forecast "
        "expects a high of 6.3\u00a0°C tomorrow (it sees up to 4:00 PM tomorrow), against "
        "5.5\u00a0°C today."
    )


@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_without_an_outdoor_sensor_today_is_the_rest_of_the_day(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The weather alone sees no hour gone by: what it is compared with is said as the rest of
    today, not as today's high."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, FORECAST_WEATHER, outdoor_sensors=False)
    assert await said(hass, "will it be colder tomorrow") == (
        f"Yes, tomorrow looks colder: {TOMORROW}, against 5.2\u00a0°C for the rest of today."
    )
