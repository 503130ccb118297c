"""One sensor's bounded, time-ordered samples: fixed memory, contiguous arrays for analysis."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

DEFAULT_WINDOW_S = 7 * 86400.0
DEFAULT_MIN_INTERVAL_S = 10.0
# Clocks of a node and of Home Assistant may disagree by this much; later samples are refused.
MAX_FUTURE_S = 300.0
# How long a silent sensor's window stays at its newest sample: longer than any source takes
# to count as silent (two hours, or three of its gaps), so its trend stands still until it is
# hidden; then the window follows the clock again and no sample is kept for good.
NEWEST_HOLD_S = 86400.0
BYTES_PER_SAMPLE = 12  # float64 time + float32 value
# Up to this many late samples are shifted into place one by one (a few µs each); more are
# merged in one pass over the ring (~0.1-0.3 ms for a week of 10 s slots).
INSERT_AT_MOST = 8

type SampleArrays = tuple[NDArray[np.float64], NDArray[np.float32]]


def wall_clock() -> float:
    """Seconds since the epoch, looked up at each call (so a frozen test clock applies)."""
    return time.time()


class RingBuffer:
    """Fixed-capacity buffer of (time, value) samples kept in time order.

    Two preallocated arrays hold the samples (float64 seconds since the epoch, float32
    values): 12 bytes per slot, allocated once. Appends are O(1); when the buffer is full
    the oldest sample is overwritten. Reads rotate the ring back to a linear layout in
    place, so ``view`` returns contiguous slices without allocating.

    A sample whose time equals a stored sample's time replaces it, so replaying history
    that was already received is idempotent. With ``min_spacing_s``, the ring keeps at
    most one sample per slot of that many seconds (slots counted from the epoch), the
    latest: a sensor, or a stranger, sending faster than that cannot push the older part
    of the window out, since ``capacity`` slots then span the whole window. Every method
    holds the buffer's lock, so one thread may add samples while another takes a
    ``snapshot``; ``view`` arrays, though, belong to the thread that mutates the buffer.

    Ages are measured from ``clock()`` (now), or from the newest sample when it is older, for
    up to ``NEWEST_HOLD_S``: a sensor that went silent keeps the window of its last readings
    a while, so nothing computed from it moves while nothing new comes (its newest sample's
    age tells it is silent), and then loses its old samples as the clock goes on. A sample
    stamped more than ``MAX_FUTURE_S`` ahead of the clock is refused, so it can neither
    flush the real ones nor sit at the end of the ring forcing every later append into a
    merge.
    """

    __slots__ = (
        "_capacity",
        "_clock",
        "_head",
        "_lock",
        "_size",
        "_spacing",
        "_times",
        "_values",
        "_window_s",
    )

    def __init__(
        self,
        capacity: int,
        window_s: float | None = None,
        *,
        min_spacing_s: float | None = None,
        clock: Callable[[], float] = wall_clock,
    ) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be >= 1, got {capacity}")
        if window_s is not None and not window_s > 0:
            raise ValueError(f"window_s must be > 0, got {window_s}")
        if min_spacing_s is not None and not min_spacing_s > 0:
            raise ValueError(f"min_spacing_s must be > 0, got {min_spacing_s}")
        self._capacity = capacity
        self._window_s = window_s
        self._spacing = min_spacing_s
        self._clock = clock
        self._times = np.empty(capacity, dtype=np.float64)
        self._values = np.empty(capacity, dtype=np.float32)
        self._head = 0  # index of the oldest sample
        self._size = 0
        self._lock = threading.Lock()

    @property
    def window_s(self) -> float | None:
        """Age limit applied on read, or None for no limit."""
        return self._window_s

    @property
    def nbytes(self) -> int:
        """Bytes held by the sample arrays (fixed: capacity * 12)."""
        return self._times.nbytes + self._values.nbytes

    def __len__(self) -> int:
        return self._size

    @property
    def last_time(self) -> float | None:
        """Time of the newest sample, or None when empty."""
        if self._size == 0:
            return None
        return float(self._times[(self._head + self._size - 1) % self._capacity])

    def append(self, time_s: float, value: float) -> bool:
        """Add one sample; O(1) when it is not older than the newest stored sample.

        Returns False (and stores nothing) for a sample from the future of the clock.
        """
        if not math.isfinite(time_s):
            raise ValueError(f"sample time must be finite, got {time_s}")
        if time_s > self._clock() + MAX_FUTURE_S:
            return False
        with self._lock:
            self._append(time_s, value)
        return True

    def extend(self, times_s: ArrayLike, values: ArrayLike) -> int:
        """Add many samples at once, in any order (history seeding, replayed samples).

        Samples newer than everything stored are copied in bulk; a few others are shifted
        into place one by one, more are merged into time order in one pass. Only the newest
        ``capacity`` samples are kept. Samples from the future of the clock are left out;
        returns how many were not (thinning to one sample per slot is not counted as leaving
        out).
        """
        times = np.asarray(times_s, dtype=np.float64).ravel()
        vals = np.asarray(values, dtype=np.float32).ravel()
        if times.shape != vals.shape:
            raise ValueError(f"times and values differ in length: {times.size} != {vals.size}")
        if times.size == 0:
            return 0
        if not np.isfinite(times).all():
            raise ValueError("sample times must be finite")
        if float(times.max()) > (latest := self._clock() + MAX_FUTURE_S):
            keep = times <= latest
            times, vals = times[keep], vals[keep]
            if times.size == 0:
                return 0
        taken = int(times.size)
        strictly_increasing = times.size == 1 or bool(np.all(times[1:] > times[:-1]))
        with self._lock:
            last = self.last_time
            if strictly_increasing and (last is None or times[0] > last):
                times, vals = self._thinned(times, vals)
                if last is not None and self._same_slot(last, float(times[0])):
                    self._size -= 1  # the newest stored sample gives way to a later one
                self._append_sorted(times, vals)
            elif times.size <= INSERT_AT_MOST:
                for at, value in zip(times.tolist(), vals.tolist(), strict=True):
                    self._append(at, value)
            else:
                self._merge(times, vals)
        return taken

    def view(self, now_s: float | None = None) -> SampleArrays:
        """Return contiguous, read-only (times, values) in chronological order.

        Samples older than ``window_s`` before ``now_s`` (default: the clock's now), or before
        the newest sample when it is older (by up to ``NEWEST_HOLD_S``), are dropped for
        good. The arrays share memory with the buffer and are only valid until its next
        mutation; use ``snapshot`` to keep them or to read from another thread.
        """
        with self._lock:
            return self._view(now_s)

    def snapshot(self, now_s: float | None = None) -> SampleArrays:
        """Like ``view`` but returns copies, which stay valid and may go to another thread."""
        with self._lock:
            times, values = self._view(now_s)
            return times.copy(), values.copy()

    def clear(self) -> None:
        """Forget all samples (memory stays allocated)."""
        with self._lock:
            self._head = 0
            self._size = 0

    def _append(self, time_s: float, value: float) -> None:
        if self._size:
            last = (self._head + self._size - 1) % self._capacity
            last_time = self._times[last]
            if time_s == last_time or (time_s > last_time and self._same_slot(last_time, time_s)):
                self._times[last] = time_s
                self._values[last] = value
                return
            if time_s < last_time:
                self._insert(time_s, value)
                return
        if self._size < self._capacity:
            slot = (self._head + self._size) % self._capacity
            self._size += 1
        else:
            slot = self._head
            self._head = (self._head + 1) % self._capacity
        self._times[slot] = time_s
        self._values[slot] = value

    def _insert(self, time_s: float, value: float) -> None:
        """Put one sample older than the newest in its place, as ``_merge`` would.

        A shift of the later samples, not a sort of all: each late sample (a delayed live
        one, or a stranger's for an unsigned node) merged a full ring, ~1 ms per quantity.
        """
        self._linearize()
        size = self._size
        times, values = self._times, self._values
        index = int(np.searchsorted(times[:size], time_s, side="left"))
        if times[index] == time_s:
            values[index] = value
            return
        # The ring holds at most one sample per slot; of two in a slot the later one stays.
        if self._same_slot(time_s, float(times[index])):
            return
        if index and self._same_slot(float(times[index - 1]), time_s):
            times[index - 1] = time_s
            values[index - 1] = value
            return
        if size < self._capacity:
            times[index + 1 : size + 1] = times[index:size]
            values[index + 1 : size + 1] = values[index:size]
            self._size = size + 1
        elif index == 0:
            return  # older than everything kept in a full ring
        else:
            index -= 1  # the oldest sample gives way
            times[:index] = times[1 : index + 1]
            values[:index] = values[1 : index + 1]
        times[index] = time_s
        values[index] = value

    def _view(self, now_s: float | None) -> SampleArrays:
        self._linearize()
        size = self._size
        start = 0
        if self._window_s is not None and size:
            now = self._clock() if now_s is None else now_s
            newest = float(self._times[size - 1])
            cutoff = max(min(now, newest), now - NEWEST_HOLD_S) - self._window_s
            start = int(np.searchsorted(self._times[:size], cutoff, side="left"))
            # Forget the expired samples; the next read rotates the rest to the front.
            self._head = start % self._capacity
            self._size = size - start
        times = self._times[start:size]
        values = self._values[start:size]
        times.flags.writeable = False  # slices are new view objects: the buffer stays writable
        values.flags.writeable = False
        return times, values

    def _append_sorted(self, times: NDArray[np.float64], values: NDArray[np.float32]) -> None:
        """Bulk-append samples that are sorted and newer than everything stored."""
        if times.size >= self._capacity:
            self._times[:] = times[-self._capacity :]
            self._values[:] = values[-self._capacity :]
            self._head = 0
            self._size = self._capacity
            return
        self._linearize()
        overflow = self._size + times.size - self._capacity
        if overflow > 0:
            # Shift out the oldest samples so the new ones fit behind the rest.
            keep = self._size - overflow
            self._times[:keep] = self._times[overflow : self._size]
            self._values[:keep] = self._values[overflow : self._size]
            self._size = keep
        end = self._size + times.size
        self._times[self._size : end] = times
        self._values[self._size : end] = values
        self._size = end

    def _merge(self, times: NDArray[np.float64], values: NDArray[np.float32]) -> None:
        """Merge samples into time order; on equal times the incoming sample wins.

        The incoming samples are sorted and put in place in one pass over the ring, and
        only their neighbours are checked for a shared slot (the stored ones hold one per
        slot already): sorting the whole ring for each replay batch cost ~0.3-0.6 ms per
        quantity, 30 ms of event loop per batch for a 16-sensor node's week.
        """
        self._linearize()
        size = self._size
        order = np.argsort(times, kind="stable")
        times, values = times[order], values[order]
        stored = self._times[:size]
        # After stored samples of the same time: the last of a run is kept, so they win.
        at = np.searchsorted(stored, times, side="right")
        all_times = np.insert(stored, at, times)
        all_values = np.insert(self._values[:size], at, values)
        placed = at + np.arange(times.size)
        # Only a placed sample or the one before it can share its run with the next one.
        check = np.union1d(placed - 1, placed)
        check = check[(check >= 0) & (check < all_times.size - 1)]
        here, after = all_times[check], all_times[check + 1]
        if self._spacing is not None:
            here, after = np.floor(here / self._spacing), np.floor(after / self._spacing)
        if (superseded := check[here == after]).size:
            all_times = np.delete(all_times, superseded)
            all_values = np.delete(all_values, superseded)
        all_times = all_times[-self._capacity :]
        all_values = all_values[-self._capacity :]
        self._size = all_times.size
        self._times[: self._size] = all_times
        self._values[: self._size] = all_values

    def same_slots(
        self, earlier_s: NDArray[np.float64], later_s: NDArray[np.float64]
    ) -> NDArray[np.bool_]:
        """Per pair, whether the ring would keep only the later of the two (all False unthinned)."""
        if self._spacing is None:
            return np.zeros(np.shape(earlier_s), dtype=bool)
        same: NDArray[np.bool_] = np.floor(earlier_s / self._spacing) == np.floor(
            later_s / self._spacing
        )
        return same

    def _same_slot(self, earlier_s: float, later_s: float) -> bool:
        spacing = self._spacing
        return spacing is not None and math.floor(earlier_s / spacing) == math.floor(
            later_s / spacing
        )

    def _thinned(self, times: NDArray[np.float64], values: NDArray[np.float32]) -> SampleArrays:
        """Sorted samples with only the latest of each slot (all of them without spacing)."""
        if self._spacing is None or times.size < 2:
            return times, values
        latest = _last_of_runs(np.floor(times / self._spacing))
        return times[latest], values[latest]

    def _linearize(self) -> None:
        """Rotate the ring in place so the oldest sample sits at index 0."""
        head = self._head
        if head == 0:
            return
        tail = self._capacity - head  # samples from head to the end of the arrays
        if self._size <= tail:
            self._times[: self._size] = self._times[head : head + self._size]
            self._values[: self._size] = self._values[head : head + self._size]
        else:
            wrapped = self._size - tail
            times_front = self._times[:wrapped].copy()
            values_front = self._values[:wrapped].copy()
            self._times[:tail] = self._times[head:]
            self._values[:tail] = self._values[head:]
            self._times[tail : self._size] = times_front
            self._values[tail : self._size] = values_front
        self._head = 0


def _last_of_runs(keys: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Marks the last element of each run of equal, sorted `keys` (times or slots)."""
    last = np.empty(keys.size, dtype=np.bool_)
    last[-1] = True
    np.not_equal(keys[1:], keys[:-1], out=last[:-1])
    return last
