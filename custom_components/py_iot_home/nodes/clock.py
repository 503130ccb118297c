"""Whether a node's clock is off, judged from its live samples: pure bookkeeping, no I/O.

A Pi has no real-time clock: until NTP syncs it runs from its last shutdown (or from 1970),
so its sample times can be hours off. One late message is not a wrong clock, a few in a row
are; from then on its live samples are not recorded at the times it claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..protocol import MAX_CLOCK_SKEW_S

# Live samples in a row beyond the tolerance before the clock is called wrong.
OFF_AFTER_SAMPLES = 3
# Behind, a live sample may also be late: paho resends what was in flight when a connection
# died unnoticed (up to its keepalive), so only a larger lag says the clock is wrong.
MAX_CLOCK_LAG_S = 600.0


@dataclass(kw_only=True)
class ClockWatch:
    """The offset of a node's clock from ours, as its live state messages show it."""

    ahead_tolerance_s: float = MAX_CLOCK_SKEW_S
    behind_tolerance_s: float = MAX_CLOCK_LAG_S
    off_in_a_row: int = 0
    # Seconds the node's clock is ahead (negative: behind) when last found off.
    offset_s: float | None = None

    def is_within(self, sample_ts: float, now: float) -> bool:
        """Whether a sample's time is plausible on this clock."""
        return -self.behind_tolerance_s <= sample_ts - now <= self.ahead_tolerance_s

    @property
    def is_off(self) -> bool:
        """The last OFF_AFTER_SAMPLES live samples were all beyond the tolerance."""
        return self.off_in_a_row >= OFF_AFTER_SAMPLES

    def observe(self, sample_ts: float, now: float) -> None:
        """A live state message taken at `sample_ts` arrived at `now`."""
        skew = sample_ts - now
        if not self.is_within(sample_ts, now):
            self.off_in_a_row += 1
            self.offset_s = skew
        else:
            self.off_in_a_row = 0
            self.offset_s = None
