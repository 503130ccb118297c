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

from .const import LOGGER
from .protocol import MAX_CLOCK_SKEW_S, QUANTITY_RANGES, Quantity
from .protocol.fields import finite_number


@dataclass
class ReadingStoredData(SensorExtraStoredData):
    """What a sensor showed, when it was read (a node's: by its own clock), and its grace.

    `grace_s`: how long after it was read the reading stayed current before the stop.
    """

    sampled_at: datetime | None = None
    grace_s: float | None = None

    @override
    def as_dict(self) -> dict[str, Any]:
        """The sensor's stored data, with the reading's time and grace."""
        sampled_at = None if self.sampled_at is None else self.sampled_at.isoformat()
        return {**super().as_dict(), "sampled_at": sampled_at, "grace_s": self.grace_s}

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
        grace_s = finite_number(restored.get("grace_s"))
        unit = base.native_unit_of_measurement if base else None
        return cls(value, unit, at, grace_s if grace_s is not None and grace_s > 0 else None)


@dataclass(frozen=True, slots=True)
class RestoredReading:
    """A reading from before the restart that is still fresh."""

    value: float
    sampled_at: datetime
    fresh_s: float


@dataclass(frozen=True, slots=True)
class ShownReading:
    """What a sensor can show: its unit and the plausible values of its quantity."""

    unit: str | None
    low: float
    high: float


def refused_reading(reading: ReadingStoredData, shown: ShownReading, now: datetime) -> str | None:
    """Why a stored reading is none the sensor could have shown, or None if it is one.

    A hand-edited or foreign file may hold any reading. A node's clock may run a little
    fast, as its live samples may; further ahead is no time that has been (or the clock was
    set back since), and a year such as 9999 overflowed.
    """
    value, sampled_at = reading.native_value, reading.sampled_at
    if reading.native_unit_of_measurement != shown.unit:
        return f"unit {reading.native_unit_of_measurement!r}, not {shown.unit!r}"
    if not isinstance(value, int | float) or not shown.low <= value <= shown.high:
        return f"value {value!r} outside {shown.low:g}…{shown.high:g}"
    if sampled_at is None or sampled_at > now + timedelta(seconds=MAX_CLOCK_SKEW_S):
        return f"read at {sampled_at}, ahead of this clock"
    return None


def restored_reading(
    stored: ExtraStoredData | None,
    grace_s: float,
    now: datetime,
    shown: ShownReading,
    entity_id: str | None = None,
) -> RestoredReading | None:
    """The stored reading and the seconds it stays fresh from `now`, if it still is.

    A reading stamped a little ahead of `now` (the node's clock runs a little fast) stays
    no longer than one read just now. One the sensor could not have shown is logged, once.
    """
    if stored is None:
        return None
    # Any JSON value the file holds, though typed as an object: core's reader indexes it.
    data: object = stored.as_dict()
    if not isinstance(data, dict) or (reading := ReadingStoredData.from_dict(data)) is None:
        return None
    if (why := refused_reading(reading, shown, now)) is not None:
        LOGGER.warning("%s: its reading from before the restart is not shown: %s", entity_id, why)
        return None
    value, sampled_at = reading.native_value, reading.sampled_at
    if not isinstance(value, int | float) or sampled_at is None:
        return None
    if reading.grace_s is not None:
        # The restart forgot the rhythm a node's readings showed, which kept a longer
        # announced interval (anyone's, for an unsigned node) from stretching the grace.
        grace_s = min(grace_s, reading.grace_s)
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
        low, high = QUANTITY_RANGES[Quantity(self.entity_description.key)]
        shown = ShownReading(self.native_unit_of_measurement, low, high)
        now = dt_util.utcnow()
        if (restored := restored_reading(stored, grace_s, now, shown, self.entity_id)) is None:
            return None
        self._restored = restored.value
        self.async_on_remove(async_call_later(self.hass, restored.fresh_s, self._restored_expired))
        return restored.sampled_at

    @callback
    def _restored_expired(self, _: datetime) -> None:
        self._restored = None
        self.async_write_ha_state()
