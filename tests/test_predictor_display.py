"""What a person reads off a trained forecast: no empty attribute."""

from __future__ import annotations

import math

import pytest
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant

from .test_predictor import NOW, _add_predictor, _seed

METHOD = "sensor.power_forecast_forecast_method"
SKILL = "sensor.power_forecast_skill_over_the_best_rule"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@pytest.mark.freeze_time(NOW)
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
