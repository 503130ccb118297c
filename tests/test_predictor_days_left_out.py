"""Days left out of a forecast's training: shown, and named when they leave too few hours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir

from custom_components.py_iot_home.const import (
    CONF_EXCLUDED_DAYS,
    CONF_HUMIDITY_ENTITY,
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
    DOMAIN,
    SubentryKind,
)

from .assist_sentences import ask, speech, start_assist
from .home_entry import async_configure_subentry, async_start_reconfigure
from .imported_statistics import imported
from .test_predictor import (
    ENOUGH_DAYS,
    HUMIDITY,
    NOW,
    POWER,
    PREDICTED,
    TEMPERATURE,
    _add_predictor,
    _home,
    _hourly_statistics,
    _seed,
)

TRANSLATIONS = Path(__file__).parents[1] / "custom_components/py_iot_home/translations/en.json"
NEEDED_HOURS = 14 * 24
# Eight whole days inside the 21 days of statistics before NOW (2026-03-01).
MARKED = "2026-02-18..2026-02-25"
LEFT_OUT_HOURS = 8 * 24
USABLE_HOURS = ENOUGH_DAYS * 24 - LEFT_OUT_HOURS


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_days_left_out_that_leave_too_few_hours_are_named_as_the_cause(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Walking script/develop: a 15-day window with three days marked took the demo's
    forecast away with the repair "needs 18 more hours of statistics ... (it has 318) ...
    nothing to do but wait", beside 60 days of statistics. The window without the days
    left out was short: the repair, the action and Assist now say so, and what to change."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    forecast_id = await _add_predictor(hass, **{CONF_EXCLUDED_DAYS: MARKED})
    assert hass.states.get(PREDICTED).state == STATE_UNAVAILABLE

    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"not_enough_history_{forecast_id}")
    assert issue is not None
    assert issue.translation_key == "too_many_days_left_out"
    assert issue.translation_placeholders == {
        "name": "Power forecast",
        "entity": POWER,
        "days": "60",
        "hours": str(NEEDED_HOURS - USABLE_HOURS),
        "have": str(USABLE_HOURS),
        "left_out": str(LEFT_OUT_HOURS),
    }
    shown = json.loads(TRANSLATIONS.read_text())["issues"][issue.translation_key]
    description = shown["description"].format(**issue.translation_placeholders)
    assert "nothing to do but wait" not in description
    assert "Widen the training window, or leave out fewer days" in description

    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "forecast_power",
            {"config_entry_id": forecast_id},
            blocking=True,
            return_response=True,
        )
    assert raised.value.translation_key == "no_forecast_days_left_out"
    assert raised.value.translation_placeholders == {
        "days": "60",
        "hours": str(NEEDED_HOURS - USABLE_HOURS),
    }
    # Assist as a user has it, the forecast's sensors exposed to it.
    await start_assist(hass)
    assert speech(await ask(hass, "what is the power forecast")) == (
        "Power forecast has no forecast: without the days it leaves out, its 60-day "
        f"training window is {NEEDED_HOURS - USABLE_HOURS} hours short; widen the window "
        "or leave out fewer days in its options."
    )

    # One day marked instead: it trains, and the repair goes.
    result = await async_start_reconfigure(hass, _home(hass), forecast_id, SubentryKind.FORECAST)
    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {
            CONF_POWER_ENTITY: POWER,
            CONF_TEMPERATURE_ENTITY: TEMPERATURE,
            CONF_HUMIDITY_ENTITY: HUMIDITY,
            CONF_TRAINING_DAYS: 60,
            CONF_RETRAIN_HOURS: 24,
            CONF_EXCLUDED_DAYS: "2026-02-25",
        },
    )
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(PREDICTED).state != STATE_UNAVAILABLE
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"not_enough_history_{forecast_id}") is None
    # The device page says it too (before: only diagnostics, the action and an info log line).
    trained = hass.states.get("sensor.power_forecast_last_trained")
    assert trained.attributes["excluded_days"] == 1
    names = json.loads(TRANSLATIONS.read_text())["entity"]["sensor"]["last_trained"]
    assert names["state_attributes"]["excluded_days"]["name"] == "Days left out"
