"""Each hour's last five minutes, kept beyond the recorder's short-term statistics.

The recorder purges its five-minute statistics with its states (10 days by default), so
the next hour's model learnt how an hour ended from 10 of its 60 days. Every hourly read
adds the hours the recorder still has to this record, and every training and forecast
takes from it the hours the recorder no longer has: once the forecast has run as long as
its training window, the model learns the end power from all of it
(docs/prediction-lab.md, *The last five minutes kept*).
"""

from __future__ import annotations

from dataclasses import replace
from math import isfinite
from typing import Any

import numpy as np
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN
from ..prediction.arrays import HourlyArrays
from ..storage.read_back import async_read_back, kept_for_a_newer_release

STORAGE_VERSION = 1
NS_PER_S = 1_000_000_000


def end_power_storage_key(entry_id: str) -> str:
    """The file of one forecast's recorded end powers."""
    return f"{DOMAIN}.predictor_end_power.{entry_id}"


def _checked_hours(data: object, power_id: str) -> dict[int, float]:
    """The stored hours (UTC seconds: W) of `power_id`; none from another sensor or a bad file."""
    if not isinstance(data, dict) or data.get("power") != power_id:
        return {}
    hours = data.get("hours")
    if not isinstance(hours, dict):
        return {}
    kept: dict[int, float] = {}
    for start, watts in hours.items():
        # As written: whole seconds in digits, a JSON number of watts (not text, not a
        # boolean, which float() took as 1 W); 400 digits raised OverflowError at every start.
        if not (isinstance(start, str) and start.isascii() and start.isdigit()):
            continue
        if not isinstance(watts, int | float) or isinstance(watts, bool):
            continue
        try:
            second, value = int(start), float(watts)
        except (OverflowError, ValueError):
            continue
        if isfinite(value) and value >= 0 and second % 3600 == 0:
            kept[second] = value
    return kept


class EndPowerRecord:
    """One forecast's end power of every hour, as long as its training window."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Keep the end powers of the forecast entry `entry_id`."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, end_power_storage_key(entry_id)
        )
        self._power: str | None = None
        self._hours: dict[int, float] = {}
        self._loaded = False

    async def async_completed(
        self, power_id: str, history: HourlyArrays, keep_days: int
    ) -> HourlyArrays:
        """`history` with the end power of the hours the recorder no longer keeps.

        Its own known hours join the record, which forgets hours older than `keep_days`.
        A sensor without end power (none, or a meter counting in coarse steps) gets none.
        """
        if not self._loaded:
            self._loaded = True
            self._power = power_id
            self._hours = _checked_hours(await async_read_back(self._store), power_id)
        if power_id != self._power:
            self._power, self._hours = power_id, {}
        end = history.power_end_w
        if end is None or not len(end):
            return history
        seconds = history.time_ns // NS_PER_S
        known = ~np.isnan(end)
        recorded = dict(zip(seconds[known].tolist(), end[known].tolist(), strict=True))
        oldest = int(seconds[-1]) - keep_days * 86_400
        kept = {s: w for s, w in (self._hours | recorded).items() if s >= oldest}
        if kept != self._hours:
            # Saved at once, not delayed: a deleted forecast's pending write would bring the
            # file back after it was removed.
            self._hours = kept
            await self._store.async_save(self._data())
        completed = end.copy()
        missing = np.flatnonzero(~known)
        completed[missing] = [self._hours.get(int(seconds[i]), np.nan) for i in missing]
        return replace(history, power_end_w=completed)

    def _data(self) -> dict[str, Any]:
        return {"power": self._power, "hours": {str(s): w for s, w in self._hours.items()}}

    async def async_remove(self) -> None:
        """Delete the file (the forecast is deleted); not a newer release's."""
        if not kept_for_a_newer_release(self._store):
            await self._store.async_remove()
