"""`analyze_trend` says whether its slope means anything yet, as the trend sensors judge it.

Its least-squares slopes answer whatever the samples are: a walk asked it of a room 37
minutes after adding it and got -15.0 °C/d (the robust fit -17.2 ± 3.1), with nothing to say
that no trend sensor would show such a slope yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta

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

START = datetime(2026, 3, 2, 0, 0, tzinfo=dt_util.UTC)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _recorded(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: range, per_day: float
) -> None:
    for minute in minutes:
        freezer.move_to(START + timedelta(minutes=minute))
        value = 20.0 + per_day * minute / 1440.0
        hass.states.async_set("sensor.outside", f"{value:.2f}", {"unit_of_measurement": "°C"})
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)


async def _analyze(hass: HomeAssistant) -> dict[str, object]:
    response = await hass.services.async_call(
        DOMAIN,
        "analyze_trend",
        {"entity_id": "sensor.outside", "days": 7},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def test_a_slope_of_minutes_is_said_to_mean_nothing_yet(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await async_setup_component(hass, DOMAIN, {})
    # 37 minutes of a room cooling as a heater switches off: -3 °C an hour.
    await _recorded(hass, freezer, range(0, 38, 1), per_day=-72.0)
    response = await _analyze(hass)
    assert response["slope_per_day"] == pytest.approx(-72.0, abs=0.5)
    assert response["trend_status"] == "span_too_short"
    assert response["trend_slope_per_day"] is None
    assert response["span_hours"] == pytest.approx(37 / 60, abs=0.02)


async def test_days_of_samples_give_the_slope_a_sensor_would_show(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await async_setup_component(hass, DOMAIN, {})
    # Three days, every 30 minutes, warming by 1 °C a day.
    await _recorded(hass, freezer, range(0, 3 * 1440 + 1, 30), per_day=1.0)
    response = await _analyze(hass)
    assert response["trend_status"] == "shown"
    assert response["trend_slope_per_day"] == pytest.approx(1.0, abs=0.05)
    assert response["span_hours"] == pytest.approx(72.0, abs=0.6)
