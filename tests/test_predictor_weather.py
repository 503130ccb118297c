"""The predictor with a real weather entity: its hourly forecast and its recorded history."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.const import (
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
    CONF_WEATHER_ENTITY,
    DOMAIN,
    SubentryKind,
)
from custom_components.py_iot_home.forecast.coordinator import PredictorCoordinator
from custom_components.py_iot_home.forecast.recorder_history import (
    HistorySources,
    async_load_hourly_history,
)
from custom_components.py_iot_home.prediction import PowerModel
from custom_components.py_iot_home.prediction.learned_rule_mix import LEARNED_RULE_MIX
from custom_components.py_iot_home.prediction.walk_forward import LEARNED

from .home_entry import async_configure_subentry, async_start_reconfigure, subentry_titled
from .imported_statistics import Statistics, async_import_once, imported
from .prediction.conftest import heated_home
from .test_predictor import (
    HUMIDITY,
    POWER,
    TEMPERATURE,
    _add_predictor,
    _import,
    _predictor,
    _predictor_form,
    _set_states,
    _statistic,
)

NOW = datetime(2026, 3, 1, 0, 10, tzinfo=dt_util.UTC)
WEATHER = "weather.outdoor"
FORECAST_TEMPERATURE = "sensor.forecast_temperature"
# A template weather entity whose hourly forecast is 24 hours at one temperature, taken
# from a sensor the test sets: what `weather.get_forecasts` returns for any weather entity.
HOURLY_FORECAST = (
    "{% set ns = namespace(items=[]) %}"
    "{% set start = now().replace(minute=0, second=0, microsecond=0) %}"
    "{% for h in range(24) %}{% set ns.items = ns.items + [{"
    "'datetime': (start + timedelta(hours=h)).isoformat(),"
    f"'temperature': states('{FORECAST_TEMPERATURE}') | float(0),"
    "'condition': 'cloudy'}] %}{% endfor %}{{ ns.items }}"
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _weather_entity(
    hass: HomeAssistant, temperature: float, availability: dict[str, str] | None = None
) -> None:
    """The test's template weather with its hourly forecast (`availability`: its template)."""
    hass.states.async_set(FORECAST_TEMPERATURE, str(temperature))
    config = {
        "template": [
            {
                "weather": [
                    {
                        "name": "Outdoor",
                        **(availability or {}),
                        "condition": "cloudy",
                        "temperature": f"{{{{ states('{FORECAST_TEMPERATURE}') | float(0) }}}}",
                        "temperature_unit": "°C",
                        "humidity": "{{ 80 }}",
                        "forecast_hourly": HOURLY_FORECAST,
                    }
                ]
            }
        ]
    }
    assert await async_setup_component(hass, "template", config)
    await hass.async_block_till_done()


def _heated_home_statistics() -> Statistics:
    """The statistics `_seed_heated_home` imports: 56 days of a home heated at 80 W/°C."""
    frame = _heated_home_frame()
    return [
        _statistic(POWER, "W", "power", frame["power_w"]),
        _statistic(TEMPERATURE, "°C", "temperature", frame["temperature"]),
        _statistic(HUMIDITY, "%", None, frame["humidity"].fillna(50.0)),
    ]


def _heated_home_frame() -> pd.DataFrame:
    frame = heated_home(days=56)
    frame.index = pd.date_range(
        end=NOW.replace(minute=0) - timedelta(hours=1), periods=len(frame), freq="h"
    )
    return frame


async def _seed_heated_home(hass: HomeAssistant) -> pd.DataFrame:
    await async_import_once(hass, _heated_home_statistics())
    _set_states(hass)
    return _heated_home_frame()


def _learned_share(model: PowerModel | None) -> float:
    """The learned method's weight in the day ahead: alone, or mixed with a rule the held-out
    weeks were unsure of (then the temperature's effect shows at that weight)."""
    assert model is not None
    choice = model.groups["day_ahead"]
    if choice.method == LEARNED_RULE_MIX:
        assert choice.paired_learned in LEARNED
        return choice.learned_weight
    assert choice.method in LEARNED
    return 1.0


