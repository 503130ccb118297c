"""A power forecast's sources are checked on the server, not only by the form's pickers.

A user's walk posted the form's step over the API: `weather.nope` (no such entity) was
taken as the weather and a humidity sensor as the outdoor temperature, and the forecast
retrained with them. The pickers filter what the UI offers; the API and a stale form do not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from unittest.mock import AsyncMock

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from custom_components.py_iot_home.const import (
    CONF_HUMIDITY_ENTITY,
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
    CONF_WEATHER_ENTITY,
    DOMAIN,
    SubentryKind,
)

from .home_entry import async_configure_subentry, async_start_reconfigure
from .imported_statistics import imported
from .test_predictor import POWER, _add_predictor, _home, _hourly_statistics, _predictor, _seed

OUTDOOR = "sensor.outdoor_temperature"
OUTDOOR_HUMIDITY = "sensor.outdoor_humidity"
BATTERY = "sensor.phone_battery"
WEATHER = "weather.home"
NOW = datetime(2026, 3, 1, 0, 10, tzinfo=dt_util.UTC)
SOURCES = {
    CONF_NAME: "Power forecast",
    CONF_POWER_ENTITY: POWER,
    CONF_TEMPERATURE_ENTITY: OUTDOOR,
    CONF_TRAINING_DAYS: 60,
    CONF_RETRAIN_HOURS: 24,
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _set_sources(hass: HomeAssistant) -> None:
    """A home's sensors as their integrations describe them."""
    hass.states.async_set(POWER, "100", {"unit_of_measurement": "W", "device_class": "power"})
    hass.states.async_set(
        OUTDOOR, "4.5", {"unit_of_measurement": "°C", "device_class": "temperature"}
    )
    hass.states.async_set(
        OUTDOOR_HUMIDITY, "80", {"unit_of_measurement": "%", "device_class": "humidity"}
    )
    hass.states.async_set(BATTERY, "55", {"unit_of_measurement": "%", "device_class": "battery"})
    hass.states.async_set(WEATHER, "cloudy", {"temperature": 4, "supported_features": 2})


async def _form(hass: HomeAssistant) -> str:
    """The home entry's flow at its forecast form; its id."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "predictor"}
    )
    assert result["step_id"] == "predictor"
    return result["flow_id"]


WRONG_KINDS = [
    pytest.param({CONF_TEMPERATURE_ENTITY: OUTDOOR_HUMIDITY}, "not_temperature", id="humidity"),
    pytest.param({CONF_TEMPERATURE_ENTITY: POWER}, "not_temperature", id="power_as_temperature"),
    pytest.param({CONF_TEMPERATURE_ENTITY: "sensor.nope"}, "unknown_entity", id="no_outdoor"),
    pytest.param({CONF_HUMIDITY_ENTITY: OUTDOOR}, "not_humidity", id="temperature_as_humidity"),
    pytest.param({CONF_HUMIDITY_ENTITY: BATTERY}, "not_humidity", id="battery_as_humidity"),
    pytest.param({CONF_HUMIDITY_ENTITY: "sensor.nope"}, "unknown_entity", id="no_humidity"),
    pytest.param({CONF_WEATHER_ENTITY: "weather.nope"}, "unknown_entity", id="no_weather"),
    pytest.param({CONF_WEATHER_ENTITY: OUTDOOR}, "not_weather_entity", id="sensor_as_weather"),
    pytest.param({CONF_POWER_ENTITY: "sensor.nope"}, "unknown_entity", id="no_power"),
    pytest.param({CONF_POWER_ENTITY: OUTDOOR}, "unsupported_power_unit", id="outdoor_as_power"),
]


@pytest.mark.parametrize(("wrong", "error"), WRONG_KINDS)
async def test_a_source_of_the_wrong_kind_is_refused_at_its_field(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, wrong: dict[str, str], error: str
) -> None:
    """Each wrong kind gets its error next to its field; the same form then takes the right."""
    _set_sources(hass)
    flow_id = await _form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, {**SOURCES, **wrong})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {next(iter(wrong)): error}
    assert not hass.config_entries.async_entries(DOMAIN)
    right = {
        CONF_HUMIDITY_ENTITY: OUTDOOR_HUMIDITY,
        CONF_WEATHER_ENTITY: WEATHER,
    }
    result = await hass.config_entries.flow.async_configure(flow_id, {**SOURCES, **right})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(mock_setup_entry.mock_calls) == 1


async def test_a_registry_id_is_no_entity_id(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, mock_setup_entry: AsyncMock
) -> None:
    """The entity selector lets an entity's registry id through: stored, nothing reads it."""
    _set_sources(hass)
    registered = entity_registry.async_get_or_create(
        "sensor", "met", "outdoor", suggested_object_id="met_outdoor"
    )
    flow_id = await _form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**SOURCES, CONF_TEMPERATURE_ENTITY: registered.id}
    )
    assert result["errors"] == {CONF_TEMPERATURE_ENTITY: "unknown_entity"}


