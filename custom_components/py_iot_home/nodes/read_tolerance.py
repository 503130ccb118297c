"""A node's failed reads keep the last good value for a while, as a board's do.

A DHT22 misses a read now and then; the node reports it as a missing value. Shown as is,
every miss made the sensor "Unavailable" for one sample (a gap in its history and a
"became unavailable" trigger) while the node was fine. Pure bookkeeping, no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import fields, replace

from ..protocol import SensorSample

_QUANTITIES = tuple(field.name for field in fields(SensorSample))


# However few the misses, a value older than this is not shown as current (a node that was
# off for hours, or one that samples once an hour).
MAX_HOLD_S = 300.0


class FailedReadTolerance:
    """Counts each sensor quantity's failed reads in a row and holds its value meanwhile."""

    def __init__(self, failed_reads_before_unavailable: int) -> None:
        """Hold a value through up to `failed_reads_before_unavailable - 1` misses in a row."""
        self._limit = failed_reads_before_unavailable
        self._failed_in_a_row: Counter[tuple[str, str]] = Counter()
        self._last_good_at: dict[tuple[str, str], float] = {}

    def merge(
        self, shown: Mapping[str, SensorSample], received: Mapping[str, SensorSample], at: float
    ) -> dict[str, SensorSample]:
        """What to show of samples taken at `at` (the node's time, epoch seconds).

        `received`, with a missing value held while few reads in a row failed, for at most
        MAX_HOLD_S after the last good one.
        """
        merged = dict(shown)
        for key, sample in received.items():
            previous = shown.get(key)
            held: dict[str, float] = {}
            for quantity in _QUANTITIES:
                slot = (key, quantity)
                if getattr(sample, quantity) is not None:
                    self._failed_in_a_row.pop(slot, None)
                    self._last_good_at[slot] = at
                    continue
                last = None if previous is None else getattr(previous, quantity)
                if last is None:
                    continue
                self._failed_in_a_row[slot] += 1
                last_good_at = self._last_good_at.get(slot)
                recent = last_good_at is not None and at - last_good_at <= MAX_HOLD_S
                if recent and self._failed_in_a_row[slot] < self._limit:
                    held[quantity] = last
            merged[key] = replace(sample, **held) if held else sample
        return merged
