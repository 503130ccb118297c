"""A signed node's message counters, kept across restarts.

Old signed messages stay old after a restart, and what the node sent while Home Assistant
was down is still asked for (and nothing taken before is taken again).
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER
from ..protocol import MAX_ADMITTED_RUNS, MAX_STORED_SEQ, MessageVerifier
from ..storage.coalesced_save import CoalescedSave
from ..storage.read_back import async_read_back

COUNTER_STORE_VERSION = 1
COUNTER_SAVE_DELAY_S = 10


def counter_store_key(entry_id: str) -> str:
    """Storage key of a signed node's last accepted counters and the runs of admitted ones."""
    return f"{DOMAIN}.counter.{entry_id}"


async def async_remove_counters(hass: HomeAssistant, entry_id: str) -> None:
    """Forget a deleted node's counters."""
    await Store[dict[str, Any]](
        hass, COUNTER_STORE_VERSION, counter_store_key(entry_id)
    ).async_remove()


class NodeCounterStore:
    """The verifier's counters of one signed node, restored at set-up, saved as they move."""

    def __init__(self, hass: HomeAssistant, entry_id: str, verifier: MessageVerifier) -> None:
        """Keep `verifier`'s counters under the entry's storage key."""
        self._verifier = verifier
        self._store: Store[dict[str, Any]] = Store(
            hass, COUNTER_STORE_VERSION, counter_store_key(entry_id)
        )
        self._save = CoalescedSave(self._store, COUNTER_SAVE_DELAY_S, self._counters)

    async def async_restore(self, confirmed_seq: int | None) -> None:
        """Give the verifier the stored counters, or the confirmed announcement's as the floor.

        Before any counter was stored (just confirmed), the confirmed announcement's own
        counter is the floor: the node numbers everything from one counter, so whatever it
        signed before that announcement is old, and cannot be replayed now.
        """
        stored = await async_read_back(self._store)
        floor = -1 if confirmed_seq is None else confirmed_seq
        self._verifier.restore(
            _stored_counter(stored, "last_seq", floor),
            _stored_counter(stored, "last_announce_seq", floor),
            admitted=_stored_admitted(stored),
        )

    def schedule_save(self) -> None:
        """Save within COUNTER_SAVE_DELAY_S (later changes join the pending write)."""
        self._save.schedule()

    async def async_save(self) -> None:
        """Save now (the entry unloads)."""
        await self._store.async_save(self._counters())

    def _counters(self) -> dict[str, Any]:
        # What was admitted, not only the newest: the node's live switch states overtake its
        # backlog, which must still be taken after a restart (and nothing taken before).
        floor, runs = self._verifier.admitted_runs()
        return {
            "last_seq": self._verifier.last_seq,
            "last_announce_seq": self._verifier.last_announce_seq,
            "floor": floor,
            "admitted": [[first, last] for first, last in runs],
        }


def _stored_admitted(stored: object) -> tuple[int, list[tuple[int, int]]] | None:
    """The floor and runs of admitted counters a node's store holds; None if it holds none.

    Stores of earlier versions hold none: then nothing at or below `last_seq` is admitted.
    The verifier checks that the runs fit; here only that they are pairs of counters.
    """
    if not isinstance(stored, dict):
        return None
    floor, runs = stored.get("floor"), stored.get("admitted")
    if type(floor) is not int or not isinstance(runs, list) or len(runs) > MAX_ADMITTED_RUNS:
        return None
    pairs = [tuple(run) for run in runs if isinstance(run, list) and len(run) == 2]
    if len(pairs) != len(runs) or any(
        type(value) is not int or not -1 <= value <= MAX_STORED_SEQ
        for pair in pairs
        for value in (*pair, floor)
    ):
        return None
    return floor, [(first, last) for first, last in pairs]


def _stored_counter(stored: object, name: str, floor: int) -> int:
    """A counter from the node's store; the floor where it holds none (or not a counter).

    A hand-edited file with "7" or null for a counter failed the node's set-up.
    """
    value = stored.get(name) if isinstance(stored, dict) else None
    if type(value) is not int or value < -1:
        return floor
    if value > MAX_STORED_SEQ:
        # No node counts that high (a hand edit): kept, it refused every later message.
        LOGGER.warning("The stored %s %d of a node is impossible; ignored", name, value)
        return floor
    return value
