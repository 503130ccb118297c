"""A trend's samples kept in Home Assistant's storage, so a restart keeps the same trend.

The recorder keeps only state changes (a flat temperature leaves few), so seeding from it
after a restart rebuilt the trend from far fewer samples. The samples are saved every
``SAVE_INTERVAL`` and when the entry unloads or Home Assistant stops, encoded in the
executor, as one file per completed UTC day plus an index file that holds today's
samples and lists the days (``analysis.sample_days``): a completed day is written once,
today's samples at each save. Their size is bounded by the sample store's capacity. Late
samples rewrite their day's file, at most ``REWRITES_PER_SAVE`` days per timed save (the
others at the next ones, and all of them when the entry unloads or Home Assistant stops).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..analysis.ring_buffer import SampleArrays
from ..analysis.sample_codec import SampleDecodeError, decode_samples
from ..analysis.sample_days import (
    DAY_S,
    REWRITES_PER_SAVE,
    DayPrints,
    SavePlan,
    joined_days,
    plan_save,
    prints_by_day,
    utc_day,
)
from ..analysis.sample_store import SampleStore
from ..const import DOMAIN, LOGGER
from ..storage.read_back import async_read_back, kept_for_a_newer_release

STORAGE_VERSION = 1
SAVE_INTERVAL = timedelta(minutes=30)
# The index's member listing the day files; a file without it is the whole window in one
# (as releases before 2026-12-04 wrote it), read once and then replaced by day files.
DAYS = "days"
TODAY = "today"
JUDGEMENTS = "judgements"


def storage_key(entry_id: str) -> str:
    """The index file of one entry's trend samples (today's samples, the list of days)."""
    return f"{DOMAIN}.trend_samples.{entry_id}"


def day_storage_key(entry_id: str, day: int) -> str:
    """The file of one completed UTC day of an entry's trend samples."""
    date = datetime.fromtimestamp(day * DAY_S, UTC).date()
    return f"{storage_key(entry_id)}.{date.isoformat()}"


def _listed_days(index: Mapping[str, Any]) -> list[int]:
    days = index.get(DAYS)
    if not isinstance(days, list):
        return []
    # Days of this century only: a damaged list cannot make us open arbitrary file names.
    return sorted({day for day in days if type(day) is int and 10_957 <= day <= 47_482})


