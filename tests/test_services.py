"""The integration's actions and the README's example automation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import yaml
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation import DOMAIN as AUTOMATION_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.py_iot_home.const import DOMAIN

from .daily_reference import pandas_daily
from .fakes import FakeHardware
from .home_entry import feature
from .notifications import watch_notifications
from .warming_room import async_warm_then_cool

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "trend_automation.yaml"
DAY = 86400.0


async def _poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(timedelta(seconds=60))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_analyze_trend_of_our_sensor(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    temperatures = [21.0]
    for step in range(1, 5):
        temperatures.append(21.0 + step * 0.25)
        fake_hardware.dht.script(4, (temperatures[-1], 45.0))
        await _poll(hass, freezer)
    response = await hass.services.async_call(
        DOMAIN,
        "analyze_trend",
        {"entity_id": "sensor.living_room_temperature", "days": 2},
        blocking=True,
        return_response=True,
    )
    times, values = feature(init_integration).trend.store.buffer("temperature").snapshot()
    assert values.tolist() == temperatures
    slope = np.polyfit((times - times[0]) / 86400, temperatures, 1)[0]
    # Rounded to the thousandth like the trend sensors' attributes (analysis/trend_json.py),
    # from the processor's own sums: a few parts in 1e7 of a slope of 360 °C/d apart from
    # numpy's (it failed once at 359.695 against 359.69570, rounding's 5e-4 then exceeded).
    assert response["slope_per_day"] == pytest.approx(slope, abs=5e-4 + 3e-6 * abs(slope))
    assert response["samples"] == 5
    assert response["mean"] == pytest.approx(np.mean(temperatures), abs=5e-4)
    # The readings may straddle a local midnight or a whole hour (the clock is the real
    # one, frozen): a day's mean is the mean of its hourly means.
    reference = pandas_daily(times, np.array(temperatures), hass.config.time_zone)
    assert response["daily_means"][-1]["mean"] == pytest.approx(
        reference["mean"].iloc[-1], abs=5e-4
    )
    assert response["backend"] in {"native", "numpy"}
    # Four minutes of readings: no trend sensor would show this slope yet, and it says so.
    assert response["trend_status"] == "span_too_short"
    assert response["trend_slope_per_day"] is None
    assert response["span_hours"] == pytest.approx(4 / 60, abs=0.01)
    # Both definitions: the daily-means line needs two days with a mean (a line through
    # them when the readings straddle midnight, none otherwise).
    days = [day for day in response["daily_means"] if day["samples"]]
    if len(days) == 1:
        assert response["daily_means_slope_per_day"] is None
        assert response["daily_means_intercept"] is None
    else:
        slope, intercept = np.polyfit(range(len(days)), [day["mean"] for day in days], 1)
        assert response["daily_means_slope_per_day"] == pytest.approx(slope, abs=1e-3)
        assert response["daily_means_intercept"] == pytest.approx(intercept, abs=1e-3)


async def test_analyze_trend_of_a_sensor_without_history(hass: HomeAssistant) -> None:
    await async_setup_component(hass, DOMAIN, {})
    with pytest.raises(ServiceValidationError, match=r"sensor\.nowhere"):
        await hass.services.async_call(
            DOMAIN,
            "analyze_trend",
            {"entity_id": "sensor.nowhere"},
            blocking=True,
            return_response=True,
        )


@pytest.mark.parametrize("action", ["forecast_power", "retrain"])
async def test_predictor_actions_need_a_predictor(
    hass: HomeAssistant, init_integration: MockConfigEntry, action: str
) -> None:
    for entry_id in (init_integration.entry_id, "no-such-entry"):
        with pytest.raises(ServiceValidationError, match="not a loaded power forecast"):
            await hass.services.async_call(
                DOMAIN,
                action,
                {"config_entry_id": entry_id},
                blocking=True,
                return_response=True,
            )


@pytest.mark.parametrize("action", ["forecast_power", "retrain"])
@pytest.mark.parametrize(
    "named", [{}, {"entity_id": "sensor.a_forecast", "config_entry_id": "its-id"}]
)
async def test_predictor_actions_say_how_to_name_one_forecast(
    hass: HomeAssistant, init_integration: MockConfigEntry, action: str, named: dict[str, str]
) -> None:
    """No forecast named, or two ways at once: one translated sentence in the fields' words.

    Developer tools → Actions showed "at least one of ['device_id', 'entity_id',
    'config_entry_id'] is required. Got {'type': 'execute_script', ...}" for none.
    """
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(DOMAIN, action, named, blocking=True, return_response=True)
    assert raised.value.translation_key == "name_one_predictor"
    assert str(raised.value).startswith(
        "Choose one power forecast: its device (Forecast), one of its sensors"
        " (Forecast sensor), or its id"
    )


def test_readme_shows_the_tested_example() -> None:
    readme = (ROOT / "README.md").read_text()
    assert EXAMPLE.read_text().strip() in readme


async def test_example_automation_notifies_when_a_room_cools(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    automations = yaml.safe_load(EXAMPLE.read_text())
    assert await async_setup_component(hass, "persistent_notification", {})
    notifications = watch_notifications(hass)
    assert await async_setup_component(hass, AUTOMATION_DOMAIN, {AUTOMATION_DOMAIN: automations})
    trend = feature(init_integration).trend
    # Minutes of warming then cooling are no trend: nobody is notified (it used to be).
    for step in range(1, 6):
        fake_hardware.dht.script(4, (21.0 + step * 0.5, 45.0))
        await _poll(hass, freezer)
    for step in range(1, 16):
        fake_hardware.dht.script(4, (23.5 - step * 0.5, 45.0))
        await _poll(hass, freezer)
    await trend.async_refresh()
    await hass.async_block_till_done()
    assert "py_iot_home_cooling" not in notifications
    # Then four days of warming and six of cooling, analysed every two hours.
    await async_warm_then_cool(hass, init_integration, freezer, days=10)
    note = notifications["py_iot_home_cooling"]
    assert note["title"] == "Getting colder"
    assert "sensor.living_room_temperature is falling by -" in note["message"]
    assert "daily means over 3 days: -" in note["message"]


async def test_analyze_trend_of_our_sensor_beyond_its_window_reads_the_recorder(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """30 days asked of a sensor whose trend keeps 7: the recorder answers, not the 7 days
    kept (it answered 7 days as if 30); without a recorder, that is said."""
    assert feature(init_integration).trend.window_s == 7 * DAY
    with pytest.raises(ServiceValidationError, match=r"sensor\.living_room_temperature"):
        await hass.services.async_call(
            DOMAIN,
            "analyze_trend",
            {"entity_id": "sensor.living_room_temperature", "days": 30},
            blocking=True,
            return_response=True,
        )
