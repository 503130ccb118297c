"""The weather's hours after the home's units change: read in the unit they come in."""

from __future__ import annotations

import numpy as np
import pytest
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.util.unit_system import METRIC_SYSTEM, US_CUSTOMARY_SYSTEM

from custom_components.py_iot_home.const import CONF_WEATHER_ENTITY

from .imported_statistics import imported
from .test_predictor import _add_predictor, _predictor
from .test_predictor_weather import (
    NOW,
    WEATHER,
    _heated_home_statistics,
    _seed_heated_home,
    _weather_entity,
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.freeze_time(NOW)
@imported(_heated_home_statistics)
async def test_a_change_to_fahrenheit_leaves_the_forecast_as_it_was(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """`get_forecasts` answers in the home's unit at the call; the weather's state keeps the
    unit of its last write until its next one. Read by the state's unit, 10 °C (50 °F) was
    taken for 50 °C; on the walk of 2026-12-06 (back to °C, read by a stale °F) the demo's
    next hour came out at 346 W instead of 382 W."""
    await _seed_heated_home(hass)
    await _weather_entity(hass, 10.0)
    entry_id = await _add_predictor(hass, **{CONF_WEATHER_ENTITY: WEATHER})
    predictor = _predictor(hass, entry_id)
    before = [point.power_w for point in predictor.data.forecast]

    hass.config.units = US_CUSTOMARY_SYSTEM
    await predictor.async_refresh()
    assert hass.states.get(WEATHER).attributes["temperature_unit"] == "°C"  # not written since
    in_fahrenheit = [point.power_w for point in predictor.data.forecast]
    assert np.allclose(in_fahrenheit, before, atol=0.05)

    hass.config.units = METRIC_SYSTEM
    await predictor.async_refresh()
    assert [point.power_w for point in predictor.data.forecast] == pytest.approx(before, abs=0.05)
