"""One bounded, time-ordered sample buffer per sensor (`ring_buffer.RingBuffer`), made on demand."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
from numpy.typing import ArrayLike

from .ring_buffer import (
    DEFAULT_MIN_INTERVAL_S,
    DEFAULT_WINDOW_S,
    RingBuffer,
    SampleArrays,
    wall_clock,
)


class SampleStore:
    """One ``RingBuffer`` per sensor key, created on first use, all with the same bounds.

    The capacity per sensor defaults to ``ceil(window_s / min_interval_s)``: 7 days at one
    sample every 10 s is 60,480 samples (725,760 bytes). A sensor reporting faster than
    that keeps one sample per ``min_interval_s`` (the latest), so its window stays whole
    (the trend averages 15-minute bins). With an explicit capacity nothing is thinned: the
    oldest samples are dropped first.

    Add and remove sensors from one thread (the event loop); ``iter_snapshots`` and
    ``snapshot`` may run in a worker thread meanwhile.
    """

    __slots__ = ("_buffers", "_capacity", "_clock", "_spacing", "_window_s")

    def __init__(
        self,
        window_s: float = DEFAULT_WINDOW_S,
        capacity_per_sensor: int | None = None,
        *,
        min_interval_s: float = DEFAULT_MIN_INTERVAL_S,
        clock: Callable[[], float] = wall_clock,
    ) -> None:
        if not window_s > 0:
            raise ValueError(f"window_s must be > 0, got {window_s}")
        self._spacing: float | None = None
        if capacity_per_sensor is None:
            if not min_interval_s > 0:
                raise ValueError(f"min_interval_s must be > 0, got {min_interval_s}")
            capacity_per_sensor = math.ceil(window_s / min_interval_s)
            self._spacing = min_interval_s
        if capacity_per_sensor < 1:
            raise ValueError(f"capacity_per_sensor must be >= 1, got {capacity_per_sensor}")
        self._window_s = window_s
        self._capacity = capacity_per_sensor
        self._clock = clock
        self._buffers: dict[str, RingBuffer] = {}

    @property
    def window_s(self) -> float:
        """Age limit of the samples returned by ``view``."""
        return self._window_s

    def buffer(self, key: str) -> RingBuffer:
        """Return the buffer of ``key``, creating it on first use."""
        ring = self._buffers.get(key)
        if ring is None:
            ring = self._buffers[key] = RingBuffer(
                self._capacity, self._window_s, min_spacing_s=self._spacing, clock=self._clock
            )
        return ring

    def add(self, key: str, time_s: float, value: float) -> bool:
        """Add one sample for ``key``; False when it was refused (see ``RingBuffer``)."""
        return self.buffer(key).append(time_s, value)

    def extend(self, key: str, times_s: ArrayLike, values: ArrayLike) -> int:
        """Add many samples for ``key`` (any order; merged into time order); return how many."""
        return self.buffer(key).extend(times_s, values)

    def view(self, key: str, now_s: float | None = None) -> SampleArrays:
        """Return ``key``'s samples within the window (see ``RingBuffer.view``)."""
        ring = self._buffers.get(key)
        if ring is None:
            return np.empty(0, dtype=np.float64), np.empty(0, dtype=np.float32)
        return ring.view(now_s)

    def snapshot(self, now_s: float | None = None) -> dict[str, SampleArrays]:
        """Copy every sensor's samples within the window, for analysis in another thread."""
        return dict(self.iter_snapshots(now_s))

    def iter_snapshots(self, now_s: float | None = None) -> Iterator[tuple[str, SampleArrays]]:
        """Yield (key, copied samples within the window) one sensor at a time.

        Safe to run in a worker thread while samples are added: each buffer is copied under
        its lock, and only one copy is alive at a time when the caller drops it.
        """
        for key, ring in list(self._buffers.items()):
            yield key, ring.snapshot(now_s)

    def remove(self, key: str) -> None:
        """Forget ``key`` and free its buffer (no error when unknown)."""
        self._buffers.pop(key, None)

    def keys(self) -> list[str]:
        """Sensor keys with a buffer, in creation order."""
        return list(self._buffers)

    def __contains__(self, key: object) -> bool:
        return key in self._buffers

    def __len__(self) -> int:
        return len(self._buffers)

    def memory_bytes(self) -> int:
        """Bytes held by all sample arrays (12 per slot, allocated up front)."""
        return sum(ring.nbytes for ring in self._buffers.values())
