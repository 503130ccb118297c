"""Threads around the agent: paho's network loop, the sensor reader and one event loop.

paho's callbacks and the reader only put events on a queue; the event loop (the caller's
thread) owns the agent, so the agent needs no locks and a slow sensor never delays the network.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import paho.mqtt.client as paho
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from .agent import AgentStats, NodeAgent
from .buffer import SampleBuffer
from .clock_sync import ClockSyncProbe, kernel_clock_sync
from .command_gate import CommandGate
from .config import NodeConfig
from .custom_sensors import CustomSensorChannel
from .devices import Channel, SwitchBank, open_sensors, open_switches, read_all
from .mqtt import connect_in_background, create_client
from .protocol import MAX_PAYLOAD_BYTES, SensorSample
from .rejections import RejectionLog
from .repeated_readings import restore_repeated_readings, save_repeated_readings
from .retiming import boot_clock

_LOGGER = logging.getLogger(__name__)
SHUTDOWN_PUBLISH_TIMEOUT_S = 3.0
# Incoming messages waiting for the event loop beyond this are dropped (a flood of commands
# must not grow the node's memory), the gate's doubtful ones and the ones it admits counted
# apart; samples and acknowledgements are never dropped. With payloads over
# MAX_PAYLOAD_BYTES dropped on arrival, the doubtful ones hold at most 16 MiB, the admitted
# ones (MAX_CHECKED_PAYLOAD_BYTES each) 0.5 MiB.
MAX_QUEUED_MESSAGES = 1000
# Above the longest topic a command or resend request comes on (336 characters: a prefix of
# four 64-character levels, a 32-character node id and switch key). MQTT allows 64 KiB, and
# the `+` of the command subscription takes any: such topics would hold 64 MiB in the queue.
MAX_TOPIC_LENGTH = 512
READER_JOIN_TIMEOUT_S = 10.0
# CONNACK's "Unsupported protocol version" (MQTT 5's 0x84; paho reads a 3.1.1 broker's 1 as it).
UNSUPPORTED_PROTOCOL_VERSION = 0x84


@dataclass(frozen=True, slots=True)
class Connected:
    """The broker accepted the connection."""


@dataclass(frozen=True, slots=True)
class Disconnected:
    """The connection is gone; paho reconnects on its own."""


@dataclass(frozen=True, slots=True)
class Published:
    """The broker acknowledged message `mid`."""

    mid: int


@dataclass(frozen=True, slots=True)
class CommandReceived:
    """A command or resend request the gate found the agent will take."""

    topic: str
    payload: bytes
    retained: bool = False


@dataclass(frozen=True, slots=True)
class DoubtfulMessage:
    """Any other message on the node's subscriptions: judged (counted, logged) after the rest."""

    topic: str
    payload: bytes
    retained: bool = False


@dataclass(frozen=True, slots=True)
class SampleTaken:
    """Every sensor was read, starting at `ts` (monotonic time `mono`)."""

    ts: float
    sensors: Mapping[str, SensorSample]
    mono: float


type Event = Connected | Disconnected | Published | CommandReceived | DoubtfulMessage | SampleTaken


class EventQueue(queue.Queue[Event]):
    """The event loop's queue: doubtful messages wait behind every other event.

    A flood of them cannot hold up a command the gate admitted, a sample or an
    acknowledgement; the others keep their order. (queue.Queue's documented way to change
    its order, as PriorityQueue does: these run under its lock.)
    """

    def _init(self, maxsize: int) -> None:
        self.queue: deque[Event] = deque()
        self.doubtful: deque[Event] = deque()

    def _qsize(self) -> int:
        return len(self.queue) + len(self.doubtful)

    def _put(self, item: Event) -> None:
        (self.doubtful if isinstance(item, DoubtfulMessage) else self.queue).append(item)

    def _get(self) -> Event:
        return self.queue.popleft() if self.queue else self.doubtful.popleft()

    def waiting(self) -> tuple[int, int]:
        """How many doubtful messages, and how many other events, wait."""
        with self.mutex:
            return len(self.doubtful), len(self.queue)


