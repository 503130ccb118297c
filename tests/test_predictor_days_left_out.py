"""Days left out of a forecast's training: shown, and named when they leave too few hours."""

from __future__ import annotations

import json
import logging
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
from custom_components.py_iot_home.prediction.unusual_days import parse_days

from .assist_sentences import ask, speech, start_assist
from .home_entry import (
    FORECAST_SUBENTRY_ID,
    async_configure_subentry,
    async_start_reconfigure,
    forecast_subentry,
    home_entry,
)
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


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_window_days_short_is_said_in_days(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Ten days marked leave the 14 days needed 72 hours short: Assist says "3 days", as it
    says the history still needed (a count of hours was heard as a sum to work out)."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    await _add_predictor(hass, **{CONF_EXCLUDED_DAYS: "2026-02-16..2026-02-25"})
    assert hass.states.get(PREDICTED).state == STATE_UNAVAILABLE
    await start_assist(hass)
    assert speech(await ask(hass, "what is the power forecast")) == (
        "Power forecast has no forecast: without the days it leaves out, its 60-day "
        "training window is 3 days short; widen the window or leave out fewer days in its "
        "options."
    )


@pytest.mark.parametrize(
    ("stored", "put_right"),
    [
        # What the form stored before it bounded the text, and the code read as that day.
        ("2026-02-25" + ",\n" * 600_000, "2026-02-25"),
        ("2026-02-18..2026-02-20, 24/12/2026, 2026-02-21", "2026-02-18..2026-02-21"),
    ],
    ids=["padded_to_a_megabyte", "a_part_that_is_no_date"],
)
@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_stored_days_its_form_refuses_are_put_right_once(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    stored: str,
    put_right: str,
) -> None:
    """Refused whole, the text left every day out of training, with a warning at each start:
    the days it holds are stored instead, said once, and the forecast leaves them out."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    settings = {
        CONF_POWER_ENTITY: POWER,
        CONF_TEMPERATURE_ENTITY: TEMPERATURE,
        CONF_HUMIDITY_ENTITY: HUMIDITY,
        CONF_TRAINING_DAYS: 60,
        CONF_RETRAIN_HOURS: 24,
        CONF_EXCLUDED_DAYS: stored,
    }
    entry = home_entry(forecast_subentry(settings))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    (warning,) = _warnings_about_days(caplog)
    assert warning.startswith("Power forecast: stored settings its form refuses, replaced: ")
    assert warning.endswith(f" -> {put_right!r}")
    assert entry.subentries[FORECAST_SUBENTRY_ID].data[CONF_EXCLUDED_DAYS] == put_right
    left_out = len(parse_days(put_right))
    trained = hass.states.get("sensor.power_forecast_last_trained")
    assert trained.attributes["excluded_days"] == left_out

    caplog.clear()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _warnings_about_days(caplog) == []
    assert hass.states.get("sensor.power_forecast_last_trained").attributes["excluded_days"] == (
        left_out
    )


def _warnings_about_days(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING and "excluded" in record.getMessage()
    ]
