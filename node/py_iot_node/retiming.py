"""Buffered samples stamped by a wrong wall clock: retimed when the clock is set, or dropped.

A Raspberry Pi has no real-time clock: after boot its wall clock runs from a stale time
(the last one saved, or 1970) until NTP steps it, by minutes to years. A sample's
monotonic time, which no step moves, tells its true wall time once the clock is right:
`mono` plus the clock's offset now. That holds only within one boot, and only for samples
that never left the node (see SampleBuffer).

A sample of an earlier boot whose clock was never seen set cannot be retimed; most are
right (NTP had synced), and a wrong one looks like any other. It is replayed as it is,
unless its time is impossible: outside the protocol's range (Home Assistant would refuse
the whole batch around it), or well before a sample taken before it (the counter orders
samples as they were taken: a clock set back to its last saved time after a power cut
does this). Those are dropped, with one log line: a reading whose time is unknown would
be a wrong point in the history. A stale time that still looks possible cannot be told,
and stays; a time ahead of Home Assistant's clock is refused there (`from_future`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from .buffer import SampleBuffer
from .protocol import MAX_TS, MIN_TS
from .protocol.fields import finite_number

# NTP steps an unset Pi clock by minutes to years; Linux slews the wall and monotonic
# clocks alike, so only steps move one against the other. A step under 2 s changes no
# history anyone sees (NTP's own small steps, jitter between reading the two clocks on a
# busy Pi Zero) and is not worth re-signing and rewriting the buffer on the SD card.
CLOCK_STEP_TOLERANCE_S = 2.0
# A sample is stamped when its read starts: a slow read (DHT retries) lets a command's
# echo, stamped meanwhile, take the earlier counter with a later time.
OUT_OF_ORDER_TOLERANCE_S = 60.0

type Restamp = Callable[[bytes, float], bytes]


def boot_clock() -> float:
    """Seconds since boot, suspended time included (CLOCK_BOOTTIME where there is one).

    CLOCK_MONOTONIC stops while a machine sleeps and the wall clock does not, which would
    look like a step of the sleep's length.
    """
    if hasattr(time, "CLOCK_BOOTTIME"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    return time.monotonic()


class WallClockWatch:
    """The wall clock's offset from the monotonic one, and when it was stepped."""

    def __init__(self, clock: Callable[[], float], monotonic: Callable[[], float]) -> None:
        self.clock = clock
        self.monotonic = monotonic
        self._offset = clock() - monotonic()

    def step(self) -> float | None:
        """Return how far the wall clock was stepped since the last step seen, or None."""
        offset = self.clock() - self.monotonic()
        moved = offset - self._offset
        if abs(moved) <= CLOCK_STEP_TOLERANCE_S:
            return None
        self._offset = offset
        return moved

    def monotonic_at(self, ts: float) -> float:
        """Return the monotonic time at which the wall clock, as it is now, read `ts`."""
        return ts - self._offset

    def corrected(self, ts: float, mono: float) -> float:
        """Return the wall time by the clock as it is now of a sample stamped `ts` at `mono`."""
        true_ts = round(mono + self._offset, 3)
        return true_ts if abs(true_ts - ts) > CLOCK_STEP_TOLERANCE_S else ts


def retime_buffered(buffer: SampleBuffer, watch: WallClockWatch, restamp: Restamp) -> int:
    """Give this boot's buffered samples their time by the clock as it is now; return how many."""
    retimed = []
    for seq, payload, mono in buffer.samples():
        if mono is None or (ts := _sample_ts(payload)) is None:
            continue
        if (true_ts := watch.corrected(ts, mono)) != ts:
            retimed.append((seq, restamp(payload, true_ts)))
    buffer.replace(retimed)
    return len(retimed)


def drop_misdated(buffer: SampleBuffer) -> tuple[int, int]:
    """Drop buffered samples that cannot be retimed and whose time is impossible.

    Also those whose payload is damaged (no JSON object with a numeric `ts`): SQLite keeps
    no checksums, so an SD card's flipped bit is read back as it is. Returns how many of
    each were dropped.
    """
    newest = float("-inf")
    misdated: list[int] = []
    damaged: list[int] = []
    for seq, payload, mono in buffer.samples():
        if (ts := _sample_ts(payload)) is None:
            damaged.append(seq)
            continue
        impossible = not MIN_TS <= ts <= MAX_TS or ts < newest - OUT_OF_ORDER_TOLERANCE_S
        if mono is None and impossible:
            misdated.append(seq)
        else:
            newest = max(newest, ts)
    buffer.remove([*misdated, *damaged])
    return len(misdated), len(damaged)


def _sample_ts(payload: bytes) -> float | None:
    """A buffered sample's `ts`; None when the payload is damaged."""
    try:
        message = json.loads(payload)
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        return None
    return finite_number(message.get("ts")) if isinstance(message, dict) else None
