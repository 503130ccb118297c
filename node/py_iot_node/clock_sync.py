"""Whether the kernel's clock is synchronised, and holding samples back until it is.

A Pi has no real-time clock, and after a power cut the broker on the LAN usually answers
before NTP does: samples sent then carry the stale time for good (offered samples are never
retimed). Held in the buffer with their boot-clock time instead, they are retimed when NTP
steps the clock (retiming.py) and replayed right.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

_LOGGER = logging.getLogger(__name__)
# systemd-timesyncd creates it once it has synchronised the clock (since this boot).
TIMESYNCD_SYNCHRONIZED = Path("/run/systemd/timesync/synchronized")
# adjtimex's answer while the kernel's STA_UNSYNC is set: nothing has synchronised it.
TIME_ERROR = 5
# Larger than any architecture's struct timex (208 bytes on 64-bit Linux): modes, its
# first field, stays 0, so the call only reads.
TIMEX_BUFFER_BYTES = 512
# NTP on a Pi with network answers within seconds to a minute of boot; a node whose NTP
# never works (blocked, no daemon, a clock kept by an RTC alone) must not keep its data
# from Home Assistant for ever. Ten minutes is 20 samples at the default interval.
DEFAULT_MAX_WAIT_S = 600.0


class ClockSync(StrEnum):
    """What the system says of its wall clock."""

    SYNCED = "synced"
    UNSYNCED = "unsynced"
    UNKNOWN = "unknown"


type ClockSyncProbe = Callable[[], ClockSync]


def kernel_clock_sync() -> ClockSync:
    """Ask the kernel (adjtimex) and systemd-timesyncd whether the clock is synchronised."""
    if TIMESYNCD_SYNCHRONIZED.exists():
        return ClockSync.SYNCED
    adjtimex = _adjtimex()
    if adjtimex is None:
        return ClockSync.UNKNOWN
    state = adjtimex(ctypes.create_string_buffer(TIMEX_BUFFER_BYTES))
    if state < 0:
        # Refused (a container's seccomp filter) or not there.
        return ClockSync.UNKNOWN
    return ClockSync.UNSYNCED if state == TIME_ERROR else ClockSync.SYNCED


@functools.cache
def _adjtimex() -> Callable[[ctypes.Array[ctypes.c_char]], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).adjtimex
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_char_p]
    function.restype = ctypes.c_int
    return function


class ClockSyncHold:
    """Whether to keep samples back: while the clock is known unsynchronised, at most a while.

    Decided from the start of the agent; once over (synchronised, unknown, or waited long
    enough) it stays over, so a clock that loses its sync later changes nothing.
    """

    def __init__(
        self, sync: ClockSyncProbe, monotonic: Callable[[], float], max_wait_s: float
    ) -> None:
        self._sync = sync
        self._monotonic = monotonic
        self._until = monotonic() + max_wait_s
        self.holding = max_wait_s > 0 and sync() is ClockSync.UNSYNCED
        if self.holding:
            _LOGGER.warning(
                "the clock is not synchronised yet: a backlog waits in the buffer until it is "
                "(at most %.0f s)",
                max_wait_s,
            )

    def update(self) -> bool:
        """Ask again while holding; return True when the hold ends now."""
        if not self.holding:
            return False
        if self._monotonic() >= self._until:
            _LOGGER.warning("the clock is still not synchronised: sending the backlog as it is")
        elif (sync := self._sync()) is ClockSync.UNSYNCED:
            return False
        else:
            _LOGGER.info("the clock is %s: sending the backlog held for it", sync)
        self.holding = False
        return True
