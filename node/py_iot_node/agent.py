"""The node agent's core: what to publish when, with the broker client and clock injected.

Every method runs on one thread (the runner's event loop), so none of it needs a lock; paho's
callbacks only queue events for it. Samples reach the broker exactly in `seq` order: while
older samples wait in the buffer, new ones queue behind them and leave in replay batches.
The one exception is a state with switch states only (a command's confirmation, the
reconnect's echo): it goes out live past a backlog, held or draining, since Home Assistant
waits 5 s for a confirmation; it carries no reading, so the history stays in order.

The broker's acknowledgement does not mean Home Assistant got a sample: after a broker
restart the node may publish before Home Assistant has subscribed again. So the last sent
samples stay in memory, and Home Assistant asks for those after the last one it saw.

When the wall clock is stepped (NTP's first sync on a Pi without a real-time clock), the
buffered samples taken before are retimed (retiming.py); the samples already sent keep the
time they were sent with, so a resend repeats them exactly. After boot, while the kernel
says the clock is not synchronised yet (clock_sync.py), a backlog is not replayed but held
in the buffer, so that the step retimes it, and new readings queue behind it; switch states
still go out live, as during any drain. Without a backlog, readings go out live as ever. A
signed node obeys no command meanwhile: its clock may be back at a time it was down, and a
command Home Assistant sent then, kept by anyone on the broker, would pass as new.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from . import __version__
from .buffer import SampleBuffer
from .clock_sync import ClockSyncHold, ClockSyncProbe, kernel_clock_sync
from .config import NodeConfig, node_manufacturer, node_model
from .custom_sensors import DEFAULT_MODEL
from .devices import SwitchBank
from .ha_discovery import build_ha_discovery
from .hardware.errors import HardwareError
from .protocol import (
    ADMIT_SPAN,
    MAX_REPLAY_MESSAGES,
    MAX_SEQ,
    MessageSigner,
    MessageVerifier,
    NodeAnnouncement,
    OutboundMessage,
    ProtocolError,
    Quantity,
    ResendRequest,
    SensorInfo,
    SensorSample,
    StateMessage,
    SwitchInfo,
    TopicKind,
    build_announcement,
    build_availability,
    build_replay,
    build_state,
    command_subscription,
    node_topic,
    parse_command,
    parse_resend_request,
    parse_state,
    replay_batch_size,
    restamp_state,
)
from .rejections import RejectionLog
from .retiming import WallClockWatch, boot_clock, drop_misdated, retime_buffered
from .sent_history import SentHistory
from .switch_ration import SwitchRation

_LOGGER = logging.getLogger(__name__)
# Answers to resend requests at most this often; a request in between waits for its turn
# (only the latest one), so one small request cannot make the node send megabytes at will.
RESEND_MIN_INTERVAL_S = 10.0
# The switch states a request asks for leave at most this often, not on the answer's turn:
# Home Assistant reloading a node soon after its last request waits 5 s for them, not 10.
SWITCH_STATES_MIN_INTERVAL_S = 1.0
# Who asked, in the log, for a node without a secret: anyone allowed on its resend topic.
UNSIGNED_ASKER = "an unsigned request (Home Assistant's, or anyone's on the broker)"


class PublishInfo(Protocol):
    """What `publish` returns (paho's MQTTMessageInfo)."""

    @property
    def mid(self) -> int:
        """Message id, matched by the publish acknowledgement."""
        ...

    @property
    def rc(self) -> int:
        """0 when the message was queued for sending."""
        ...

    def wait_for_publish(self, timeout: float | None = None) -> None:
        """Block until the message is sent (acknowledged for QoS 1), or `timeout` passes."""
        ...


class MqttClient(Protocol):
    """The part of paho's Client the agent uses."""

    def publish(
        self, topic: str, payload: bytes, qos: int = 0, retain: bool = False
    ) -> PublishInfo:
        """Queue one message."""
        ...

    def subscribe(self, topic: str, qos: int = 0) -> object:
        """Subscribe to a topic filter."""
        ...


@dataclass(kw_only=True)
class AgentStats:
    """Counters for the log and the tests."""

    live_sent: int = 0
    replayed: int = 0
    buffered: int = 0
    commands: int = 0
    # Commands that came faster than their switch obeys, so waited (the last one won).
    commands_waited: int = 0
    resent: int = 0
    retimed: int = 0
    misdated: int = 0
    damaged: int = 0
    rejected: Counter[str]


class NodeAgent:
    """Publishes announcements, samples and switch states; obeys commands."""

    def __init__(
        self,
        config: NodeConfig,
        client: MqttClient,
        switches: SwitchBank,
        buffer: SampleBuffer,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = boot_clock,
        clock_sync: ClockSyncProbe = kernel_clock_sync,
    ) -> None:
        self.config = config
        self.client = client
        self.switches = switches
        self.buffer = buffer
        self._clock = clock
        self._prefix = config.mqtt.prefix
        self._state_topic = node_topic(self._prefix, config.node_id, TopicKind.STATE)
        self._clock_watch = WallClockWatch(clock, monotonic)
        self._hold = ClockSyncHold(clock_sync, monotonic, config.clock_sync_wait_s)
        self._next_seq = buffer.sequence(clock)
        self._signer = MessageSigner(config.secret) if config.secret else None
        self._verifier = MessageVerifier(config.secret, clock=clock) if config.secret else None
        # Checks the node's own buffered samples before they go (signatures only).
        self._own_signature = MessageVerifier(config.secret) if config.secret else None
        self.connected = False
        self._live_inflight: dict[int, tuple[int, bytes]] = {}
        self._replay_inflight: dict[int, list[tuple[int, bytes]]] = {}
        self._sent = SentHistory(config.resend_max_samples)
        self._resend_topic = node_topic(self._prefix, config.node_id, TopicKind.RESEND)
        self.stats = AgentStats(rejected=Counter())
        self._last_resend_at: float | None = None
        self._pending_resend: ResendRequest | None = None
        self._switch_states_asked = False
        self._last_switch_states_at: float | None = None
        # Sent live since the last answer, to whoever asked: not resent in the answer.
        self._switch_states_seqs: set[int] = set()
        # The latest of them is all the history keeps: a flood of requests pushed it empty.
        self._remembered_switch_states: int | None = None
        self._rejections = RejectionLog(self.stats.rejected, clock)
        self._switch_ration = SwitchRation(monotonic)
        self._switch_configs = {switch.key: switch for switch in config.switches}
        self._clock_stepped = False
        if self._verifier is not None:
            # A command captured before a restart stays old after it.
            self._verifier.restore(buffer.command_seq)
        # What each custom sensor's reader calls itself (set by the runner once opened).
        self.custom_models: dict[str, str] = {}
        # Samples of this boot buffered by an earlier run, before the clock was set.
        self.stats.retimed += retime_buffered(buffer, self._clock_watch, self._restamp)
        misdated, damaged = drop_misdated(buffer)
        if misdated:
            self.stats.misdated += misdated
            _LOGGER.warning(
                "dropped %d buffered samples of an earlier boot: their time is impossible "
                "(the clock was not set when they were taken)",
                misdated,
            )
        if damaged:
            self.stats.damaged += damaged
            _LOGGER.warning("dropped %d buffered samples the buffer file holds damaged", damaged)

    def _restamp(self, payload: bytes, ts: float) -> bytes:
        return restamp_state(payload, ts, topic=self._state_topic, signer=self._signer)

    def _check_clock(self) -> None:
        """Retime the buffered samples when the wall clock was stepped."""
        if (step := self._clock_watch.step()) is None:
            return
        retimed = retime_buffered(self.buffer, self._clock_watch, self._restamp)
        self.stats.retimed += retimed
        _LOGGER.warning("the clock was set %+.1f s; %d buffered samples retimed", step, retimed)
        # Home Assistant sets a command's deadline by this clock as our states show it.
        self._clock_stepped = True

    def announcement(self) -> NodeAnnouncement:
        """Describe this node for the integration."""
        return NodeAnnouncement(
            node_id=self.config.node_id,
            name=self.config.name,
            model=node_model(self.config),
            manufacturer=node_manufacturer(self.config),
            sw_version=__version__,
            sensors=tuple(
                SensorInfo(
                    key=sensor.key,
                    name=sensor.name,
                    quantities=(Quantity.TEMPERATURE, Quantity.HUMIDITY),
                    model=sensor.model.name,
                )
                for sensor in self.config.sensors
            )
            + tuple(
                SensorInfo(
                    key=custom.key,
                    name=custom.name,
                    quantities=custom.quantities,
                    model=self.custom_models.get(custom.key, DEFAULT_MODEL),
                )
                for custom in self.config.custom_sensors
            ),
            switches=tuple(
                SwitchInfo(key=switch.key, name=switch.name) for switch in self.config.switches
            ),
            interval_s=self.config.interval_s,
            dropped=self.buffer.dropped,
            seq=self._next_seq() if self._signer else None,
        )

    def _publish(self, message: OutboundMessage) -> PublishInfo:
        return self.client.publish(message.topic, message.payload, message.qos, message.retain)

    def handle_connected(self) -> None:
        """Announce the node, listen for commands and start sending the backlog."""
        self.connected = True
        node_id = self.config.node_id
        # Subscribed before announcing: a resend request answering the announcement arrives.
        self.client.subscribe(command_subscription(self._prefix, node_id), qos=1)
        self.client.subscribe(self._resend_topic, qos=1)
        self._publish(build_availability(node_id, True, prefix=self._prefix))
        self._publish(
            build_announcement(self.announcement(), prefix=self._prefix, signer=self._signer)
        )
        if self.config.ha_discovery:
            self._publish(build_ha_discovery(self.config, __version__))
        # The switches may have changed while offline; the echo also timestamps the reconnect.
        self._submit_state({})
        _LOGGER.info("connected; %s waiting", _samples(len(self.buffer)))
        self._send_next_replay()

    def handle_disconnected(self) -> None:
        """Keep unacknowledged samples on disk; they go out again as a replay."""
        self.connected = False
        self._park_inflight()

    def _park_inflight(self) -> None:
        for seq, payload in sorted(self._live_inflight.values()):
            self.buffer.append(seq, payload)
        self._live_inflight.clear()
        # Those batches' entries are still in the buffer: only an acknowledgement removes them.
        self._replay_inflight.clear()

    def handle_published(self, mid: int) -> None:
        """Move what the broker acknowledged as message `mid` to the sent history."""
        if (live := self._live_inflight.pop(mid, None)) is not None:
            self._sent.remember([live])
            return
        rows = self._replay_inflight.pop(mid, None)
        if rows is not None:
            self.buffer.remove(seq for seq, _ in rows)
            self._sent.remember(rows)
            self.stats.replayed += len(rows)
            self._send_next_replay()

    def handle_resend_request(self, topic: str, payload: bytes) -> None:
        """Answer with the switch states, live, then every remembered sample after `since`.

        Home Assistant asks as it subscribes (its restart, a reload of the node): the switch
        states let it show the switches at once, not "Unknown" until the next reading. The
        samples go again in replay batches; the last one (an empty one when nothing is newer)
        carries the request's `seq`, so Home Assistant knows it has everything. Samples still
        in the disk buffer follow anyway. The samples leave at most every
        RESEND_MIN_INTERVAL_S, the switch states every SWITCH_STATES_MIN_INTERVAL_S; a
        request in between waits for its turn of each.
        """
        try:
            request = parse_resend_request(
                topic, payload, prefix=self._prefix, verifier=self._verifier
            )
        except ProtocolError as err:
            self._rejections.reject("resend request", topic, err.kind, err)
            return
        if request.node_id != self.config.node_id:
            self._rejections.reject("resend request", topic, "other_node", "not this node's topic")
            return
        if self._verifier is not None:
            # Kept like a command's: a captured request must stay old after a restart.
            self.buffer.command_seq = self._verifier.last_seq
        self._pending_resend = request
        self._switch_states_asked = True
        self.tick()

    def tick(self) -> None:
        """Do what waited for its time: samples held for the clock, a resend request's turn.

        Called by the event loop after every event and at least every 0.2 s.
        """
        self._check_clock()
        if self._clock_stepped and self.connected:
            self._clock_stepped = False
            self._submit_state({})
        self._clock_unsynchronised()
        if self._switch_ration.waiting:
            self._switch_waiting()
        if not self.connected:
            return
        now = self._clock()
        if self._switch_states_asked and not _within(
            now, self._last_switch_states_at, SWITCH_STATES_MIN_INTERVAL_S
        ):
            # First: a large answer would hold them up behind its batches.
            self._switch_states_asked = False
            self._last_switch_states_at = now
            if self._remembered_switch_states is not None:
                # The new one says the same or newer: the older one is no sample to keep.
                self._sent.forget(self._remembered_switch_states)
            seq = self._remembered_switch_states = self._submit_state({})
            self._switch_states_seqs.add(seq)
        request = self._pending_resend
        if request is None or _within(now, self._last_resend_at, RESEND_MIN_INTERVAL_S):
            return
        self._pending_resend = None
        self._last_resend_at = now
        self._answer_resend(request)

    def _answer_resend(self, request: ResendRequest) -> None:
        seqs, self._switch_states_seqs = self._switch_states_seqs, set()
        rows = [row for row in self._sent.after(request.since) if row[0] not in seqs]
        # Only a signed request is surely Home Assistant's: an unsigned one may be anyone's
        # who may publish on the topic, and the log must not say Home Assistant asked.
        asker = "Home Assistant" if self._verifier is not None else UNSIGNED_ASKER
        if request.since == MAX_SEQ:
            # Home Assistant's way of asking for the switch states alone (docs/protocol.md).
            _LOGGER.info("sending the switch states %s asked for", asker)
        else:
            # Not the counter it asked from: a number of nanoseconds, nothing to a reader.
            _LOGGER.info(
                "%s asked for what it missed: %s to send again", asker, _samples(len(rows))
            )
        first = rows[0][0] if rows else None
        while True:
            count = replay_batch_size([payload for _, payload in rows]) if rows else 0
            batch, rows = rows[:count], rows[count:]
            self._publish(
                build_replay(
                    self.config.node_id,
                    [payload for _, payload in batch],
                    prefix=self._prefix,
                    ack=None if rows else request.seq,
                    first=None if rows else first,
                    signer=self._signer,
                )
            )
            self.stats.resent += len(batch)
            if not rows:
                return

    def handle_message(self, topic: str, payload: bytes, *, retained: bool = False) -> None:
        """Route a message from the node's subscriptions; nothing in it may stop the node.

        A retained command or request is ignored: it would be obeyed again on every
        (re)connect, long after it was meant, and a bad one would be met on each start.
        """
        if retained:
            self._rejections.reject(
                "retained message", topic, "retained", "commands are never retained"
            )
            return
        try:
            if topic == self._resend_topic:
                self.handle_resend_request(topic, payload)
            else:
                self.handle_command(topic, payload)
        except Exception as err:
            self._rejections.reject("message", topic, "internal_error", repr(err))

    def handle_sample(
        self, ts: float, sensors: Mapping[str, SensorSample], mono: float | None = None
    ) -> None:
        """Publish (or buffer) one reading of every sensor, taken at `ts`.

        `mono` is the monotonic clock read with `ts`; without it, `ts` is taken to be read
        from the wall clock as it is now.
        """
        self._submit_state(sensors, ts, mono)

    def handle_command(self, topic: str, payload: bytes) -> None:
        """Switch an output as asked and confirm with a state message.

        A switch obeys at most as often as ``SwitchRation`` allows; a command beyond that
        waits for its turn (``tick``), replaced by any later one for the same switch.
        """
        try:
            command = parse_command(topic, payload, prefix=self._prefix, verifier=self._verifier)
        except ProtocolError as err:
            self._rejections.reject("command", topic, err.kind, err)
            return
        if command.node_id != self.config.node_id or command.switch_key not in self.switches:
            self._rejections.reject("command", topic, "unknown_switch", "no such switch")
            return
        if self._verifier is not None:
            self.buffer.command_seq = self._verifier.last_seq
            if self._clock_unsynchronised():
                self._rejections.reject(
                    "command",
                    topic,
                    "clock_not_synchronised",
                    "the clock may be set back to before the node went down: a command "
                    "Home Assistant sent then, kept by anyone on the broker, would pass as new",
                )
                return
        key = command.switch_key
        until = None
        if command.until is not None:
            if (late_s := self._clock() - command.until) > 0:
                self._refuse_late(topic, key, late_s)
                return
            # Judged by the monotonic clock while it waits: an NTP step neither ends nor extends it.
            until = self._clock_watch.monotonic() - late_s
        self.stats.commands += 1
        if not self._switch_ration.ask(key, command.on, until):
            self.stats.commands_waited += 1
            if self._rejections.may_log("switch_waited"):
                _LOGGER.warning(
                    "switch %r: commands come faster than it obeys them; the last one asked "
                    "is applied in turn (%d waited so far)",
                    key,
                    self.stats.commands_waited,
                )
            return
        self._switch(key, command.on)
        self._submit_state({})

    def _clock_unsynchronised(self) -> bool:
        """Whether the hold for the clock's synchronisation lasts; the backlog goes as it ends."""
        if self._hold.update():
            self._send_next_replay()
        return self._hold.holding

    def _refuse_late(self, topic: str, key: str, late_s: float) -> None:
        """Drop a command Home Assistant has given up on; say what the switch really is.

        Obeyed now, the switch would change although the user was told it failed, perhaps long
        after anyone wanted it (a link that stalled, an outage, someone delaying traffic).
        """
        self._rejections.reject(
            "command",
            topic,
            "late",
            f"{late_s:.1f} s past its deadline: Home Assistant has called it failed",
        )
        if self._switch_ration.report(key):
            self._submit_state({})

    def _switch_waiting(self) -> None:
        """Apply the waiting commands whose turn has come, and confirm them."""
        report = False
        for key in self._switch_ration.lapsed():
            topic = node_topic(self._prefix, self.config.node_id, TopicKind.COMMAND, key)
            self._rejections.reject(
                "command", topic, "late", "its deadline passed while it waited its turn"
            )
            report = self._switch_ration.report(key) or report
        due = self._switch_ration.due()
        for key, on in due.items():
            self._switch(key, on)
        if due or report:
            self._submit_state({})

    def _switch(self, key: str, on: bool) -> None:
        try:
            self.switches.set(key, on)
        except HardwareError:
            _LOGGER.exception("cannot switch %s", key)
        else:
            self.buffer.save_switch_state(key, on)
            # What a user looks for on the node when the LED did not do what they asked;
            # the switch ration bounds how often this is logged.
            switch = self._switch_configs[key]
            _LOGGER.info(
                "%s (%s, GPIO%d) switched %s by a command",
                switch.name,
                key,
                switch.pin,
                "on" if on else "off",
            )

    def _submit_state(
        self,
        sensors: Mapping[str, SensorSample],
        ts: float | None = None,
        mono: float | None = None,
    ) -> int:
        """Publish (or buffer) the switch states with `sensors`; the message's `seq`."""
        self._check_clock()
        watch = self._clock_watch
        if ts is None:
            ts, mono = watch.clock(), watch.monotonic()
        elif mono is None:
            mono = watch.monotonic_at(ts)
        state = StateMessage(
            node_id=self.config.node_id,
            ts=watch.corrected(round(ts, 3), mono),
            seq=self._next_seq(),
            sensors=dict(sensors),
            switches=dict(self.switches.states),
        )
        message = build_state(state, prefix=self._prefix, signer=self._signer)
        live = not len(self.buffer) and not self._replay_inflight
        if not live and not sensors:
            # Readings queue behind a backlog (held for the clock, or draining); switch
            # states (a command's confirmation) must show now: Home Assistant waits 5 s.
            live = self._may_overtake_backlog(state.seq)
        if self.connected and live:
            info = self._publish(message)
            if info.rc == 0:
                self._live_inflight[info.mid] = (state.seq, message.payload)
                self.stats.live_sent += 1
                return state.seq
            # paho queues a QoS 1 message it could not send and sends it after reconnecting.
            mono = None
        self.buffer.append(state.seq, message.payload, mono)
        self.stats.buffered += 1
        if self.connected:
            self._send_next_replay()
        return state.seq

    def _may_overtake_backlog(self, seq: int) -> bool:
        """Whether the message numbered `seq` may reach Home Assistant before the buffered samples.

        A signing node's only within ADMIT_SPAN of the oldest: Home Assistant admits each
        counter once, remembering the ADMIT_SPAN below the newest, and refuses anything
        older (a backlog from before a restart, whose counter jumped by the time down).
        """
        if self._signer is None:
            return True
        oldest = self.buffer.oldest(1)
        return not oldest or seq - oldest[0][0] < ADMIT_SPAN

    def _send_next_replay(self) -> None:
        """Send the oldest buffered samples as one batch, unless a batch is on its way."""
        self._check_clock()
        if self._hold.holding or not self.connected:
            return
        if self._replay_inflight or not len(self.buffer):
            return
        rows: list[tuple[int, bytes]] = []
        while not rows and len(self.buffer):
            rows = self._sendable(self.buffer.oldest(MAX_REPLAY_MESSAGES))
        if not rows:
            return
        rows = rows[: replay_batch_size([payload for _, payload in rows])]
        batch = build_replay(
            self.config.node_id, [payload for _, payload in rows], prefix=self._prefix
        )
        info = self._publish(batch)
        # Sealed even when the publish failed: paho keeps the batch and sends it on reconnect.
        self.buffer.seal(seq for seq, _ in rows)
        if info.rc == 0:
            self._replay_inflight[info.mid] = rows

    def _sendable(self, rows: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
        """The buffered samples Home Assistant would accept; the others are dropped.

        It refuses a whole replay batch for one bad entry, and the broker's acknowledgement
        then takes the batch out of the buffer: one sample damaged on the SD card (SQLite
        keeps no checksums), or stamped by a clock never set, cost up to 199 good ones.
        """
        refused = [seq for seq, payload in rows if not self._acceptable(payload)]
        if not refused:
            return rows
        self.buffer.remove(refused)
        self.stats.damaged += len(refused)
        self._rejections.reject(
            "buffered samples", self._state_topic, "damaged", "Home Assistant would refuse them"
        )
        dropped = set(refused)
        return [(seq, payload) for seq, payload in rows if seq not in dropped]

    def _acceptable(self, payload: bytes) -> bool:
        try:
            parse_state(self._state_topic, payload, prefix=self._prefix)
            if self._own_signature is not None:
                self._own_signature.check_signature(self._state_topic, json.loads(payload))
        except ProtocolError:
            return False
        return True

    def shutdown(self) -> PublishInfo | None:
        """Say goodbye, keep what is unsent and let go of the pins; returns the offline publish."""
        info = None
        if self.connected:
            info = self._publish(
                build_availability(self.config.node_id, False, prefix=self._prefix)
            )
        self.connected = False
        self._park_inflight()
        self.switches.release()
        return info


def _within(now: float, last: float | None, interval_s: float) -> bool:
    """Whether `now` is less than `interval_s` after `last` (a clock stepped back is not)."""
    return last is not None and 0 <= now - last < interval_s


def _samples(count: int) -> str:
    """A count of samples for the log: "1 sample", "3 samples"."""
    return f"{count} sample" if count == 1 else f"{count} samples"
