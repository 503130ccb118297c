"""A board read every 10 minutes on a frozen clock, stepped through the day by the trend tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.py_iot_home.const import CONF_POLL_INTERVAL

from .home_entry import board_subentry, home_entry

POLL = timedelta(minutes=10)


async def async_polled_board(hass: HomeAssistant, board_data: dict[str, Any]) -> MockConfigEntry:
    """The home entry with one board read every `POLL`, set up."""
    entry = home_entry(
        board_subentry({**board_data, CONF_POLL_INTERVAL: int(POLL.total_seconds())})
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def async_tick_to(hass: HomeAssistant, freezer: FrozenDateTimeFactory, at: datetime) -> None:
    """The clock moved to `at`, and all it set off run."""
    freezer.move_to(at)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
