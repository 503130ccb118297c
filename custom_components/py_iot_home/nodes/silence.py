"""A node that stays online but stops sending samples: its last values are not current.

The node's reader thread could hang on a stuck driver while its network loop keeps the
connection, and so its retained "online", alive. Its sensors then showed the last values,
looking current, for as long as it stayed up. Pure bookkeeping, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

SILENCE_CHECK_INTERVAL = timedelta(seconds=30)
# Silent for this many of its sampling intervals (and at least MIN_SILENCE_S, so a node that
# samples every few seconds is not judged on a broker's hiccup): its readings are stale.
SILENT_INTERVALS = 3
MIN_SILENCE_S = 90.0


@dataclass(slots=True)
class SilenceWatch:
    """When a node was last heard sampling, against how often it says it samples."""

    interval_s: float
    last_heard_s: float | None = None

    def heard(self, now_s: float) -> None:
        """A live sample arrived (or the node came online: it gets a full grace period)."""
        self.last_heard_s = now_s

    def allowed_s(self) -> float:
        """The longest silence that is not yet stale."""
        return max(SILENT_INTERVALS * self.interval_s, MIN_SILENCE_S)

    def is_silent(self, now_s: float) -> bool:
        """Whether no sample came for longer than the node's own rhythm explains."""
        return self.last_heard_s is not None and now_s - self.last_heard_s > self.allowed_s()
