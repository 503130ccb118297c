"""A net meter (negative while solar exports) is refused, not forecast as 0 W at midday.

An outside review chose a grid meter with panels (42 % of its hours negative): the forecast
read 0.0 W at noon with a band of 0.0-0.3 W, its error was scored against the clipped hours
(77.5 W, against over 1 kW from the sensor), and Assist gave a day's energy that was
neither net use nor consumption.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest.mock import AsyncMock

import numpy as np
import pandas as pd
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import CONF_NAME, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.const import (
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
    DOMAIN,
    SubentryKind,
)
from custom_components.py_iot_home.forecast.saved_model import STORAGE_VERSION, model_storage_key

from .assist_sentences import ask, speech, start_assist
from .home_entry import (
    FORECAST_SUBENTRY_ID,
    async_configure_subentry,
    async_start_reconfigure,
    forecast_subentry,
    home_entry,
    settings,
)
from .imported_statistics import Statistics, async_import_once, imported
from .test_predictor import (
    NOW,
    POWER,
    PREDICTED,
    TEMPERATURE,
    _hourly,
    _predictor_form,
    _set_states,
    _statistic,
)

CONSUMPTION = "sensor.demo_consumption"
OPTIONS = {
    CONF_POWER_ENTITY: POWER,
    CONF_TEMPERATURE_ENTITY: TEMPERATURE,
    CONF_TRAINING_DAYS: 60,
    CONF_RETRAIN_HOURS: 24,
}
# The harness's: the marked tests' statistics are built before Home Assistant is set to it.
HOME_TIME_ZONE = "US/Pacific"
PREDICTOR_SENSORS = (
    PREDICTED,
    "sensor.power_forecast_forecast_method",
    "sensor.power_forecast_skill_over_the_best_rule",
    "sensor.power_forecast_day_ahead_forecast_error",
    "sensor.power_forecast_last_trained",
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _net_of_solar(frame: pd.DataFrame) -> pd.Series:
    """The home's power less a 3 kWp array's (up to 2.5 kW around noon): a grid meter."""
    local_hour = np.asarray(pd.DatetimeIndex(frame.index).tz_convert(HOME_TIME_ZONE).hour)
    return frame["power_w"] - 2500.0 * np.clip(np.sin(np.pi * (local_hour - 6) / 12), 0, None)


def _with_noise(power: pd.Series) -> pd.Series:
    """A consumption meter's readings just below zero: -5 W one hour in five, -80 W in 60."""
    noisy = power.copy()
    noisy.iloc[::5] = -5.0
    noisy.iloc[::60] = -80.0
    return noisy


# What each power sensor's statistics read, by name (the marker's arguments name them).
READINGS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "consumption": lambda frame: frame["power_w"],
    "consumption_with_noise": lambda frame: _with_noise(frame["power_w"]),
    "net": _net_of_solar,
}


def _meter_statistics(**readings: str) -> Statistics:
    """Hourly statistics of the power sensors given (`READINGS`, in W) and the temperature."""
    frame = _hourly(56)
    return [
        *(
            _statistic(entity_id, "W", "power", READINGS[reading](frame))
            for entity_id, reading in readings.items()
        ),
        _statistic(TEMPERATURE, "°C", "temperature", frame["temperature"]),
    ]


async def _record(hass: HomeAssistant, **readings: str) -> pd.DataFrame:
    """Import `_meter_statistics(**readings)`, set the power sensors' states; the hours."""
    assert hass.config.time_zone == HOME_TIME_ZONE
    frame = _hourly(56)
    await async_import_once(hass, _meter_statistics(**readings))
    for entity_id, reading in readings.items():
        power = READINGS[reading](frame)
        hass.states.async_set(entity_id, f"{power.iloc[-1]:.0f}", {"unit_of_measurement": "W"})
    return frame


def _exporting_percent(power: pd.Series) -> str:
    """The share of hours below -50 W (export, not noise), as the messages show it."""
    return f"{100 * float((power < -50).mean()):.0f}"