async def _forecast_at(
    hass: HomeAssistant, predictor: PredictorCoordinator, temperature: float
) -> list[float]:
    """The forecast's hours once the weather forecasts `temperature` for all of them."""
    hass.states.async_set(FORECAST_TEMPERATURE, str(temperature))
    await hass.async_block_till_done()
    await predictor.async_refresh()
    return [point.power_w for point in predictor.data.forecast]


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_weather_forecast_drives_the_forecast(
    recorder_mock: Recorder, hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed_heated_home(hass)
    await _weather_entity(hass, 10.0)
    response = await hass.services.async_call(
        "weather",
        "get_forecasts",
        {"entity_id": WEATHER, "type": "hourly"},
        blocking=True,
        return_response=True,
    )
    assert len(response[WEATHER]["forecast"]) == 24
    # The weather's history and forecast reach the worker without pandas in this process.
    monkeypatch.setitem(sys.modules, "pandas", None)
    entry_id = await _add_predictor(hass, **{CONF_WEATHER_ENTITY: WEATHER})
    predictor = _predictor(hass, entry_id)
    assert predictor.model is not None
    assert predictor.model.weather_forecast
    share = _learned_share(predictor.model)
    mild = [point.power_w for point in predictor.data.forecast]

    cold = await _forecast_at(hass, predictor, -5.0)
    # The home heats at 80 W/°C: 15 °C colder must show, and most in the occupied hours.
    assert np.mean(cold) > np.mean(mild) + 300 * share
    state = hass.states.get("sensor.power_forecast_predicted_power")
    assert state.attributes["forecast"][0]["power_w"] == pytest.approx(cold[0], abs=0.1)


@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_without_a_forecast_the_weather_rule_is_yesterday(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """A weather entity that answers with nothing: the forecast still comes, from history."""
    await _seed_heated_home(hass)
    # It says it has an hourly forecast (supported_features 2), and gives none.
    hass.states.async_set("weather.silent", "cloudy", {"temperature": 3, "supported_features": 2})
    entry_id = await _add_predictor(hass, **{CONF_WEATHER_ENTITY: "weather.silent"})
    predictor = _predictor(hass, entry_id)
    assert len(predictor.data.forecast) == 24
    assert all(np.isfinite(point.power_w) for point in predictor.data.forecast)


@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_a_weather_entity_without_an_hourly_forecast_is_refused(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """Only a daily forecast: the coming hours would never get theirs. Said at its field."""
    await _seed_heated_home(hass)
    # Home Assistant's WeatherEntityFeature: 1 daily, 2 hourly, 4 twice daily.
    hass.states.async_set("weather.daily", "cloudy", {"temperature": 3, "supported_features": 5})
    result = await _predictor_form(hass)
    sources = {
        CONF_NAME: "Power forecast",
        CONF_POWER_ENTITY: POWER,
        CONF_TEMPERATURE_ENTITY: TEMPERATURE,
        CONF_TRAINING_DAYS: 60,
        CONF_RETRAIN_HOURS: 24,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**sources, CONF_WEATHER_ENTITY: "weather.daily"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_WEATHER_ENTITY: "weather_not_hourly"}
    # The picker lists only weather entities with an hourly forecast.
    picker = result["data_schema"].schema[CONF_WEATHER_ENTITY].config["filter"]
    assert picker == [{"domain": ["weather"], "supported_features": [2]}]
    hass.states.async_set("weather.daily", "cloudy", {"temperature": 3, "supported_features": 7})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**sources, CONF_WEATHER_ENTITY: "weather.daily"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_weather_history_trains_in_celsius(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Recorded states of a weather entity become hourly °C temperatures; junk is dropped."""
    start = datetime(2026, 3, 1, 0, 0, tzinfo=dt_util.UTC)
    readings = [(0, 41.0, "°F"), (30, 50.0, "°F"), (60, "warm", "°F"), (120, 20.0, "°C")]
    for minutes, value, unit in readings:
        freezer.move_to(start + timedelta(minutes=minutes, seconds=5))
        hass.states.async_set(
            "weather.recorded", "cloudy", {"temperature": value, "temperature_unit": unit}
        )
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    freezer.move_to(start + timedelta(hours=4))
    sources = HistorySources(power=POWER, temperature=TEMPERATURE, weather="weather.recorded")
    loaded = await async_load_hourly_history(hass, sources, start, start + timedelta(hours=4))
    # Hour 0: mean of 5 °C and 10 °C; hour 1: "warm" dropped, 10 °C carried; hour 2: 20 °C.
    np.testing.assert_allclose(loaded.history.temperature, [7.5, 10.0, 20.0, 20.0])
    assert loaded.weather_hours == 4


def test_forecast_reply_is_checked_and_converted() -> None:
    """Hostile or odd forecast points are dropped; °F becomes °C."""
    from custom_components.py_iot_home.forecast.weather import weather_arrays

    reply = {
        "forecast": [
            {"datetime": "2026-03-01T01:00:00+00:00", "temperature": 50, "humidity": 70},
            {"datetime": "2026-03-01T02:00:00+00:00", "temperature": float("nan")},
            {"datetime": "2026-03-01T03:00:00", "temperature": 41},  # no zone: dropped
            {"datetime": "not a time", "temperature": 41},
            {"datetime": "2026-03-01T04:00:00+01:00", "temperature": True},
            # A 400-digit integer is no float: float() of it raised OverflowError.
            {"datetime": "2026-03-01T05:00:00+00:00", "temperature": 10**400, "humidity": 60},
            "junk",
            # Times of the right shape that name no moment, or none a forecast can be for:
            # each raised, and one such point stopped the predictor (an outside review).
            {"datetime": "2026-02-30T00:00:00+00:00", "temperature": 41},
            {"datetime": "2026-03-01T25:00:00+00:00", "temperature": 41},
            {"datetime": "2026-03-01T05:00:00+99:00", "temperature": 41},
            {"datetime": "2300-01-01T00:00:00+00:00", "temperature": 41},
            {"datetime": "9999-12-31T23:00:00+00:00", "temperature": 41},
            {"datetime": "0001-01-01T00:00:00+00:00", "temperature": 41},
        ]
    }
    arrays = weather_arrays(reply, "°F")
    assert arrays is not None
    frame = arrays.to_frame()
    assert list(frame.index) == [
        pd.Timestamp("2026-03-01T01:00:00+00:00"),
        pd.Timestamp("2026-03-01T02:00:00+00:00"),
        pd.Timestamp("2026-03-01T03:00:00+00:00"),
        pd.Timestamp("2026-03-01T05:00:00+00:00"),
    ]
    np.testing.assert_allclose(frame["temperature"], [10.0, np.nan, np.nan, np.nan])
    np.testing.assert_allclose(frame["humidity"], [70.0, np.nan, np.nan, 60.0])
    assert weather_arrays({"forecast": "nope"}) is None
    assert weather_arrays(None) is None


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_weather_entity_alone_trains_and_forecasts(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Many homes have a weather integration and no outdoor sensor. With the weather entity
    alone, the forecast keeps its temperature as a sensor of its own, whose long-term
    statistics grow day by day; the weather's recorded states (the recorder keeps 10 days of
    them by default) give the first days."""
    freezer.move_to(NOW)
    frame = heated_home(days=56)
    frame.index = pd.date_range(
        end=NOW.replace(minute=0) - timedelta(hours=1), periods=len(frame), freq="h"
    )
    _import(hass, POWER, "W", "power", frame["power_w"])
    await async_wait_recording_done(hass)
    await _weather_entity(hass, 10.0)
    for hour, temperature in frame["temperature"].iloc[-10 * 24 :].items():
        freezer.move_to(hour.to_pydatetime() + timedelta(minutes=5))
        hass.states.async_set(FORECAST_TEMPERATURE, f"{temperature:.1f}")
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    freezer.move_to(NOW)
    _set_states(hass)

    result = await _predictor_form(hass)
    sources = {
        CONF_NAME: "Power forecast",
        CONF_POWER_ENTITY: POWER,
        CONF_TRAINING_DAYS: 60,
        CONF_RETRAIN_HOURS: 24,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], sources)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_TEMPERATURE_ENTITY: "no_temperature_source"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**sources, CONF_WEATHER_ENTITY: WEATHER}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    predictor = _predictor(hass, subentry_titled(result["result"], "Power forecast").subentry_id)

    # The mirror: the weather's temperature, in °C, with a state class for statistics.
    mirror = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{predictor.entry.unique_id}_outdoor_temperature"
    )
    assert mirror is not None
    state = hass.states.get(mirror)
    assert float(state.state) == pytest.approx(hass.states.get(WEATHER).attributes["temperature"])
    assert state.attributes["state_class"] == "measurement"
    assert state.attributes["unit_of_measurement"] == "°C"
    hass.states.async_set(FORECAST_TEMPERATURE, "-3.5")
    await hass.async_block_till_done()
    assert float(hass.states.get(mirror).state) == -3.5

    # Trained at once on the ten days the recorder kept; nothing carried further back.
    loaded = await async_load_hourly_history(
        hass, predictor.sources, NOW - timedelta(days=56), NOW.replace(minute=0)
    )
    assert loaded.weather_hours == 10 * 24
    assert np.isnan(loaded.history.temperature[: -10 * 24]).all()
    assert predictor.model is not None

    # Weeks later the mirror's statistics hold the whole window: as a sensor's would.
    _import(hass, mirror, "°C", "temperature", frame["temperature"].iloc[: -10 * 24])
    await async_wait_recording_done(hass)
    await predictor.async_retrain()
    assert predictor.sources.temperature == mirror
    assert predictor.model.weather_forecast
    share = _learned_share(predictor.model)
    mild = await _forecast_at(hass, predictor, 10.0)
    cold = await _forecast_at(hass, predictor, -5.0)
    # The home heats at 80 W/°C: 15 °C colder must show.
    assert np.mean(cold) > np.mean(mild) + 300 * share

    # Given an outdoor sensor since, the mirror goes (not left behind as unavailable).
    forecast_id = subentry_titled(result["result"], "Power forecast").subentry_id
    flow = await async_start_reconfigure(hass, result["result"], forecast_id, SubentryKind.FORECAST)
    changed = {**sources, CONF_TEMPERATURE_ENTITY: TEMPERATURE, CONF_WEATHER_ENTITY: WEATHER}
    changed.pop(CONF_NAME)
    await async_configure_subentry(hass, flow["flow_id"], changed)
    await hass.async_block_till_done()
    assert er.async_get(hass).async_get(mirror) is None
    assert hass.states.get(mirror) is None


async def test_the_mirror_takes_only_a_plausible_temperature(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """Another integration's attribute: a value no air has had never reaches statistics."""
    from custom_components.py_iot_home.entity import DeviceIdentity
    from custom_components.py_iot_home.forecast.outdoor_temperature import (
        WeatherTemperatureSensor,
    )

    sensor = WeatherTemperatureSensor(DeviceIdentity.of("f1", {"name": "F"}), "weather.x")
    sensor.hass = hass
    for value, unit, expected in (
        (21.5, "°C", 21.5),
        (50.0, "°F", 10.0),
        (500.0, "°C", None),
        (-120.0, "°C", None),
        ("warm", "°C", None),
        (float("nan"), "°C", None),
    ):
        hass.states.async_set(
            "weather.x", "sunny", {"temperature": value, "temperature_unit": unit}
        )
        sensor._take(hass.states.get("weather.x"))
        assert sensor.native_value == (pytest.approx(expected) if expected is not None else None)
        assert sensor.available is (expected is not None)
