"""A weather entity of another integration whose hourly forecast is hostile or broken.

`weather.get_forecasts` hands on what the entity's integration returns, converted by Home
Assistant where it can be: any value, any time, any number of points, or an exception.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.weather import WeatherEntity, WeatherEntityFeature
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import UnitOfTemperature
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockModule,
    MockPlatform,
    async_fire_time_changed,
    mock_integration,
    mock_platform,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.const import CONF_WEATHER_ENTITY
from custom_components.py_iot_home.forecast.coordinator import PredictorCoordinator
from custom_components.py_iot_home.forecast.recorder_history import (
    HistorySources,
    async_load_hourly_history,
)
from custom_components.py_iot_home.forecast.weather import weather_arrays

from .test_predictor import POWER, PREDICTED, TEMPERATURE, _add_predictor, _home, _predictor
from .test_predictor_weather import NOW, _seed_heated_home

HOSTILE = "weather.hostile"
MISSING = "weather.hostile gives no hourly forecast"
BACK = "weather.hostile gives its hourly forecast again"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


class HostileWeather(WeatherEntity):
    """A weather entity whose hourly forecast is whatever the test sets, or raises."""

    _attr_name = "Hostile"
    _attr_condition = "cloudy"
    _attr_native_temperature = 10.0
    _attr_native_temperature_unit = UnitOfTemperature.CELSIUS
    _attr_supported_features = WeatherEntityFeature.FORECAST_HOURLY

    def __init__(self) -> None:
        self.hourly: Any = []
        self.error: Exception | None = None
        # A cloud API asked without a timeout of its own: the reply never comes.
        self.hangs = False
        self.hanging = asyncio.Event()

    async def async_forecast_hourly(self) -> Any:
        if self.hangs:
            self.hanging.set()
            await asyncio.Event().wait()
        if self.error is not None:
            raise self.error
        return self.hourly


async def _hostile_weather(hass: HomeAssistant) -> HostileWeather:
    """Another integration's weather entity, set up through Home Assistant's weather."""
    entity = HostileWeather()

    async def setup(hass: HomeAssistant, config: Any, add: Any, info: Any = None) -> None:
        add([entity])

    mock_integration(hass, MockModule("hostile_weather"))
    mock_platform(hass, "hostile_weather.weather", MockPlatform(async_setup_platform=setup))
    assert await async_setup_component(
        hass, "weather", {"weather": {"platform": "hostile_weather"}}
    )
    await hass.async_block_till_done()
    return entity


def _hours(count: int = 24, start: datetime = NOW, **point: Any) -> list[dict[str, Any]]:
    first = start.replace(minute=0)
    return [{"datetime": (first + timedelta(hours=h)).isoformat(), **point} for h in range(count)]


async def _predicted(hass: HomeAssistant, predictor: PredictorCoordinator) -> tuple[Any, ...]:
    """One hourly refresh: the state, its 24 hours and where their temperature came from."""
    await predictor.async_refresh()
    await hass.async_block_till_done()
    state = hass.states.get(PREDICTED)
    assert state is not None
    hours = tuple(point["power_w"] for point in state.attributes["forecast"])
    assert len(hours) == 24
    assert all(np.isfinite(hours))
    return float(state.state), hours, state.attributes["temperature_ahead"]


def _lines(caplog: pytest.LogCaptureFixture, text: str, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage() and r.levelno == level]


HALF_HOURS_500_AND_MINUS_460 = [
    {
        "datetime": (NOW.replace(minute=0) + timedelta(minutes=30 * h)).isoformat(),
        "temperature": 500.0 if h % 2 else -460.0,
    }
    for h in range(48)
]
UNREADABLE: dict[str, Any] = {
    "NaN": _hours(native_temperature=float("nan")),
    "infinity": _hours(native_temperature=float("inf")),
    "1e308": _hours(native_temperature=1e308),
    "text": _hours(temperature="warm"),
    "None": _hours(temperature=None),
    "no time": [{"temperature": 5.0}] * 24,
    "naive times": [{**p, "datetime": p["datetime"][:19]} for p in _hours(temperature=5.0)],
    "times not ISO": _hours(temperature=5.0, datetime="tomorrow"),
    "a week old": _hours(start=NOW - timedelta(days=7), temperature=5.0),
    "a year ahead": _hours(start=NOW + timedelta(days=365), temperature=5.0),
    # Averaged within the hour, 500 °C and -460 °C made 20 °C.
    "half hours of 500 and -460": HALF_HOURS_500_AND_MINUS_460,
    # A week's daily forecast handed over as hourly: one hour of the 24 took the day's high,
    # and the forecast said it took the weather's.
    "daily points": [
        {
            "datetime": (NOW.replace(minute=0) + timedelta(days=day, hours=5)).isoformat(),
            "temperature": -5.0,
        }
        for day in range(7)
    ],
}


# Its forecast is what the test sets; nothing of Home Assistant's outlives the test.
@pytest.mark.freeze_time(NOW)
async def test_a_forecast_of_unreadable_hours_is_no_weather_forecast(
    recorder_mock: Recorder, hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Hours whose temperature or time is unreadable, or lies outside the coming day, were
    dropped one by one, but the reply still counted as given: *Predicted power* said its
    hours took the weather entity's forecast (`temperature_ahead`) while every one took
    yesterday's temperature, and no line said the weather gave nothing usable."""
    weather = await _hostile_weather(hass)
    weather.hourly = _hours(temperature=-5.0)
    await _seed_heated_home(hass)
    predictor = _predictor(hass, await _add_predictor(hass, **{CONF_WEATHER_ENTITY: HOSTILE}))
    _, cold, source = await _predicted(hass, predictor)
    assert source == HOSTILE
    weather.hourly = []
    _, yesterday, source = await _predicted(hass, predictor)
    assert source == "same_hour_yesterday"
    assert cold != yesterday  # the weather's hours do show when they are read
    weather.hourly = _hours(temperature=-5.0)
    await _predicted(hass, predictor)
    caplog.clear()

    for name, hourly in UNREADABLE.items():
        weather.hourly = hourly
        _, hours, source = await _predicted(hass, predictor)
        assert (name, source) == (name, "same_hour_yesterday")
        assert (name, hours) == (name, yesterday)
    # One outage, one line.
    (warning,) = _lines(caplog, MISSING, logging.WARNING)
    assert "none of the 24 hours in its reply has a temperature for the coming 24" in warning

    # A forecast in another zone, out of order, with a point twice: read.
    in_new_york = [
        {
            **point,
            "datetime": dt_util.parse_datetime(point["datetime"])
            .astimezone(dt_util.get_time_zone("America/New_York"))
            .isoformat(),
        }
        for point in _hours(temperature=-5.0)
    ]
    weather.hourly = [*reversed(in_new_york), in_new_york[3]]
    _, hours, source = await _predicted(hass, predictor)
    assert (hours, source) == (cold, HOSTILE)
    # 100,000 points (the coming day's, over and over): read off the event loop, and used.
    weather.hourly = _hours(temperature=-5.0) * (100_000 // 24)
    assert (await _predicted(hass, predictor))[1:] == (cold, HOSTILE)
    assert len(_lines(caplog, BACK, logging.INFO)) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.freeze_time(NOW)
async def test_a_weather_forecast_that_raises_is_an_outage_not_a_failed_forecast(
    recorder_mock: Recorder, hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Another integration's bug in its forecast, or a reply Home Assistant's conversion
    cannot read (not a list of points), raised out of `weather.get_forecasts` as itself, not
    as a HomeAssistantError: every hour *Predicted power* went unavailable and the
    coordinator logged a traceback. Now the hours ahead take yesterday's temperature, said
    once, as when the weather entity is unavailable."""
    weather = await _hostile_weather(hass)
    weather.hourly = _hours(temperature=-5.0)
    await _seed_heated_home(hass)
    predictor = _predictor(hass, await _add_predictor(hass, **{CONF_WEATHER_ENTITY: HOSTILE}))
    _, cold, _ = await _predicted(hass, predictor)
    weather.hourly = []
    _, yesterday, _ = await _predicted(hass, predictor)
    weather.hourly = _hours(temperature=-5.0)
    await _predicted(hass, predictor)
    caplog.clear()

    for broken in ({"not": "a list"}, ["a", "b"], [1, 2], "text"):
        weather.hourly = broken
        assert (await _predicted(hass, predictor))[1:] == (yesterday, "same_hour_yesterday")
    weather.hourly = None
    for error in (RuntimeError("x" * 100_000), KeyError("temperature"), TypeError("None")):
        weather.error = error
        assert (await _predicted(hass, predictor))[1:] == (yesterday, "same_hour_yesterday")
        assert predictor.last_update_success
    (warning,) = _lines(caplog, MISSING, logging.WARNING)
    assert "its forecast failed: ValueError(" in warning
    assert len(warning) < 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    weather.error = None
    weather.hourly = _hours(temperature=-5.0)
    assert (await _predicted(hass, predictor))[1:] == (cold, HOSTILE)
    assert len(_lines(caplog, BACK, logging.INFO)) == 1


async def _within_real_seconds(hass: HomeAssistant, seconds: float, done: Any) -> bool:
    """Whether `done()` holds within `seconds` of wall-clock time (the loop's clock is frozen)."""
    for _ in range(int(seconds * 100)):
        if done():
            return True
        await hass.async_add_executor_job(time.sleep, 0.01)
    return bool(done())


async def _done_within(
    hass: HomeAssistant, weather: HostileWeather, task: asyncio.Future[Any], clock_s: float
) -> bool:
    """Whether `task` ends once the weather is asked and the harness's clock runs `clock_s` on."""
    weather.hanging.clear()
    # The recorder's history is read first, in the executor.
    assert await _within_real_seconds(hass, 30, weather.hanging.is_set)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=clock_s))
    # Then the forecast is made in the executor; not done in 30 s, it waits still.
    if not await _within_real_seconds(hass, 30, task.done):
        task.cancel()  # so the test fails, not hangs
        return False
    return True


@pytest.mark.freeze_time(NOW)
async def test_a_weather_forecast_that_never_answers_blocks_neither_setup_nor_the_hour(
    recorder_mock: Recorder, hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """`weather.get_forecasts` takes no timeout, and a weather integration asking its cloud
    without one never answers: the home entry's set-up (every board, node and forecast of
    it) waited for ever at a start, and each hourly refresh and `retrain` hung, one more task
    an hour. Now the weather has 30 s (5 s while Home Assistant starts); then it is an outage
    like any other."""
    weather = await _hostile_weather(hass)
    weather.hourly = _hours(temperature=-5.0)
    await _seed_heated_home(hass)
    predictor = _predictor(hass, await _add_predictor(hass, **{CONF_WEATHER_ENTITY: HOSTILE}))
    weather.hourly = []
    _, yesterday, _ = await _predicted(hass, predictor)
    weather.hourly = _hours(temperature=-5.0)
    await _predicted(hass, predictor)
    caplog.clear()

    weather.hangs = True
    refresh = asyncio.ensure_future(predictor.async_refresh())
    assert await _done_within(hass, weather, refresh, 31)
    state = hass.states.get(PREDICTED)
    assert state.attributes["temperature_ahead"] == "same_hour_yesterday"
    assert [hour["power_w"] for hour in state.attributes["forecast"]] == list(yesterday)
    (warning,) = _lines(caplog, MISSING, logging.WARNING)
    assert "no reply within 30 s" in warning

    # A start: the weather's hang holds no board or node of the home, nor the start itself,
    # more than a few seconds; the forecast waits for the weather as for one not up yet.
    home = _home(hass)
    assert await hass.config_entries.async_unload(home.entry_id)
    hass.set_state(CoreState.starting)
    start = asyncio.ensure_future(hass.config_entries.async_setup(home.entry_id))
    assert await _done_within(hass, weather, start, 6)
    assert start.result()
    assert home.state is ConfigEntryState.LOADED
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_forecast_points_no_air_has_had_are_dropped_before_an_hour_is_averaged() -> None:
    """Two points in one hour are averaged into the hour's temperature: 500 °C and -460 °C
    made 20 °C, which passed the plausible bound checked after the mean."""
    arrays = weather_arrays({"forecast": HALF_HOURS_500_AND_MINUS_460[:2]}, "°C")
    assert arrays is not None
    assert np.isnan(arrays.temperature).all()
    reply = {
        "forecast": [
            {"datetime": "2026-03-01T01:00:00+00:00", "temperature": 59.0, "humidity": 100},
            {"datetime": "2026-03-01T02:00:00+00:00", "temperature": 61.0, "humidity": 101},
            {"datetime": "2026-03-01T03:00:00+00:00", "temperature": -130.0, "humidity": -1},
        ]
    }
    arrays = weather_arrays(reply, "°F")
    assert arrays is not None
    np.testing.assert_allclose(arrays.temperature, [15.0, 16.111, -90.0], atol=1e-3)
    np.testing.assert_allclose(arrays.humidity, [100.0, np.nan, np.nan])


async def test_recorded_weather_temperatures_no_air_has_had_are_dropped_before_the_mean(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The weather entity's recorded temperatures of one hour are averaged for training:
    500 °C and -460 °C in one hour trained as 20 °C; dropped, the hour carries the last
    plausible one."""
    start = datetime(2026, 3, 1, 0, 0, tzinfo=dt_util.UTC)
    readings = [(0, 4.0), (70, 500.0), (80, -460.0), (130, 1e308), (140, -1e308), (190, 9.0)]
    for minutes, value in readings:
        freezer.move_to(start + timedelta(minutes=minutes, seconds=5))
        hass.states.async_set(
            "weather.recorded", "cloudy", {"temperature": value, "temperature_unit": "°C"}
        )
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    freezer.move_to(start + timedelta(hours=4))
    sources = HistorySources(power=POWER, temperature=TEMPERATURE, weather="weather.recorded")
    loaded = await async_load_hourly_history(hass, sources, start, start + timedelta(hours=4))
    np.testing.assert_allclose(loaded.history.temperature, [4.0, 4.0, 4.0, 9.0])


async def test_a_weather_entity_unavailable_for_days_has_no_temperature_carried_through_it(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Each hour without a recorded temperature carries the last one: a weather entity
    unavailable for days (its cloud down, its key revoked) had its last temperature before
    the outage learnt as every hour's, and taken as yesterday's temperature for the hours
    ahead. An unavailable weather, or one that says it knows no temperature, ends the carry;
    a temperature no air has had still does not."""
    start = datetime(2026, 3, 1, 0, 0, tzinfo=dt_util.UTC)
    readings: list[tuple[int, str, dict[str, Any]]] = [
        (0, "cloudy", {"temperature": 4.0}),
        (30, "unavailable", {}),
        (250, "cloudy", {"temperature": 9.0}),
        (310, "cloudy", {"temperature": None}),
        (430, "cloudy", {"temperature": 7.0}),
        (490, "cloudy", {"temperature": 500.0}),
    ]
    for minutes, state, attributes in readings:
        freezer.move_to(start + timedelta(minutes=minutes, seconds=5))
        hass.states.async_set("weather.recorded", state, {**attributes, "temperature_unit": "°C"})
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    freezer.move_to(start + timedelta(hours=10))
    sources = HistorySources(power=POWER, temperature=TEMPERATURE, weather="weather.recorded")
    loaded = await async_load_hourly_history(hass, sources, start, start + timedelta(hours=10))
    nan = np.nan
    np.testing.assert_allclose(
        loaded.history.temperature, [4.0, nan, nan, nan, 9.0, 9.0, nan, 7.0, 7.0, 7.0]
    )
