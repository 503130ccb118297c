"""Scripts a power user writes from docs/prediction.md, run by Home Assistant's own `script`
component: the forecast_power and retrain answers in templates, and wrong input."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
import yaml
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .imported_statistics import imported
from .notifications import watch_notifications
from .test_predictor import (
    ENOUGH_DAYS,
    NOW,
    PREDICTED,
    _add_predictor,
    _hourly_statistics,
    _seed,
)

# The three lowest hours of the next 12, in the order they come, with the hours' own words.
SCRIPTS = """
quiet_hours:
  sequence:
    - action: py_iot_home.forecast_power
      data:
        entity_id: sensor.power_forecast_predicted_power
        hours: 12
      response_variable: ahead
    - variables:
        quietest: >-
          {{ (ahead.forecast | sort(attribute='power_w'))[:3]
             | sort(attribute='datetime') }}
    - action: persistent_notification.create
      data:
        notification_id: quiet_hours
        message: >-
          {% for hour in quietest -%}
          {{ as_datetime(hour.datetime).strftime('%H:%M %z') }}
          {{ '%.1f' | format(hour.power_w) }} W
          ({{ hour.low_w < hour.power_w < hour.high_w }}){{ '; ' if not loop.last }}
          {%- endfor %}. Under way: {{ as_datetime(ahead.forecast[0].datetime) <= now() }};
          skill {{ ahead.skill_percent }} %, error {{ ahead.mae_w }} W,
          day ahead by {{ ahead.methods.day_ahead.method }}.
retrain_and_tell:
  mode: parallel
  sequence:
    - action: py_iot_home.retrain
      data:
        entity_id: sensor.power_forecast_predicted_power
      response_variable: trained
    - action: persistent_notification.create
      data:
        notification_id: "retrained_{{ this.attributes.current }}"
        message: >-
          {{ trained.trained }} at {{ as_datetime(trained.trained_at).strftime('%H:%M %z') }}:
          {{ trained.training_rows }} examples, {{ trained.mae_w }} W
by_target:
  sequence:
    - action: py_iot_home.forecast_power
      target:
        entity_id: sensor.power_forecast_predicted_power
      data:
        hours: 2
      response_variable: ahead
    - stop: "Two hours"
      response_variable: ahead
wrong_hours:
  sequence:
    - action: py_iot_home.forecast_power
      data:
        entity_id: sensor.power_forecast_predicted_power
        hours: 30
      response_variable: ahead
wrong_key:
  sequence:
    - action: py_iot_home.forecast_power
      data:
        entity_id: sensor.power_forecast_predicted_power
        hour: 3
      response_variable: ahead
not_a_forecast:
  sequence:
    - action: py_iot_home.forecast_power
      data:
        entity_id: sensor.demo_power
      response_variable: ahead
no_response_variable:
  sequence:
    - action: py_iot_home.forecast_power
      data:
        entity_id: sensor.power_forecast_predicted_power
"""


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _scripts(hass: HomeAssistant) -> dict[str, Any]:
    assert await async_setup_component(hass, "persistent_notification", {})
    notes = watch_notifications(hass)
    assert await async_setup_component(hass, "script", {"script": yaml.safe_load(SCRIPTS)})
    return notes


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_script_reads_the_quietest_hours_from_the_answer(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """Times are ISO with the home's offset (US/Pacific, -08:00), so `as_datetime` and
    `strftime` give the home's hours; the watts and band are numbers; the first row is the
    hour under way, as docs/prediction.md says."""
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    notes = await _scripts(hass)
    await hass.services.async_call("script", "quiet_hours", blocking=True)
    hours = hass.states.get(PREDICTED).attributes["forecast"][:12]
    lowest = sorted(hours, key=lambda hour: hour["power_w"])[:3]
    quietest = sorted(lowest, key=lambda hour: datetime.fromisoformat(hour["datetime"]))
    said = "; ".join(
        f"{datetime.fromisoformat(hour['datetime']):%H:%M -0800} {hour['power_w']:.1f} W (True)"
        for hour in quietest
    )
    assert all(
        datetime.fromisoformat(hour["datetime"]).utcoffset() == dt_util.as_local(NOW).utcoffset()
        for hour in hours
    )
    message = " ".join(notes["quiet_hours"]["message"].split())
    assert message.startswith(f"{said}. Under way: True; skill ")
    assert " W, day ahead by " in message


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_two_retrains_at_once_both_answer_with_the_one_training(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """A retrain asked while one runs (an automation and a script at once) waits for it
    and answers, in the home's zone; neither fails."""
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    notes = await _scripts(hass)
    await asyncio.gather(
        hass.services.async_call("script", "retrain_and_tell", blocking=True),
        hass.services.async_call("script", "retrain_and_tell", blocking=True),
    )
    await hass.async_block_till_done()
    told = {note["message"] for key, note in notes.items() if key.startswith("retrained_")}
    assert len([key for key in notes if key.startswith("retrained_")]) == 2
    (message,) = told
    assert message.startswith("True at 16:10 -0800: ")


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS)
@pytest.mark.parametrize(
    ("script", "logged"),
    [
        ("wrong_hours", "value must be at most 24 at 'hours'"),
        ("wrong_key", "not a valid option, did you mean 'hours'? at 'hour'"),
        # The meter the forecast learns, where the forecast was meant: its sensor is named.
        (
            "not_a_forecast",
            "sensor.demo_power is the power sensor a forecast learns from, not the forecast: "
            "name its Predicted power sensor, sensor.power_forecast_predicted_power, or its "
            "device",
        ),
        ("no_response_variable", "Script requires 'response_variable' for response data"),
    ],
)
async def test_a_script_with_wrong_input_stops_with_words_in_the_log(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    script: str,
    logged: str,
) -> None:
    """No one reads a form from a script: the log says what was wrong, in the field's name."""
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    await _scripts(hass)
    with pytest.raises(Exception, match=logged.replace("?", r"\?")):
        await hass.services.async_call("script", script, blocking=True)
    assert f"{script}: Error executing script." in caplog.text
    assert logged in caplog.text


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_forecast_named_by_target_as_actions_are_written(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """`target: {entity_id: ...}` passes a list of one: it was refused with "value should be
    a string at 'entity_id'"."""
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass)
    await _scripts(hass)
    ahead = await hass.services.async_call(
        "script", "by_target", blocking=True, return_response=True
    )
    assert ahead is not None
    assert ahead["forecast"] == hass.states.get(PREDICTED).attributes["forecast"][:2]
