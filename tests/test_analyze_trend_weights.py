"""`analyze_trend` weighs each value by the time it stood for, as the recorder's means do.

A walk asked it for a meter's outdoor temperature over 3 days: the recorder's hourly means
for the old hours, live states for the last one. Counted sample by sample, the 10-second
readings outweighed the days: the mean was 10.1 °C while the daily means were 5.8-10.9 °C.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.models import StatisticMeanType
from homeassistant.components.recorder.statistics import async_import_statistics
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.const import DOMAIN

OUTDOOR = "sensor.meter_outdoor_temperature"
START = datetime(2026, 3, 2, 0, 0, tzinfo=dt_util.UTC)
DAILY = (6.0, 8.0, 10.0)  # each day's hourly means
BURST = (15.9, 16.1)  # a warm half hour read every 10 s, alternating so each is recorded
HOUR_S = 3600.0


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _import_hours(hass: HomeAssistant, rows: list[dict[str, Any]]) -> None:
    """The outdoor sensor's hourly statistics, in °C."""
    async_import_statistics(
        hass,
        {
            "mean_type": StatisticMeanType.ARITHMETIC,
            "has_sum": False,
            "name": None,
            "source": "recorder",
            "statistic_id": OUTDOOR,
            "unit_class": "temperature",
            "unit_of_measurement": "°C",
        },
        rows,  # type: ignore[arg-type]
    )


async def _three_days_then_a_burst(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """72 hourly means in the statistics, then half an hour of states from 72:30 on."""
    hours = pd.date_range(START, periods=72, freq="h")
    _import_hours(
        hass,
        [
            {"start": start.to_pydatetime(), "mean": mean, "min": mean, "max": mean}
            for start, mean in zip(hours, np.repeat(DAILY, 24).tolist(), strict=True)
        ],
    )
    for step in range(180):
        freezer.move_to(START + timedelta(hours=72, minutes=30, seconds=10 * step))
        hass.states.async_set(OUTDOOR, str(BURST[step % 2]), {"unit_of_measurement": "°C"})
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    freezer.move_to(START + timedelta(hours=73))


async def test_live_readings_do_not_outweigh_hourly_history(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Each hourly mean weighs its hour, each state the 10 s until the next one.

    By hand: 24 h at 6 °C, 24 h at 8 °C, 24 h at 10 °C and half an hour at 16 °C make
    584 °C·h over 72.5 h, 8.055 °C. Sample by sample (72 means, 180 readings of 16 °C) it
    was 13.71 °C, above every hour of the three days.
    """
    await hass.config.async_set_time_zone("UTC")
    await async_setup_component(hass, DOMAIN, {})
    await _three_days_then_a_burst(hass, freezer)

    response: dict[str, Any] = await hass.services.async_call(
        DOMAIN,
        "analyze_trend",
        {"entity_id": OUTDOOR, "days": 4},
        blocking=True,
        return_response=True,
    )

    assert response["samples"] == 72 + 180
    hours = 72.5
    by_hand = (24 * 6.0 + 24 * 8.0 + 24 * 10.0 + 0.5 * 16.0) / hours
    assert response["mean"] == pytest.approx(by_hand, abs=1e-3)
    assert (response["minimum"], response["maximum"]) == (6.0, 16.1)
    # The daily means weigh each hour the same: the same weighing, by the hour.
    assert [day["mean"] for day in response["daily_means"]] == [6.0, 8.0, 10.0, 16.0]
    # The line weighs the samples as the mean does: numpy's weighted fit of the hourly
    # means at their hours' middles and of the readings, each by the square root of the
    # time it stood for (polyfit weighs residuals, not their squares).
    times = np.concatenate(
        [
            START.timestamp() + HOUR_S * (np.arange(72) + 0.5),
            START.timestamp() + 72.5 * HOUR_S + 10.0 * np.arange(180),
        ]
    )
    values = np.concatenate([np.repeat(DAILY, 24), np.tile(BURST, 90)])
    stood_for = np.append(np.diff(times), START.timestamp() + 73 * HOUR_S - times[-1])
    slope, intercept = np.polyfit((times - times[0]) / 86400, values, 1, w=np.sqrt(stood_for))
    assert response["slope_per_day"] == pytest.approx(slope, abs=1e-3)
    assert response["std"] == pytest.approx(
        np.sqrt(np.average((values - by_hand) ** 2, weights=stood_for)), abs=1e-3
    )
    assert response["intercept"] == pytest.approx(intercept, abs=1e-3)


async def _analyze_after_a_reading(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hours: int, reading: str, *, days: int
) -> dict[str, Any]:
    """One live reading ("9.5 °C") half an hour after `hours` of statistics, then the action."""
    await async_wait_recording_done(hass)
    freezer.move_to(START + timedelta(hours=hours, minutes=30))
    value, unit = reading.split(" ")
    hass.states.async_set(OUTDOOR, value, {"unit_of_measurement": unit})
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    response: dict[str, Any] = await hass.services.async_call(
        DOMAIN,
        "analyze_trend",
        {"entity_id": OUTDOOR, "days": days},
        blocking=True,
        return_response=True,
    )
    return response


async def test_the_hours_statistics_stand_in_for_count_by_their_extremes(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """An hourly mean hides its hour's range: a 2 °C night and a 19 °C afternoon are kept.

    Each day's hours have means of 6, 8 and 10 °C; one hour dipped to 2 °C and one rose
    to 19 °C within it. The means alone said the window never left 6-16.1 °C.
    """
    await hass.config.async_set_time_zone("UTC")
    await async_setup_component(hass, DOMAIN, {})
    hours = pd.date_range(START, periods=72, freq="h")
    means = np.repeat(DAILY, 24).tolist()
    _import_hours(
        hass,
        [
            {
                "start": start.to_pydatetime(),
                "mean": mean,
                "min": 2.0 if index == 3 else mean - 0.5,
                "max": 19.0 if index == 60 else mean + 0.5,
            }
            for index, (start, mean) in enumerate(zip(hours, means, strict=True))
        ],
    )
    response = await _analyze_after_a_reading(hass, freezer, 72, "9.5 °C", days=4)

    assert (response["minimum"], response["maximum"]) == (2.0, 19.0)
    # The mean is still the hours' means', with the live reading after them.
    assert 6.0 < response["mean"] < 10.0


async def test_extremes_follow_the_unit_the_sensor_shows(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Statistics kept in °C, the sensor now shown in °F: the extremes come in °F."""
    await hass.config.async_set_time_zone("UTC")
    await async_setup_component(hass, DOMAIN, {})
    hours = pd.date_range(START, periods=48, freq="h")
    _import_hours(
        hass,
        [
            {"start": start.to_pydatetime(), "mean": 10.0, "min": 0.0, "max": 20.0}
            for start in hours
        ],
    )
    response = await _analyze_after_a_reading(hass, freezer, 48, "50.0 °F", days=3)

    assert (response["minimum"], response["maximum"]) == (32.0, 68.0)
