"""How often a node's live states may change what its entities show: pure bookkeeping.

Each shown state writes every entity of the node, and the recorder queues a row for each
value that changed. A node samples at most once a second (`interval_s` >= 1) and confirms
each command with one more state; a compromised one (or anyone, for an unsigned node) can
send thousands a second, holding the event loop and outgrowing the recorder's queue (past
65,000 queued it stops recording anything). Beyond the ration, states still reach the
trend, only the entities wait for the next one within it. Changes of availability share the
ration (each writes every entity too); the latest of them is written half a second on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Twice the fastest rhythm a node may announce, with room for a burst of commands.
SHOWN_PER_S = 2.0
# Read when a node's coordinator is made: bench/mqtt_ingest.py, which sends hours of samples
# in seconds to time the state writes, sets it to infinity.
SHOWN_BURST = 20.0


@dataclass(slots=True)
class DisplayRation:
    """A token bucket: `burst` states at once, then SHOWN_PER_S a second."""

    burst: float = field(default_factory=lambda: SHOWN_BURST)
    tokens: float = field(default_factory=lambda: SHOWN_BURST)
    at_s: float | None = None

    def take(self, now_s: float) -> bool:
        """Whether a live state arriving at monotonic `now_s` may be shown."""
        if self.at_s is not None:
            refill = max(0.0, now_s - self.at_s) * SHOWN_PER_S
            self.tokens = min(self.burst, self.tokens + refill)
        self.at_s = now_s
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True
