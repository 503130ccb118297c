"""A board read every 10 minutes on a frozen clock, stepped through the day by the trend tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.py_iot_home.const import CONF_POLL_INTERVAL
from custom_components.py_iot_home.trends.coordinator import TrendCoordinator

from .home_entry import board_subentry, feature, home_entry

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


async def async_polled_board_with_readings(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    board_data: dict[str, Any],
    room: Callable[[float], float],
    since: datetime,
    until: datetime,
) -> tuple[TrendCoordinator, np.random.Generator]:
    """The board set up at `until`, its trend holding a temperature every `POLL` since `since`.

    Each is `room` at its time (epoch seconds) with 0.1 °C of noise, to a tenth as a DHT22
    reads; the noise goes on for the readings the test makes next.
    """
    freezer.move_to(until)
    entry = await async_polled_board(hass, board_data)
    noise = np.random.default_rng(4)
    times = np.arange(since.timestamp(), until.timestamp(), POLL.total_seconds())
    values = [room(t) + noise.normal(0.0, 0.1) for t in times]
    trend = feature(entry).trend
    assert trend is not None
    trend.add_samples("temperature", times, np.round(values, 1))
    return trend, noise


async def async_tick_to(hass: HomeAssistant, freezer: FrozenDateTimeFactory, at: datetime) -> None:
    """The clock moved to `at`, and all it set off run."""
    freezer.move_to(at)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