class TrendSamplesStorage:
    """Loads and saves one entry's sample store."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        samples: SampleStore,
        judgements: Callable[[], Mapping[str, Any]] | None = None,
    ) -> None:
        """Keep ``samples`` in the entry's files; encoding and writing happen off the loop.

        ``judgements`` gives what the trends had judged (trends/judgements.py), saved in
        the index beside today's samples; ``loaded_judgements`` is what was stored.
        """
        self._hass = hass
        self._judgements = judgements
        self.loaded_judgements: object = None
        self._entry_id = entry_id
        self._index = _store(hass, storage_key(entry_id))
        self._samples = samples
        # What each day file listed in the index holds, as far as this run knows.
        self._written: dict[int, DayPrints] = {}
        self._listed: set[int] = set()
        # Days out of date left for the next saves, longest waiting first.
        self._deferred: tuple[int, ...] = ()
        self._deferral_logged = False
        # One Store per day file, kept: a write deferred to the final write stays the only one.
        self._day_stores: dict[int, Store[dict[str, Any]]] = {}
        self._lock = asyncio.Lock()
        self._cancel_timer: CALLBACK_TYPE | None = None
        self._closed = False
        # Home Assistant's stop waits for final-write listeners, not for a save under way.
        self._cancel_final_write: CALLBACK_TYPE | None = hass.bus.async_listen_once(
            EVENT_HOMEASSISTANT_FINAL_WRITE, self._async_final_write
        )

    async def async_load(self) -> dict[str, SampleArrays]:
        """The stored samples by sensor key; nothing when none or unreadable (logged)."""
        # What is on disk, whatever the store's type says: a file may have been edited.
        index = await async_read_back(self._index)
        if index is None:
            return {}
        if not isinstance(index, dict):
            # Valid JSON of another shape (a hand-edited file): it failed every set-up.
            LOGGER.warning("Stored trend samples of %s are unreadable", self._index.key)
            return {}
        if DAYS not in index:
            parts: list[tuple[int | None, Mapping[str, Any]]] = [(None, index)]
        else:
            parts = []
            for day in _listed_days(index):
                day_data = await async_read_back(self._day_store(day))
                if not isinstance(day_data, dict):
                    LOGGER.warning(
                        "Stored trend samples of %s: day %s is missing or unreadable",
                        self._index.key,
                        day,
                    )
                else:
                    parts.append((day, day_data))
                self._listed.add(day)
            if isinstance(today := index.get(TODAY), dict):
                parts.append((None, today))
            self.loaded_judgements = index.get(JUDGEMENTS)
        decoded = await self._hass.async_add_executor_job(_decode, self._index.key, parts)
        for part in decoded:
            if part.day_prints is not None:
                self._written[part.day] = part.day_prints
        return joined_days(part.samples for part in decoded)

    def async_schedule_save(self) -> None:
        """Save within ``SAVE_INTERVAL``; a steady stream of changes cannot postpone it.

        Not once closed: a sample that arrives while the entry unloads (its board still
        polling) left a timer that saved a removed entry's samples half an hour later.
        """
        if self._cancel_timer is None and not self._closed:
            self._cancel_timer = async_call_later(
                self._hass, SAVE_INTERVAL, self._async_save_when_due
            )

    async def _async_save_when_due(self, _now: datetime) -> None:
        self._cancel_timer = None
        await self.async_save(rewrites=REWRITES_PER_SAVE)

    async def _async_final_write(self, _event: Event) -> None:
        self._cancel_final_write = None
        await self.async_save()

    def async_close(self) -> None:
        """No more saves: the entry unloaded, after its last save."""
        self._closed = True
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None
        if self._cancel_final_write is not None:
            self._cancel_final_write()
            self._cancel_final_write = None

    async def async_save(self, *, rewrites: int | None = None) -> None:
        """Save now: today's samples and the completed days whose files are out of date.

        With ``rewrites``, at most that many days that have a file are written again; the
        others wait for the next save.
        """
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None
        if kept_for_a_newer_release(self._index):
            # Its day files are that release's too: a day of samples here would replace one.
            return
        async with self._lock:
            plan = await self._hass.async_add_executor_job(
                self._plan, dict(self._written), rewrites, self._deferred
            )
            self._deferred = plan.deferred
            if plan.deferred and not self._deferral_logged:
                self._deferral_logged = True
                LOGGER.info(
                    "%s: late samples changed more stored days than a save rewrites (%s); "
                    "%d wait for the next saves, or for Home Assistant's stop",
                    self._index.key,
                    rewrites,
                    len(plan.deferred),
                )
            for day, data in plan.changed_days.items():
                await self._day_store(day).async_save(data)
            # A newer release's day file stays listed, for that release to find again.
            kept = {
                day
                for day in self._listed
                if (store := self._day_stores.get(day)) and kept_for_a_newer_release(store)
            }
            index: dict[str, Any] = {DAYS: sorted(plan.prints.keys() | kept), TODAY: plan.today}
            if self._judgements is not None:
                index[JUDGEMENTS] = self._judgements()
            await self._index.async_save(index)
            for day in self._listed - plan.prints.keys() - kept:
                await self._day_store(day).async_remove()
                del self._day_stores[day]
            self._written = plan.prints
            self._listed = set(plan.prints) | kept

    def _day_store(self, day: int) -> Store[dict[str, Any]]:
        if (store := self._day_stores.get(day)) is None:
            store = self._day_stores[day] = _store(self._hass, day_storage_key(self._entry_id, day))
        return store

    def _plan(
        self, written: Mapping[int, DayPrints], rewrites: int | None, waiting: tuple[int, ...]
    ) -> SavePlan:
        return plan_save(
            self._samples.iter_snapshots,
            today=utc_day(dt_util.utcnow().timestamp()),
            written=written,
            rewrites=rewrites,
            waiting=waiting,
        )


def _store(hass: HomeAssistant, key: str) -> Store[dict[str, Any]]:
    return Store(hass, STORAGE_VERSION, key, serialize_in_event_loop=False)


@dataclass(frozen=True, slots=True)
class _DecodedPart:
    samples: dict[str, SampleArrays]
    day: int = -1
    # What a completed day's file was read back to hold; None for today's or a damaged one.
    day_prints: DayPrints | None = None


def _decode(name: str, parts: list[tuple[int | None, Mapping[str, Any]]]) -> list[_DecodedPart]:
    """Each part's samples (executor); an unreadable part or sensor is left out, logged."""
    decoded: list[_DecodedPart] = []
    for day, data in parts:
        try:
            samples, rejected = decode_samples(data)
        except SampleDecodeError as err:
            LOGGER.warning("Stored trend samples %s are unreadable (%s)", name, err)
            continue
        if rejected:
            LOGGER.warning("Stored trend samples %s: left out damaged sensors %s", name, rejected)
        if day is None or rejected:
            # A damaged day is not known to hold what it should: written again if memory has it.
            decoded.append(_DecodedPart(samples))
        else:
            day_prints = prints_by_day(samples.items(), day + 1).get(day)
            decoded.append(_DecodedPart(samples, day, day_prints))
    return decoded


async def async_remove_trend_samples(hass: HomeAssistant, entry_id: str) -> None:
    """Forget a deleted entry's saved samples: its day files, then the index."""
    index = _store(hass, storage_key(entry_id))
    data = await async_read_back(index)
    for day in _listed_days(data) if isinstance(data, dict) else []:
        await _store(hass, day_storage_key(entry_id, day)).async_remove()
    await index.async_remove()
