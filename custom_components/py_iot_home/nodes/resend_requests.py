"""Asking a node for what it owes: the samples after a counter, or its switch states."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later

from ..const import DOMAIN, LOGGER
from ..protocol import MAX_SEQ, MessageSigner, OutboundMessage, build_resend_request
from .resend import ResendTracker


class CommandCounter:
    """Numbers what Home Assistant sends a node, commands and requests alike.

    Microseconds since the epoch, or one more than the last: it grows across restarts
    without being stored, so a signing node never takes a new command for a replay.
    """

    def __init__(self) -> None:
        """Start at the current time."""
        self._last = time.time_ns() // 1000

    def next(self) -> int:
        """The next number."""
        self._last = max(self._last + 1, time.time_ns() // 1000)
        return self._last


class ResendRequests:
    """Publishes one node's resend requests, as its `tracker` rations them."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        *,
        node_id: str,
        prefix: str,
        signer: MessageSigner | None,
        commands: CommandCounter,
    ) -> None:
        """Ask `node_id` under `prefix`, signed by `signer`, numbered by `commands`."""
        self._hass = hass
        self._entry = entry
        self._node_id = node_id
        self._prefix = prefix
        self._signer = signer
        self._commands = commands
        self.tracker = ResendTracker()
        # Whether anything was asked of the node since set-up (whose answer has its switches).
        self.asked_since_set_up = False
        self._owed_timer: Callable[[], None] | None = None

    def ask_for_gaps(self) -> None:
        """Ask for the samples after a skipped counter, if the tracker says it is time."""
        if (since := self.tracker.gap_request_due(time.monotonic())) is not None:
            LOGGER.debug("Node %s skipped counters after %s", self._node_id, since)
            self._request_resend(since)

    def ask_owed(self) -> None:
        """Ask for what is owed now, or once the latest request is old enough (rationed)."""
        now = time.monotonic()
        if (since := self.tracker.request_due(now)) is not None:
            self._request_resend(since)
        # Also after a request: if its answer's last batch is lost, it is asked again. An
        # announcement may bring the time forward, so the timer follows the latest wait.
        if wait := self.tracker.request_wait(now):
            if self._owed_timer is not None:
                self._owed_timer()
            self._owed_timer = async_call_later(self._hass, wait, self._owed_request_time)

    def request_switch_states(self) -> None:
        """Ask a node that owes nothing for no sample: its answer starts with its switches.

        Not a resend to the tracker: its answer settles nothing, and it does not hold up
        the next request for a gap.
        """
        LOGGER.debug("Asking node %s for its switch states", self._node_id)
        _, message = self._request(MAX_SEQ)
        self._publish(message, owed=False)

    def stop(self) -> None:
        """Cancel the wait for the next owed request (the entry unloads)."""
        if self._owed_timer is not None:
            self._owed_timer()
            self._owed_timer = None

    @callback
    def _owed_request_time(self, _: datetime) -> None:
        self._owed_timer = None
        self.ask_owed()

    def _request_resend(self, since: int) -> None:
        """Ask the node for the samples after `since` (it announced or sent, so it listens)."""
        seq, message = self._request(since)
        # Before publishing: a publish that fails at once marks the request as failed.
        self.tracker.requested(seq, since, time.monotonic())
        LOGGER.debug("Asking node %s to resend samples after %s", self._node_id, since)
        self._publish(message, owed=True)

    def _request(self, since: int) -> tuple[int, OutboundMessage]:
        """A request for the samples after `since`, numbered by the command counter."""
        seq = self._commands.next()
        self.asked_since_set_up = True
        return seq, build_resend_request(
            self._node_id,
            since,
            seq=seq,
            prefix=self._prefix,
            signer=self._signer,
            ts=time.time() if self._signer else None,
        )

    def _publish(self, message: OutboundMessage, *, owed: bool) -> None:
        self._entry.async_create_background_task(
            self._hass,
            self._async_publish(message.topic, message.payload, owed=owed),
            f"{DOMAIN} resend request {self._node_id}",
        )

    async def _async_publish(self, topic: str, payload: bytes, *, owed: bool) -> None:
        try:
            await mqtt.async_publish(self._hass, topic, payload, qos=1)
        except HomeAssistantError as err:
            # The broker went away again; what is owed goes out with the node's next
            # announcement (the broker's return owes a request, whose answer has the switches).
            LOGGER.debug("Resend request to node %s not sent: %s", self._node_id, err)
            if owed:
                self.tracker.request_failed()
