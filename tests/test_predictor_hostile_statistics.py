"""The power forecast on recorder statistics that another integration's states made hostile."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from .hourly_statistics import hourly_statistics
from .test_predictor import (
    HUMIDITY,
    NOW,
    POWER,
    PREDICTED,
    TEMPERATURE,
    _add_predictor,
    _hourly,
    _import,
    _predictor,
    _set_states,
)

GLITCHING = "sensor.glitching_power"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _compiled_mean_of_a_state_of_1e308_w(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> float:
    """The hourly mean Home Assistant's recorder compiles for a power sensor reading 1e308 W.

    A finite state (any integration's sensor: an MQTT sensor anyone may publish to, a REST
    sensor) held for seconds: the recorder weights it by the seconds it held.
    """
    assert await async_setup_component(hass, "sensor", {})
    hour = NOW.replace(minute=0) - timedelta(days=2)
    attributes = {"unit_of_measurement": "W", "device_class": "power", "state_class": "measurement"}
    freezer.move_to(hour + timedelta(seconds=1))
    hass.states.async_set(GLITCHING, "1e308", attributes)
    await async_wait_recording_done(hass)
    freezer.move_to(hour + timedelta(hours=1, minutes=1))
    for minutes in range(0, 60, 5):
        do_adhoc_statistics(hass, start=hour + timedelta(minutes=minutes))
    do_adhoc_statistics(hass, start=hour, period="hourly")
    await async_wait_recording_done(hass)
    (row,) = await hourly_statistics(hass, GLITCHING, hour, hour + timedelta(hours=1))
    freezer.move_to(NOW)
    return float(row["mean"])


async def test_an_infinite_hour_of_power_statistics_is_a_missing_hour(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The recorder's hourly mean of a power sensor that read 1e308 W is infinite. Ten such
    hours in three weeks (2 %) made the glitch ceiling NaN, so they stayed in: every training
    failed (`min() iterable argument is empty`, logged at ERROR every hour, as a model-less
    forecast retrains hourly) and *Predicted power* stayed unavailable until the hours left
    the training window (60 days)."""
    infinite = await _compiled_mean_of_a_state_of_1e308_w(hass, freezer)
    assert math.isinf(infinite)
    frame = _hourly(21)
    power = frame["power_w"].astype(float)
    power.iloc[-30:-20] = infinite
    _import(hass, POWER, "W", "power", power)
    _import(hass, TEMPERATURE, "°C", "temperature", frame["temperature"])
    _import(hass, HUMIDITY, "%", None, frame["humidity"])
    await async_wait_recording_done(hass)
    _set_states(hass)

    predictor = _predictor(hass, await _add_predictor(hass))
    assert predictor.model is not None
    state = hass.states.get(PREDICTED)
    hours = [point["power_w"] for point in state.attributes["forecast"]]
    assert len(hours) == 24
    assert np.isfinite(hours).all()
    # The same hours as missing ones: what a meter that went silent for them gives.
    assert max(hours) < 2 * frame["power_w"].max()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
