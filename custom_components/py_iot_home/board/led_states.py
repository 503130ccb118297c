"""Each LED's last level, kept across restarts by the integration itself."""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN
from ..storage.coalesced_save import CoalescedSave
from ..storage.read_back import async_read_back

STORE_VERSION = 1
SAVE_DELAY_S = 1.0


def led_states_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, bool]]:
    """The store of one board's LED levels."""
    return Store(hass, STORE_VERSION, f"{DOMAIN}.led_states.{entry_id}")


class LedStates:
    """On/off of one board's LEDs, read before the pins are claimed so none flickers."""

    def __init__(self, store: Store[dict[str, bool]]) -> None:
        """Keep the levels in `store`."""
        self._store = store
        self._levels: dict[str, bool] = {}
        self._save = CoalescedSave(store, SAVE_DELAY_S, lambda: dict(self._levels))

    async def async_load(self, led_ids: Iterable[str]) -> dict[str, bool]:
        """The stored level of each configured LED that has one (removed LEDs are forgotten)."""
        stored = await async_read_back(self._store)
        if not isinstance(stored, dict):
            # Valid JSON of another shape (a hand edit) failed the board's set-up for good.
            stored = {}
        self._levels = {
            led_id: level for led_id in led_ids if isinstance(level := stored.get(led_id), bool)
        }
        return dict(self._levels)

    def remember(self, led_id: str, on: bool) -> None:
        """Store a new level (written within a second; Home Assistant flushes it on stop)."""
        self._levels[led_id] = on
        self._save.schedule()

    def forget(self, led_id: str) -> None:
        """Drop a removed LED's level, so an LED added later under its id starts afresh."""
        if self._levels.pop(led_id, None) is not None:
            self._save.schedule()
