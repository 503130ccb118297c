"""The last sample counter seen from every node, kept in one store for all of them.

Home Assistant asks a node, after its own restart, for what the node sent meanwhile; that
needs the last counter seen to outlive the restart. It changes with every message, so it is
written at most every SAVE_DELAY_S, and in one file for all nodes: 500 nodes are still one
small write, not 500 (measured: 500 per-node files every 10 s raised the p99 latency of
bench/mqtt_broker.py from 2 ms to 158 ms).
"""

from __future__ import annotations

import asyncio

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from ..protocol import MAX_STORED_SEQ
from ..storage.coalesced_save import CoalescedSave
from ..storage.read_back import async_read_back

STORE_KEY = f"{DOMAIN}.resend_positions"
STORE_VERSION = 1
SAVE_DELAY_S = 10
DATA_RESEND_POSITIONS: HassKey[ResendPositions] = HassKey(f"{DOMAIN}_resend_positions")
_LOAD_LOCK: HassKey[asyncio.Lock] = HassKey(f"{DOMAIN}_resend_positions_lock")


class ResendPositions:
    """Last seen `seq` by node entry id; loaded once, saved at most every SAVE_DELAY_S."""

    def __init__(self, store: Store[dict[str, int]], positions: dict[str, int]) -> None:
        """Start from what `store` held, and write there."""
        self._positions = positions
        self._save = CoalescedSave(store, SAVE_DELAY_S, lambda: dict(self._positions))

    def get(self, entry_id: str) -> int | None:
        """The last counter seen from this entry's node, if any."""
        return self._positions.get(entry_id)

    def set(self, entry_id: str, seq: int) -> None:
        """Remember a newer counter; written within SAVE_DELAY_S."""
        self._positions[entry_id] = seq
        self._save.schedule()

    def remove(self, entry_id: str) -> None:
        """Forget a removed entry's node."""
        if self._positions.pop(entry_id, None) is not None:
            self._save.schedule(now=True)


async def async_get_resend_positions(hass: HomeAssistant) -> ResendPositions:
    """The one ResendPositions of this Home Assistant, loaded on first use."""
    async with hass.data.setdefault(_LOAD_LOCK, asyncio.Lock()):
        if (positions := hass.data.get(DATA_RESEND_POSITIONS)) is None:
            store: Store[dict[str, int]] = Store(hass, STORE_VERSION, STORE_KEY)
            positions = ResendPositions(store, _valid_positions(await async_read_back(store)))
            hass.data[DATA_RESEND_POSITIONS] = positions
    return positions


def _valid_positions(stored: object) -> dict[str, int]:
    """The counters a store holds, by entry id; anything else in it is dropped.

    A file edited by hand, or written by another version, may hold a string or a list
    for a node: it failed every message of that node, with the whole payload logged.
    """
    if not isinstance(stored, dict):
        return {}
    return {
        entry_id: seq
        for entry_id, seq in stored.items()
        if isinstance(entry_id, str) and type(seq) is int and 0 <= seq <= MAX_STORED_SEQ
    }
