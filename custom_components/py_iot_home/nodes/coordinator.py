"""A confirmed remote node: its MQTT subscriptions, state, commands and rejected messages."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from homeassistant.components import mqtt
from homeassistant.components.mqtt import ReceiveMessage
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util.hass_dict import HassKey

from ..const import (
    CONF_NODE_ID,
    CONF_PREFIX,
    DEFAULT_FAILURE_THRESHOLD,
    DOMAIN,
    LOGGER,
)
from ..errors import NodeCommandError
from ..protocol import (
    MessageSigner,
    MessageVerifier,
    NodeAnnouncement,
    ProtocolError,
    RejectionKind,
    StateMessage,
    TopicKind,
    build_command,
    is_signed,
    node_topic,
    parse_announcement,
    parse_availability,
    parse_replay_batch,
    parse_state,
)
from ..repairs import (
    NODE_OFFLINE_ISSUE_AFTER,
    async_node_back,
    async_node_clock_off,
    async_node_clock_ok,
    async_node_id_shared,
    async_node_offline_too_long,
    async_node_signs_without_secret,
)
from .clock import ClockWatch
from .collision import HARDWARE_CHANGE_WINDOW_S, MAX_HARDWARE_CHANGES, CollisionWatch
from .command_deadline import NodeClockEstimate
from .counter_store import NodeCounterStore
from .device import device_fields
from .display_ration import SHOWN_PER_S, DisplayRation
from .entries import stored_secret
from .node_state import NodeState, RefusalKind, RejectionLog
from .read_tolerance import FailedReadTolerance
from .resend import ResendTracker
from .resend_positions import ResendPositions, async_get_resend_positions
from .resend_requests import CommandCounter, ResendRequests
from .silence import SILENCE_CHECK_INTERVAL, SilenceWatch

COMMAND_CONFIRM_TIMEOUT_S = 5.0
# Of the wait, what the node's confirmation may take to come back after it obeyed.
CONFIRMATION_TRIP_S = 1.0
# How long a switch the node has not reported shows unavailable, not "Unknown", counted from
# the node's first message (its subscriptions deliver; not from set-up: the broker may connect
# seconds later): its retained announcement asks, a node answers at once, an older agent never.
SWITCH_STATES_WAIT_S = 5.0
# At a start, how long the node's entities wait to be added for what it says as Home Assistant
# subscribes (its retained availability, then its switch states): added with it, its
# connectivity and switches write no "unavailable" first, so no row in Activity at each start.
# Its readings are not waited for: the next one comes at the node's own pace.
START_REPORT_WAIT_S = 5.0
# What one node id looked like, across reloads of its entry (a reload makes a new coordinator).
COLLISION_WATCHES: HassKey[dict[str, CollisionWatch]] = HassKey(f"{DOMAIN}_collision_watches")


type SamplesListener = Callable[[list[StateMessage], bool], None]


class NodeCoordinator(DataUpdateCoordinator[NodeState]):
    """Pushed state of one node; never polls."""

    config_entry: ConfigEntry[Any]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        announcement: NodeAnnouncement,
        on_announcement_changed: Callable[[NodeAnnouncement], bool],
        on_device_changed: Callable[[NodeAnnouncement], None],
    ) -> None:
        """Bind to one node; subscriptions start in async_start.

        `on_announcement_changed` takes other sensors or switches (False: refused);
        `on_device_changed` what the device page shows (maker, model, software version).
        """
        super().__init__(hass, LOGGER, config_entry=entry, name=f"{DOMAIN} node {entry.title}")
        self.node_id: str = entry.data[CONF_NODE_ID]
        self.prefix: str = entry.data[CONF_PREFIX]
        secret = stored_secret(entry)
        self._verifier = MessageVerifier(secret) if secret else None
        # The counters outlive restarts: old signed messages stay old, and what the node sent
        # while Home Assistant was down is asked for again.
        self._counters = (
            NodeCounterStore(hass, entry.entry_id, self._verifier) if self._verifier else None
        )
        self._signer = MessageSigner(secret) if secret else None
        self.clock = ClockWatch()
        self._node_clock = NodeClockEstimate()
        self.collision = hass.data.setdefault(COLLISION_WATCHES, {}).setdefault(
            entry.entry_id, CollisionWatch()
        )
        self._commands = CommandCounter()
        self._requests = ResendRequests(
            hass,
            entry,
            node_id=self.node_id,
            prefix=self.prefix,
            signer=self._signer,
            commands=self._commands,
        )
        self._positions: ResendPositions | None = None
        self._on_announcement_changed = on_announcement_changed
        self._on_device_changed = on_device_changed
        self._samples_listeners: list[SamplesListener] = []
        self._confirmations: dict[str, tuple[bool, asyncio.Event]] = {}
        self.rejections = RejectionLog(self.node_id)
        self.messages_accepted: Counter[str] = Counter()
        self.replayed_samples = 0
        self._offline_timer: Callable[[], None] | None = None
        self._availability_flush: Callable[[], None] | None = None
        # What the clock repair was last set to: (offset,), (None,) for none; None before the
        # first write (the entry's previous coordinator, before a reload, may have left one).
        self._clock_repair: tuple[float | None] | None = None
        self._clock_repair_ration = DisplayRation()
        self._clock_repair_flush: Callable[[], None] | None = None
        self._switch_states_wait: Callable[[], None] | None = None
        # While a start waits for the node's first report: checks whether it is complete.
        self._answer_check: Callable[[], None] | None = None
        self.data = NodeState(announcement=announcement, awaiting_switches=True)
        # A different set of keys reloads the entry, so these hold for the coordinator's life.
        self._sensor_keys = frozenset(sensor.key for sensor in announcement.sensors)
        self._switch_keys = frozenset(switch.key for switch in announcement.switches)
        # As many failed reads in a row as a board tolerates by default before "Unavailable".
        self._read_tolerance = FailedReadTolerance(DEFAULT_FAILURE_THRESHOLD)
        self._silence = SilenceWatch(announcement.interval_s)
        self._display_ration = DisplayRation()
        # The node's own time of the sample shown (shown timed by its arrival while the
        # node's clock is off).
        self._shown_ts: float | None = None
        # The node's own time of the newest reading shown (switch states alone are no reading).
        self._reading_ts: float | None = None

    @property
    def resend(self) -> ResendTracker:
        """Which counters the node owes, and the requests for them (diagnostics show it)."""
        return self._requests.tracker

    async def _async_update_data(self) -> NodeState:
        return self.data

    def topic(self, kind: TopicKind, switch_key: str | None = None) -> str:
        """Topic of this node for one message kind."""
        return node_topic(self.prefix, self.node_id, kind, switch_key)

    async def async_start(self) -> None:
        """Subscribe to the node's topics; each unsubscribes when the entry unloads."""
        self.config_entry.async_on_unload(self.async_stop)
        if self._counters is not None:
            await self._counters.async_restore(self.data.announcement.seq)
            self.config_entry.async_on_unload(self._counters.async_save)
        self._positions = await async_get_resend_positions(self.hass)
        self._requests.tracker = ResendTracker.restored(
            self._positions.get(self.config_entry.entry_id),
            trusts_counter=self._verifier is not None,
        )
        self.config_entry.async_on_unload(
            mqtt.async_subscribe_connection_status(self.hass, self._connection_changed)
        )
        self.config_entry.async_on_unload(
            async_track_time_interval(
                self.hass,
                self._async_check_silence,
                SILENCE_CHECK_INTERVAL,
                name=f"{self.name} silence check",
                cancel_on_shutdown=True,
            )
        )
        handlers: dict[TopicKind, Callable[[ReceiveMessage], None]] = {
            TopicKind.ANNOUNCE: self._handle_announcement,
            TopicKind.AVAILABILITY: self._handle_availability,
            TopicKind.STATE: self._handle_state,
            TopicKind.REPLAY: self._handle_replay,
        }
        for kind, handler in handlers.items():
            self.config_entry.async_on_unload(
                await mqtt.async_subscribe(
                    self.hass, self.topic(kind), handler, qos=1, encoding=None
                )
            )

    async def async_wait_for_first_report(self, timeout_s: float = START_REPORT_WAIT_S) -> None:
        """Until the node's availability, and when online its switches' states, are known.

        At most `timeout_s`: a node that says nothing (the broker down, an older agent) shows
        as before, unavailable until it reports.
        """
        done = asyncio.Event()

        @callback
        def _check() -> None:
            if self._first_report_known():
                done.set()

        @callback
        def _waited(_: datetime) -> None:
            LOGGER.debug("Node %s: nothing known %s s after set-up", self.node_id, timeout_s)
            done.set()

        remove = self.async_add_listener(_check)
        cancel = async_call_later(self.hass, timeout_s, _waited)
        # The answer's acknowledgement changes nothing the entities show: it checks itself.
        self._answer_check = _check
        try:
            _check()
            await done.wait()
        finally:
            self._answer_check = None
            remove()
            cancel()

    def _first_report_known(self) -> bool:
        data = self.data
        if not data.availability_known:
            return False
        if not data.online:
            return True
        # And the answer to what was asked as it subscribed: its newest replayed reading may
        # be the one to show (_show_newest_replayed).
        return self._switch_keys <= data.switches.keys() and self.resend.request_seq is None

    def _saw(self, seqs: list[int], *, live: bool = False) -> None:
        """Track counters for resends (asking when they skip some) and guard replays."""
        for seq in seqs:
            self.resend.saw(seq, live=live)
        newest = self.resend.last_seen_seq
        if self._positions is not None and newest is not None and newest in seqs:
            self._positions.set(self.config_entry.entry_id, newest)
        if self._counters is not None:
            self._counters.schedule_save()
        self._requests.ask_for_gaps()

    @callback
    def _connection_changed(self, connected: bool) -> None:
        if connected:
            self.async_set_updated_data(replace(self.data, broker_connected=True))
            return
        if self.hass.is_stopping:
            # Home Assistant letting go of the broker as it stops says nothing of the node:
            # its history must not read "disconnected" at every restart.
            return
        # Nothing is known about the node until the broker is back (core MQTT entities
        # do the same): unavailable, not "disconnected"; its retained availability
        # returns with the new subscriptions.
        self.resend.connection_lost()
        self.async_set_updated_data(
            replace(self.data, online=False, broker_connected=False, availability_known=False)
        )

    @callback
    def async_add_samples_listener(self, listener: SamplesListener) -> Callable[[], None]:
        """Call `listener(states, replayed)` with every accepted sample."""
        self._samples_listeners.append(listener)
        return lambda: self._samples_listeners.remove(listener)

    def _reject(self, msg: ReceiveMessage, err: ProtocolError) -> None:
        self.rejections.record(msg.topic, err)

    @callback
    def _handle_announcement(self, msg: ReceiveMessage) -> None:
        if not msg.payload:
            return
        try:
            announcement = parse_announcement(
                msg.topic, msg.payload, prefix=self.prefix, verifier=self._verifier
            )
        except ProtocolError as err:
            self._reject(msg, err)
            return
        self.messages_accepted[TopicKind.ANNOUNCE] += 1
        if self._verifier is None and announcement.seq is not None and is_signed(msg.payload):
            # Given a secret after it was added: its messages go unchecked, our commands refused.
            async_node_signs_without_secret(self.hass, self.node_id, self.config_entry.title)
        self._start_switch_states_wait()
        self.resend.announced(announcement.seq)
        if self._counters is not None:
            self._counters.schedule_save()
        self._requests.ask_owed()
        if not self._requests.asked_since_set_up and self._switches_awaited():
            # Just confirmed: nothing is owed, but the switches must show.
            self._requests.request_switch_states()
        previous = self.data.announcement
        self.collision.announced(replace(announcement, seq=None, dropped=0))
        if self._collision_seen():
            # Two machines take turns: reloading on each turn would never end.
            return
        changed = (previous.sensors, previous.switches) != (
            announcement.sensors,
            announcement.switches,
        )
        device_changed = device_fields(previous) != device_fields(announcement)
        if (changed or device_changed) and not self._adopt_change(
            msg.topic, announcement, hardware=changed
        ):
            return
        self._silence.announced(announcement.interval_s, signed=self._verifier is not None)
        # Kept without telling the entities: none shows any of it (other hardware reloads),
        # and writing every entity per announcement let a node repeating its own hold the loop.
        self.data = replace(self.data, announcement=announcement)

    @callback
    def _async_check_silence(self, _now: datetime) -> None:
        """Online but silent past its rhythm: its values stop showing as current."""
        data = self.data
        if not data.online or data.readings_stale or not self._silence.is_silent(time.time()):
            return
        log = LOGGER.warning if self._silence.warn_now(time.monotonic()) else LOGGER.debug
        log(
            "Node %s is online but sent no sample for over %.0f s (it samples every %.0f s); "
            "its sensors show unavailable until it does",
            self.node_id,
            self._silence.allowed_s(),
            self._silence.rhythm_s(),
        )
        self.async_set_updated_data(replace(data, readings_stale=True))

    def _adopt_change(self, topic: str, announcement: NodeAnnouncement, *, hardware: bool) -> bool:
        """Adopt other sensors or switches (a reload), or another maker, model or version.

        Unless the node changes what it announces too often (an updated agent does once).
        """
        now = time.monotonic()
        if not self.collision.may_change_hardware(now):
            self.rejections.refuse(
                topic,
                RefusalKind.HARDWARE_CHANGE_RATIONED,
                f"what it announces changed {MAX_HARDWARE_CHANGES} times within "
                f"{HARDWARE_CHANGE_WINDOW_S / 3600:.0f} h; a later change is adopted once "
                "that window has passed, or after a restart of Home Assistant",
            )
            return False
        if hardware:
            if not self._on_announcement_changed(announcement):
                return False
        else:
            # Each one writes the entry and the device registry: rationed like a reload.
            self._on_device_changed(announcement)
        self.collision.hardware_changed(now)
        return True

    def _collision_seen(self) -> bool:
        if self.collision.shared:
            async_node_id_shared(
                self.hass,
                self.node_id,
                self.config_entry.title,
                signed=self._verifier is not None,
            )
        return self.collision.shared

    @callback
    def _handle_availability(self, msg: ReceiveMessage) -> None:
        try:
            _, online = parse_availability(msg.topic, msg.payload, prefix=self.prefix)
        except ProtocolError as err:
            self._reject(msg, err)
            return
        self.messages_accepted[TopicKind.AVAILABILITY] += 1
        self._start_switch_states_wait()
        # Availability is unsigned: for a signing node only its signed states say it is up.
        # Anyone's "online" ended the wait for the offline repair and gave a dead node's
        # last values a fresh grace period, again and again.
        vouched = not online or self._verifier is None
        if vouched:
            self._track_offline(online)
        if online == self.data.online and self.data.availability_known:
            # Nothing to write: each repeat wrote every entity of the node (a loop-holding flood).
            return
        now = time.time()
        # Judged before its grace: readings older than the node's rhythm allows do not turn
        # current again because someone says "online"; only a new reading makes them so.
        stale = self._readings_stale(now)
        if online and (vouched or self._silence.last_heard_s is None):
            self._silence.heard(now)
        if online and vouched and self.data.availability_known:
            self._silence.restarted()
        if not self._display_ration.take(time.monotonic()):
            # Flapping faster than shown (nodes.display_ration): each change wrote every entity
            # and queued a recorder row for each. The latest is written once the ration allows.
            self.data = replace(
                self.data, online=online, availability_known=True, readings_stale=stale
            )
            self.rejections.refuse(
                msg.topic, RefusalKind.LIVE_RATIONED, "availability changing faster than shown"
            )
            if self._availability_flush is None:
                self._availability_flush = async_call_later(
                    self.hass, 1 / SHOWN_PER_S, self._flush_availability
                )
            return
        LOGGER.info("Node %s is %s", self.node_id, "online" if online else "offline")
        self.async_set_updated_data(
            replace(self.data, online=online, availability_known=True, readings_stale=stale)
        )

    def _readings_stale(self, now: float) -> bool:
        """Whether the readings shown are older than the node's rhythm explains."""
        return self.data.readings_stale or self._silence.is_silent(now)

    def reading_grace_s(self) -> float:
        """How long after the node read a value it is still current (nodes.silence)."""
        return self._silence.allowed_s()

    def _switches_awaited(self) -> bool:
        """Whether a switch not reported yet shows unavailable (just set up)."""
        return self.data.awaiting_switches and not self._switch_keys <= self.data.switches.keys()

    def _start_switch_states_wait(self) -> None:
        """Start the wait for the switches once the node's subscriptions deliver (once)."""
        if self.data.awaiting_switches and self._switch_states_wait is None:
            self._switch_states_wait = async_call_later(
                self.hass, SWITCH_STATES_WAIT_S, self._switch_states_waited
            )

    @callback
    def _switch_states_waited(self, _: datetime) -> None:
        """A switch still not reported shows "Unknown" (and takes commands) from now on."""
        self._switch_states_wait = None
        awaited = self._switches_awaited()
        data = replace(self.data, awaiting_switches=False)
        if awaited:
            self.async_set_updated_data(data)
        else:
            self.data = data

    @callback
    def _flush_availability(self, _: datetime) -> None:
        """Write the availability that changed beyond the ration (at most every half second)."""
        self._availability_flush = None
        self.async_set_updated_data(self.data)

    def _track_offline(self, online: bool) -> None:
        """A repair issue once the node has been offline for a day; gone when it is back."""
        if online:
            if self._offline_timer is not None:
                self._offline_timer()
                self._offline_timer = None
            async_node_back(self.hass, self.node_id)
            return
        if self._offline_timer is None:

            @callback
            def _offline_too_long(_: datetime) -> None:
                self._offline_timer = None
                async_node_offline_too_long(self.hass, self.node_id, self.config_entry.title)

            self._offline_timer = async_call_later(
                self.hass, NODE_OFFLINE_ISSUE_AFTER, _offline_too_long
            )

    @callback
    def async_stop(self) -> None:
        """Cancel the timers (the entry unloads)."""
        if self._offline_timer is not None:
            self._offline_timer()
            self._offline_timer = None
        self._requests.stop()
        if self._availability_flush is not None:
            self._availability_flush()
            self._availability_flush = None
        if self._clock_repair_flush is not None:
            self._clock_repair_flush()
            self._clock_repair_flush = None
        if self._switch_states_wait is not None:
            self._switch_states_wait()
            self._switch_states_wait = None

    def _retained(self, msg: ReceiveMessage) -> bool:
        """Whether to drop a retained sample: nodes never retain them, so it is planted."""
        if msg.retain:
            # It would come back on every (re)subscribe, long after whoever published it.
            self.rejections.refuse(
                msg.topic, RefusalKind.RETAINED, "a node never retains its samples"
            )
        return msg.retain

    @callback
    def _handle_state(self, msg: ReceiveMessage) -> None:
        if self._retained(msg):
            return
        now = time.time()
        try:
            # No `now`: a live message's time is judged below, its content is current anyway.
            state = parse_state(msg.topic, msg.payload, prefix=self.prefix, verifier=self._verifier)
        except ProtocolError as err:
            self._reject(msg, err)
            return
        self._start_switch_states_wait()
        # Any live state, also one judged stale or mistimed below: its stamp is the node's clock.
        self._node_clock.heard(state.ts, time.monotonic())
        # Newer than every counter seen (live or resent, also before a restart)?
        last = self.resend.last_seen_seq
        newest = last is None or state.seq > last
        self._saw([state.seq], live=True)
        if not self.clock.is_within(state.ts, now):
            self._handle_mistimed_state(msg, state, now, newest=newest)
            return
        behind = self._behind_shown(state.ts, now)
        if not behind:
            # A late sample is history (delayed, or captured and sent again), not a second
            # machine taking turns with this one: its counter says nothing about sharing.
            self.collision.live_seq(state.seq)
        self._collision_seen()
        self._watch_clock(state.ts, now)
        self.messages_accepted[TopicKind.STATE] += 1
        if not behind:
            self._apply(state)
        for listener in self._samples_listeners:
            listener([state], False)

    def _handle_mistimed_state(
        self, msg: ReceiveMessage, state: StateMessage, now: float, *, newest: bool
    ) -> None:
        """A live message stamped far from now: never recorded at that time.

        Recorded at its own time, the sample would land hours (or days) away from when it
        was read, and make a trend of it. Once a few in a row say the node's clock is off
        (not one late message), what it says is current: its values show, stamped on
        arrival, and its switch states confirm commands; only its samples are not recorded.
        Only a message newer than every one seen so far speaks for the node now: an older
        one is late, or captured and sent again, and says nothing of its clock either.
        """
        ahead = state.ts > now
        self._reject(
            msg,
            ProtocolError(
                RejectionKind.FROM_FUTURE if ahead else RejectionKind.STALE,
                f"ts is {abs(state.ts - now):.0f} s {'ahead of' if ahead else 'behind'} this clock",
            ),
        )
        if not newest:
            return
        self.collision.live_seq(state.seq)
        self._collision_seen()
        self._watch_clock(state.ts, now)
        if self.clock.is_off:
            self._apply(state, arrived_at=now)
        elif self._confirms_a_command(state):
            # Before a few in a row call the clock off (a node holding its backlog until NTP
            # answers stamps its confirmations by its stale clock): the switch it reports is
            # the one just commanded, and it is current; its readings are not shown.
            self._apply(replace(state, sensors={}), arrived_at=now)

    def _confirms_a_command(self, state: StateMessage) -> bool:
        return any(self._awaited(key, on) is not None for key, on in state.switches.items())

    def _awaited(self, key: str, on: bool) -> asyncio.Event | None:
        """The event of a command waiting for `key` to report `on`, if one is."""
        waiting = self._confirmations.get(key)
        return waiting[1] if waiting is not None and waiting[0] == on else None

    def _behind_shown(self, sample_ts: float, now: float) -> bool:
        """Whether a live sample is older than the one shown: the broker delayed it.

        It is history (the trend takes it) but not the current value. Judged on the node's
        own times, also while its clock is off (the shown one is then timed by its
        arrival). After a value stamped ahead of Home Assistant's clock, every sample is
        taken: the node's clock was being corrected, and its values must not freeze until
        it catches up.
        """
        shown = self._shown_ts
        return shown is not None and sample_ts < shown <= now

    def _watch_clock(self, sample_ts: float, now: float) -> None:
        self.clock.observe(sample_ts, now)
        wanted = (self.clock.offset_s if self.clock.is_off else None,)
        if wanted == self._clock_repair or self._clock_repair_flush is not None:
            return
        if not self._clock_repair_ration.take(time.monotonic()):
            # Each write is an event to every open frontend, and a compromised node's (or
            # anyone's, unsigned) mistimed states rewrote it per message: the latest goes soon.
            self._clock_repair_flush = async_call_later(
                self.hass, 1 / SHOWN_PER_S, self._flush_clock_repair
            )
            return
        self._write_clock_repair()

    def _write_clock_repair(self) -> None:
        offset_s = self.clock.offset_s if self.clock.is_off else None
        if offset_s is not None:
            async_node_clock_off(self.hass, self.node_id, self.config_entry.title, offset_s)
        else:
            async_node_clock_ok(self.hass, self.node_id)
        self._clock_repair = (offset_s,)

    @callback
    def _flush_clock_repair(self, _: datetime) -> None:
        """Write the clock repair that changed beyond the ration (at most every half second)."""
        self._clock_repair_flush = None
        self._write_clock_repair()

    @callback
    def _handle_replay(self, msg: ReceiveMessage) -> None:
        if self._retained(msg):
            return
        try:
            batch = parse_replay_batch(
                msg.topic, msg.payload, prefix=self.prefix, verifier=self._verifier, now=time.time()
            )
        except ProtocolError as err:
            self._reject(msg, err)
            return
        if batch.refused_ack is not None:
            self.rejections.record(msg.topic, batch.refused_ack)
        if batch.from_future:
            future = ProtocolError(RejectionKind.FROM_FUTURE, "replayed samples from the future")
            self.rejections.record(msg.topic, future, batch.from_future)
        self.messages_accepted[TopicKind.REPLAY] += 1
        states = batch.states
        for seq in batch.future_seqs:
            self.resend.arrived_unusable(seq)
        if states:
            self._saw([state.seq for state in states])
        if batch.ack is not None:
            # After its entries: what they filled tells whether the answer came in whole.
            self.resend.acknowledged(batch.ack, batch.first)
            self._requests.ask_for_gaps()
            if self._answer_check is not None:
                self._answer_check()
        self.replayed_samples += len(states)
        if not states:
            return
        for listener in self._samples_listeners:
            listener(states, True)
        self._show_newest_replayed(states)

    def _show_newest_replayed(self, states: list[StateMessage]) -> None:
        """Show the newest replayed reading if it is newer than the one shown and current.

        What a node read while Home Assistant was down (or the broker was) comes back as a
        replay as Home Assistant subscribes; its next live reading may be an interval away,
        and the sensors were unavailable until then. Current as a live reading is: within the
        node's grace of now, by its own time; a node whose clock is off is not judged by it.
        """
        newest = max((state for state in states if state.sensors), key=lambda s: s.ts, default=None)
        if newest is None or self.clock.is_off:
            return
        if self._reading_ts is not None and newest.ts <= self._reading_ts:
            return
        if time.time() - newest.ts > self.reading_grace_s():
            return
        # Replays are history: a switch state in one confirms no command.
        self._apply(replace(newest, switches={}), heard_at=newest.ts)

    def _apply(
        self,
        state: StateMessage,
        *,
        arrived_at: float | None = None,
        heard_at: float | None = None,
    ) -> None:
        """Show a live state; `arrived_at` stands for its time when the node's clock is off.

        `heard_at`: when the node was last heard of it (a replayed one's own time), else now.
        """
        if not self._confirms_a_command(state) and not self._display_ration.take(time.monotonic()):
            # Each shown state writes every entity of the node (nodes.display_ration).
            self.rejections.refuse(
                self.topic(TopicKind.STATE),
                RefusalKind.LIVE_RATIONED,
                f"more than {SHOWN_PER_S:.0f} live states a second: their samples go to "
                "the trend, the entities show one within the ration",
            )
            return
        at = state.ts if arrived_at is None else arrived_at
        # Only announced keys are kept: a node cannot grow this state with made-up keys.
        sensors = self._read_tolerance.merge(
            self.data.sensors,
            {key: value for key, value in state.sensors.items() if key in self._sensor_keys},
            at,
        )
        switches = {
            **self.data.switches,
            **{key: on for key, on in state.switches.items() if key in self._switch_keys},
        }
        for key, on in state.switches.items():
            if (confirmed := self._awaited(key, on)) is not None:
                confirmed.set()
                # Confirmed once: until the command's task resumed, every state repeating
                # the switch passed the display ration too (a burst of them per command).
                del self._confirmations[key]
        now = time.time()
        # Switch states alone (a reconnect's echo, a confirmation) renew no old reading.
        stale = not state.sensors and self._readings_stale(now)
        self._silence.heard(now if heard_at is None else heard_at)
        if state.sensors:
            self._silence.read(at)
        if not self.data.online:
            # A reconnecting client resends its queued states before its "online", which then
            # changes nothing and logs nothing: the log said offline and never that it was back.
            LOGGER.info("Node %s is online", self.node_id)
        # A state says the node is up (availability is unsigned): anyone's "offline" must not
        # start a wait that, a day later, calls a node that keeps sending offline.
        self._track_offline(True)
        self._shown_ts = state.ts
        if state.sensors:
            self._reading_ts = state.ts
        self.async_set_updated_data(
            replace(
                self.data,
                sensors=sensors,
                switches=switches,
                # A node that sends state is up, even if its retained "online" was missed.
                online=True,
                availability_known=True,
                sampled_at=datetime.fromtimestamp(at, UTC),
                readings_stale=stale,
            )
        )

    def _switch_name(self, key: str) -> str:
        """The switch as its node names it: the user knows "Desk LED", not its key "led1"."""
        return next((s.name for s in self.data.announcement.switches if s.key == key), key)

    def _command_deadline(self) -> float | None:
        """When, on the node's clock, a command sent now must no longer be obeyed.

        Our wait ends then (less the confirmation's way back), and the user is told it
        failed. None until a live state showed the node's clock (the node then obeys
        whenever the command arrives, as nodes did before deadlines).
        """
        if (node_now := self._node_clock.node_now(time.monotonic())) is None:
            return None
        return round(node_now + COMMAND_CONFIRM_TIMEOUT_S - CONFIRMATION_TRIP_S, 3)

    async def async_switch(self, key: str, on: bool) -> None:
        """Send a command and wait until the node reports the new state (NodeCommandError)."""
        seq = self._commands.next()
        message = build_command(
            self.node_id,
            key,
            on,
            prefix=self.prefix,
            signer=self._signer,
            seq=seq if self._signer else None,
            ts=time.time() if self._signer else None,
            until=self._command_deadline(),
        )
        if (earlier := self._confirmations.get(key)) is not None:
            # Replaced by this one, as the node replaces a command still waiting its turn.
            earlier[1].set()
        confirmed = asyncio.Event()
        self._confirmations[key] = (on, confirmed)
        try:
            await mqtt.async_publish(self.hass, message.topic, message.payload, qos=1)
            async with asyncio.timeout(COMMAND_CONFIRM_TIMEOUT_S):
                await confirmed.wait()
        except TimeoutError as err:
            raise NodeCommandError(self.config_entry.title, self._switch_name(key)) from err
        finally:
            # Only this command's: a later command for the same switch may wait meanwhile.
            if self._confirmations.get(key, (on, None))[1] is confirmed:
                del self._confirmations[key]
