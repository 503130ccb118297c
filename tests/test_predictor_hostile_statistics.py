"""The power forecast on recorder statistics that another integration's states made hostile."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from unittest.mock import AsyncMock

import numpy as np
import pandas as pd
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.recorder import get_instance
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from custom_components.py_iot_home.const import (
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
)
from custom_components.py_iot_home.forecast.recorder_history import (
    HistorySources,
    async_load_hourly_history,
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
    _predictor_form,
    _set_states,
)

GLITCHING = "sensor.glitching_power"
METER = "sensor.grid_energy"
POWER_ATTRIBUTES = {
    "unit_of_measurement": "W",
    "device_class": "power",
    "state_class": "measurement",
}
TEMPERATURE_ATTRIBUTES = {
    "unit_of_measurement": "°C",
    "device_class": "temperature",
    "state_class": "measurement",
}


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


async def _compile_hours(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    start: datetime,
    hours: int,
    states: Sequence[tuple[str, float, str, dict[str, Any]]],
) -> dict[str, list[dict[str, Any]]]:
    """The hourly rows Home Assistant's recorder compiles from `states`.

    Each state is (entity id, seconds after `start`, value, attributes), set in time order,
    as any integration's sensor (an MQTT sensor anyone may publish to) would set it.
    """
    assert await async_setup_component(hass, "sensor", {})
    for entity_id, second, value, attributes in sorted(states, key=lambda state: state[1]):
        freezer.move_to(start + timedelta(seconds=second))
        hass.states.async_set(entity_id, value, attributes)
        await async_wait_recording_done(hass)
    end = start + timedelta(hours=hours)
    freezer.move_to(end + timedelta(minutes=1))
    for minutes in range(0, 60 * hours, 5):
        do_adhoc_statistics(hass, start=start + timedelta(minutes=minutes))
    for hour in range(hours):
        do_adhoc_statistics(hass, start=start + timedelta(hours=hour), period="hourly")
    await async_wait_recording_done(hass)
    ids = {entity_id for entity_id, *_ in states}
    return await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        end,
        ids,
        "hour",
        None,
        {"mean", "min", "max", "change"},
    )


async def test_an_hour_whose_min_or_max_no_home_or_air_has_had_is_missing(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """1e308 and -1e308 a second apart (any integration's sensor, a stranger's MQTT sensor)
    cancel out in the recorder's time-weighted mean: the hour's mean is a plausible 400-500 W
    (or °C), which the forecast learnt from; only the hour's min and max give it away."""
    start = NOW.replace(minute=0) - timedelta(days=2)
    hostile = [
        (POWER, 0, "500", POWER_ATTRIBUTES),
        (POWER, 600, "1e308", POWER_ATTRIBUTES),
        (POWER, 601, "-1e308", POWER_ATTRIBUTES),
        (POWER, 602, "500", POWER_ATTRIBUTES),
        (TEMPERATURE, 0, "20", TEMPERATURE_ATTRIBUTES),
        (TEMPERATURE, 1200, "-1e308", TEMPERATURE_ATTRIBUTES),
        (TEMPERATURE, 1201, "1e308", TEMPERATURE_ATTRIBUTES),
        (TEMPERATURE, 1202, "20", TEMPERATURE_ATTRIBUTES),
        # The next hour is a real one: a kettle's 3 kW for three minutes, a cold gust.
        (POWER, 3600 + 600, "3000", POWER_ATTRIBUTES),
        (POWER, 3600 + 780, "500", POWER_ATTRIBUTES),
        (TEMPERATURE, 3600 + 1200, "-12", TEMPERATURE_ATTRIBUTES),
        (TEMPERATURE, 3600 + 1260, "20", TEMPERATURE_ATTRIBUTES),
    ]
    rows = await _compile_hours(hass, freezer, start, 2, hostile)
    first_power, real_power = rows[POWER]
    first_temperature, real_temperature = rows[TEMPERATURE]
    assert 300 < first_power["mean"] < 600
    assert (first_power["min"], first_power["max"]) == (-1e308, 1e308)
    assert -90 < first_temperature["mean"] < 60
    assert (first_temperature["min"], first_temperature["max"]) == (-1e308, 1e308)
    assert (real_power["min"], real_power["max"]) == (500, 3000)
    assert (real_temperature["min"], real_temperature["max"]) == (-12, 20)

    loaded = await async_load_hourly_history(
        hass,
        HistorySources(power=POWER, temperature=TEMPERATURE),
        start,
        start + timedelta(hours=2),
    )
    history = loaded.history
    assert math.isnan(history.power_w[0])
    assert history.power_w[1] == pytest.approx(real_power["mean"])
    assert math.isnan(history.temperature[0])
    assert history.temperature[1] == pytest.approx(real_temperature["mean"])
    assert loaded.missing_power_hours == 1
    assert loaded.export.recorded == 1