@imported(_meter_statistics, **{POWER: "net", CONSUMPTION: "consumption_with_noise"})
async def test_the_flow_refuses_a_net_meter_and_takes_a_consumption_meter_with_noise(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_setup_entry: AsyncMock,
) -> None:
    freezer.move_to(NOW)
    frame = await _record(hass, **{POWER: "net", CONSUMPTION: "consumption_with_noise"})
    net = _net_of_solar(frame)
    consumption = _with_noise(frame["power_w"])
    _set_states(hass)
    hass.states.async_set(POWER, "-1800", {"unit_of_measurement": "W"})
    result = await _predictor_form(hass)
    user_input = {CONF_NAME: "Power forecast", **OPTIONS}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_POWER_ENTITY: "net_meter"}
    assert result["description_placeholders"] == {"percent": _exporting_percent(net)}
    assert 30 < int(result["description_placeholders"]["percent"]) < 50
    assert not mock_setup_entry.mock_calls

    # -5 W in a fifth of the hours and a -80 W hour in 60: noise, not export.
    assert (consumption < 0).mean() > 0.2
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**user_input, CONF_POWER_ENTITY: CONSUMPTION}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (forecast,) = result["result"].subentries.values()
    assert forecast.data[CONF_POWER_ENTITY] == CONSUMPTION
    assert len(mock_setup_entry.mock_calls) == 1


@imported(_meter_statistics, **{POWER: "net", CONSUMPTION: "consumption"})
async def test_the_options_refuse_a_net_meter_in_place_of_consumption(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_setup_entry: AsyncMock,
) -> None:
    freezer.move_to(NOW)
    net = _net_of_solar(await _record(hass, **{POWER: "net", CONSUMPTION: "consumption"}))
    _set_states(hass)
    entry = _predictor_entry(hass, CONSUMPTION)
    options = {**OPTIONS, CONF_TRAINING_DAYS: 30}

    result = await async_start_reconfigure(hass, entry, FORECAST_SUBENTRY_ID, SubentryKind.FORECAST)
    result = await async_configure_subentry(hass, result["flow_id"], options)
    assert result["errors"] == {CONF_POWER_ENTITY: "net_meter"}
    # Over the 30 days the form asks for, not the 60 the entry had.
    assert result["description_placeholders"] == {
        "name": "Power forecast",
        "percent": _exporting_percent(net.tail(30 * 24)),
    }
    result = await async_configure_subentry(
        hass, result["flow_id"], {**options, CONF_POWER_ENTITY: CONSUMPTION}
    )
    assert result["type"] is FlowResultType.ABORT
    assert settings(entry, FORECAST_SUBENTRY_ID)[CONF_TRAINING_DAYS] == 30


def _predictor_entry(hass: HomeAssistant, power: str) -> MockConfigEntry:
    """A predictor of `power` (as one set up before the flow checked for net meters)."""
    entry = home_entry(forecast_subentry({**OPTIONS, CONF_POWER_ENTITY: power}))
    entry.add_to_hass(hass)
    return entry


def _net_meter_issue(hass: HomeAssistant, entry_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"net_meter_{entry_id}")


