"""When to ask a node to resend samples, and from where: pure bookkeeping, no I/O.

Home Assistant's MQTT client starts a clean session on every connect, so what a node
publishes between a broker restart and Home Assistant's new subscriptions reaches nobody.
The node keeps its last sent samples; this tracker asks for those after the last one seen,
each time the node's announcement arrives (it comes right after every (re)subscribe and
every node reconnect), until a replay batch acknowledges the request.

While connected, a sample can still be lost (the broker drops messages for a client whose
queue is full): the node's counter then jumps. A signed node numbers its samples and
announcements from one counter, one step each, so a jump between them is a gap; the tracker
asks once for what follows the gap's start, rationed. An unsigned node's counter is not
trusted (anyone on the broker could send a huge one), so its jumps ask for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

# A gap asks at most this often per node, and not while an earlier request is unanswered
# (a node answers one request every 10 s; a broken or hostile one must not make us flood).
GAP_REQUEST_INTERVAL_S = 30.0
# A request unanswered for this long counts as lost: a later gap may ask again.
REQUEST_ANSWER_TIMEOUT_S = 120.0


@dataclass(kw_only=True)
class ResendTracker:
    """The newest counter seen from one node and the resend still owed, if any."""

    last_seen_seq: int | None = None
    # Resend everything after this counter; None when nothing is owed.
    owed_since: int | None = None
    # `seq` of the latest request; its acknowledgement settles what is owed.
    request_seq: int | None = None
    requests_sent: int = 0
    # Whether the counter is signed, so that its jumps can be believed.
    trusts_counter: bool = False
    # The open gaps: `gap_missing` samples between `gap_since` and `gap_until` may be missing.
    gap_since: int | None = None
    gap_until: int = 0
    gap_missing: int = 0
    # Whether the latest request covers the open gaps (its answer settles them).
    gap_asked: bool = False
    gaps_seen: int = 0
    # Monotonic time of the latest request.
    requested_at: float | None = None

    @classmethod
    def restored(cls, last_seen_seq: int | None, *, trusts_counter: bool) -> ResendTracker:
        """After a restart: everything the node sent while Home Assistant was down is owed."""
        return cls(
            last_seen_seq=last_seen_seq, owed_since=last_seen_seq, trusts_counter=trusts_counter
        )

    def saw(self, seq: int) -> None:
        """A state or replay entry with this counter was accepted (each one once)."""
        last = self.last_seen_seq
        if last is not None and seq > last + 1 and self.trusts_counter:
            self._gap(last, seq)
        elif self.gap_since is not None and self.gap_since < seq < self.gap_until:
            # A resent sample fills the gap; the verifier admits each counter once.
            self.gap_missing -= 1
            if self.gap_missing <= 0:
                self._close_gap()
        if last is None or seq > last:
            self.last_seen_seq = seq

    def announced(self, seq: int | None) -> None:
        """A (re)connect: a signed announcement takes a counter; a restart may jump it."""
        if seq is None or not self.trusts_counter:
            return
        if self.last_seen_seq is None or seq > self.last_seen_seq:
            self.last_seen_seq = seq

    def _gap(self, last: int, seq: int) -> None:
        self.gaps_seen += 1
        self.gap_since = last if self.gap_since is None else min(self.gap_since, last)
        self.gap_until = max(self.gap_until, seq)
        self.gap_missing += seq - last - 1
        self.gap_asked = False

    def _close_gap(self) -> None:
        self.gap_since = None
        self.gap_until = 0
        self.gap_missing = 0
        self.gap_asked = False

    def connection_lost(self) -> None:
        """Home Assistant lost the broker: whatever follows the last seen sample may be missed."""
        if self.owed_since is None:
            self.owed_since = self.last_seen_seq

    def request_due(self) -> int | None:
        """The `since` to ask for now (the node just announced itself), or None."""
        return self.owed_since

    def gap_request_due(self, now: float) -> int | None:
        """The `since` to ask for because of a gap, at monotonic `now`, or None (rationed)."""
        if self.gap_since is None or self.gap_asked:
            return None
        if self.requested_at is not None:
            waited = now - self.requested_at
            unanswered = self.request_seq is not None and waited < REQUEST_ANSWER_TIMEOUT_S
            if unanswered or waited < GAP_REQUEST_INTERVAL_S:
                return None
        if self.owed_since is not None:
            # One request for both: an answer settles what is owed too.
            return min(self.owed_since, self.gap_since)
        return self.gap_since

    def requested(self, request_seq: int, since: int, now: float) -> None:
        """A request for the samples after `since` went out with this `seq`, at `now`."""
        self.request_seq = request_seq
        self.requested_at = now
        self.requests_sent += 1
        self.gap_asked = self.gap_since is not None and since <= self.gap_since

    def acknowledged(self, ack: int) -> None:
        """A replay batch closed a request; only the latest one settles the debt."""
        if ack == self.request_seq:
            self.owed_since = None
            self.request_seq = None
            if self.gap_asked:
                # Asked once: what the node no longer keeps is lost, and asking again won't help.
                self._close_gap()