class EventForwarder:
    """paho callbacks (API version 2, on paho's network thread) that only queue events."""

    def __init__(
        self,
        events: EventQueue,
        gate: CommandGate,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.events = events
        self.gate = gate
        self.messages_dropped = 0
        # One line per reason per 5 minutes: a flood drops thousands a second, at its pace.
        self._drop_log = RejectionLog(Counter(), monotonic)

    def attach(self, client: paho.Client) -> None:
        """Install the callbacks on `client`."""
        client.on_connect = self.on_connect
        client.on_disconnect = self.on_disconnect
        client.on_publish = self.on_publish
        client.on_message = self.on_message

    def on_connect(
        self,
        _client: paho.Client,
        _userdata: object,
        _flags: paho.ConnectFlags,
        reason_code: ReasonCode,
        _properties: Properties | None,
    ) -> None:
        """Report an accepted connection; log a refused one (paho retries)."""
        if reason_code.is_failure:
            hint = (
                " (a broker without MQTT 5: set mqtt.protocol: 3.1.1 in the node's config)"
                if reason_code.value == UNSUPPORTED_PROTOCOL_VERSION
                else ""
            )
            _LOGGER.error("broker refused the connection: %s%s", reason_code, hint)
            return
        self.events.put(Connected())

    def on_disconnect(
        self,
        _client: paho.Client,
        _userdata: object,
        _flags: paho.DisconnectFlags,
        reason_code: ReasonCode,
        _properties: Properties | None,
    ) -> None:
        """Report a lost connection; a warning unless the agent disconnected itself."""
        if reason_code.is_failure:
            _LOGGER.warning("disconnected from the broker: %s", reason_code)
        else:
            _LOGGER.info("disconnected from the broker")
        self.events.put(Disconnected())

    def on_publish(
        self,
        _client: paho.Client,
        _userdata: object,
        mid: int,
        _reason_code: ReasonCode,
        _properties: Properties | None,
    ) -> None:
        """Report an acknowledged message."""
        self.events.put(Published(mid))

    def on_message(
        self, _client: paho.Client, _userdata: object, message: paho.MQTTMessage
    ) -> None:
        """Queue a command or a resend request, unless it is oversized or too many wait.

        What the gate admits goes ahead of the rest, and is not dropped for the rest's sake:
        a stranger's flood filling the queue must not cost the node its owner's command.
        """
        if len(message.payload) > MAX_PAYLOAD_BYTES:
            # No command or resend request is this big: a stranger's payload is not kept.
            self._drop(f"larger than {MAX_PAYLOAD_BYTES} bytes")
            return
        try:
            topic = message.topic
        except UnicodeDecodeError:
            # paho decodes on access; raised here, it would end its network thread.
            self._drop("a topic that is not UTF-8")
            return
        if len(topic) > MAX_TOPIC_LENGTH:
            self._drop(f"a topic longer than {MAX_TOPIC_LENGTH} characters")
            return
        retained = bool(message.retain)
        doubtful, others = self.events.waiting()
        if self.gate.admits(topic, message.payload, retained=retained):
            # Bounded apart: only for a node without a secret can anyone send such messages.
            if others >= MAX_QUEUED_MESSAGES:
                self._drop("too many commands queued")
                return
            self.events.put(CommandReceived(topic, message.payload, retained))
            return
        if doubtful >= MAX_QUEUED_MESSAGES:
            self._drop("too many queued")
            return
        self.events.put(DoubtfulMessage(topic, message.payload, retained))

    def _drop(self, why: str) -> None:
        """Count a dropped incoming message; log one line per reason per 5 minutes."""
        self.messages_dropped += 1
        if self._drop_log.may_log(why):
            _LOGGER.warning("%d incoming messages dropped: %s", self.messages_dropped, why)


def read_periodically(
    sensors: Sequence[Channel],
    interval_s: float,
    events: queue.Queue[Event],
    stop: threading.Event,
    *,
    clock: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = boot_clock,
) -> None:
    """Read every sensor each `interval_s` until `stop` is set (the reader thread's body)."""
    next_at = monotonic()
    while not stop.is_set():
        ts, mono = clock(), monotonic()
        events.put(SampleTaken(ts, read_all(sensors), mono))
        # A read slower than the interval shifts the schedule instead of bunching reads.
        next_at = max(next_at + interval_s, monotonic())
        stop.wait(next_at - monotonic())


def dispatch(agent: NodeAgent, event: Event) -> None:
    """Hand one event to the agent."""
    match event:
        case Connected():
            agent.handle_connected()
        case Disconnected():
            agent.handle_disconnected()
        case Published(mid):
            agent.handle_published(mid)
        case CommandReceived(topic, payload, retained) | DoubtfulMessage(topic, payload, retained):
            agent.handle_message(topic, payload, retained=retained)
        case SampleTaken(ts, sensors, mono):
            agent.handle_sample(ts, sensors, mono)


def _drain(agent: NodeAgent, events: queue.Queue[Event]) -> None:
    while True:
        try:
            event = events.get_nowait()
        except queue.Empty:
            return
        # Late samples still go to the buffer; commands are not obeyed while stopping.
        if not isinstance(event, CommandReceived | DoubtfulMessage):
            dispatch(agent, event)


def run_node(
    config: NodeConfig,
    stop: threading.Event,
    *,
    client: paho.Client | None = None,
    sensors: Sequence[Channel] | None = None,
    switches: SwitchBank | None = None,
    clock: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = boot_clock,
    clock_sync: ClockSyncProbe = kernel_clock_sync,
) -> AgentStats:
    """Run the node until `stop` is set, then publish offline, release the pins and disconnect."""
    with contextlib.ExitStack() as resources:
        buffer = SampleBuffer(config.buffer_path, config.buffer_max_samples)
        resources.callback(buffer.close)
        channels = list(open_sensors(config) if sensors is None else sensors)
        for channel in channels:
            resources.callback(channel.close)
        restore_repeated_readings(channels, config.state_dir)
        resources.callback(save_repeated_readings, channels, config.state_dir)
        bank = open_switches(config, buffer.switch_states()) if switches is None else switches
        resources.callback(bank.gpio.close)
        mqtt = create_client(config) if client is None else client
        agent = NodeAgent(
            config, mqtt, bank, buffer, clock=clock, monotonic=monotonic, clock_sync=clock_sync
        )
        agent.custom_models = {
            channel.config.key: channel.model
            for channel in channels
            if isinstance(channel, CustomSensorChannel)
        }
        _run_until_stopped(
            config, agent, mqtt, channels=channels, stop=stop, clock=clock, monotonic=monotonic
        )
        return agent.stats


def _run_until_stopped(
    config: NodeConfig,
    agent: NodeAgent,
    mqtt: paho.Client,
    *,
    channels: Sequence[Channel],
    stop: threading.Event,
    clock: Callable[[], float],
    monotonic: Callable[[], float],
) -> None:
    events = EventQueue()
    forwarder = EventForwarder(
        events, CommandGate(config, last_seq=agent.buffer.command_seq, clock=clock)
    )
    forwarder.attach(mqtt)
    reader = threading.Thread(
        target=read_periodically,
        args=(channels, config.interval_s, events, stop),
        kwargs={"clock": clock, "monotonic": monotonic},
        name="py-iot-node-reader",
        daemon=True,
    )
    connect_in_background(mqtt, config)
    mqtt.loop_start()
    reader.start()
    _LOGGER.info(
        "node %s started, broker %s:%d", config.node_id, config.mqtt.host, config.mqtt.port
    )
    if config.mqtt.protocol == "3.1.1":
        _LOGGER.warning(
            "MQTT 3.1.1: the broker cannot be told the largest message the node takes; cap "
            "messages on the broker instead (docs/broker.md)"
        )
    try:
        while not stop.is_set():
            try:
                event = events.get(timeout=0.2)
            except queue.Empty:
                agent.tick()
                continue
            dispatch(agent, event)
            agent.tick()
    finally:
        stop.set()
        reader.join(READER_JOIN_TIMEOUT_S)
        _drain(agent, events)
        goodbye = agent.shutdown()
        if goodbye is not None and goodbye.rc == 0:
            try:
                goodbye.wait_for_publish(SHUTDOWN_PUBLISH_TIMEOUT_S)
            except RuntimeError:
                _LOGGER.warning("could not publish offline before stopping")
        mqtt.disconnect()
        mqtt.loop_stop()
        _LOGGER.info(
            "node %s stopped: %s; %d incoming messages dropped",
            config.node_id,
            agent.stats,
            forwarder.messages_dropped,
        )
