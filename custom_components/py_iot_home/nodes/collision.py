"""Signs that two machines announce the same node id: pure bookkeeping, no I/O.

One node's live counters only rise (they resume above a persisted ceiling after a restart)
and its announcement changes only when its configuration does. Two nodes on one id (two Pis
left on the same host name) interleave their counters and take turns announcing different
hardware, which would reload the entry on every turn. A node (or anyone, for an unsigned one)
announcing ever new hardware would reload it as often, and every reload leaves the removed
entities in the entity registry for good; so such changes are also rationed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field

# Counter steps back before the node id is called shared (one may be a restore from backup).
SHARED_AFTER_STEPS_BACK = 3
SHARED_AFTER_FLAPS = 2
# Changes of announced sensors or switches adopted per window; one configuration session at the
# node fits, a node announcing new hardware every second does not.
MAX_HARDWARE_CHANGES = 5
HARDWARE_CHANGE_WINDOW_S = 24 * 3600.0


@dataclass(kw_only=True)
class CollisionWatch:
    """Live counters and recent announcements of one node id, kept across entry reloads."""

    last_live_seq: int | None = None
    steps_back: int = 0
    # Fingerprints of the latest distinct announcements, newest last.
    recent: deque[Hashable] = field(default_factory=lambda: deque(maxlen=3))
    # Returns to an earlier announcement; one may be a configuration change undone.
    flaps: int = 0
    # Monotonic times of the latest adopted hardware changes, oldest first.
    hardware_changes: deque[float] = field(
        default_factory=lambda: deque(maxlen=MAX_HARDWARE_CHANGES)
    )

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

    def may_change_hardware(self, now: float) -> bool:
        """Whether another change of sensors or switches may be adopted at monotonic `now`."""
        changes = self.hardware_changes
        return len(changes) < MAX_HARDWARE_CHANGES or now - changes[0] >= HARDWARE_CHANGE_WINDOW_S

    def hardware_changed(self, now: float) -> None:
        """A change of sensors or switches was adopted at monotonic `now`."""
        self.hardware_changes.append(now)