@imported(_meter_statistics, **{POWER: "consumption"})
async def test_a_sensor_that_starts_exporting_is_a_repair_not_a_forecast(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Chosen while it measured consumption, the sensor later reads the grid net of panels:
    the retrain publishes nothing and says why, and the saved model goes too."""
    freezer.move_to(NOW)
    frame = await _record(hass, **{POWER: "consumption"})
    _set_states(hass)
    entry = _predictor_entry(hass, POWER)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(PREDICTED).state != STATE_UNAVAILABLE
    assert model_storage_key(FORECAST_SUBENTRY_ID) in hass_storage
    assert _net_meter_issue(hass, FORECAST_SUBENTRY_ID) is None

    net = _net_of_solar(frame)
    await _record(hass, **{POWER: "net"})
    freezer.tick(timedelta(minutes=5))
    response = await hass.services.async_call(
        DOMAIN,
        "retrain",
        {"config_entry_id": FORECAST_SUBENTRY_ID},
        blocking=True,
        return_response=True,
    )
    assert response["trained"] is False
    await hass.async_block_till_done()

    issue = _net_meter_issue(hass, FORECAST_SUBENTRY_ID)
    assert issue is not None
    assert issue.translation_key == "net_meter"
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_placeholders == {
        "name": "Power forecast",
        "entity": POWER,
        "percent": _exporting_percent(net),
    }
    for entity_id in PREDICTOR_SENSORS:
        assert hass.states.get(entity_id).state == STATE_UNAVAILABLE, entity_id
    # Assist as a user has it, the forecast's sensors exposed to it.
    await start_assist(hass)
    # Not a day's energy that is neither net use nor consumption, but why there is none.
    assert speech(await ask(hass, "what is the power forecast")) == (
        f"Power forecast has no forecast: its power sensor went below zero in "
        f"{_exporting_percent(net)}\u00a0percent of its hours, like a net meter; choose a "
        "consumption sensor in its options."
    )
    assert model_storage_key(FORECAST_SUBENTRY_ID) not in hass_storage
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "forecast_power",
            {"config_entry_id": FORECAST_SUBENTRY_ID},
            blocking=True,
            return_response=True,
        )
    assert raised.value.translation_key == "no_forecast_net_meter"
    assert raised.value.translation_placeholders == {
        "entity": POWER,
        "percent": _exporting_percent(net),
    }

    # A restart does not bring the old model back.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(PREDICTED).state == STATE_UNAVAILABLE
    assert _net_meter_issue(hass, FORECAST_SUBENTRY_ID) is not None

    # A deleted predictor takes its repair with it.
    assert hass.config_entries.async_remove_subentry(entry, FORECAST_SUBENTRY_ID)
    await hass.async_block_till_done()
    assert _net_meter_issue(hass, FORECAST_SUBENTRY_ID) is None


@imported(_meter_statistics, **{POWER: "consumption"})
async def test_a_model_saved_before_its_sensor_exported_is_not_used_after_a_restart(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A predictor of a release that did not check, or whose sensor began exporting since
    its last training: its saved model forecast the net meter until its next training."""
    freezer.move_to(NOW)
    await _record(hass, **{POWER: "consumption"})
    _set_states(hass)
    entry = _predictor_entry(hass, POWER)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert model_storage_key(FORECAST_SUBENTRY_ID) in hass_storage

    await _record(hass, **{POWER: "net"})
    freezer.tick(timedelta(minutes=5))
    assert await hass.config_entries.async_reload(entry.entry_id)  # a restart, in effect
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _net_meter_issue(hass, FORECAST_SUBENTRY_ID) is not None
    assert hass.states.get(PREDICTED).state == STATE_UNAVAILABLE
    assert model_storage_key(FORECAST_SUBENTRY_ID) not in hass_storage


@imported(_meter_statistics, **{POWER: "net"})
async def test_a_newer_releases_saved_model_stays_when_its_sensor_exports(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A downgrade: this release reads no newer release's model, and its net meter's repair
    deleted that release's file with its own."""
    freezer.move_to(NOW)
    await _record(hass, **{POWER: "net"})
    _set_states(hass)
    key = model_storage_key(FORECAST_SUBENTRY_ID)
    newer = {"version": STORAGE_VERSION + 1, "minor_version": 1, "key": key, "data": {"m": 1}}
    hass_storage[key] = dict(newer)
    entry = _predictor_entry(hass, POWER)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _net_meter_issue(hass, FORECAST_SUBENTRY_ID) is not None
    assert hass.states.get(PREDICTED).state == STATE_UNAVAILABLE
    assert hass_storage[key] == newer


@imported(_meter_statistics, **{POWER: "net", CONSUMPTION: "consumption_with_noise"})
async def test_the_repair_goes_once_a_consumption_sensor_trains(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A net meter chosen before the flow checked: its repair, then the user's fix."""
    freezer.move_to(NOW)
    await _record(hass, **{POWER: "net", CONSUMPTION: "consumption_with_noise"})
    _set_states(hass)
    hass.states.async_set(POWER, "-1800", {"unit_of_measurement": "W"})
    entry = _predictor_entry(hass, POWER)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _net_meter_issue(hass, FORECAST_SUBENTRY_ID) is not None
    assert hass.states.get(PREDICTED).state == STATE_UNAVAILABLE

    result = await async_start_reconfigure(hass, entry, FORECAST_SUBENTRY_ID, SubentryKind.FORECAST)
    result = await async_configure_subentry(
        hass, result["flow_id"], {**OPTIONS, CONF_POWER_ENTITY: CONSUMPTION}
    )
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _net_meter_issue(hass, FORECAST_SUBENTRY_ID) is None
    state = hass.states.get(PREDICTED)
    assert state.state != STATE_UNAVAILABLE
    # Readings just below zero still count as 0 W: a forecast never below it, in its band.
    for point in state.attributes["forecast"]:
        assert 0 <= point["low_w"] <= point["power_w"] <= point["high_w"]
    assert float(state.state) > 0
