"""The integration's actions and the README's example automation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import yaml
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.components.automation import DOMAIN as AUTOMATION_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.py_iot_home.const import DOMAIN

from .fakes import FakeHardware

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "trend_automation.yaml"


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
    times, values = init_integration.runtime_data.trend.store.buffer("temperature").snapshot()
    assert values.tolist() == temperatures
    slope = np.polyfit((times - times[0]) / 86400, temperatures, 1)[0]
    assert response["slope_per_day"] == pytest.approx(slope, rel=1e-6)
    assert response["samples"] == 5
    assert response["mean"] == pytest.approx(np.mean(temperatures), abs=1e-4)
    assert response["daily_means"][-1]["mean"] == pytest.approx(np.mean(temperatures), abs=1e-4)
    assert response["backend"] in {"native", "numpy"}


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
        with pytest.raises(ServiceValidationError, match="not a loaded power predictor"):
            await hass.services.async_call(
                DOMAIN,
                action,
                {"config_entry_id": entry_id},
                blocking=True,
                return_response=True,
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
    assert await async_setup_component(hass, AUTOMATION_DOMAIN, {AUTOMATION_DOMAIN: automations})
    # Warm up for a while (rising), then cool down until the trend turns falling.
    for step in range(1, 6):
        fake_hardware.dht.script(4, (21.0 + step * 0.5, 45.0))
        await _poll(hass, freezer)
    await init_integration.runtime_data.trend.async_refresh()
    for step in range(1, 16):
        fake_hardware.dht.script(4, (23.5 - step * 0.5, 45.0))
        await _poll(hass, freezer)
    await init_integration.runtime_data.trend.async_refresh()
    await hass.async_block_till_done()
    notifications = persistent_notification._async_get_or_create_notifications(hass)
    note = notifications["py_iot_home_cooling"]
    assert note["title"] == "Getting colder"
    assert "sensor.living_room_temperature is falling by -" in note["message"]
