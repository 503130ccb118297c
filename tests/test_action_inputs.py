"""What the actions answer to inputs a user's walk gave them: fractional days, a switch,
a weather entity, and a forecast named by something that is none."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import probatio
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.const import DOMAIN

START = datetime(2026, 3, 2, 0, 0, tzinfo=dt_util.UTC)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _analyze(hass: HomeAssistant, entity_id: str, days: Any = 7) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "analyze_trend",
        {"entity_id": entity_id, "days": days},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def _three_days_of(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    states: dict[str, tuple[str, dict[str, Any]]],
) -> None:
    """The same states every 30 minutes for three days, recorded."""
    for minute in range(0, 3 * 1440 + 1, 30):
        freezer.move_to(START + timedelta(minutes=minute))
        for entity_id, (state, attributes) in states.items():
            value = f"{20.0 + minute / 1440.0:.2f}" if state == "{value}" else state
            hass.states.async_set(entity_id, value, attributes, force_update=True)
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)


async def test_fractional_days_are_a_window_of_that_many_days(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """`days: 2.5` was answered as 2 days: 48 hours of readings, and `days: 2`."""
    await async_setup_component(hass, DOMAIN, {})
    await _three_days_of(
        hass, freezer, {"sensor.outside": ("{value}", {"unit_of_measurement": "°C"})}
    )
    half = await _analyze(hass, "sensor.outside", 2.5)
    assert half["days"] == 2.5
    assert half["span_hours"] == pytest.approx(60.0, abs=0.6)
    whole = await _analyze(hass, "sensor.outside", "2")
    # As given: 2, not 2.0.
    assert whole["days"] == 2
    assert isinstance(whole["days"], int)
    assert whole["span_hours"] == pytest.approx(48.0, abs=0.6)


@pytest.mark.parametrize("days", [0.5, 90.5, "nan", "inf", True, "two", 10**400])
async def test_days_out_of_range_or_no_number_are_refused(
    recorder_mock: Recorder, hass: HomeAssistant, days: Any
) -> None:
    await async_setup_component(hass, DOMAIN, {})
    hass.states.async_set("sensor.outside", "4", {"unit_of_measurement": "°C"})
    with pytest.raises(probatio.Invalid):
        await _analyze(hass, "sensor.outside", days)


async def _forecast_of_a_temperature(hass: HomeAssistant, hours: Any) -> None:
    """forecast_power named by a sensor that is no forecast's, for `hours`."""
    await hass.services.async_call(
        DOMAIN,
        "forecast_power",
        {"entity_id": "sensor.living_room_temperature", "hours": hours},
        blocking=True,
        return_response=True,
    )


@pytest.mark.parametrize("hours", [2.5, 0, 25, "nan", "inf", True, "two", 10**400])
async def test_forecast_hours_that_are_no_whole_number_of_1_to_24_are_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, hours: Any
) -> None:
    """`hours: 2.5` was answered with 2 hours, saying nothing."""
    with pytest.raises(probatio.Invalid, match="hours"):
        await _forecast_of_a_temperature(hass, hours)


@pytest.mark.parametrize("hours", [6, 6.0, "6"])
async def test_forecast_hours_given_as_a_whole_number_pass(
    hass: HomeAssistant, init_integration: MockConfigEntry, hours: Any
) -> None:
    """Past the schema: the call gets as far as the target, which is no forecast here."""
    with pytest.raises(ServiceValidationError) as raised:
        await _forecast_of_a_temperature(hass, hours)
    assert raised.value.translation_key == "not_a_forecast"


@pytest.mark.parametrize(
    ("entity_id", "state", "attributes"),
    [
        ("switch.kettle", "on", {}),
        ("weather.home", "cloudy", {"temperature": 4.0, "temperature_unit": "°C"}),
    ],
    ids=["switch", "weather"],
)
async def test_an_entity_that_is_not_numeric_is_said_so(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entity_id: str,
    state: str,
    attributes: dict[str, Any],
) -> None:
    """A switch or a weather entity answered `no_samples`, as if it had yet to report."""
    await async_setup_component(hass, DOMAIN, {})
    await _three_days_of(hass, freezer, {entity_id: (state, attributes)})
    with pytest.raises(ServiceValidationError) as raised:
        await _analyze(hass, entity_id)
    assert raised.value.translation_key == "not_numeric"
    assert str(raised.value) == (
        f"{entity_id} is not numeric: its state ({state}) is not a number, and it has no unit"
        " and no numeric history. Choose a sensor that measures something, such as a"
        " temperature or a power"
    )


async def test_numbers_in_the_history_or_without_a_unit_are_not_refused(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A meter that reads text now is answered from its numbers; a number without a unit,
    and a sensor that is only unavailable, are not called "not numeric"."""
    await async_setup_component(hass, DOMAIN, {})
    await _three_days_of(
        hass,
        freezer,
        {
            "sensor.count": ("{value}", {}),
            "sensor.meter": ("{value}", {"unit_of_measurement": "W"}),
        },
    )
    hass.states.async_set("sensor.meter", "error", {"unit_of_measurement": "W"})
    hass.states.async_set("sensor.gone", "unavailable", {})
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    response = await _analyze(hass, "sensor.meter")
    assert response["samples"] > 100
    assert response["trend_status"] == "shown"
    for entity_id in ("sensor.count", "sensor.gone"):
        assert (await _analyze(hass, entity_id))["entity_id"] == entity_id
    # A count without a unit is read from its recorded numbers (all were skipped before).
    count = await _analyze(hass, "sensor.count")
    assert count["samples"] > 100
    assert count["trend_status"] == "shown"
    assert count["trend_slope_per_day"] == pytest.approx(1.0, abs=0.05)


async def test_a_forecast_named_by_what_is_none_says_power_forecast(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Said in the UI's words, the placeholder named for what it holds: the target given,
    a device by its name."""
    device = next(
        iter(dr.async_entries_for_config_entry(dr.async_get(hass), init_integration.entry_id))
    )
    for target in (
        {"device_id": device.id},
        {"entity_id": "sensor.living_room_temperature"},
        {"config_entry_id": init_integration.entry_id},
    ):
        with pytest.raises(ServiceValidationError) as raised:
            await hass.services.async_call(
                DOMAIN, "forecast_power", target, blocking=True, return_response=True
            )
        (given,) = target.values()
        # A device by its name: its id is a hex string nobody recognises.
        named = device.name if "device_id" in target else given
        assert named
        assert raised.value.translation_key == "not_a_forecast"
        assert raised.value.translation_placeholders == {"target": named}
        assert str(raised.value) == f"{named} is not a loaded power forecast"
