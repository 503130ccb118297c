"""The samples the broker acknowledged, kept for Home Assistant's resend requests.

The broker's acknowledgement does not mean Home Assistant got a sample (after a broker
restart the node may publish before Home Assistant has subscribed again), so the newest
ones stay in memory, and Home Assistant asks for those after the last one it saw.
"""

from __future__ import annotations

from collections.abc import Iterable


class SentHistory:
    """The last `limit` acknowledged samples, by `seq`, in the order they were sent."""

    def __init__(self, limit: int) -> None:
        """Keep at most `limit` samples (the oldest go first)."""
        self._limit = limit
        self._sent: dict[int, bytes] = {}

    def __len__(self) -> int:
        """How many samples are kept."""
        return len(self._sent)

    def remember(self, rows: Iterable[tuple[int, bytes]]) -> None:
        """Keep acknowledged `(seq, payload)` rows, forgetting the oldest beyond the limit."""
        for seq, payload in rows:
            self._sent[seq] = payload
        while len(self._sent) > self._limit:
            del self._sent[next(iter(self._sent))]

    def forget(self, seq: int) -> None:
        """Drop one sample (a newer one says the same or more)."""
        self._sent.pop(seq, None)

    def after(self, since: int) -> list[tuple[int, bytes]]:
        """The kept samples numbered above `since` or sent after it, in `seq` order.

        Switch states go out live past a backlog, so a lower `seq` may leave later: asked
        after such a state (the last one Home Assistant saw), the backlog behind it is owed.
        """
        sent = list(self._sent.items())
        start = next((index for index, (seq, _) in enumerate(sent) if seq == since), len(sent))
        return sorted(item for index, item in enumerate(sent) if item[0] > since or index > start)
