"""A board's or forecast's lifetime: what it began ends when it stops, once, even if late."""

from __future__ import annotations

import asyncio
import logging

import pytest
from homeassistant.core import HomeAssistant

from custom_components.py_iot_home.feature_lifetime import FeatureLifetime


async def test_callbacks_run_once_last_first_and_a_failing_one_stops_no_other(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A listener's unsubscribe that raises left the callbacks after it registered."""
    lifetime = FeatureLifetime(hass, "Attic")
    ran: list[str] = []

    async def _save() -> None:
        ran.append("save")

    def _broken() -> None:
        raise RuntimeError("already unsubscribed")

    lifetime.async_on_stop(_save)
    lifetime.async_on_stop(_broken)
    lifetime.async_on_stop(lambda: ran.append("unlisten"))

    await lifetime.async_stop()
    await lifetime.async_stop()

    assert ran == ["unlisten", "save"]
    assert [r.levelno for r in caplog.records if "Attic: stopping" in r.message] == [logging.ERROR]


async def test_its_tasks_are_cancelled_and_none_starts_after_it_stopped(
    hass: HomeAssistant,
) -> None:
    """A training under way ends with its forecast; one asked for afterwards never runs."""
    lifetime = FeatureLifetime(hass, "Garage forecast")
    started: list[str] = []
    training_started = asyncio.Event()

    async def _train(name: str) -> None:
        started.append(name)
        training_started.set()
        await asyncio.Event().wait()

    running = lifetime.async_create_background_task(hass, _train("hourly"), "hourly")
    await training_started.wait()

    await lifetime.async_stop()
    late = lifetime.async_create_background_task(hass, _train("late"), "late")
    await asyncio.wait([late], timeout=1)

    assert running.cancelled()
    assert late.cancelled()
    assert started == ["hourly"]


async def test_a_callback_registered_after_the_stop_runs_at_once(hass: HomeAssistant) -> None:
    """A listener a late set-up step adds after the stop is not left subscribed for good."""
    lifetime = FeatureLifetime(hass, "Attic")
    await lifetime.async_stop()
    ran: list[str] = []

    async def _save() -> None:
        ran.append("save")

    lifetime.async_on_stop(lambda: ran.append("unlisten"))
    lifetime.async_on_stop(_save)
    await hass.async_block_till_done()

    assert ran == ["unlisten", "save"]
