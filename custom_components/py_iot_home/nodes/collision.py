"""Signs that two machines announce the same node id: pure bookkeeping, no I/O.

One node's live counters only rise (they resume above a persisted ceiling after a restart)
and its announcement changes only when its configuration does. Two nodes on one id (two Pis
left on the same host name) interleave their counters and take turns announcing different
hardware, which would reload the entry on every turn.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field

# Counter steps back before the node id is called shared (one may be a restore from backup).
SHARED_AFTER_STEPS_BACK = 3
SHARED_AFTER_FLAPS = 2


@dataclass(kw_only=True)
class CollisionWatch:
    """Live counters and recent announcements of one node id, kept across entry reloads."""

    last_live_seq: int | None = None
    steps_back: int = 0
    # Fingerprints of the latest distinct announcements, newest last.
    recent: deque[Hashable] = field(default_factory=lambda: deque(maxlen=3))
    # Returns to an earlier announcement; one may be a configuration change undone.
    flaps: int = 0

    @property
    def shared(self) -> bool:
        """Whether this node id looks used by more than one machine."""
        return self.steps_back >= SHARED_AFTER_STEPS_BACK or self.flaps >= SHARED_AFTER_FLAPS

    def live_seq(self, seq: int) -> None:
        """A live state message with this counter was accepted."""
        if self.last_live_seq is not None and seq < self.last_live_seq:
            self.steps_back += 1
        self.last_live_seq = seq

    def announced(self, fingerprint: Hashable) -> None:
        """An announcement with this content arrived; going back to an earlier one flaps."""
        if self.recent and self.recent[-1] == fingerprint:
            return
        if fingerprint in self.recent:
            self.flaps += 1
        self.recent.append(fingerprint)
