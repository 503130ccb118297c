"""Units other integrations' states give us: any JSON value, not only text.

An attribute can hold a list or an object (a REST or command-line sensor's JSON attributes,
a state set through the REST API); `unit in {...}` of one raised TypeError.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.const import DOMAIN
from custom_components.py_iot_home.forecast.recorder_history import (
    HistorySources,
    async_load_hourly_history,
)
from custom_components.py_iot_home.forecast.weather import weather_arrays

START = datetime(2026, 3, 1, 0, 0, tzinfo=dt_util.UTC)
NOT_TEXT: list[object] = [["°F"], {"unit": "°F"}]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@pytest.mark.parametrize("unit", NOT_TEXT, ids=["list", "object"])
async def test_analyze_trend_of_a_sensor_whose_unit_is_no_text(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory, unit: object
) -> None:
    """Its states in °C count; one recorded with a unit that is no text is left out, and a
    current unit that is no text is no unit: the action raised TypeError."""
    await async_setup_component(hass, DOMAIN, {})
    readings = [(0, "20.0", "°C"), (40, "35.0", unit), (80, "20.0", "°C")]
    for minutes, value, reading_unit in readings:
        freezer.move_to(START + timedelta(minutes=minutes))
        hass.states.async_set("sensor.outside", value, {"unit_of_measurement": reading_unit})
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    freezer.move_to(START + timedelta(hours=3))
    response = await hass.services.async_call(
        DOMAIN,
        "analyze_trend",
        {"entity_id": "sensor.outside", "days": 1},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["samples"] > 0
    assert response["mean"] == 20.0

    hass.states.async_set("sensor.outside", "20.0", {"unit_of_measurement": unit})
    await hass.async_block_till_done()
    response = await hass.services.async_call(
        DOMAIN,
        "analyze_trend",
        {"entity_id": "sensor.outside", "days": 1},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["entity_id"] == "sensor.outside"


@pytest.mark.parametrize("unit", NOT_TEXT, ids=["list", "object"])
async def test_weather_history_with_a_unit_that_is_no_text_is_left_out(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory, unit: object
) -> None:
    """One such recorded state failed every load of the history: the predictor trained and
    forecast nothing, with a traceback every hour."""
    readings = [(0, 10.0, "°C"), (70, 50.0, unit), (130, 20.0, "°C")]
    for minutes, value, reading_unit in readings:
        freezer.move_to(START + timedelta(minutes=minutes, seconds=5))
        hass.states.async_set(
            "weather.recorded", "cloudy", {"temperature": value, "temperature_unit": reading_unit}
        )
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    freezer.move_to(START + timedelta(hours=4))
    sources = HistorySources(
        power="sensor.power", temperature="sensor.temperature", weather="weather.recorded"
    )
    loaded = await async_load_hourly_history(hass, sources, START, START + timedelta(hours=4))
    np.testing.assert_allclose(loaded.history.temperature, [10.0, 10.0, 20.0, 20.0])


@pytest.mark.parametrize("unit", NOT_TEXT, ids=["list", "object"])
def test_a_forecast_whose_unit_is_no_text_is_read_unconverted(unit: object) -> None:
    """As with a unit the converter does not know: the reply's numbers as they are."""
    reply = {"forecast": [{"datetime": "2026-03-01T01:00:00+00:00", "temperature": 12}]}
    arrays = weather_arrays(reply, unit)
    assert arrays is not None
    np.testing.assert_allclose(arrays.temperature, [12.0])