async def test_every_wrong_field_is_said_at_once(
    hass: HomeAssistant, mock_setup_entry: AsyncMock
) -> None:
    _set_sources(hass)
    flow_id = await _form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            **SOURCES,
            CONF_TEMPERATURE_ENTITY: OUTDOOR_HUMIDITY,
            CONF_HUMIDITY_ENTITY: OUTDOOR,
            CONF_WEATHER_ENTITY: "weather.nope",
        },
    )
    assert result["errors"] == {
        CONF_TEMPERATURE_ENTITY: "not_temperature",
        CONF_HUMIDITY_ENTITY: "not_humidity",
        CONF_WEATHER_ENTITY: "unknown_entity",
    }


RIGHT_KINDS = [
    pytest.param(
        {"unit_of_measurement": "°F", "device_class": "temperature"},
        {"unit_of_measurement": "%", "device_class": "humidity"},
        id="fahrenheit",
    ),
    # A template sensor often has a unit and no device class: the unit says what it is.
    pytest.param({"unit_of_measurement": "K"}, {"unit_of_measurement": "%"}, id="no_classes"),
]


@pytest.mark.parametrize(("outdoor", "humidity"), RIGHT_KINDS)
async def test_sources_of_the_right_kind_are_taken(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    outdoor: dict[str, str],
    humidity: dict[str, str],
) -> None:
    _set_sources(hass)
    hass.states.async_set(OUTDOOR, "40", outdoor)
    hass.states.async_set(OUTDOOR_HUMIDITY, "80", humidity)
    flow_id = await _form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {**SOURCES, CONF_HUMIDITY_ENTITY: OUTDOOR_HUMIDITY, CONF_WEATHER_ENTITY: WEATHER},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (forecast,) = result["result"].subentries.values()
    assert {key: forecast.data[key] for key in (CONF_TEMPERATURE_ENTITY, CONF_HUMIDITY_ENTITY)} == {
        CONF_TEMPERATURE_ENTITY: OUTDOOR,
        CONF_HUMIDITY_ENTITY: OUTDOOR_HUMIDITY,
    }


async def test_sources_not_loaded_yet_are_judged_by_the_registry(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, mock_setup_entry: AsyncMock
) -> None:
    """At start-up a weather or sensor integration may not have loaded: its registry entry
    says what it is; a registered sensor of the wrong kind is still refused."""
    _set_sources(hass)
    weather = entity_registry.async_get_or_create(
        "weather", "met", "home", suggested_object_id="met_home"
    )
    outdoor = entity_registry.async_get_or_create(
        "sensor",
        "met",
        "outdoor",
        suggested_object_id="met_outdoor",
        original_device_class="temperature",
        unit_of_measurement="°C",
    )
    gust = entity_registry.async_get_or_create(
        "sensor",
        "met",
        "gust",
        suggested_object_id="met_gust",
        original_device_class="wind_speed",
        unit_of_measurement="km/h",
    )
    meter = entity_registry.async_get_or_create(
        "sensor", "shelly", "meter", suggested_object_id="shelly_meter"
    )
    flow_id = await _form(hass)
    sources = {**SOURCES, CONF_WEATHER_ENTITY: weather.entity_id}
    # A power sensor's unit and state class decide how it is read: it must have a state.
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**sources, CONF_POWER_ENTITY: meter.entity_id}
    )
    assert result["errors"] == {CONF_POWER_ENTITY: "entity_not_found"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**sources, CONF_TEMPERATURE_ENTITY: gust.entity_id}
    )
    assert result["errors"] == {CONF_TEMPERATURE_ENTITY: "not_temperature"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**sources, CONF_TEMPERATURE_ENTITY: outdoor.entity_id}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@imported(_hourly_statistics, 5)
