"""Predicted power across a restart: the forecast from before it, until the new one."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import (
    CoreState,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    async_mock_restore_state_shutdown_restart,
)

from custom_components.py_iot_home.const import CONF_WEATHER_ENTITY, DOMAIN

from .imported_statistics import imported
from .restored_states import async_load_restored_states
from .test_predictor import PREDICTED, _add_predictor, _predictor
from .test_predictor_weather import NOW, WEATHER, _heated_home_statistics, _seed_heated_home
from .test_predictor_weather_missing import LINK, _started, _weather_entity_with_a_link


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _watch(hass: HomeAssistant) -> list[State]:
    """Every state Predicted power is written with from now on."""
    shown: list[State] = []

    @callback
    def _seen(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            shown.append(state)

    async_track_state_change_event(hass, [PREDICTED], _seen)
    return shown


def _hours(state: State) -> list[dict[str, Any]]:
    hours = state.attributes["forecast"]
    assert isinstance(hours, list)
    return hours


def _start_of(hour: dict[str, Any]) -> datetime:
    start = dt_util.parse_datetime(hour["datetime"])
    assert start is not None
    return start


async def _forecast_before_the_restart(hass: HomeAssistant) -> State:
    """The forecast made with the weather's hours, and the state it showed at the stop."""
    await _seed_heated_home(hass)
    await _weather_entity_with_a_link(hass)
    await _add_predictor(hass, **{CONF_WEATHER_ENTITY: WEATHER})
    state = hass.states.get(PREDICTED)
    assert state is not None
    assert state.attributes["temperature_ahead"] == WEATHER
    assert len(_hours(state)) == 24
    assert _start_of(_hours(state)[0]) == NOW.replace(minute=0)
    return state


async def _stop(hass: HomeAssistant) -> None:
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass.states.async_remove(PREDICTED)  # a new run's state machine has none yet


async def _saved_at_the_stop(
    hass: HomeAssistant, hass_storage: dict[str, Any], before: State, forecast: object
) -> None:
    """Home Assistant's restore state file holds Predicted power as `before` with `forecast`,
    read at the start as Home Assistant reads it."""
    saved = State(PREDICTED, before.state, {**before.attributes, "forecast": forecast})
    await async_load_restored_states(hass, hass_storage, [saved])


