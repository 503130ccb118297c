"""A weather entity that stops giving its hourly forecast is said once, and its return too."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from homeassistant.components.recorder import Recorder
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED, STATE_UNAVAILABLE
from homeassistant.core import CoreState, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.py_iot_home.const import CONF_WEATHER_ENTITY, DOMAIN
from custom_components.py_iot_home.forecast.weather_watch import WEATHER_START_GRACE

from .imported_statistics import imported
from .test_predictor import PREDICTED, _add_predictor, _predictor
from .test_predictor_weather import (
    NOW,
    WEATHER,
    _heated_home_statistics,
    _seed_heated_home,
    _weather_entity,
)

LINK = "sensor.weather_service_link"
MISSING = "weather.outdoor gives no hourly forecast"
BACK = "weather.outdoor gives its hourly forecast again"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _weather_entity_with_a_link(hass: HomeAssistant) -> None:
    """The test's template weather, available (with its forecast) while LINK is "up"."""
    hass.states.async_set(LINK, "up")
    await _weather_entity(hass, 10.0, {"availability": f"{{{{ is_state('{LINK}', 'up') }}}}"})


def _temperature_ahead(hass: HomeAssistant) -> object:
    state = hass.states.get(PREDICTED)
    assert state is not None
    return state.attributes.get("temperature_ahead")


def _lines(caplog: pytest.LogCaptureFixture, text: str, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage() and r.levelno == level]


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_a_weather_entity_that_stops_forecasting_is_said_once(
    recorder_mock: Recorder, hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Walking script/develop: with its weather entity unavailable, the forecast took
    yesterday's temperature for every hour ahead and said so only at debug level, while its
    model had learned from each hour's own temperature. Now one warning per outage (not
    one an hour), and one line when the forecast comes back."""
    await _seed_heated_home(hass)
    await _weather_entity_with_a_link(hass)
    forecast_id = await _add_predictor(hass, **{CONF_WEATHER_ENTITY: WEATHER})
    predictor = _predictor(hass, forecast_id)
    assert len(predictor.data.forecast) == 24
    assert _lines(caplog, MISSING, logging.WARNING) == []
    # The entity says where the hours ahead took their temperature.
    assert _temperature_ahead(hass) == WEATHER

    hass.states.async_set(LINK, "down")
    await hass.async_block_till_done()
    for _ in range(3):  # three hours without it
        await predictor.async_refresh()
        assert len(predictor.data.forecast) == 24  # from yesterday's temperature
        assert _temperature_ahead(hass) == "same_hour_yesterday"
    (warning,) = _lines(caplog, MISSING, logging.WARNING)
    assert warning == (
        "Power forecast: weather.outdoor gives no hourly forecast (it is unavailable); the "
        "coming hours take yesterday's temperature at the same hour until it does"
    )

    hass.states.async_set(LINK, "up")
    await hass.async_block_till_done()
    await predictor.async_refresh()
    await predictor.async_refresh()
    assert len(_lines(caplog, BACK, logging.INFO)) == 1
    assert _temperature_ahead(hass) == WEATHER

    hass.states.async_set(LINK, "down")
    await hass.async_block_till_done()
    await predictor.async_refresh()
    assert len(_lines(caplog, MISSING, logging.WARNING)) == 2


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_a_weather_entity_up_after_a_start_is_used_at_once_and_not_warned(
    recorder_mock: Recorder, hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """The e2e restart: the forecast's first refresh came before the weather's integration
    had loaded, so the coming hours took yesterday's temperature until the next hourly
    refresh, with a warning at every start. Then it forecast again once the weather was up,
    but the step away and back (415.2, 420.9, 415.2 W on script/develop) stayed in the
    forecast's history. Now the forecast waits for the weather, and Predicted power shows
    the forecast from before the restart meanwhile (it showed unavailable): the same figure
    throughout (test_predictor_restart.py)."""
    await _seed_heated_home(hass)
    await _weather_entity_with_a_link(hass)
    forecast_id = await _add_predictor(hass, **{CONF_WEATHER_ENTITY: WEATHER})
    assert _temperature_ahead(hass) == WEATHER
    before = hass.states.get(PREDICTED).state
    shown = _states_shown(hass, PREDICTED)
    await _restart_before_the_weather(hass)
    assert _predictor(hass, forecast_id).data.waiting_for_weather  # no new forecast yet
    assert hass.states.get(PREDICTED).state == before
    # Started, and a second later the weather: on script/develop its feed comes through MQTT.
    await _started(hass)
    assert hass.states.get(PREDICTED).state == before

    hass.states.async_set(LINK, "up")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _temperature_ahead(hass) == WEATHER
    async_fire_time_changed(hass, dt_util.utcnow() + WEATHER_START_GRACE)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _lines(caplog, MISSING, logging.WARNING) == []
    assert _temperature_ahead(hass) == WEATHER
    # The unload's own unavailable (a reload; a restart starts with none), then the figure
    # from before the restart from the first write on, which the new forecast keeps.
    assert shown == [(STATE_UNAVAILABLE, None), (before, WEATHER)]


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_a_weather_entity_still_down_once_started_is_warned_and_waited_for(
    recorder_mock: Recorder, hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """The wait ends two minutes after Home Assistant has started: a weather entity still
    without a state (its integration failed) is warned of once, and yesterday's temperature
    stands in; the forecast takes the weather's as soon as it comes up, not an hour later."""
    await _seed_heated_home(hass)
    await _weather_entity_with_a_link(hass)
    forecast_id = await _add_predictor(hass, **{CONF_WEATHER_ENTITY: WEATHER})
    before = hass.states.get(PREDICTED).state
    await _restart_before_the_weather(hass)
    # Meanwhile the forecast from before the restart, made with the weather's hours.
    assert hass.states.get(PREDICTED).state == before
    await _started(hass)
    async_fire_time_changed(hass, dt_util.utcnow() + WEATHER_START_GRACE - timedelta(seconds=5))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _predictor(hass, forecast_id).data.waiting_for_weather  # no new forecast yet
    assert hass.states.get(PREDICTED).state == before
    assert _temperature_ahead(hass) == WEATHER

    async_fire_time_changed(hass, dt_util.utcnow() + WEATHER_START_GRACE)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(_predictor(hass, forecast_id).data.forecast) == 24
    assert _temperature_ahead(hass) == "same_hour_yesterday"
    assert len(_lines(caplog, MISSING, logging.WARNING)) == 1

    hass.states.async_set(LINK, "up")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _temperature_ahead(hass) == WEATHER
    assert len(_lines(caplog, BACK, logging.INFO)) == 1


async def _restart_before_the_weather(hass: HomeAssistant) -> None:
    """Home Assistant starting, the weather not up yet when the forecast loads."""
    hass.set_state(CoreState.starting)
    hass.states.async_set(LINK, "down")
    await hass.async_block_till_done()
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


async def _started(hass: HomeAssistant) -> None:
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await hass.async_block_till_done(wait_background_tasks=True)


def _states_shown(hass: HomeAssistant, entity_id: str) -> list[tuple[str, object]]:
    """Every state the entity takes from now on, with where its hours took their temperature."""
    shown: list[tuple[str, object]] = []

    @callback
    def _seen(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            shown.append((state.state, state.attributes.get("temperature_ahead")))

    async_track_state_change_event(hass, [entity_id], _seen)
    return shown
