"""The README's example automation in a home set to °F: it reads in the home's units."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
import yaml
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation import DOMAIN as AUTOMATION_DOMAIN
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from .fakes import FakeHardware
from .home_entry import feature
from .notifications import watch_notifications
from .test_services import EXAMPLE

DAY = 86400.0
START = datetime(2026, 12, 7, 3, 30, tzinfo=dt_util.UTC)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


@pytest.mark.freeze_time(START)
async def test_the_readme_example_speaks_the_homes_unit(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """In °F the event and analyze_trend answer in °F, and so does the notification: it said
    "°C per day" beside °F numbers."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await async_setup_component(hass, "persistent_notification", {})
    notifications = watch_notifications(hass)
    automations = yaml.safe_load(EXAMPLE.read_text())
    assert await async_setup_component(hass, AUTOMATION_DOMAIN, {AUTOMATION_DOMAIN: automations})
    trend = feature(mock_config_entry).trend
    # Four days of warming and six of cooling, read by the board every two hours (so the
    # recorder holds its °F states for analyze_trend) and every 10 minutes for the trend.
    start_s = START.timestamp()
    times = np.arange(start_s, start_s + 10 * DAY, 600.0)
    days = (times - start_s) / DAY
    values = np.where(days < 4, 20.0 + 1.5 * days, 26.0 - 1.5 * (days - 4))
    values = np.round(values + 1.5 * np.sin(2 * np.pi * days), 1)
    for step in range(10 * 12):
        now = START + timedelta(hours=2 * (step + 1))
        freezer.move_to(now)
        fresh = (times >= now.timestamp() - 7200) & (times < now.timestamp())
        trend.add_samples("temperature", times[fresh][:-1], values[fresh][:-1])
        fake_hardware.dht.script(4, (float(values[fresh][-1]), 45.0))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        await trend.async_refresh()
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    assert (
        hass.states.get("sensor.living_room_temperature").attributes["unit_of_measurement"] == "°F"
    )
    message = " ".join(notifications["py_iot_home_cooling"]["message"].split())
    assert "°C" not in message
    assert message.count("°F/d") == 2
    assert message.endswith(" °F).")