ENERGY_ATTRIBUTES = {"unit_of_measurement": "kWh", "device_class": "energy"}


async def _compiled_dip(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> tuple[float, float]:
    """The hourly changes (kWh) the recorder compiles when a stranger sets a meter of
    10,000 kWh to 9,100 (within Home Assistant's 10 % dip, so no new cycle) for its hour's
    last second, and the meter reads 10,001 kWh next."""
    start = NOW.replace(minute=0) - timedelta(days=2)
    attributes = {**ENERGY_ATTRIBUTES, "state_class": "total_increasing"}
    rows = await _compile_hours(
        hass,
        freezer,
        start,
        2,
        [
            (METER, 0, "10000", attributes),
            (METER, 3599, "9100", attributes),
            (METER, 3630, "10001", attributes),
        ],
    )
    (dip, back) = rows[METER]
    freezer.move_to(NOW)
    return float(dip["change"]), float(back["change"])


def _meter_changes(days: int, *, every: int, low: float, high: float) -> pd.Series:
    """A home's hourly energy (kWh), with every `every`-th hour's change `low`, the next `high`."""
    changes = _hourly(days)["power_w"] / 1000.0
    changes.iloc[::every] = low
    changes.iloc[1::every] = high
    return changes


async def _flow_with_meter(
    hass: HomeAssistant, changes: pd.Series, state_class: str
) -> dict[str, Any]:
    """The forecast form, posted with `METER` (its hourly `changes`) as the power."""
    _import(hass, METER, "kWh", "energy", changes, cumulative=True)
    _import(hass, TEMPERATURE, "°C", "temperature", _hourly(56)["temperature"])
    await async_wait_recording_done(hass)
    _set_states(hass)
    hass.states.async_set(
        METER, f"{changes.sum():.1f}", {**ENERGY_ATTRIBUTES, "state_class": state_class}
    )
    result = await _predictor_form(hass)
    return await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Power forecast",
            CONF_POWER_ENTITY: METER,
            CONF_TEMPERATURE_ENTITY: TEMPERATURE,
            CONF_TRAINING_DAYS: 56,
            CONF_RETRAIN_HOURS: 24,
        },
    )


async def test_a_strangers_dips_of_a_meter_that_only_grows_are_no_export(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_setup_entry: AsyncMock,
) -> None:
    """A `total_increasing` meter set back by 9 % for a second (Home Assistant counts a drop
    below 90 % as a new cycle, and skips a negative reading, so this is what is left of a
    fall) gives an hour of -900 kWh: one such hour in ten made the meter a net meter,
    refused by the form (and by each training: no forecast, a repair)."""
    dip, back = await _compiled_dip(hass, freezer)
    assert dip == pytest.approx(-900)
    assert back == pytest.approx(901)
    changes = _meter_changes(56, every=10, low=dip, high=back)
    result = await _flow_with_meter(hass, changes, "total_increasing")
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    assert len(mock_setup_entry.mock_calls) == 1


@pytest.mark.parametrize(
    ("low", "high", "net_meter"),
    [
        # A stranger's absurd jumps of a `total` meter: 1e5 kWh in an hour is 100 MW.
        (-1e5, 1e5, False),
        # A real net meter's midday export (2.5 kWh an hour out) is still refused.
        (-2.5, 0.4, True),
    ],
)
async def test_a_total_meters_absurd_jumps_are_no_export_its_real_export_is(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_setup_entry: AsyncMock,
    low: float,
    high: float,
    net_meter: bool,
) -> None:
    freezer.move_to(NOW)
    changes = _meter_changes(56, every=10, low=low, high=high)
    result = await _flow_with_meter(hass, changes, "total")
    if net_meter:
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {CONF_POWER_ENTITY: "net_meter"}
        assert result["description_placeholders"] == {"percent": "10"}
    else:
        assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
