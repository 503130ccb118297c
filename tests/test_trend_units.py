"""A home whose temperatures are shown in °F sees its temperature trends in °F too.

Samples, stored thresholds and the analysis stay in °C; what a user reads is converted:
a slope and a threshold as an interval (x1.8), a mean as a temperature (x1.8 + 32).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.components.sensor import async_update_suggested_units
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.py_iot_home.const import CONF_TREND_THRESHOLD

from .assist_sentences import ask, speech
from .fakes import FakeHardware
from .home_entry import (
    BOARD_SUBENTRY_ID,
    async_configure_subentry,
    async_start_reconfigure,
    feature,
    settings,
)
from .trend_samples import three_days_warming

TEMPERATURE = "sensor.living_room_living_room_temperature"
TEMPERATURE_TREND = "sensor.living_room_living_room_temperature_trend"
HUMIDITY_TREND = "sensor.living_room_living_room_humidity_trend"
TEMPERATURE_RISING = "binary_sensor.living_room_living_room_temperature_rising"
# The board of `init_integration`, in no area.
BOARD_TEMPERATURE = "sensor.living_room_temperature"
BOARD_TEMPERATURE_TREND = "sensor.living_room_temperature_trend"
BOARD_TEMPERATURE_RISING = "binary_sensor.living_room_temperature_rising"


@pytest.fixture
async def fahrenheit_home(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> MockConfigEntry:
    """A home set to US customary units, its board in the living room, Assist on."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    ar.async_get(hass).async_get_or_create("Living room")
    mock_config_entry.add_to_hass(hass)
    board = mock_config_entry.subentries[BOARD_SUBENTRY_ID]
    hass.config_entries.async_update_subentry(
        mock_config_entry, board, data={**board.data, "area": "Living room"}
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})
    await hass.async_block_till_done()
    for entity_id in hass.states.async_entity_ids():
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)
    return mock_config_entry


async def test_a_temperature_trend_is_shown_in_the_homes_unit(
    hass: HomeAssistant, fahrenheit_home: MockConfigEntry
) -> None:
    """Slope, error and threshold x1.8; mean, extremes, intercept and daily means as
    temperatures; humidity as it was; Assist reads the sensor."""
    assert hass.states.get(TEMPERATURE).attributes["unit_of_measurement"] == "°F"
    await three_days_warming(hass, fahrenheit_home)
    analysis = feature(fahrenheit_home).trend.data
    slope_c = analysis.estimates["temperature"].shown_slope
    result_c = analysis.results["temperature"]
    trend = hass.states.get(TEMPERATURE_TREND)
    assert trend.attributes["unit_of_measurement"] == "°F/d"
    assert slope_c == pytest.approx(2.0, abs=0.05)
    assert float(trend.state) == round(slope_c * 1.8, 2)
    assert trend.attributes["mean"] == pytest.approx(result_c.mean * 1.8 + 32, abs=1e-3)
    assert trend.attributes["minimum"] == pytest.approx(result_c.minimum * 1.8 + 32, abs=1e-3)
    assert trend.attributes["maximum"] == pytest.approx(result_c.maximum * 1.8 + 32, abs=1e-3)
    assert trend.attributes["std"] == pytest.approx(result_c.std * 1.8, abs=1e-3)
    assert [day["mean"] for day in trend.attributes["daily_means"]] == pytest.approx(
        [day.mean * 1.8 + 32 for day in result_c.daily_means], abs=1e-3
    )
    assert 66 < trend.attributes["minimum"] < trend.attributes["maximum"] < 78
    rising = hass.states.get(TEMPERATURE_RISING)
    assert (rising.state, rising.attributes["threshold"]) == ("on", 0.36)  # not 0.36000000000000004
    humidity = hass.states.get(HUMIDITY_TREND)
    assert humidity.attributes["unit_of_measurement"] == "%/d"
    assert humidity.attributes["mean"] == 45.0
    said = speech(await ask(hass, "is the living room getting warmer"))
    assert said == (
        f"Yes, the Living room is getting warmer: {slope_c * 1.8:+.1f}\u00a0°F a day "
        "over the last 3 days."
    )


async def test_the_threshold_is_set_in_the_homes_unit_and_stored_in_celsius(
    hass: HomeAssistant, fahrenheit_home: MockConfigEntry
) -> None:
    """The box says °F/d and shows the stored 0.2 °C/d as 0.36; 0.9 °F/d is kept as 0.5 °C/d
    and shows as 0.9 again; the largest allowed is 90 °F/d (50 °C/d)."""

    async def settings_form() -> dict:
        result = await async_start_reconfigure(hass, fahrenheit_home)
        return await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "settings"})

    form = await settings_form()
    assert form["type"] is FlowResultType.FORM
    (key,) = (key for key in form["data_schema"].schema if str(key) == CONF_TREND_THRESHOLD)
    assert form["data_schema"].schema[key].config["unit_of_measurement"] == "°F/d"
    assert form["data_schema"].schema[key].config["step"] == "any"  # 0.36 is on no 0.05 grid
    assert key.default() == 0.36
    submitted = {
        str(field): field.default() if callable(field.default) else None
        for field in form["data_schema"].schema
    }
    submitted.update(
        {
            key: value
            for key, value in settings(fahrenheit_home).items()
            if key in submitted and not isinstance(value, list)
        }
    )
    refused = await async_configure_subentry(
        hass, form["flow_id"], {**submitted, CONF_TREND_THRESHOLD: 91.0}
    )
    assert refused["errors"] == {CONF_TREND_THRESHOLD: "threshold_out_of_range"}
    saved = await async_configure_subentry(
        hass, form["flow_id"], {**submitted, CONF_TREND_THRESHOLD: 0.9}
    )
    assert saved["type"] is FlowResultType.ABORT
    assert settings(fahrenheit_home)[CONF_TREND_THRESHOLD] == 0.5
    await hass.async_block_till_done()
    form = await settings_form()
    suggested = {
        str(key): (key.description or {}).get("suggested_value")
        for key in form["data_schema"].schema
    }
    assert suggested[CONF_TREND_THRESHOLD] == 0.9


