"""A sensor's reading from before a restart: shown while it is still current.

As core's MQTT sensor restores a value with `expire_after` until that time has passed since
it changed, a node's or a board's sensor shows its last reading after a restart until it
would have gone stale had Home Assistant run on: a node's grace (three of its intervals, at
least 90 s) or a board's failed reads in a row, from when the reading was taken. A node that
samples every minute was unavailable for up to a minute after every restart, though its value
was seconds old, and a board whose first read failed for 5 s; a reading taken long ago, or a
node gone offline meanwhile, still shows unavailable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Self, override

from homeassistant.components.sensor import RestoreSensor, SensorExtraStoredData
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.restore_state import ExtraStoredData
from homeassistant.util import dt as dt_util


@dataclass
class ReadingStoredData(SensorExtraStoredData):
    """What a sensor showed, and when it was read (a node's: by its own clock)."""

    sampled_at: datetime | None = None

    @override
    def as_dict(self) -> dict[str, Any]:
        """The sensor's stored data, with the reading's time."""
        sampled_at = None if self.sampled_at is None else self.sampled_at.isoformat()
        return {**super().as_dict(), "sampled_at": sampled_at}

    @classmethod
    @override
    def from_dict(cls, restored: dict[str, Any]) -> Self | None:
        """The stored data, or None when it holds no number read at a known time."""
        base = SensorExtraStoredData.from_dict(restored)
        sampled_at = restored.get("sampled_at")
        value = None if base is None else base.native_value
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        if not math.isfinite(value) or not isinstance(sampled_at, str):
            return None
        if (at := dt_util.parse_datetime(sampled_at)) is None or at.tzinfo is None:
            return None
        return cls(value, base.native_unit_of_measurement if base else None, at)


@dataclass(frozen=True, slots=True)
class RestoredReading:
    """A reading from before the restart that is still fresh."""

    value: float
    sampled_at: datetime
    fresh_s: float


def restored_reading(
    stored: ExtraStoredData | None, grace_s: float, now: datetime
) -> RestoredReading | None:
    """The stored reading and the seconds it stays fresh from `now`, if it still is.

    A reading stamped ahead of `now` (the node's clock runs a little fast) stays no longer
    than one read just now.
    """
    if stored is None or (reading := ReadingStoredData.from_dict(stored.as_dict())) is None:
        return None
    value, sampled_at = reading.native_value, reading.sampled_at
    if not isinstance(value, int | float) or sampled_at is None:
        return None
    fresh_until = sampled_at + timedelta(seconds=grace_s)
    remaining_s = min((fresh_until - now).total_seconds(), grace_s)
    if remaining_s <= 0:
        return None
    return RestoredReading(float(value), sampled_at, remaining_s)


class RestoredReadingSensor(RestoreSensor):
    """A sensor that shows its reading from before a restart while it is current."""

    _restored: float | None = None

    async def async_restore_reading(self, grace_s: float) -> datetime | None:
        """Take the reading from before the restart if still current; when it was read.

        It stays `_restored` until `grace_s` from that time has passed.
        """
        # As core's MQTT sensor: what was not shown then is not shown now.
        last = await self.async_get_last_state()
        if last is None or last.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return None
        stored = await self.async_get_last_extra_data()
        if (restored := restored_reading(stored, grace_s, dt_util.utcnow())) is None:
            return None
        self._restored = restored.value
        self.async_on_remove(async_call_later(self.hass, restored.fresh_s, self._restored_expired))
        return restored.sampled_at

    @callback
    def _restored_expired(self, _: datetime) -> None:
        self._restored = None
        self.async_write_ha_state()
