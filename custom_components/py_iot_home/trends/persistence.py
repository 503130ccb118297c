"""A trend's samples kept in Home Assistant's storage, so a restart keeps the same trend.

The recorder keeps only state changes (a flat temperature leaves few), so seeding from it
after a restart rebuilt the trend from far fewer samples. The store is written every
``SAVE_INTERVAL`` and when the entry unloads or Home Assistant stops, encoded in the
executor; its size is bounded by the sample store's capacity.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..analysis.sample_codec import SampleDecodeError, decode_samples, encode_samples
from ..analysis.sample_store import SampleArrays, SampleStore
from ..const import DOMAIN, LOGGER
from ..storage.coalesced_save import CoalescedSave

STORAGE_VERSION = 1
SAVE_INTERVAL = timedelta(minutes=30)


def storage_key(entry_id: str) -> str:
    """The storage file of one entry's trend samples."""
    return f"{DOMAIN}.trend_samples.{entry_id}"


class TrendSamplesStorage:
    """Loads and saves one entry's sample store."""

    def __init__(self, hass: HomeAssistant, entry_id: str, samples: SampleStore) -> None:
        """Keep ``samples`` in the entry's file; encoding and writing happen off the loop."""
        self._hass = hass
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry_id), serialize_in_event_loop=False
        )
        self._samples = samples
        # The data function runs in the executor: each buffer is copied under its lock.
        self._save = CoalescedSave(
            self._store,
            SAVE_INTERVAL.total_seconds(),
            lambda: encode_samples(samples.iter_snapshots()),
        )

    async def async_load(self) -> dict[str, SampleArrays]:
        """The stored samples by sensor key; nothing when none or unreadable (logged)."""
        data = await self._store.async_load()
        if data is None:
            return {}
        try:
            samples, rejected = await self._hass.async_add_executor_job(decode_samples, data)
        except SampleDecodeError as err:
            LOGGER.warning("Stored trend samples %s are unreadable (%s)", self._store.key, err)
            return {}
        if rejected:
            LOGGER.warning(
                "Stored trend samples %s: left out damaged sensors %s", self._store.key, rejected
            )
        return samples

    def async_schedule_save(self) -> None:
        """Save within ``SAVE_INTERVAL``, or at the final write if Home Assistant stops first."""
        self._save.schedule()

    async def async_save(self) -> None:
        """Save now (at the final write while Home Assistant stops)."""
        samples = self._samples
        data = await self._hass.async_add_executor_job(
            lambda: encode_samples(samples.iter_snapshots())
        )
        await self._store.async_save(data)

    async def async_remove(self) -> None:
        """Delete the file (the entry is removed)."""
        await self._store.async_remove()


async def async_remove_trend_samples(hass: HomeAssistant, entry_id: str) -> None:
    """Forget a deleted entry's saved samples."""
    await Store[dict[str, Any]](hass, STORAGE_VERSION, storage_key(entry_id)).async_remove()
