"""The node's sensor channels, switch bank, paho client setup and event plumbing."""

from __future__ import annotations

import logging
import queue
import ssl
import threading
from pathlib import Path

import pytest
from paho.mqtt.client import ConnectFlags, DisconnectFlags, MQTTMessage, MQTTv5, MQTTv311
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.reasoncodes import ReasonCode
from py_iot_node import devices
from py_iot_node.command_gate import CommandGate
from py_iot_node.config import SensorConfig
from py_iot_node.devices import (
    SensorChannel,
    SwitchBank,
    open_sensors,
    open_switches,
    read_all,
    simulation_seed,
)
from py_iot_node.hardware.dht import DhtModel, DhtReadError, DhtReading
from py_iot_node.hardware.errors import HardwareUnavailableError
from py_iot_node.hardware.gpio import PinInUseError, SimulatedGpioBackend
from py_iot_node.mqtt import create_client
from py_iot_node.protocol import MAX_PAYLOAD_BYTES, SensorSample
from py_iot_node.runner import (
    MAX_QUEUED_MESSAGES,
    CommandReceived,
    Connected,
    Disconnected,
    DoubtfulMessage,
    Event,
    EventForwarder,
    EventQueue,
    Published,
    SampleTaken,
    read_periodically,
)

from .conftest import START, FakeClock, make_config

SENSOR = SensorConfig(key="climate", name="Climate", model=DhtModel.DHT22, pin=4)


def _forwarder(events: EventQueue, tmp_path: Path) -> EventForwarder:
    """The forwarder of a node without a secret (make_config's), as the runner makes it."""
    return EventForwarder(events, CommandGate(make_config(tmp_path)))


class ScriptedDht:
    """Returns (or raises) the scripted results in turn."""

    name = "scripted"

    def __init__(self, *results: DhtReading | DhtReadError) -> None:
        self.results = list(results)
        self.closed = False

    def read(self) -> DhtReading:
        result = self.results.pop(0)
        if isinstance(result, DhtReadError):
            raise result
        return result

    def close(self) -> None:
        self.closed = True


def test_sensor_channel_filters_and_rounds() -> None:
    clock = FakeClock()
    dht = ScriptedDht(
        DhtReading(temperature=21.456, humidity=40.001),
        DhtReadError("checksum"),
        DhtReading(temperature=21.5, humidity=140.0),
    )
    channel = SensorChannel(SENSOR, dht, clock=clock)
    assert channel.read() == SensorSample(temperature=21.46, humidity=40.0)
    clock.now += 30
    assert channel.read() == SensorSample()
    clock.now += 30
    assert channel.read() == SensorSample()  # humidity above 100 %: implausible
    counts = channel.reading_filter.counts
    assert (counts.reads_ok, counts.failed_reads, counts.rejected_out_of_range) == (1, 1, 1)
    channel.close()
    assert dht.closed


def test_simulated_sensors_are_seeded_by_node(tmp_path: Path) -> None:
    assert simulation_seed("kitchen", "climate") != simulation_seed("bathroom", "climate")
    config = make_config(tmp_path)
    first = read_all(open_sensors(config))
    again = read_all(open_sensors(config))
    assert set(first) == {"climate"}
    assert first == again  # same node id, same second: the same reading


def test_open_sensors_closes_opened_ones_when_one_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(
        tmp_path, sensors=[{"key": "a", "pin": 4}, {"key": "b", "pin": 5}, {"key": "c", "pin": 6}]
    )
    opened: list[ScriptedDht] = []

    def create(model: DhtModel, pin: int, preference: str, *, seed: int) -> ScriptedDht:
        if pin == 5:
            raise HardwareUnavailableError("no library")
        opened.append(ScriptedDht())
        return opened[-1]

    monkeypatch.setattr(devices, "create_dht_backend", create)
    with pytest.raises(HardwareUnavailableError):
        devices.open_sensors(config)
    assert [dht.closed for dht in opened] == [True]


def test_switch_bank_claims_and_releases(tmp_path: Path) -> None:
    config = make_config(
        tmp_path,
        switches=[
            {"key": "led", "pin": 17, "initial_on": True},
            {"key": "relay", "pin": 27, "active_high": False},
        ],
    )
    bank = open_switches(config)
    gpio = bank.gpio
    assert isinstance(gpio, SimulatedGpioBackend)
    assert gpio.states == {17: True, 27: False}
    assert gpio.levels == {17: True, 27: True}
    assert bank.states == {"led": True, "relay": False}
    assert "led" in bank
    assert "fan" not in bank
    bank.set("relay", True)
    assert gpio.levels[27] is False
    bank.release()
    assert gpio.states == {}


