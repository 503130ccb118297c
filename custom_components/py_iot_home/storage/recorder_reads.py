"""Reads in the recorder's executor that Home Assistant's stop waits for.

When it stops, the recorder closes its database connections without waiting for a query in
its executor: a read still running then (a forecast's history, started an instant before)
crashed the process in sqlite. A read started here is waited for, up to STOP_WAIT_S, by a
listener of the stop event, which Home Assistant waits for before the recorder closes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN

STOP_WAIT_S = 30.0
_IN_FLIGHT: HassKey[set[asyncio.Future[Any]]] = HassKey(f"{DOMAIN}_recorder_reads")


async def async_recorder_read[T](hass: HomeAssistant, target: Callable[..., T], *args: Any) -> T:
    """``target(*args)`` in the recorder's executor; a cancelled caller leaves it to finish."""
    job: asyncio.Future[T] = get_instance(hass).async_add_executor_job(target, *args)
    in_flight = hass.data.get(_IN_FLIGHT)
    if in_flight is None:
        in_flight = hass.data[_IN_FLIGHT] = set()

        async def _async_wait(_event: Event) -> None:
            if in_flight:
                await asyncio.wait(set(in_flight), timeout=STOP_WAIT_S)

        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_wait)
    in_flight.add(job)
    job.add_done_callback(in_flight.discard)
    return await asyncio.shield(job)
