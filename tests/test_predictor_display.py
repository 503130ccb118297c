"""What a person reads off a trained forecast: no empty attribute, the same figures everywhere."""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.py_iot_home.diagnostics import async_get_config_entry_diagnostics
from custom_components.py_iot_home.forecast.coordinator import REFRESH_MINUTE

from .imported_statistics import imported
from .test_predictor import (
    ENOUGH_DAYS,
    NOW,
    PREDICTED,
    _add_predictor,
    _forecast_action,
    _home,
    _hourly_statistics,
    _predictor,
    _seed,
)

TRANSLATIONS = Path(__file__).parents[1] / "custom_components/py_iot_home/translations/en.json"
METHOD = "sensor.power_forecast_forecast_method"
SKILL = "sensor.power_forecast_skill_over_the_best_rule"
MAE = "sensor.power_forecast_day_ahead_forecast_error"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, 56)
async def test_no_attribute_of_the_method_reads_unknown(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """A single method has no second rule: the attribute is left out, not shown "Unknown"."""
    await _seed(hass, 56)
    await _add_predictor(hass)
    for entity_id in (METHOD, SKILL):
        attributes = hass.states.get(entity_id).attributes
        assert attributes["day_ahead_method"] != "rule_pair_mean"
        assert "day_ahead_paired_rule" not in attributes
        assert [name for name, value in attributes.items() if value is None] == []
        figures = [value for value in attributes.values() if isinstance(value, float)]
        assert figures
        assert all(math.isfinite(value) for value in figures)


@pytest.mark.freeze_time(NOW)
@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_diagnostics_give_the_figures_the_entities_show(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """The error to a tenth of a watt and the skill in percent, as the sensors give them
    (the walk's diagnostics read "mae_w": 254.17971617898448 and "skill": 0.0558...)."""
    await _seed(hass, ENOUGH_DAYS)
    forecast_id = await _add_predictor(hass)
    diagnostics = await async_get_config_entry_diagnostics(hass, _home(hass))
    model = diagnostics["subentries"][forecast_id]["model"]
    assert model["mae_w"] == float(hass.states.get(MAE).state)
    assert model["skill_percent"] == float(hass.states.get(SKILL).state)
    assert "skill" not in model
    assert model["methods"]["day_ahead"]["skill_percent"] == model["skill_percent"]


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_predicted_power_follows_the_clock_into_each_hour(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """At 01:00 the state, its first point and its band are the 01:00 hour's, from the
    forecast made at 00:10, as the action, the card and Assist give it; at 01:01 the new
    forecast's. Written only at 01:01, the state was the ended hour's for a minute: at
    01:00:30 a person read the 00:00 hour's watts as the hour under way's."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    forecast_id = await _add_predictor(hass)
    before = hass.states.get(PREDICTED)
    points = before.attributes["forecast"]
    assert datetime.fromisoformat(points[0]["datetime"]) == NOW.replace(minute=0)
    assert float(before.state) == points[0]["power_w"]
    shown = _states_shown(hass, PREDICTED)

    freezer.move_to(NOW.replace(hour=1, minute=0, second=0))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    at_the_hour = hass.states.get(PREDICTED)
    assert at_the_hour.attributes["forecast"] == points[1:]
    assert float(at_the_hour.state) == points[1]["power_w"]
    assert (await _forecast_action(hass, forecast_id))["forecast"] == points[1:]

    freezer.move_to(NOW.replace(hour=1, minute=REFRESH_MINUTE, second=0))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    after = hass.states.get(PREDICTED)
    new_points = after.attributes["forecast"]
    assert datetime.fromisoformat(new_points[0]["datetime"]) == NOW.replace(hour=1, minute=0)
    assert len(new_points) == len(points)
    assert float(after.state) == new_points[0]["power_w"]
    assert shown[0] == at_the_hour.state
    assert shown[-1] == after.state


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_the_next_hours_method_follows_the_clock_as_predicted_power(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """From 01:00 to 01:01 Predicted power shows the 01:00 row of the forecast made at
    00:10, forecast two hours ahead by the day-ahead method; `hour_ahead_method_in_use`
    still named the 00:00 row's method and `hour_ahead_reason` why, an hour that had ended."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    forecast_id = await _add_predictor(hass)
    made_at_ten = _predictor(hass, forecast_id).data.forecast
    before = hass.states.get(METHOD).attributes
    assert before["hour_ahead_method_in_use"] == made_at_ten[0].method
    assert before["hour_ahead_reason"] != "day_ahead_until_remake"

    freezer.move_to(NOW.replace(hour=1, minute=0, second=0))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    shown_row = made_at_ten[1]
    assert float(hass.states.get(PREDICTED).state) == round(shown_row.power_w, 1)
    for entity_id in (METHOD, SKILL):
        at_the_hour = hass.states.get(entity_id).attributes
        assert at_the_hour["hour_ahead_method_in_use"] == shown_row.method
        assert at_the_hour["hour_ahead_reason"] == "day_ahead_until_remake"
        assert at_the_hour["hour_ahead_method"] == before["hour_ahead_method"]
    action = await _forecast_action(hass, forecast_id)
    assert action["methods"]["hour_ahead"]["reason"] == "day_ahead_until_remake"

    freezer.move_to(NOW.replace(hour=1, minute=REFRESH_MINUTE, second=0))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    remade = _predictor(hass, forecast_id).data.forecast
    assert remade[0].start == shown_row.start
    after = hass.states.get(METHOD).attributes
    assert after["hour_ahead_method_in_use"] == remade[0].method
    assert after["hour_ahead_reason"] == before["hour_ahead_reason"]
    words = json.loads(TRANSLATIONS.read_text())["entity"]["sensor"]
    for sensor in ("forecast_method", "forecast_skill"):
        reasons = words[sensor]["state_attributes"]["hour_ahead_reason"]["state"]
        assert "a minute past the hour" in reasons["day_ahead_until_remake"]


def _states_shown(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Every state the entity takes from now on."""
    shown: list[str] = []

    @callback
    def _seen(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            shown.append(state.state)

    async_track_state_change_event(hass, [entity_id], _seen)
    return shown


# What a device page's row holds on one line, name and state: "Outdoor temperature rising"
# beside "Unknown" fits (the walk of 2026-12-06).
ROW_CHARACTERS = 33


def test_every_forecast_method_leaves_its_name_in_sight_on_the_device_page() -> None:
    """The demo's method, "Learned method and best rule, weighted", cut the name beside it
    to "Foreca…" and took two lines, on the device page and on tiles."""
    strings = Path(__file__).parents[1] / "custom_components/py_iot_home/strings.json"
    method = json.loads(strings.read_text())["entity"]["sensor"]["forecast_method"]
    too_long = {
        key: state
        for key, state in method["state"].items()
        if len(method["name"]) + len(state) > ROW_CHARACTERS
    }
    assert too_long == {}