async def test_the_trend_follows_the_unit_its_sensor_shows(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """°F set with "update the unit of all sensors" (Settings > System > General ticks it):
    the sensor and its trend are °F, the trend's °C slope converted (it once showed a slope of
    °C readings labelled °F), with nothing reloaded: the entities never went unavailable."""
    await three_days_warming(hass, init_integration)
    trend = feature(init_integration).trend
    slope_c = trend.data.estimates["temperature"].shown_slope
    assert slope_c == pytest.approx(2.0, abs=0.05)
    assert hass.states.get(BOARD_TEMPERATURE).attributes["unit_of_measurement"] == "°C"
    watched = _watch_states(hass, BOARD_TEMPERATURE_TREND, BOARD_TEMPERATURE_RISING)

    await hass.config.async_update(unit_system="us_customary")
    async_update_suggested_units(hass)
    await hass.async_block_till_done()
    assert hass.states.get(BOARD_TEMPERATURE).attributes["unit_of_measurement"] == "°F"
    shown = hass.states.get(BOARD_TEMPERATURE_TREND)
    assert (shown.state, shown.attributes["unit_of_measurement"]) == (
        str(round(slope_c * 1.8, 2)),
        "°F/d",
    )
    rising = hass.states.get(BOARD_TEMPERATURE_RISING).attributes
    assert (rising["threshold"], rising["threshold_unit"]) == (0.36, "°F/d")

    fake_hardware.dht.script(4, (21.0, 45.0))
    freezer.tick(timedelta(seconds=60))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(BOARD_TEMPERATURE).attributes["unit_of_measurement"] == "°F"
    shown = hass.states.get(BOARD_TEMPERATURE_TREND)
    assert shown.attributes["unit_of_measurement"] == "°F/d"
    assert float(shown.state) == pytest.approx(
        trend.data.estimates["temperature"].shown_slope * 1.8, abs=0.006
    )
    rising = hass.states.get(BOARD_TEMPERATURE_RISING).attributes
    assert (rising["threshold"], rising["threshold_unit"]) == (0.36, "°F/d")
    assert feature(init_integration).trend is trend  # not reloaded
    assert STATE_UNAVAILABLE not in {state.state for state in watched}


async def test_a_sensor_set_to_celsius_in_a_fahrenheit_home_keeps_its_trend_in_celsius(
    hass: HomeAssistant, fahrenheit_home: MockConfigEntry
) -> None:
    """The unit chosen in the sensor's settings decides, not the home's unit system."""
    await three_days_warming(hass, fahrenheit_home)
    trend = feature(fahrenheit_home).trend
    assert hass.states.get(TEMPERATURE_TREND).attributes["unit_of_measurement"] == "°F/d"
    er.async_get(hass).async_update_entity_options(
        TEMPERATURE, "sensor", {"unit_of_measurement": "°C"}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).attributes["unit_of_measurement"] == "°C"
    shown = hass.states.get(TEMPERATURE_TREND)
    assert shown.attributes["unit_of_measurement"] == "°C/d"
    assert float(shown.state) == round(trend.data.estimates["temperature"].shown_slope, 2)
    assert shown.attributes["mean"] == pytest.approx(
        trend.data.results["temperature"].mean, abs=1e-3
    )
    rising = hass.states.get(TEMPERATURE_RISING).attributes
    assert (rising["threshold"], rising["threshold_unit"]) == (0.2, "°C/d")
    humidity = hass.states.get(HUMIDITY_TREND)
    assert humidity.attributes["unit_of_measurement"] == "%/d"
    # Its threshold is set in the unit its trend is shown in.
    result = await async_start_reconfigure(hass, fahrenheit_home)
    form = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "settings"})
    (key,) = (key for key in form["data_schema"].schema if str(key) == CONF_TREND_THRESHOLD)
    assert form["data_schema"].schema[key].config["unit_of_measurement"] == "°C/d"
    assert key.default() == 0.2


def _watch_states(hass: HomeAssistant, *entity_ids: str) -> list[State]:
    """Every state the entities take from now on."""
    seen: list[State] = []

    @callback
    def _seen(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            seen.append(state)

    async_track_state_change_event(hass, list(entity_ids), _seen)
    return seen


async def test_a_renamed_sensor_is_still_followed(
    hass: HomeAssistant, fahrenheit_home: MockConfigEntry
) -> None:
    """Renamed in its settings, the sensor has another entity id: its unit still counts."""
    await three_days_warming(hass, fahrenheit_home)
    registry = er.async_get(hass)
    registry.async_update_entity(TEMPERATURE, new_entity_id="sensor.sofa_temperature")
    await hass.async_block_till_done()
    registry.async_update_entity_options(
        "sensor.sofa_temperature", "sensor", {"unit_of_measurement": "°C"}
    )
    await hass.async_block_till_done()
    assert hass.states.get("sensor.sofa_temperature").attributes["unit_of_measurement"] == "°C"
    assert hass.states.get(TEMPERATURE_TREND).attributes["unit_of_measurement"] == "°C/d"
