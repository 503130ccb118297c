"""The stuck-sensor rule's count for a board, kept across restarts.

A hung DHT22 is judged stuck after six hours of one reading. Counted in memory only, each
restart of Home Assistant would show it alive, with its frozen reading, for six more hours.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN
from ..hardware.reading_filter import ReadingFilter, RepeatedReading
from ..storage.coalesced_save import CoalescedSave
from ..storage.read_back import async_read_back

STORE_VERSION = 1
# The count only needs to be near: Home Assistant writes the latest when it stops.
SAVE_DELAY_S = 600.0


def repeated_reading_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """The store of one board's repeated reading."""
    return Store(hass, STORE_VERSION, f"{DOMAIN}.repeated_reading.{entry_id}")


class RepeatedReadingKeeper:
    """Restores a board's filter from the store, and keeps the store up with its reads."""

    def __init__(self, store: Store[dict[str, Any]], reading_filter: ReadingFilter) -> None:
        """Keep what `reading_filter` counts in `store`."""
        self._store = store
        self._filter = reading_filter
        self._latest: RepeatedReading | None = None
        self._save = CoalescedSave(store, SAVE_DELAY_S, self._data)
        self._flushed = False

    async def async_restore(self) -> None:
        """Give the filter, before its first read, what it had counted before the restart."""
        # The file is data, not trusted: anything but what we wrote is ignored.
        if (repeated := RepeatedReading.from_json(await async_read_back(self._store))) is not None:
            self._filter.resume_repeated(repeated)

    def remember(self) -> None:
        """Note the filter's count after a read (on the event loop, no read running)."""
        # A read that ends after the last write (the board deleted) would write the file again.
        if self._flushed:
            return
        if (repeated := self._filter.repeated) != self._latest:
            self._latest = repeated
            self._save.schedule()

    async def async_flush(self) -> None:
        """Write the latest now: an entry reloads (options changed) without a final write.

        Awaited at unload, so that a board being deleted has its file removed after it.
        """
        self._flushed = True
        if self._latest is not None:
            await self._store.async_save(self._data())

    def _data(self) -> dict[str, Any]:
        return self._latest.to_json() if self._latest is not None else {}
