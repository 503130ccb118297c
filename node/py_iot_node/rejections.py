"""Messages the node refuses: each counted, one log line per kind per period."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

# The agent's logger: its refusals read as the agent's, wherever they are counted.
_LOGGER = logging.getLogger(__package__ + ".agent")
# One warning per rejection kind per this period; the others are only counted.
REJECTION_LOG_INTERVAL_S = 300.0


class RejectionLog:
    """Counts refused messages by kind; logs one line per kind per REJECTION_LOG_INTERVAL_S.

    A flood of bad messages from the broker must not fill a Pi's SD card with log lines.
    """

    def __init__(self, counts: Counter[str], clock: Callable[[], float]) -> None:
        """Count into `counts` (the agent's stats), timing the log lines by `clock`."""
        self.counts = counts
        self._clock = clock
        self._logged_at: dict[str, float] = {}

    def reject(self, what: str, topic: str, kind: str, detail: object) -> None:
        """Count a rejected message; log it if its kind has not been logged lately."""
        self.counts[kind] += 1
        if self.may_log(kind):
            # The topic came from the broker: repr keeps a newline or escape code in it inert.
            _LOGGER.warning(
                "rejected %s on %.80r: %.200r (%d of this kind so far)",
                what,
                topic,
                str(detail),
                self.counts[kind],
            )

    def may_log(self, kind: str) -> bool:
        """Whether a line of `kind` may be logged now: one per REJECTION_LOG_INTERVAL_S."""
        now = self._clock()
        last = self._logged_at.get(kind)
        if last is not None and 0 <= now - last < REJECTION_LOG_INTERVAL_S:
            return False
        self._logged_at[kind] = now
        return True