async def _start_before_the_weather(hass: HomeAssistant) -> list[State]:
    """A start with the weather not up yet when the forecast loads (on script/develop its
    feed comes through MQTT a second or two later); the states Predicted power shows."""
    hass.set_state(CoreState.starting)
    hass.states.async_set(LINK, "down")
    await hass.async_block_till_done()
    shown = _watch(hass)
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return shown


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_a_restart_within_the_hour_shows_the_forecast_from_before_it(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """On the demo Predicted power was unavailable for two seconds at every start (21:49:14
    to 16), while the forecast waited for the weather entity, and Forecast method, Skill and
    MAE showed the saved model's at once. Now its first state is the hour under way of the
    forecast it showed before the restart, until the new forecast: never unavailable. When
    the hour turns during the wait, the next hour of that forecast, not the one that ended."""
    before = await _forecast_before_the_restart(hass)
    await async_mock_restore_state_shutdown_restart(hass)
    await _stop(hass)
    freezer.tick(timedelta(minutes=20))  # 00:30: the same hour
    shown = await _start_before_the_weather(hass)
    forecast_id = next(iter(hass.config_entries.async_entries(DOMAIN)[0].subentries))
    assert _predictor(hass, forecast_id).data.waiting_for_weather  # no new forecast yet
    assert shown
    assert shown[0].state == before.state
    assert _hours(shown[0]) == _hours(before)
    assert shown[0].attributes["temperature_ahead"] == WEATHER

    freezer.move_to(NOW.replace(hour=1, minute=0))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    next_hour = _hours(before)[1]
    assert _start_of(next_hour) == NOW.replace(hour=1, minute=0)
    assert hass.states.get(PREDICTED).state == str(next_hour["power_w"])
    assert _hours(hass.states.get(PREDICTED)) == _hours(before)[1:]

    await _started(hass)
    hass.states.async_set(LINK, "up")
    await hass.async_block_till_done(wait_background_tasks=True)
    now = hass.states.get(PREDICTED)
    assert _start_of(_hours(now)[0]) == NOW.replace(hour=1, minute=0)
    assert now.attributes["temperature_ahead"] == WEATHER
    assert len(_predictor(hass, forecast_id).data.forecast) == 24  # the new forecast
    assert STATE_UNAVAILABLE not in {state.state for state in shown}


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.parametrize(
    ("saved_earlier", "row_under_way"),
    [
        (timedelta(hours=1), 1),
        (timedelta(hours=23), 23),  # its last hour is the one under way
        (timedelta(hours=24), None),  # its last hour has ended
        (timedelta(days=3), None),
    ],
)
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_after_an_outage_only_an_hour_under_way_is_shown(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    saved_earlier: timedelta,
    row_under_way: int | None,
) -> None:
    """The forecast saved at a stop made `saved_earlier` before this start: its hour under
    way is shown until the new forecast. After an outage longer than the forecast (a day),
    none of its hours is under way: Predicted power is unavailable, as before any forecast,
    until the new one comes with the weather; it never shows an hour that has ended."""
    before = await _forecast_before_the_restart(hass)
    earlier = [
        {**hour, "datetime": (_start_of(hour) - saved_earlier).isoformat()}
        for hour in _hours(before)
    ]
    await _stop(hass)
    await _saved_at_the_stop(hass, hass_storage, before, earlier)
    shown = await _start_before_the_weather(hass)
    if row_under_way is None:
        assert [state.state for state in shown] == [STATE_UNAVAILABLE]
    else:
        assert [state.state for state in shown] == [str(earlier[row_under_way]["power_w"])]
        assert _hours(shown[0]) == earlier[row_under_way:]

    await _started(hass)
    hass.states.async_set(LINK, "up")
    await hass.async_block_till_done(wait_background_tasks=True)
    now = hass.states.get(PREDICTED)
    assert now.state == before.state  # the same model and history: the same hour's figure
    assert _hours(now) == _hours(before)


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.parametrize(
    "forecast",
    [
        "not a list",
        [1, 2],
        [{"datetime": "2026-03-01T00:00:00", "power_w": 1, "low_w": 0, "high_w": 2}],  # no zone
        [{"datetime": "2026-03-01T00:00:00+00:00", "power_w": "NaN", "low_w": 0, "high_w": 2}],
        [{"datetime": "2026-03-01T00:00:00+00:00", "power_w": 1}],
    ],
)
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_a_saved_forecast_that_does_not_read_back_is_not_shown(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    forecast: object,
) -> None:
    """A restore state file from a hand edit or another release: unavailable until the new
    forecast, as with none, and no error."""
    before = await _forecast_before_the_restart(hass)
    await _stop(hass)
    await _saved_at_the_stop(hass, hass_storage, before, forecast)
    shown = await _start_before_the_weather(hass)
    assert [state.state for state in shown] == [STATE_UNAVAILABLE]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


FROM_THE_MODEL = (
    "sensor.power_forecast_forecast_method",
    "sensor.power_forecast_skill_over_the_best_rule",
    "sensor.power_forecast_day_ahead_forecast_error",
    "sensor.power_forecast_last_trained",
)


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_a_restart_shows_the_models_sensors_as_before_it(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Forecast method, Skill, Day-ahead error and Last trained come from the saved model:
    their first states after a start, before the weather is up, are those before the stop,
    attributes and all; none is written unavailable."""
    await _forecast_before_the_restart(hass)
    before = {entity_id: hass.states.get(entity_id) for entity_id in FROM_THE_MODEL}
    await async_mock_restore_state_shutdown_restart(hass)
    await _stop(hass)
    for entity_id in FROM_THE_MODEL:
        hass.states.async_remove(entity_id)
    freezer.tick(timedelta(minutes=20))
    written: dict[str, list[State]] = {entity_id: [] for entity_id in FROM_THE_MODEL}

    @callback
    def _seen(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            written[state.entity_id].append(state)

    async_track_state_change_event(hass, FROM_THE_MODEL, _seen)
    await _start_before_the_weather(hass)
    for entity_id, states in written.items():
        assert states, entity_id
        assert (states[0].state, states[0].attributes) == (
            before[entity_id].state,
            before[entity_id].attributes,
        )
        assert STATE_UNAVAILABLE not in [state.state for state in states]
