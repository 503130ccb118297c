"""While a start waits for the weather, Assist and the action say what Predicted power shows."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    async_mock_restore_state_shutdown_restart,
)

from custom_components.py_iot_home.const import DOMAIN

from .assist_sentences import said, start_assist
from .imported_statistics import imported
from .test_predictor import PREDICTED
from .test_predictor_restart import (
    _forecast_before_the_restart,
    _hours,
    _saved_at_the_stop,
    _start_before_the_weather,
    _start_of,
    _stop,
)
from .test_predictor_weather import NOW, _heated_home_statistics
from .test_predictor_weather_missing import LINK, _started

QUESTIONS = (
    "what is the power forecast?",
    "when is the peak power?",
    "when is the peak power tomorrow?",
    "how much power will we use today?",
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _action_hours(hass: HomeAssistant) -> list[dict[str, Any]]:
    """The hours the forecast_power action answers with, named by the Predicted power sensor."""
    response = await hass.services.async_call(
        DOMAIN, "forecast_power", {"entity_id": PREDICTED}, blocking=True, return_response=True
    )
    assert response is not None
    hours = response["forecast"]
    assert isinstance(hours, list)
    return hours


async def _answers(hass: HomeAssistant) -> dict[str, str]:
    return {question: await said(hass, question) for question in QUESTIONS}


def _watts(power_w: float) -> str:
    return f"{math.floor(power_w + 0.5):,}\u00a0W"


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_during_the_wait_assist_and_the_action_say_what_the_entity_shows(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Restarted within the hour, Predicted power shows the forecast from before the restart
    while the new one waits for the weather. The forecast_power action answered "no power
    forecast right now" beside it, and Assist "has no forecast yet": now both give its hours,
    as they give the new forecast once the weather is up (the same model and history: the
    same hours), and from the next hour on as the hour turns during the wait."""
    before = await _forecast_before_the_restart(hass)
    await start_assist(hass)
    await async_mock_restore_state_shutdown_restart(hass)
    await _stop(hass)
    freezer.tick(timedelta(minutes=20))  # 00:30: the same hour
    await _start_before_the_weather(hass)
    waiting = hass.states.get(PREDICTED)
    assert waiting is not None
    assert waiting.state == before.state
    assert await _action_hours(hass) == _hours(waiting) == _hours(before)
    while_waiting = await _answers(hass)
    assert not [answer for answer in while_waiting.values() if "no forecast" in answer]

    freezer.move_to(NOW.replace(hour=1, minute=0))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    turned = hass.states.get(PREDICTED)
    assert _start_of(_hours(turned)[0]) == NOW.replace(hour=1, minute=0)
    assert await _action_hours(hass) == _hours(turned) == _hours(before)[1:]
    next_hour = _hours(before)[1]
    assert (await said(hass, "what is the power forecast?")).startswith(
        f"Power forecast expects about {_watts(next_hour['power_w'])} this hour (likely "
        f"{_watts(next_hour['low_w'])} to {_watts(next_hour['high_w'])})"
    )

    freezer.move_to(NOW.replace(minute=30))
    await _started(hass)
    hass.states.async_set(LINK, "up")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _hours(hass.states.get(PREDICTED)) == _hours(before)  # the new forecast
    assert await _action_hours(hass) == _hours(before)
    assert await _answers(hass) == while_waiting


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_after_a_day_away_none_of_them_gives_an_hour_that_ended(
    recorder_mock: Recorder, hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The forecast saved at the stop ended before this start (a day earlier): during the
    wait Predicted power is unavailable, and the action and Assist give no hour of it."""
    before = await _forecast_before_the_restart(hass)
    await start_assist(hass)
    earlier = [
        {**hour, "datetime": (_start_of(hour) - timedelta(days=1)).isoformat()}
        for hour in _hours(before)
    ]
    await _stop(hass)
    await _saved_at_the_stop(hass, hass_storage, before, earlier)
    await _start_before_the_weather(hass)
    assert hass.states.get(PREDICTED).state == STATE_UNAVAILABLE
    with pytest.raises(ServiceValidationError) as raised:
        await _action_hours(hass)
    assert raised.value.translation_key == "no_forecast_now"
    assert await said(hass, "what is the power forecast?") == "Power forecast has no forecast yet."


# The template's now() re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_with_one_hour_left_all_of_them_give_that_hour(
    recorder_mock: Recorder, hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Saved 23 hours earlier, only the forecast's last hour is under way: the entity, the
    action and Assist give that hour alone (made by hand from the saved forecast)."""
    before = await _forecast_before_the_restart(hass)
    await start_assist(hass)
    earlier = [
        {**hour, "datetime": (_start_of(hour) - timedelta(hours=23)).isoformat()}
        for hour in _hours(before)
    ]
    await _stop(hass)
    await _saved_at_the_stop(hass, hass_storage, before, earlier)
    await _start_before_the_weather(hass)
    last = earlier[-1]
    assert _start_of(last) == dt_util.utcnow().replace(minute=0)
    assert _hours(hass.states.get(PREDICTED)) == [last]
    assert await _action_hours(hass) == [last]
    assert await said(hass, "what is the power forecast?") == (
        f"Power forecast expects about {_watts(last['power_w'])} this hour (likely "
        f"{_watts(last['low_w'])} to {_watts(last['high_w'])})."
    )