def test_switch_bank_setup_failure_releases_claimed_pins(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    gpio = SimulatedGpioBackend()
    gpio.setup_output(27, active_high=True, initial_on=False)  # someone else holds GPIO27
    bank = SwitchBank(gpio, config.switches)
    with pytest.raises(PinInUseError):
        bank.setup()
    assert gpio.released == [17]
    assert bank.states == {}


def test_create_client_sets_credentials_will_and_tls(tmp_path: Path) -> None:
    ca_file = Path(ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt")
    if not ca_file.exists():
        pytest.skip("no CA bundle to load")
    config = make_config(
        tmp_path,
        mqtt={
            "host": "broker",
            "username": "node",
            "password": "pw",
            "tls": {"ca_file": str(ca_file)},
        },
    )
    client = create_client(config)
    assert client._client_id.startswith(b"py-iot-node-kitchen-")
    assert client._username == b"node"
    assert client._password == b"pw"
    assert client._will_topic == b"py_iot_home/kitchen/availability"
    assert client._will_payload == b"offline"
    assert client._will_retain
    assert client._will_qos == 1
    assert client._ssl_context is not None
    assert client._ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert client._ssl_context.check_hostname
    assert (client._reconnect_min_delay, client._reconnect_max_delay) == (1, 60)
    plain = create_client(make_config(tmp_path))
    assert plain._ssl_context is None
    assert plain._username is None


def test_create_client_insecure_tls_is_explicit(tmp_path: Path) -> None:
    config = make_config(tmp_path, mqtt={"tls": {"insecure": True}})
    client = create_client(config)
    assert client._ssl_context is not None
    assert not client._ssl_context.check_hostname
    assert client._ssl_context.verify_mode == ssl.CERT_NONE


def test_paho_callbacks_become_events(tmp_path: Path) -> None:
    client = create_client(make_config(tmp_path))
    events = EventQueue()
    forwarder = _forwarder(events, tmp_path)
    forwarder.attach(client)
    assert client.on_connect == forwarder.on_connect
    assert client.on_message == forwarder.on_message
    refused = ReasonCode(PacketTypes.CONNACK, "Not authorized")
    forwarder.on_connect(client, None, ConnectFlags(False), refused, None)
    forwarder.on_connect(client, None, ConnectFlags(False), ReasonCode(PacketTypes.CONNACK), None)
    lost = ReasonCode(PacketTypes.DISCONNECT, "Unspecified error")
    forwarder.on_disconnect(client, None, DisconnectFlags(False), lost, None)
    forwarder.on_publish(client, None, 7, ReasonCode(PacketTypes.PUBACK), None)
    message = MQTTMessage(topic=b"py_iot_home/kitchen/switch/led/set")
    message.payload = b"ON"
    forwarder.on_message(client, None, message)
    received = [events.get_nowait() for _ in range(events.qsize())]
    # The refused connection is logged, not reported as connected.
    assert received == [
        Connected(),
        Disconnected(),
        Published(7),
        CommandReceived("py_iot_home/kitchen/switch/led/set", b"ON"),
    ]


def test_only_a_lost_connection_is_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The agent's own disconnect as it stops (a restart, Ctrl-C) was a warning too."""
    client = create_client(make_config(tmp_path))
    events = EventQueue()
    forwarder = _forwarder(events, tmp_path)
    asked = ReasonCode(PacketTypes.DISCONNECT, "Normal disconnection")
    lost = ReasonCode(PacketTypes.DISCONNECT, "Unspecified error")
    with caplog.at_level(logging.INFO, logger="py_iot_node.runner"):
        forwarder.on_disconnect(client, None, DisconnectFlags(False), asked, None)
        forwarder.on_disconnect(client, None, DisconnectFlags(False), lost, None)
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ("INFO", "disconnected from the broker"),
        ("WARNING", "disconnected from the broker: Unspecified error"),
    ]
    assert [events.get_nowait() for _ in range(events.qsize())] == [Disconnected()] * 2


def test_a_broker_without_mqtt_5_is_told_apart_and_3_1_1_can_be_chosen(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A broker that speaks only MQTT 3.1.1 refuses the node's MQTT 5 connection: the log
    line says what to set, and the node set to it connects with 3.1.1."""
    assert create_client(make_config(tmp_path)).protocol == MQTTv5
    config = make_config(tmp_path, mqtt={"protocol": "3.1.1"})
    client = create_client(config)
    assert client.protocol == MQTTv311
    forwarder = _forwarder(EventQueue(), tmp_path)
    unsupported = ReasonCode(PacketTypes.CONNACK, identifier=0x84)
    with caplog.at_level(logging.ERROR, logger="py_iot_node.runner"):
        forwarder.on_connect(client, None, ConnectFlags(False), unsupported, None)
    assert caplog.messages == [
        "broker refused the connection: Unsupported protocol version (a broker without MQTT 5: "
        "set mqtt.protocol: 3.1.1 in the node's config)"
    ]


def test_oversized_and_flooding_messages_are_dropped_before_queueing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A stranger's big payloads or flood cannot grow the node's memory."""
    client = create_client(make_config(tmp_path))
    events = EventQueue()
    forwarder = _forwarder(events, tmp_path)
    topic = b"py_iot_home/kitchen/switch/led/set"
    for size in (MAX_PAYLOAD_BYTES + 1, 50 * 1024 * 1024):
        big = MQTTMessage(topic=topic)
        big.payload = b"x" * size
        forwarder.on_message(client, None, big)
    assert events.qsize() == 0
    largest = MQTTMessage(topic=topic)
    largest.payload = b"x" * MAX_PAYLOAD_BYTES
    for _ in range(MAX_QUEUED_MESSAGES + 5):
        forwarder.on_message(client, None, largest)
    assert events.qsize() == MAX_QUEUED_MESSAGES
    assert forwarder.messages_dropped == 2 + 5
    # One line for the first drop of each reason, not one per message.
    dropped_lines = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert dropped_lines == [
        f"1 incoming messages dropped: larger than {MAX_PAYLOAD_BYTES} bytes",
        "3 incoming messages dropped: too many queued",
    ]


def test_a_topic_longer_than_any_command_topic_is_dropped_before_queueing(
    tmp_path: Path,
) -> None:
    """MQTT allows topics of 64 KiB, and the command subscription's `+` level takes any: a
    stranger's 1,000 queued messages held 64 MiB of topics beside their payloads, not the
    16 MiB of payloads the queue's bound promised."""
    client = create_client(make_config(tmp_path))
    events = EventQueue()
    forwarder = _forwarder(events, tmp_path)
    longest_prefix = "/".join(["p" * 64] * 4)
    longest = f"{longest_prefix}/{'n' * 32}/switch/{'k' * 32}/set"
    for topic in (longest, f"py_iot_home/kitchen/switch/{'k' * 65_000}/set"):
        message = MQTTMessage(topic=topic.encode())
        message.payload = b"ON"
        forwarder.on_message(client, None, message)
    assert [events.get_nowait() for _ in range(events.qsize())] == [DoubtfulMessage(longest, b"ON")]
    assert forwarder.messages_dropped == 1


def test_a_topic_that_is_not_utf8_is_dropped(tmp_path: Path) -> None:
    """Mosquitto refuses such topics; another broker might pass one on to the node."""
    client = create_client(make_config(tmp_path))
    events = EventQueue()
    forwarder = _forwarder(events, tmp_path)
    message = MQTTMessage(topic=b"py_iot_home/kitchen/switch/\xff/set")
    message.payload = b"ON"
    forwarder.on_message(client, None, message)
    assert events.qsize() == 0
    assert forwarder.messages_dropped == 1


def test_reader_reads_each_interval_until_stopped() -> None:
    dht = ScriptedDht(*(DhtReading(temperature=20.0 + i, humidity=50.0) for i in range(100)))
    channel = SensorChannel(SENSOR, dht, reading_filter=None)
    events: queue.Queue[Event] = queue.Queue()
    stop = threading.Event()
    reader = threading.Thread(
        target=read_periodically,
        args=([channel], 0.01, events, stop),
        kwargs={"clock": lambda: START},
    )
    reader.start()
    first = events.get(timeout=5)
    second = events.get(timeout=5)
    stop.set()
    reader.join(5)
    assert not reader.is_alive()
    assert isinstance(first, SampleTaken)
    assert isinstance(second, SampleTaken)
    assert first.ts == START
    assert first.sensors["climate"].temperature == 20.0
    assert second.sensors["climate"].temperature == 21.0


def test_a_dht22_repeating_one_reading_for_hours_reads_as_stuck_a_dht11_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(
        tmp_path,
        sensors=[
            {"key": "a", "pin": 4, "model": "dht22"},
            {"key": "b", "pin": 5, "model": "dht11"},
        ],
    )
    monkeypatch.setattr(
        devices, "create_dht_backend", lambda model, pin, preference, *, seed: ScriptedDht()
    )
    channels = open_sensors(config)
    same = DhtReading(temperature=21.0, humidity=45.0)
    last = {
        channel.config.key: [
            channel.reading_filter.accept(same, at=START + minute * 60.0) for minute in range(361)
        ][-1]
        for channel in channels
        if isinstance(channel, SensorChannel)
    }
    assert (last["a"].accepted, last["a"].reason) == (False, "stuck")
    assert last["b"].accepted


def test_a_wall_clock_step_is_no_time_a_sensor_repeated_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NTP steps a Pi's clock by the hours its power was off: a steady room read 20 times
    in 100 s before the step is not "stuck" after it."""
    wall = [1_000_000.0]
    monkeypatch.setattr(devices.time, "time", lambda: wall[0])
    same = DhtReading(temperature=21.0, humidity=45.0)
    channel = SensorChannel(
        SENSOR,
        ScriptedDht(*[same] * 25),
        reading_filter=devices.ReadingFilter(stuck_after_s=6 * 3600.0),
    )
    samples = []
    for index in range(25):
        if index == 20:
            wall[0] += 8 * 3600.0  # the step
        samples.append(channel.read())
        wall[0] += 5.0
    assert all(sample == SensorSample(temperature=21.0, humidity=45.0) for sample in samples)
