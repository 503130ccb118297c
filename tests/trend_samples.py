"""Readings fed straight into a board's trend analysis, for tests that judge what it shows."""

from __future__ import annotations

import numpy as np
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .home_entry import feature


async def three_days_warming(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Every 15 minutes for three days: 19 °C rising 2 °C a day, humidity flat at 45 %."""
    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - 3 * 86400, now_s, 900.0)
    trend = feature(entry).trend
    trend.add_samples("temperature", times, 19.0 + 2.0 * (times - times[0]) / 86400)
    trend.add_samples("humidity", times, np.full(len(times), 45.0))
    await trend.async_refresh()
    await hass.async_block_till_done()
