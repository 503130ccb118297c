"""The power forecast's form given text no person would type (through the API)."""

from __future__ import annotations

import pytest
from homeassistant.components.recorder import Recorder
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.py_iot_home.const import (
    CONF_EXCLUDED_DAYS,
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
)

from .test_predictor import POWER, TEMPERATURE, _predictor_form, _set_states


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def test_excluded_days_padded_to_megabytes_are_refused_next_to_their_field(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """Empty parts between commas are no day, so a day followed by a million commas (or
    newlines, or spaces) parsed as one day: the text was stored in the entry as it came,
    and rewritten with `core.config_entries` at every change of any entry."""
    _set_states(hass)
    form = {
        CONF_NAME: "Power forecast",
        CONF_POWER_ENTITY: POWER,
        CONF_TEMPERATURE_ENTITY: TEMPERATURE,
        CONF_TRAINING_DAYS: 60,
        CONF_RETRAIN_HOURS: 24,
    }
    result = await _predictor_form(hass)
    for padding in (",", "\n", " "):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {**form, CONF_EXCLUDED_DAYS: "2026-02-10" + padding * 1_000_000}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {CONF_EXCLUDED_DAYS: "invalid_days"}
    # A year of days, one per line: what a person may type, taken.
    year = "\n".join(f"2025-{month:02}-{day:02}" for month in range(1, 13) for day in range(1, 29))
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**form, CONF_EXCLUDED_DAYS: year}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
