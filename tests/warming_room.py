"""A room warming, then cooling, fed to its board's trend as the board would feed it."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .home_entry import feature

DAY = 86400.0


async def async_warm_then_cool(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory, days: float
) -> None:
    """`days` of a room warming 1.5 °C a day with its daily swing, then cooling as fast,
    fed to its trend as the board would (every 10 minutes), analysed every two hours."""
    trend = feature(entry).trend
    start = dt_util.utcnow()
    start_s = start.timestamp()
    times = np.arange(start_s, start_s + days * DAY, 600.0)
    elapsed = (times - start_s) / DAY
    turn = days * 0.4
    values = np.where(elapsed < turn, 20.0 + 1.5 * elapsed, 20.0 + 1.5 * (2 * turn - elapsed))
    values = values + 1.5 * np.sin(2 * np.pi * elapsed)
    for step in range(int(days * 12)):
        now = start + timedelta(hours=2 * (step + 1))
        freezer.move_to(now)
        fresh = (times >= now.timestamp() - 7200) & (times < now.timestamp())
        trend.add_samples("temperature", times[fresh], values[fresh])
        await trend.async_refresh()
        await hass.async_block_till_done()
