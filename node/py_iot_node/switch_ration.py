"""How often each switch may obey a command: a few at once, then one per interval.

Anyone who may publish a node's command topic (an unsigned node on a broker without the
documented ACL) could flip a relay hundreds of times a second and wear it out. Each switch
has a bucket of ``burst`` commands, refilled one per ``interval_s``; a command beyond it
waits, and a later command for the same switch replaces it, so the last state asked is the
one applied when its turn comes. A command asking for the state the switch is in takes its
turn too: each obeyed command sends a confirmation (into the buffer while the node is
offline, where a flood of them pushed the oldest samples out). ``interval_s`` stays
under Home Assistant's 5 s wait for a confirmation, so a user's command that had to wait is
still confirmed in time; one whose deadline passes while it waits lapses without a turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SWITCH_BURST = 5
SWITCH_INTERVAL_S = 3.0


@dataclass(slots=True)
class _Bucket:
    commands: float
    at: float


class SwitchRation:
    """Per switch: whether a command may be obeyed now, and the state waiting for its turn."""

    def __init__(
        self,
        monotonic: Callable[[], float],
        *,
        burst: int = SWITCH_BURST,
        interval_s: float = SWITCH_INTERVAL_S,
    ) -> None:
        """Count time with ``monotonic``: a step of the wall clock neither frees nor blocks."""
        self._monotonic = monotonic
        self._burst = burst
        self._interval_s = interval_s
        self._buckets: dict[str, _Bucket] = {}
        self.waiting: dict[str, bool] = {}
        # Monotonic time after which a waiting command is no longer wanted (Home Assistant
        # has called it failed), for the waiting commands that carry one.
        self._deadlines: dict[str, float] = {}

    def ask(self, key: str, on: bool, until: float | None = None) -> bool:
        """Whether ``key`` may be set to ``on`` now; if not, ``on`` waits (the latest wins).

        A waiting command is dropped once the monotonic clock passes ``until`` (``lapsed``).
        """
        if key not in self.waiting and self._take(key):
            return True
        self.waiting[key] = on
        if until is None:
            self._deadlines.pop(key, None)
        else:
            self._deadlines[key] = until
        return False

    def lapsed(self) -> list[str]:
        """The waiting commands whose deadline has passed, taken out without using a turn."""
        now = self._monotonic()
        gone = [key for key, until in self._deadlines.items() if until < now]
        for key in gone:
            del self._deadlines[key], self.waiting[key]
        return gone

    def report(self, key: str) -> bool:
        """Whether ``key``'s state may be sent for a command it did not obey: a turn each.

        Not while a command for it waits: that one's confirmation reports the state.
        """
        return key not in self.waiting and self._take(key)

    def due(self) -> dict[str, bool]:
        """The waiting states whose turn has come, taken out of the waiting ones."""
        due = {key: on for key, on in self.waiting.items() if self._take(key)}
        for key in due:
            del self.waiting[key]
            self._deadlines.pop(key, None)
        return due

    def _take(self, key: str) -> bool:
        now = self._monotonic()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self._burst), now)
        elapsed = max(0.0, now - bucket.at)
        bucket.commands = min(float(self._burst), bucket.commands + elapsed / self._interval_s)
        bucket.at = now
        if bucket.commands < 1.0:
            return False
        bucket.commands -= 1.0
        return True