async def test_add_power_forecast_refuses_a_wrong_kind(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The integration page's Add power forecast (a subentry flow) checks the same."""
    freezer.move_to(NOW)
    await _seed(hass, 5)
    await _add_predictor(hass)
    _set_sources(hass)
    result = await hass.config_entries.subentries.async_init(
        (_home(hass).entry_id, SubentryKind.FORECAST), context={"source": SOURCE_USER}
    )
    sources = {**SOURCES, CONF_NAME: "Heat pump", CONF_POWER_ENTITY: "sensor.heat_pump"}
    hass.states.async_set("sensor.heat_pump", "900", {"unit_of_measurement": "W"})
    result = await async_configure_subentry(
        hass, result["flow_id"], {**sources, CONF_WEATHER_ENTITY: "weather.nope"}
    )
    assert result["errors"] == {CONF_WEATHER_ENTITY: "unknown_entity"}
    result = await async_configure_subentry(
        hass, result["flow_id"], {**sources, CONF_WEATHER_ENTITY: WEATHER}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@imported(_hourly_statistics, 5)
async def test_a_running_forecast_is_not_retrained_with_wrong_sources(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Change power forecast over the API: refused at the fields, nothing stored or retrained."""
    freezer.move_to(NOW)
    await _seed(hass, 5)
    forecast_id = await _add_predictor(hass)
    _set_sources(hass)
    before = dict(_home(hass).subentries[forecast_id].data)
    sources_before = _predictor(hass, forecast_id).sources
    result = await async_start_reconfigure(hass, _home(hass), forecast_id, SubentryKind.FORECAST)
    settings: dict[str, Any] = {
        CONF_POWER_ENTITY: POWER,
        CONF_TRAINING_DAYS: 30,
        CONF_RETRAIN_HOURS: 12,
    }
    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {
            **settings,
            CONF_TEMPERATURE_ENTITY: OUTDOOR_HUMIDITY,
            CONF_WEATHER_ENTITY: "weather.nope",
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {
        CONF_TEMPERATURE_ENTITY: "not_temperature",
        CONF_WEATHER_ENTITY: "unknown_entity",
    }
    await hass.async_block_till_done()
    assert dict(_home(hass).subentries[forecast_id].data) == before
    assert _predictor(hass, forecast_id).sources == sources_before
    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {**settings, CONF_TEMPERATURE_ENTITY: OUTDOOR, CONF_WEATHER_ENTITY: WEATHER},
    )
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()
    assert _home(hass).subentries[forecast_id].data[CONF_TEMPERATURE_ENTITY] == OUTDOOR


@pytest.mark.parametrize("key", ["predicted_power", "model_mae"])
@imported(_hourly_statistics, 5)
async def test_a_forecasts_own_sensor_is_no_power_to_forecast(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    key: str,
) -> None:
    """A forecast's sensors are in W like a meter, and the picker offers them: a forecast
    trained on one learned a forecast (its own, or its error), not what the home used."""
    freezer.move_to(NOW)
    await _seed(hass, 5)
    forecast_id = await _add_predictor(hass)
    _set_sources(hass)
    (own,) = (
        entry.entity_id
        for entry in entity_registry.entities.values()
        if entry.config_subentry_id == forecast_id and entry.unique_id.endswith(key)
    )
    assert hass.states.get(own) is not None
    result = await hass.config_entries.subentries.async_init(
        (_home(hass).entry_id, SubentryKind.FORECAST), context={"source": SOURCE_USER}
    )
    sources = {**SOURCES, CONF_NAME: "Heat pump", CONF_POWER_ENTITY: "sensor.heat_pump"}
    hass.states.async_set("sensor.heat_pump", "900", {"unit_of_measurement": "W"})
    result = await async_configure_subentry(
        hass, result["flow_id"], {**sources, CONF_POWER_ENTITY: own}
    )
    assert result["errors"] == {CONF_POWER_ENTITY: "power_is_a_forecast"}
    result = await async_configure_subentry(hass, result["flow_id"], sources)
    assert result["type"] is FlowResultType.CREATE_ENTRY
