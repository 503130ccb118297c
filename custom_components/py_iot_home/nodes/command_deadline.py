"""The time on a node's own clock, estimated from its live states: a command's deadline.

A command Home Assistant has called failed must not be obeyed later (a stalled link, an
outage, someone delaying traffic). The node can only judge a deadline on its own clock, and
that clock may be a minute or more off ours; its live states tell how it reads. A state
stamped `ts` that arrived at our monotonic `at` was stamped at most then, so the node's
clock now reads at least `ts + (now - at)`; the highest such bound over recent states is
the closest (their trip and, for a reading, the read's own time only lower it). A deadline
set from it makes the node refuse a command whose trip, plus that state's, took longer.
"""

from __future__ import annotations

from collections import deque

# References kept this long (monotonic seconds): a node's clock drifts or is set meanwhile.
# The newest one is kept past it, so a node silent for longer still gets a deadline.
REFERENCE_WINDOW_S = 600.0
# A lower reference within this long of the last one kept is not kept (only the newest is):
# each state stamped behind the one before (one payload sent over and over, anyone's for
# an unsigned node) added one, kept until a command was sent, for as long as Home
# Assistant ran; ~120 bytes a message at the broker's pace.
REFERENCE_SPACING_S = 30.0


class NodeClockEstimate:
    """A lower bound of what a node's clock reads now, from the states it sent."""

    def __init__(
        self, window_s: float = REFERENCE_WINDOW_S, spacing_s: float = REFERENCE_SPACING_S
    ) -> None:
        """Start knowing nothing of the node's clock."""
        self._window_s = window_s
        self._spacing_s = spacing_s
        # (ts - at, at) with falling offsets: an older reference with a lower offset than
        # a newer one can never be the highest again. At most one per spacing is kept, and
        # none older than the window but the last: a few dozen at most.
        self._references: deque[tuple[float, float]] = deque()
        self._newest: tuple[float, float] | None = None

    def heard(self, node_ts: float, at: float) -> None:
        """A live state stamped `node_ts` by the node arrived at our monotonic time `at`."""
        offset = node_ts - at
        self._newest = (offset, at)
        references = self._references
        while references and references[-1][0] <= offset:
            references.pop()
        if not references or at - references[-1][1] >= self._spacing_s:
            references.append((offset, at))
        self._forget_before(at - self._window_s)

    def node_now(self, at: float) -> float | None:
        """What the node's clock reads at least at our monotonic time `at` (None: no state yet)."""
        self._forget_before(at - self._window_s)
        if not self._references or self._newest is None:
            return None
        offset, since = self._references[0]
        if since < at - self._window_s and self._newest[1] > since:
            # Past the window only the newest counts; it may be one not kept for its spacing.
            offset = self._newest[0]
        return offset + at

    def _forget_before(self, oldest: float) -> None:
        references = self._references
        while len(references) > 1 and references[0][1] < oldest:
            references.popleft()
