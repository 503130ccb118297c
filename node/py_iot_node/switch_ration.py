"""How often each switch may obey a command: a few at once, then one per interval.

Anyone who may publish a node's command topic (an unsigned node on a broker without the
documented ACL) could flip a relay hundreds of times a second and wear it out. Each switch
has a bucket of ``burst`` commands, refilled one per ``interval_s``; a command beyond it
waits, and a later command for the same switch replaces it, so the last state asked is the
one applied when its turn comes. A command asking for the state the switch is in takes its
turn too: each obeyed command sends a confirmation, which waits in the node's buffer behind
a backlog, and a flood of them pushed the oldest buffered samples out. ``interval_s`` stays
under Home Assistant's 5 s wait for a confirmation, so a user's command that had to wait is
still confirmed in time.
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

    def ask(self, key: str, on: bool) -> bool:
        """Whether ``key`` may be set to ``on`` now; if not, ``on`` waits (the latest wins)."""
        if key not in self.waiting and self._take(key):
            return True
        self.waiting[key] = on
        return False

    def due(self) -> dict[str, bool]:
        """The waiting states whose turn has come, taken out of the waiting ones."""
        due = {key: on for key, on in self.waiting.items() if self._take(key)}
        for key in due:
            del self.waiting[key]
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
