"""When to ask a node to resend samples, and from where: pure bookkeeping, no I/O.

Home Assistant's MQTT client starts a clean session on every connect, so what a node
publishes between a broker restart and Home Assistant's new subscriptions reaches nobody.
The node keeps its last sent samples; this tracker asks for those after the last one seen,
each time the node's announcement arrives (it comes right after every (re)subscribe and
every node reconnect), until a replay batch acknowledges the request.

While connected, a sample can still be lost (the broker drops messages for a client whose
queue is full): the node's counter then skips values. A signed node numbers its samples and
announcements from one counter, one step each, so a skip between them is a gap, and the
tracker asks for what follows the gap's start, rationed. A restart makes the counter jump
too: that asks once, and the node's answer (it keeps nothing from before) settles it.

An unsigned node's counter is not trusted (anyone on the broker could send a huge one): its
skips ask for nothing, and where it stands is what its latest live sample says, not the
largest counter anyone sent; a stranger's huge one lasts until the node's next sample.
Announcements ask at most every GAP_REQUEST_INTERVAL_S too (anyone can repeat one), except
the first after Home Assistant's own reconnect.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# A gap asks at most this often per node, and not while an earlier request is unanswered
# (a node answers one request every 10 s; a broken or hostile one must not make us flood).
GAP_REQUEST_INTERVAL_S = 30.0
# A request unanswered for this long counts as lost: its gaps may be asked for again.
REQUEST_ANSWER_TIMEOUT_S = 120.0
# A gap the node answered but that did not fill is asked for again at most this often.
MAX_GAP_REASKS = 2


@dataclass(frozen=True, kw_only=True)
class CounterGap:
    """`missing` counters skipped between `since` and `until` (both seen)."""

    since: int
    until: int
    missing: int
    # Times it was asked for again after an answer that should have filled it.
    reasks: int = 0

    def merged(self, other: CounterGap | None) -> CounterGap:
        """One gap spanning both (asked for together, from the earlier start)."""
        if other is None:
            return self
        return CounterGap(
            since=min(self.since, other.since),
            until=max(self.until, other.until),
            missing=self.missing + other.missing,
            reasks=max(self.reasks, other.reasks),
        )

    def filled(self, seq: int) -> CounterGap | None:
        """What is left once `seq` arrived (a resent sample), None when nothing is."""
        if not self.since < seq < self.until:
            return self
        if self.missing <= 1:
            return None
        return replace(self, missing=self.missing - 1)


@dataclass(kw_only=True)
class ResendTracker:
    """The newest counter seen from one node and the resend still owed, if any."""

    last_seen_seq: int | None = None
    # Resend everything after this counter; None when nothing is owed.
    owed_since: int | None = None
    # `seq` of the latest request; its acknowledgement settles what is owed.
    request_seq: int | None = None
    requests_sent: int = 0
    # Monotonic time of the latest request.
    requested_at: float | None = None
    # Whether the counter is signed, so that its skips can be believed.
    trusts_counter: bool = False
    # Gaps not asked for yet, and those the unanswered latest request asked for.
    open_gap: CounterGap | None = None
    asked_gap: CounterGap | None = None
    gaps_seen: int = 0
    # The node announced itself since the latest request: it may have missed that one.
    announced_since_request: bool = False
    # The latest request was lost with the broker, or never sent: the next one need not wait.
    ask_at_once: bool = False
    # Requests sent again, without a new announcement, because the last went unanswered.
    unanswered_reasks: int = 0

    @classmethod
    def restored(cls, last_seen_seq: int | None, *, trusts_counter: bool) -> ResendTracker:
        """After a restart: everything the node sent while Home Assistant was down is owed."""
        return cls(
            last_seen_seq=last_seen_seq, owed_since=last_seen_seq, trusts_counter=trusts_counter
        )

    def saw(self, seq: int, *, live: bool = False) -> None:
        """A state (`live`) or replay entry with this counter was accepted (each one only once).

        An unsigned node's live sample sets where it stands, even backwards: the largest
        counter seen may be a stranger's, and asking after it would get nothing ever again.
        """
        last = self.last_seen_seq
        if last is None or seq > last or (live and not self.trusts_counter):
            self.last_seen_seq = seq
        if last is not None and seq > last + 1 and self.trusts_counter:
            self.gaps_seen += 1
            self.open_gap = CounterGap(since=last, until=seq, missing=seq - last - 1).merged(
                self.open_gap
            )
        else:
            # A resent sample fills a gap; the verifier admits each counter once.
            self.arrived_unusable(seq)

    def arrived_unusable(self, seq: int) -> None:
        """A resent entry arrived but was refused (from the future): asking again won't help."""
        self.open_gap = self.open_gap and self.open_gap.filled(seq)
        self.asked_gap = self.asked_gap and self.asked_gap.filled(seq)

    def announced(self, seq: int | None) -> None:
        """A (re)connect: a signed announcement takes a counter; after a restart, a jump.

        A skip before it is a gap like any other: the broker may have dropped samples just
        before the node reconnected. After a restart that asks once for what the node no
        longer keeps, and its answer settles it. Before any sample was seen (a node just
        confirmed), the first one sets the start: what the node sent before Home Assistant
        subscribed is not asked for.
        """
        self.announced_since_request = True
        if seq is None or not self.trusts_counter or self.last_seen_seq is None:
            return
        if seq > self.last_seen_seq:
            self.saw(seq)

    def connection_lost(self) -> None:
        """Home Assistant lost the broker: whatever follows the last seen sample may be missed."""
        if self.owed_since is None:
            self.owed_since = self.last_seen_seq
        self.ask_at_once = True

    def request_failed(self) -> None:
        """The latest request could not be published; the next announcement asks at once."""
        self.ask_at_once = True

    def request_wait(self, now: float) -> float | None:
        """Seconds from monotonic `now` until what is owed may be asked for; None if nothing waits.

        Owed means asked for after the node's next announcement; the first one after Home
        Assistant's own reconnect asks at once, later ones at most every GAP_REQUEST_INTERVAL_S.
        """
        if self.owed_since is None:
            return None
        if not self.announced_since_request:
            return self._unanswered_wait(now)
        if self.ask_at_once or self.requested_at is None:
            return 0.0
        return max(0.0, self.requested_at + GAP_REQUEST_INTERVAL_S - now)

    def _unanswered_wait(self, now: float) -> float | None:
        """When to ask again for what a request still owes, with no new announcement.

        The answer's last batch carries the `ack`; when the broker loses it, nothing else
        settles the request, and the next announcement may be hours away. The node is
        there (it sends samples), so after REQUEST_ANSWER_TIMEOUT_S the request goes again,
        at most MAX_GAP_REASKS times.
        """
        if self.request_seq is None or self.requested_at is None:
            return None
        if self.unanswered_reasks >= MAX_GAP_REASKS:
            return None
        return max(0.0, self.requested_at + REQUEST_ANSWER_TIMEOUT_S - now)

    def request_due(self, now: float) -> int | None:
        """The `since` to ask for at monotonic `now` (the node announced itself), or None."""
        return self.owed_since if self.request_wait(now) == 0.0 else None

    def gap_request_due(self, now: float) -> int | None:
        """The `since` to ask for a gap at monotonic `now`, or None (none, or rationed).

        A request unanswered for REQUEST_ANSWER_TIMEOUT_S was lost: its gaps open again.
        """
        waited = None if self.requested_at is None else now - self.requested_at
        unanswered = self.request_seq is not None
        if unanswered and waited is not None and waited >= REQUEST_ANSWER_TIMEOUT_S:
            unanswered = False
            if self.asked_gap is not None:
                self.open_gap = self.asked_gap.merged(self.open_gap)
                self.asked_gap = None
        if self.open_gap is None or unanswered:
            return None
        if waited is not None and waited < GAP_REQUEST_INTERVAL_S:
            return None
        if self.owed_since is not None:
            # One request for both: its answer settles what is owed too.
            return min(self.owed_since, self.open_gap.since)
        return self.open_gap.since

    def requested(self, request_seq: int, since: int, now: float) -> None:
        """A request for the samples after `since` went out with this `seq`, at `now`."""
        unanswered = self.request_seq is not None and not self.announced_since_request
        self.unanswered_reasks = self.unanswered_reasks + 1 if unanswered else 0
        self.request_seq = request_seq
        self.requested_at = now
        self.requests_sent += 1
        self.announced_since_request = self.ask_at_once = False
        # An earlier request's acknowledgement no longer counts: its gaps go with this one.
        gaps = self.open_gap.merged(self.asked_gap) if self.open_gap else self.asked_gap
        if gaps is not None and since <= gaps.since:
            self.open_gap, self.asked_gap = None, gaps
        else:
            self.open_gap, self.asked_gap = gaps, None

    def acknowledged(self, ack: int, first: int | None = None) -> None:
        """A replay batch closed a request; only the latest one settles the debt.

        Call it after the batch's own entries were seen. `first`, the oldest `seq` the node
        resent, tells what it still had: when that covers the gap's start and the gap is still
        not filled, a batch of the answer was lost on the way, and the gap is asked for again
        (at most MAX_GAP_REASKS times). Otherwise what the node no longer keeps is lost, and
        asking again would not help.
        """
        if ack != self.request_seq:
            return
        self.owed_since = None
        self.request_seq = None
        gap, self.asked_gap = self.asked_gap, None
        if (
            gap is not None
            and first is not None
            and first <= gap.since + 1
            and gap.reasks < MAX_GAP_REASKS
        ):
            self.open_gap = replace(gap, reasks=gap.reasks + 1).merged(self.open_gap)
