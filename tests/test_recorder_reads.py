"""A read in the recorder's executor is waited for when Home Assistant stops."""

from __future__ import annotations

import asyncio
import threading

import pytest
from homeassistant.components.recorder import Recorder
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant

from custom_components.py_iot_home.storage.recorder_reads import async_recorder_read


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def test_the_stop_waits_for_a_read_whose_caller_was_cancelled(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    """The recorder closes its connections at its stop without waiting for its executor: a
    read still running then crashed the process in sqlite (a forecast's history, its task
    cancelled as the stop began)."""
    started, release = threading.Event(), threading.Event()

    def slow_read() -> str:
        started.set()
        release.wait(10)
        return "read"

    caller = hass.async_create_task(async_recorder_read(hass, slow_read))
    await hass.async_add_executor_job(started.wait, 10)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    stopping = hass.async_create_task(hass.async_block_till_done())
    await asyncio.sleep(0.2)
    assert not stopping.done()  # the stop's listener waits for the read
    release.set()
    await asyncio.wait_for(stopping, 10)


async def test_a_read_returns_its_result(recorder_mock: Recorder, hass: HomeAssistant) -> None:
    assert await async_recorder_read(hass, sum, [1, 2, 3]) == 6
