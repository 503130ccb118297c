"""When to ask a node to resend samples, and from where: pure bookkeeping, no I/O.

Home Assistant's MQTT client starts a clean session on every connect, so what a node
publishes between a broker restart and Home Assistant's new subscriptions reaches nobody.
The node keeps its last sent samples; this tracker asks for those after the last one seen,
each time the node's announcement arrives (it comes right after every (re)subscribe and
every node reconnect), until a replay batch acknowledges the request.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(kw_only=True)
class ResendTracker:
    """The newest counter seen from one node and the resend still owed, if any."""

    last_seen_seq: int | None = None
    # Resend everything after this counter; None when nothing is owed.
    owed_since: int | None = None
    # `seq` of the latest request; its acknowledgement settles what is owed.
    request_seq: int | None = None
    requests_sent: int = 0

    @classmethod
    def restored(cls, last_seen_seq: int | None) -> ResendTracker:
        """After a restart: everything the node sent while Home Assistant was down is owed."""
        return cls(last_seen_seq=last_seen_seq, owed_since=last_seen_seq)

    def saw(self, seq: int) -> None:
        """A state or replay entry with this counter was accepted."""
        if self.last_seen_seq is None or seq > self.last_seen_seq:
            self.last_seen_seq = seq

    def connection_lost(self) -> None:
        """Home Assistant lost the broker: whatever follows the last seen sample may be missed."""
        if self.owed_since is None:
            self.owed_since = self.last_seen_seq

    def request_due(self) -> int | None:
        """The `since` to ask for now (the node just announced itself), or None."""
        return self.owed_since

    def requested(self, request_seq: int) -> None:
        """A request went out with this `seq`."""
        self.request_seq = request_seq
        self.requests_sent += 1

    def acknowledged(self, ack: int) -> None:
        """A replay batch closed a request; only the latest one settles the debt."""
        if ack == self.request_seq:
            self.owed_since = None
            self.request_seq = None
