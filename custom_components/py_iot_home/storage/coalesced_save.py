"""Delayed store writes that a steady stream of changes cannot postpone forever."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from homeassistant.helpers.storage import Store


class CoalescedSave[T: Mapping[str, Any] | Sequence[Any]]:
    """At most one pending write of `data_func()`, made `delay_s` after the first change.

    Store.async_delay_save restarts its timer on every call, so calling it per message (a
    node every few seconds) would never write. Here later changes join the pending write,
    which reads the data when it happens.
    """

    def __init__(self, store: Store[T], delay_s: float, data_func: Callable[[], T]) -> None:
        """Write `data_func()` to `store`."""
        self._store = store
        self._delay_s = delay_s
        self._data_func = data_func
        self._pending = False

    def schedule(self, *, now: bool = False) -> None:
        """Write within `delay_s` (or right away with `now`)."""
        if self._pending and not now:
            return
        self._pending = True
        self._store.async_delay_save(self._data, 0 if now else self._delay_s)

    def _data(self) -> T:
        self._pending = False
        return self._data_func()
