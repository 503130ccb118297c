"""What Assist says, read as a person hears it: capitals, clock times, no raw states."""

from __future__ import annotations

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.py_iot_home.const import (
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
)

from .assist_sentences import said, start_assist
from .test_predictor import NOW, POWER, TEMPERATURE, _predictor_form, _set_states


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def test_an_answer_begins_with_a_capital_and_a_name_keeps_its_own(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A meter its user named "eGauge mains", a forecast "home forecast": the answers began
    "eGauge mains reads 100 W now." and "home forecast has no forecast", and the reading
    after a sentence about the trend began in lower case too."""
    freezer.move_to(NOW)
    _set_states(hass)
    form = await _predictor_form(hass)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"],
        {
            CONF_NAME: "home forecast",
            CONF_POWER_ENTITY: POWER,
            CONF_TEMPERATURE_ENTITY: TEMPERATURE,
            CONF_TRAINING_DAYS: 60,
            CONF_RETRAIN_HOURS: 24,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    hass.states.async_set(
        POWER, "100", {"unit_of_measurement": "W", "friendly_name": "eGauge mains"}
    )
    hass.states.async_set(
        TEMPERATURE, "4.5", {"unit_of_measurement": "°C", "friendly_name": "garden"}
    )
    await start_assist(hass)
    assert await said(hass, "how much power are we using") == "EGauge mains reads 100\u00a0W now."
    assert await said(hass, "is the power use rising") == (
        "EGauge mains keeps no power trend, so I cannot tell whether the home is using more "
        "power: a node's power meter, chosen as a power forecast's power sensor, keeps one. "
        "EGauge mains reads 100\u00a0W now."
    )
    # Within a sentence a name is as its user wrote it.
    assert await said(hass, "what is the temperature outside") == (
        "It is 4.5\u00a0°C outside (garden)."
    )
    assert await said(hass, "what is the power forecast") == (
        "Home forecast has no forecast: its power sensor recorded nothing for weeks."
    )
