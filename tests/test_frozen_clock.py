"""The harness's frozen clock: a timer due at the frozen instant runs (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant

NOW = datetime(2026, 3, 1, 0, 15, tzinfo=UTC)


async def test_a_timer_due_at_the_frozen_instant_runs_while_a_thread_works(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Before, the loop left it due and spun without sleeping until the clock moved."""
    freezer.move_to(NOW)
    ran = asyncio.Event()
    hass.loop.call_at(hass.loop.time(), ran.set)
    # Real time passes in a worker thread; the frozen clock does not move.
    await hass.async_add_executor_job(time.sleep, 0.05)
    assert ran.is_set()
