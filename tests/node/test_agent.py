"""The node agent's logic, against a recording client: no broker, no threads, no hardware."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from pathlib import Path

import pytest
from py_iot_node.agent import NodeAgent
from py_iot_node.buffer import SampleBuffer
from py_iot_node.cli import install_signal_handlers
from py_iot_node.config import NodeConfig, node_manufacturer, node_model
from py_iot_node.devices import SensorChannel, SwitchBank
from py_iot_node.hardware.dht import SimulatedDhtBackend
from py_iot_node.hardware.gpio import SimulatedGpioBackend
from py_iot_node.protocol import (
    MAX_REPLAY_MESSAGES,
    MessageSigner,
    MessageVerifier,
    RejectionKind,
    SensorSample,
    build_command,
    parse_announcement,
    parse_availability,
    parse_replay,
    parse_state,
)
from py_iot_node.runner import run_node

from .conftest import START, FakeClient, FakeClock, make_config
from .loopback import LoopbackClient

ANNOUNCE = "py_iot_home/kitchen/announce"
AVAILABILITY = "py_iot_home/kitchen/availability"
STATE = "py_iot_home/kitchen/state"
REPLAY = "py_iot_home/kitchen/replay"
LED_SET = "py_iot_home/kitchen/switch/led/set"
SECRET = "a shared secret of the kitchen node"


def reading(temperature: float) -> dict[str, SensorSample]:
    return {"climate": SensorSample(temperature=temperature, humidity=45.0)}


@pytest.fixture
def agent(
    config: NodeConfig,
    client: FakeClient,
    switches: SwitchBank,
    buffer: SampleBuffer,
    clock: FakeClock,
) -> NodeAgent:
    return NodeAgent(config, client, switches, buffer, clock=clock, monotonic=clock.monotonic)


def connect(agent: NodeAgent, client: FakeClient) -> None:
    agent.handle_connected()
    for message in client.take():
        agent.handle_published(message.mid)


def ack_all(agent: NodeAgent, client: FakeClient) -> list[str]:
    """Acknowledge everything sent so far; return the topics, in order."""
    sent = client.take()
    for message in sent:
        agent.handle_published(message.mid)
    return [message.topic for message in sent]


def test_connect_announces_and_subscribes(agent: NodeAgent, client: FakeClient) -> None:
    agent.handle_connected()
    assert [message.topic for message in client.sent] == [AVAILABILITY, ANNOUNCE, STATE]
    online, announce, state = client.sent
    assert parse_availability(online.topic, online.payload) == ("kitchen", True)
    assert online.retain
    assert announce.retain
    assert announce.qos == 1
    announcement = parse_announcement(announce.topic, announce.payload)
    assert announcement.name == "Kitchen Pi"
    # Simulated sensors and outputs: the model says so, once; the agent made it.
    assert announcement.model.startswith("Simulated ")
    assert announcement.manufacturer == "Py IoT Home"
    assert [sensor.key for sensor in announcement.sensors] == ["climate"]
    assert announcement.sensors[0].model == "DHT22"
    assert [switch.key for switch in announcement.switches] == ["led", "relay"]
    assert announcement.interval_s == 30.0
    assert client.subscriptions == [
        ("py_iot_home/kitchen/switch/+/set", 1),
        ("py_iot_home/kitchen/resend", 1),
    ]
    # The state echo tells Home Assistant the switches' actual states after a reconnect.
    echo = parse_state(state.topic, state.payload)
    assert echo.switches == {"led": False, "relay": False}
    assert echo.sensors == {}


def test_sample_published_live_with_its_time(
    agent: NodeAgent, client: FakeClient, buffer: SampleBuffer, clock: FakeClock
) -> None:
    connect(agent, client)
    clock.now = START + 100
    agent.handle_sample(START + 97.25, reading(21.5))
    (message,) = client.take()
    state = parse_state(message.topic, message.payload)
    assert state.ts == START + 97.25
    assert state.sensors["climate"] == SensorSample(temperature=21.5, humidity=45.0)
    assert message.qos == 1
    assert not message.retain
    agent.handle_published(message.mid)
    assert len(buffer) == 0
    assert agent.stats.live_sent == 2


def test_seq_increases_across_messages(agent: NodeAgent, client: FakeClient) -> None:
    connect(agent, client)
    for value in (20.0, 20.5, 21.0):
        agent.handle_sample(START, reading(value))
    seqs = [parse_state(m.topic, m.payload).seq for m in client.take()]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 3


def test_command_drives_gpio_and_echoes_state(
    agent: NodeAgent, client: FakeClient, gpio: SimulatedGpioBackend
) -> None:
    connect(agent, client)
    agent.handle_command(LED_SET, b"ON")
    assert gpio.states == {17: True, 27: False}
    assert gpio.levels[17] is True
    (echo,) = client.take()
    assert parse_state(echo.topic, echo.payload).switches == {"led": True, "relay": False}
    agent.handle_command("py_iot_home/kitchen/switch/relay/set", b"ON")
    # The relay is active low: on means a low pin.
    assert gpio.levels[27] is False
    assert gpio.states[27] is True
    agent.handle_command(LED_SET, b"OFF")
    assert gpio.states[17] is False
    assert agent.stats.commands == 3


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        (LED_SET, b"TOGGLE", RejectionKind.MALFORMED_JSON),
        ("py_iot_home/kitchen/switch/LED/set", b"ON", RejectionKind.INVALID_KEY),
        ("py_iot_home/kitchen/switch/heater/set", b"ON", "unknown_switch"),
        ("py_iot_home/bathroom/switch/led/set", b"ON", "unknown_switch"),
    ],
)
def test_bad_commands_change_nothing(
    agent: NodeAgent,
    client: FakeClient,
    gpio: SimulatedGpioBackend,
    topic: str,
    payload: bytes,
    reason: str,
) -> None:
    connect(agent, client)
    agent.handle_command(topic, payload)
    assert gpio.states == {17: False, 27: False}
    assert client.sent == []
    assert agent.stats.rejected == {reason: 1}


def test_gpio_failure_still_reports_actual_state(
    agent: NodeAgent, client: FakeClient, gpio: SimulatedGpioBackend
) -> None:
    connect(agent, client)
    gpio.release(17)  # the pin is gone: writing it raises GpioError
    agent.handle_command(LED_SET, b"ON")
    (echo,) = client.take()
    assert parse_state(echo.topic, echo.payload).switches["led"] is False


def test_samples_buffered_while_offline_then_replayed(
    agent: NodeAgent, client: FakeClient, buffer: SampleBuffer, clock: FakeClock
) -> None:
    connect(agent, client)
    agent.handle_disconnected()
    for minute in range(5):
        agent.handle_sample(START + 60 * minute, reading(20.0 + minute))
    assert client.sent == []
    assert len(buffer) == 5
    clock.now = START + 600
    agent.handle_connected()
    topics = [message.topic for message in client.sent]
    assert topics == [AVAILABILITY, ANNOUNCE, STATE, REPLAY]
    echo = parse_state(STATE, client.sent[2].payload)
    replay = client.sent[-1]
    states = parse_replay(replay.topic, replay.payload)
    # Each sample keeps its own time; the reconnect echo (switch states only) goes out live.
    assert [state.ts for state in states] == [START + 60 * m for m in range(5)]
    assert [state.sensors["climate"].temperature for state in states] == [
        20.0,
        21.0,
        22.0,
        23.0,
        24.0,
    ]
    assert [state.seq for state in states] == sorted({state.seq for state in states})
    assert (echo.ts, echo.sensors, echo.seq > states[-1].seq) == (START + 600, {}, True)
    # Nothing leaves the buffer before the broker acknowledged the batch.
    assert len(buffer) == 5
    ack_all(agent, client)
    assert len(buffer) == 0
    assert agent.stats.replayed == 5
    # With the backlog gone, samples go live again.
    agent.handle_sample(START + 660, reading(25.0))
    assert [message.topic for message in client.sent] == [STATE]


def test_unacknowledged_batch_is_sent_again_after_reconnect(
    agent: NodeAgent, client: FakeClient, buffer: SampleBuffer
) -> None:
    connect(agent, client)
    agent.handle_disconnected()
    agent.handle_sample(START, reading(20.0))
    agent.handle_connected()
    first = client.take()[-1]
    agent.handle_disconnected()  # the batch's acknowledgement never came
    agent.handle_connected()
    second = client.take()[-1]
    assert second.topic == REPLAY
    first_seqs = [s.seq for s in parse_replay(first.topic, first.payload)]
    second_seqs = [s.seq for s in parse_replay(second.topic, second.payload)]
    assert first_seqs == second_seqs[: len(first_seqs)]
    agent.handle_published(first.mid)  # an old mid from the lost connection
    assert len(buffer) == len(second_seqs)
    agent.handle_published(second.mid)
    assert len(buffer) == 0


def test_live_messages_in_flight_at_disconnect_are_kept(
    agent: NodeAgent, client: FakeClient, buffer: SampleBuffer
) -> None:
    connect(agent, client)
    agent.handle_sample(START, reading(20.0))
    agent.handle_sample(START + 30, reading(20.5))
    in_flight = [parse_state(m.topic, m.payload).seq for m in client.take()]
    agent.handle_disconnected()
    assert [seq for seq, _ in buffer.oldest(10)] == in_flight


def test_new_samples_queue_behind_the_backlog(
    agent: NodeAgent, client: FakeClient, buffer: SampleBuffer
) -> None:
    connect(agent, client)
    agent.handle_disconnected()
    for index in range(MAX_REPLAY_MESSAGES + 10):
        agent.handle_sample(START + index, reading(20.0))
    agent.handle_connected()
    first_batch = client.take()[-1]
    # A sample while the first batch is on its way must not overtake the backlog.
    agent.handle_sample(START + 1000, reading(30.0))
    assert client.sent == []
    agent.handle_published(first_batch.mid)
    second_batch = client.take()[-1]
    first = parse_replay(first_batch.topic, first_batch.payload)
    second = parse_replay(second_batch.topic, second_batch.payload)
    assert len(first) == MAX_REPLAY_MESSAGES
    assert second[-1].sensors["climate"].temperature == 30.0
    assert first[-1].seq < second[0].seq
    agent.handle_published(second_batch.mid)
    assert len(buffer) == 0
    # The reconnect's echo, switch states only, went out live past the backlog.
    assert agent.stats.replayed == MAX_REPLAY_MESSAGES + 11


def test_full_buffer_drops_oldest_and_counts(tmp_path: Path, client: FakeClient) -> None:
    config = make_config(tmp_path, buffer={"max_samples": 3})
    gpio = SimulatedGpioBackend()
    bank = SwitchBank(gpio, config.switches)
    bank.setup()
    buffer = SampleBuffer(config.buffer_path, config.buffer_max_samples)
    agent = NodeAgent(config, client, bank, buffer, clock=FakeClock())
    for index in range(5):
        agent.handle_sample(START + index, reading(20.0 + index))
    assert len(buffer) == 3
    assert buffer.dropped == 2
    agent.handle_connected()
    announce = parse_announcement(ANNOUNCE, client.on(ANNOUNCE)[0].payload)
    assert announce.dropped == 2
    replay = client.on(REPLAY)[0]
    kept = [state.sensors for state in parse_replay(replay.topic, replay.payload)]
    # The oldest went first; the reconnect echo went out live, pushing out nothing.
    assert [sample["climate"].temperature for sample in kept] == [22.0, 23.0, 24.0]
    assert buffer.dropped == 2
    buffer.close()


def test_buffer_and_counter_survive_restart(tmp_path: Path) -> None:
    path = tmp_path / "buffer.sqlite3"
    buffer = SampleBuffer(path, 100)
    counter = buffer.sequence(FakeClock(START))
    seqs = [counter() for _ in range(5)]
    for seq in seqs:
        buffer.append(seq, b"{}")
    buffer.remove(seqs[:2])
    buffer.close()
    # The clock went back (no RTC, no NTP yet): the counter must still rise.
    reopened = SampleBuffer(path, 100)
    assert [seq for seq, _ in reopened.oldest(10)] == seqs[2:]
    assert reopened.sequence(FakeClock(START - 86_400))() > seqs[-1]
    reopened.close()


def test_counter_starts_above_time_when_state_is_lost(tmp_path: Path) -> None:
    old_buffer = SampleBuffer(tmp_path / "a.sqlite3", 10)
    fresh_buffer = SampleBuffer(tmp_path / "b.sqlite3", 10)
    old = old_buffer.sequence(FakeClock(START))
    fresh = fresh_buffer.sequence(FakeClock(START + 5))
    assert fresh() > old()
    old_buffer.close()
    fresh_buffer.close()


def test_signed_node_signs_and_verifies(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    config = make_config(tmp_path, secret=SECRET)
    gpio = SimulatedGpioBackend()
    bank = SwitchBank(gpio, config.switches)
    bank.setup()
    buffer = SampleBuffer(config.buffer_path, 10)
    agent = NodeAgent(config, client, bank, buffer, clock=clock, monotonic=clock.monotonic)
    verifier = MessageVerifier(SECRET)
    agent.handle_connected()
    announce, echo = client.on(ANNOUNCE)[0], client.on(STATE)[0]
    assert parse_announcement(ANNOUNCE, announce.payload, verifier=verifier).seq is not None
    assert parse_state(STATE, echo.payload, verifier=verifier).seq > verifier.last_announce_seq
    client.take()
    agent.handle_command(LED_SET, b"ON")
    assert agent.stats.rejected == {RejectionKind.MISSING_SIGNATURE: 1}
    assert gpio.states == {17: False, 27: False}
    signed = build_command(
        "kitchen", "led", True, signer=MessageSigner(SECRET), seq=1, ts=clock.now
    )
    agent.handle_command(signed.topic, signed.payload)
    assert gpio.states == {17: True, 27: False}
    agent.handle_command(signed.topic, signed.payload)
    assert agent.stats.rejected[RejectionKind.REPLAYED_COUNTER] == 1
    (confirmation,) = client.take()
    assert parse_state(STATE, confirmation.payload, verifier=verifier).switches["led"] is True
    buffer.close()


def test_failed_publish_goes_to_buffer(
    agent: NodeAgent, client: FakeClient, buffer: SampleBuffer
) -> None:
    connect(agent, client)
    client.rc = 4  # paho's MQTT_ERR_NO_CONN: the connection dropped, the event is still queued
    agent.handle_sample(START, reading(20.0))
    assert len(buffer) == 1


def test_ha_discovery_opt_in(tmp_path: Path, client: FakeClient) -> None:
    config = make_config(tmp_path, ha_discovery=True)
    bank = SwitchBank(SimulatedGpioBackend(), config.switches)
    buffer = SampleBuffer(config.buffer_path, 10)
    NodeAgent(config, client, bank, buffer, clock=FakeClock()).handle_connected()
    (discovery,) = client.on("homeassistant/device/kitchen/config")
    assert discovery.retain
    # The maker and model the integration is told, not the project's name as the maker.
    device = json.loads(discovery.payload)["dev"]
    assert (device["mf"], device["mdl"]) == (node_manufacturer(config), node_model(config))
    assert device["mf"] == "Py IoT Home"
    assert device["mdl"].startswith("Simulated ")
    assert set(json.loads(discovery.payload)["cmps"]) == {
        "climate_temperature",
        "climate_humidity",
        "led",
        "relay",
    }
    buffer.close()


def test_shutdown_says_offline_keeps_unsent_and_releases_pins(
    agent: NodeAgent, client: FakeClient, buffer: SampleBuffer, gpio: SimulatedGpioBackend
) -> None:
    connect(agent, client)
    agent.handle_sample(START, reading(20.0))
    live = client.take()
    info = agent.shutdown()
    assert info is not None
    (offline,) = client.take()
    assert parse_availability(offline.topic, offline.payload) == ("kitchen", False)
    assert offline.retain
    assert [seq for seq, _ in buffer.oldest(5)] == [parse_state(STATE, live[0].payload).seq]
    assert sorted(gpio.released) == [17, 27]
    assert gpio.states == {}


def test_shutdown_while_offline_publishes_nothing(agent: NodeAgent, client: FakeClient) -> None:
    assert agent.shutdown() is None
    assert client.sent == []


def test_sigterm_stops_the_run_cleanly(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    gpio = SimulatedGpioBackend()
    bank = SwitchBank(gpio, config.switches)
    bank.setup()
    sensor = SensorChannel(config.sensors[0], SimulatedDhtBackend(seed=1))
    mqtt = LoopbackClient()
    stop = threading.Event()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    install_signal_handlers(stop)
    states_seen = threading.Event()

    def kill_after_first_sample() -> None:
        # The reader takes its first sample at once; stop once it was published.
        while not any(
            topic.endswith("/state") and b"climate" in body for topic, body, _ in mqtt.published
        ):
            if states_seen.wait(0.01):
                return
        os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=kill_after_first_sample)
    killer.start()
    try:
        stats = run_node(config, stop, client=mqtt, sensors=[sensor], switches=bank)
    finally:
        states_seen.set()
        killer.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    assert stop.is_set()
    topics = [topic for topic, _, _ in mqtt.published]
    assert topics[:2] == [AVAILABILITY, ANNOUNCE]
    assert mqtt.published[-1] == (AVAILABILITY, b"offline", True)
    assert mqtt.calls[-2:] == ["disconnect", "loop_stop"]
    assert gpio.released == [17, 27]
    assert stats.live_sent >= 2
    # Everything was acknowledged, so nothing waits for the next start.
    reopened = SampleBuffer(config.buffer_path, 10)
    assert len(reopened) == 0
    reopened.close()


def test_signal_handler_stops_even_when_logging_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    previous = signal.getsignal(signal.SIGTERM)
    install_signal_handlers(stop)

    def reentrant(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("reentrant call inside <_io.BufferedWriter name='<stderr>'>")

    # What happens when the signal lands while the main thread writes a log line.
    monkeypatch.setattr(logging.Logger, "_log", reentrant)
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(2)
    finally:
        signal.signal(signal.SIGTERM, previous)
