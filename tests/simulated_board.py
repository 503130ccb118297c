"""Waiting out the simulation's failed reads, which follow the real clock."""

from __future__ import annotations

import asyncio

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.py_iot_home.board.coordinator import FIRST_READ_RETRY_INTERVAL


async def async_first_simulated_reading(hass: HomeAssistant, entity_id: str) -> State:
    """The entity's state once the simulated sensor has given a first reading.

    The simulation fails about 3 % of reads, like a DHT22, and reads in the executor, where a
    frozen test clock does not reach: a failed first read is retried by the board after
    ``FIRST_READ_RETRY_INTERVAL``, with a new real second (new noise) each time.
    """
    for _ in range(5):
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        if state.state != STATE_UNAVAILABLE:
            return state
        await asyncio.sleep(1.05)  # the simulation's noise changes once a second
        async_fire_time_changed(hass, dt_util.utcnow() + FIRST_READ_RETRY_INTERVAL)
        await hass.async_block_till_done(wait_background_tasks=True)
    raise AssertionError(f"{entity_id} stayed unavailable through 5 simulated reads")
