"""The harness's frozen clock (tests/conftest.py): it starts before set-up, and a timer due at the
frozen instant runs."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from .fakes import FakeHardware

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


async def test_freezing_the_clock_after_set_up_makes_no_timer_due(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fake_hardware: FakeHardware,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The board read once at set-up and polls a minute later, frozen time or not.

    Frozen after set-up, the loop's clock jumped to epoch seconds: the poll came due at once,
    and its read landed wherever the test was (tests/test_trend_units.py, CI of 6754ff4).
    """
    await hass.async_block_till_done(wait_background_tasks=True)
    assert fake_hardware.dht.transfers == [4]
    # async_fire_time_changed adds 0.5 s; the poll's offset within its second is 0.05-0.5 s.
    freezer.tick(timedelta(seconds=58))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert fake_hardware.dht.transfers == [4]
    freezer.tick(timedelta(seconds=3))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert fake_hardware.dht.transfers == [4, 4]
