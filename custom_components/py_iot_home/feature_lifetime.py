"""What one board or forecast runs until it stops: its unload callbacks and its tasks.

A subentry's feature stops when the subentry is deleted, while the home entry and the other
features run on; tied to the entry instead, its timers, listeners and saves ran until the
whole entry unloaded (so the entry was reloaded, and every other feature blinked).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from homeassistant.core import HomeAssistant, callback

from .const import LOGGER

# As Home Assistant waits for an unloading entry's tasks.
STOP_TASKS_TIMEOUT_S = 10


class FeatureLifetime:
    """Callbacks and background tasks that end when the feature stops, once."""

    def __init__(self, hass: HomeAssistant, name: str) -> None:
        """Name the feature for the log."""
        self.hass = hass
        self.name = name
        self.stopped = False
        self._on_stop: list[Callable[[], Coroutine[Any, Any, None] | None]] = []
        self._tasks: set[asyncio.Future[Any]] = set()

    @callback
    def async_on_stop(self, func: Callable[[], Coroutine[Any, Any, None] | None]) -> None:
        """Run ``func`` when the feature stops (at once if it has stopped already)."""
        if not self.stopped:
            self._on_stop.append(func)
        elif (job := func()) is not None:
            self.hass.async_create_task(job, f"{self.name} stops")

    @callback
    def async_create_background_task[R](
        self,
        hass: HomeAssistant,
        target: Coroutine[Any, Any, R],
        name: str,
        *,
        eager_start: bool = True,
    ) -> asyncio.Task[R]:
        """A task cancelled when the feature stops (at once if it has stopped already)."""
        if self.stopped:
            # Cancelled before its first step: none of it runs.
            task = hass.async_create_background_task(target, name, eager_start=False)
            task.cancel(f"{self.name} stopped")
            return task
        task = hass.async_create_background_task(target, name, eager_start)
        if not task.done():
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return task

    async def async_stop(self) -> None:
        """Run the callbacks, last registered first, then cancel and await the tasks."""
        if self.stopped:
            return
        self.stopped = True
        while self._on_stop:
            func = self._on_stop.pop()
            # One that fails must not leave the others' timers and listeners running.
            try:
                if (job := func()) is not None:
                    await job
            except Exception:
                LOGGER.exception("%s: stopping %s failed", self.name, func)
        if not self._tasks:
            return
        for task in self._tasks:
            task.cancel(f"{self.name} stops")
        _, pending = await asyncio.wait(list(self._tasks), timeout=STOP_TASKS_TIMEOUT_S)
        for task in pending:
            LOGGER.warning("%s stopped; its task %s did not end in time", self.name, task)
