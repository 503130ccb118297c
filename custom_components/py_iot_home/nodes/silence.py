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
# The warning that a node went silent, at most once this often (then at debug): anyone's
# single state for an unsigned node made it fresh, and 90 s later a warning, again and again.
SILENCE_WARNING_INTERVAL_S = 3600.0


@dataclass(slots=True)
class SilenceWatch:
    """When a node was last heard sampling, against how often it samples.

    How often is the announced interval, unless the node's own readings came closer
    together: anyone may announce for an unsigned node, and one announcement of a day's
    interval (the most the node agent allows) hid a stuck reader for three days.
    """

    interval_s: float
    last_heard_s: float | None = None
    # The node's own time of its latest reading, and the step from the one before it.
    last_reading_ts: float | None = None
    reading_step_s: float | None = None
    # When its silence was last logged as a warning (monotonic seconds).
    warned_at_s: float | None = None

    def heard(self, now_s: float) -> None:
        """A live sample arrived (or the node came online: its first sample gets a full grace)."""
        self.last_heard_s = now_s

    def read(self, ts: float) -> None:
        """A live sample with readings, stamped `ts` by the node.

        The node's times, not the arrivals: a reconnecting node's queued samples arrive
        together. Switch states alone say nothing of its reader.
        """
        if self.last_reading_ts is not None and ts > self.last_reading_ts:
            self.reading_step_s = ts - self.last_reading_ts
        if self.last_reading_ts is None or ts > self.last_reading_ts:
            self.last_reading_ts = ts

    def announced(self, interval_s: float, *, signed: bool) -> None:
        """A new announced interval; only a signed one is the node's word over its readings."""
        if signed and interval_s != self.interval_s:
            self.reading_step_s = None
        self.interval_s = interval_s

    def restarted(self) -> None:
        """The node came back from offline: its readings before say nothing of its rhythm now.

        A new interval takes a restart of the agent. Across it, an unsigned node's earlier
        30 s steps (and the gap around the restart) called it stale 90 s into its first
        10-minute wait. Anyone may send an unsigned node's "offline" and "online", as they
        may its readings: this watch catches a stuck reader, not a forger (signing does).
        """
        self.last_reading_ts = None
        self.reading_step_s = None

    def rhythm_s(self) -> float:
        """How often the node samples: as announced, or as its readings came if closer."""
        if self.reading_step_s is None:
            return self.interval_s
        return min(self.interval_s, self.reading_step_s)

    def allowed_s(self) -> float:
        """The longest silence that is not yet stale."""
        return max(SILENT_INTERVALS * self.rhythm_s(), MIN_SILENCE_S)

    def is_silent(self, now_s: float) -> bool:
        """Whether no sample came for longer than the node's own rhythm explains."""
        return self.last_heard_s is not None and now_s - self.last_heard_s > self.allowed_s()

    def warn_now(self, now_s: float) -> bool:
        """Whether its silence is logged as a warning this time (once an hour at most)."""
        if self.warned_at_s is not None and now_s - self.warned_at_s < SILENCE_WARNING_INTERVAL_S:
            return False
        self.warned_at_s = now_s
        return True
