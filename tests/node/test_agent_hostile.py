"""Red-team findings in the node agent: each case got through before its fix."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from py_iot_node.agent import NodeAgent
from py_iot_node.buffer import SampleBuffer
from py_iot_node.config import ConfigError
from py_iot_node.custom_sensors import DEFAULT_MODEL, CustomSensorChannel, load_reader
from py_iot_node.devices import SwitchBank
from py_iot_node.hardware.gpio import SimulatedGpioBackend
from py_iot_node.protocol import (
    MessageSigner,
    MessageVerifier,
    RejectionKind,
    SensorSample,
    build_resend_request,
    parse_announcement,
)

from .agent_timing import ack_all, make_agent, reading, states
from .conftest import START, FakeClient, FakeClock, make_config

SECRET = "a shared secret of the kitchen node"
REPLAY = "py_iot_home/kitchen/replay"


def _agent(tmp_path: Path, client: FakeClient, clock: FakeClock) -> tuple[NodeAgent, SampleBuffer]:
    config = make_config(tmp_path, secret=SECRET)
    bank = SwitchBank(SimulatedGpioBackend(), config.switches)
    bank.setup()
    buffer = SampleBuffer(config.buffer_path, 100)
    return NodeAgent(config, client, bank, buffer, clock=clock, monotonic=clock.monotonic), buffer


def test_a_captured_resend_request_stays_old_after_a_restart(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    """Only commands' counters were kept: a request replayed after a restart was answered."""
    request = build_resend_request("kitchen", 0, seq=7, signer=MessageSigner(SECRET), ts=clock.now)
    agent, buffer = _agent(tmp_path, client, clock)
    agent.handle_connected()
    agent.handle_message(request.topic, request.payload)
    assert len(client.on(REPLAY)) == 1
    buffer.close()

    agent, buffer = _agent(tmp_path, client, clock)
    agent.handle_connected()
    client.take()
    agent.handle_message(request.topic, request.payload)
    assert client.on(REPLAY) == []
    assert agent.stats.rejected == {RejectionKind.REPLAYED_COUNTER: 1}
    buffer.close()


def test_a_blank_name_is_a_configuration_error(tmp_path: Path) -> None:
    """Home Assistant refuses an announcement whose names show nothing: say so at start."""
    with pytest.raises(ConfigError, match="visible character"):
        make_config(tmp_path, node={"id": "kitchen", "name": "\u00a0 "})


def test_an_invisible_character_in_a_name_is_a_configuration_error(tmp_path: Path) -> None:
    """Home Assistant refuses a name with a zero-width character: say so at start."""
    with pytest.raises(ConfigError, match="invisible character U\\+200B"):
        make_config(tmp_path, node={"id": "kitchen", "name": "Kitchen\u200bPi"})


def _buffer_five_signed(tmp_path: Path, client: FakeClient, clock: FakeClock) -> Path:
    """Five samples a signed node buffered while the broker was away; its buffer file."""
    config = make_config(tmp_path, secret=SECRET)
    agent, buffer = make_agent(config, client, clock, boot=1)
    for minute in range(5):
        clock.now = START + 60 * minute
        agent.handle_sample(clock.now, reading(20.0 + minute))
    buffer.close()
    return Path(config.buffer_path)


def _damage(path: Path, sql: str, *args: object) -> None:
    """Change the buffer file as an SD card's flipped bits or a hand edit would."""
    db = sqlite3.connect(path)
    db.execute(sql, args)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    "payload",
    [
        b'{"v":1,"ts":17900p0000.5}',  # a flipped bit: no longer JSON
        b"\xff\xfe",  # not UTF-8
        b"[1, 2]",  # JSON, not a state
        b'{"v":1,"ts":"1790000000"}',  # a time that is no number
    ],
    ids=["not_json", "not_utf8", "not_an_object", "ts_not_a_number"],
)
def test_a_damaged_buffered_sample_is_dropped_and_the_rest_replayed(
    tmp_path: Path,
    client: FakeClient,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    payload: bytes,
) -> None:
    """A buffered payload that did not parse stopped the agent at every start, for good.

    SQLite keeps no checksums, so a flipped bit in a payload is read back as it is.
    """
    path = _buffer_five_signed(tmp_path, client, clock)
    _damage(
        path, "UPDATE samples SET payload = ? WHERE seq = (SELECT min(seq) FROM samples)", payload
    )
    clock.now = START + 3600
    agent, buffer = make_agent(make_config(tmp_path, secret=SECRET), client, clock, boot=2)
    agent.handle_connected()
    replayed = states(ack_all(agent, client), MessageVerifier(SECRET))
    assert [state.sensors["climate"].temperature for state in replayed if state.sensors] == [
        21.0,
        22.0,
        23.0,
        24.0,
    ]
    assert len(buffer) == 0
    assert caplog.text.count("damaged") == 1
    buffer.close()


@pytest.mark.parametrize("value", ["soon", 2.5e19, 2**64], ids=["text", "real", "too_large"])
def test_a_damaged_counter_in_the_buffer_file_is_not_used(
    tmp_path: Path, client: FakeClient, clock: FakeClock, value: object
) -> None:
    """A counter that is no counter stopped the agent at start, or numbered past 2**63-1."""
    path = _buffer_five_signed(tmp_path, client, clock)
    stored = str(value) if isinstance(value, int) else value
    for name in ("seq_ceiling", "command_seq", "dropped", "boot"):
        _damage(path, "UPDATE meta SET value = ? WHERE name = ?", stored, name)
    clock.now = START + 3600
    agent, buffer = make_agent(make_config(tmp_path, secret=SECRET), client, clock, boot=2)
    agent.handle_connected()
    agent.handle_sample(clock.now, reading(30.0))
    sent = ack_all(agent, client) + ack_all(agent, client)  # the new one waits for the backlog
    assert (
        parse_announcement(
            "py_iot_home/kitchen/announce",
            next(message.payload for message in sent if message.topic.endswith("/announce")),
        ).dropped
        == 0
    )
    verifier = MessageVerifier(SECRET)
    assert [
        state.sensors["climate"].temperature for state in states(sent, verifier) if state.sensors
    ] == [
        20.0,
        21.0,
        22.0,
        23.0,
        24.0,
        30.0,
    ]
    buffer.close()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'"temperature":21.0', b'"temperature":21.5'),  # a flipped bit: the signature fails
        (b'"seq":', b'"sek":'),  # no counter
        (b'"humidity":45.0', b'"humidity":4e5'),  # out of range
    ],
    ids=["bad_signature", "missing_seq", "out_of_range"],
)
def test_a_buffered_sample_home_assistant_would_refuse_does_not_take_its_batch_with_it(
    tmp_path: Path,
    client: FakeClient,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    old: bytes,
    new: bytes,
) -> None:
    """Home Assistant refuses a replay batch with one bad entry; the broker's ack then
    removed the whole batch from the buffer: 199 good samples lost with one damaged."""
    path = _buffer_five_signed(tmp_path, client, clock)
    db = sqlite3.connect(path)
    ((seq, payload),) = db.execute(
        "SELECT seq, payload FROM samples WHERE instr(payload, ?)", (b'"temperature":21.0',)
    ).fetchall()
    db.close()
    _damage(path, "UPDATE samples SET payload = ? WHERE seq = ?", payload.replace(old, new), seq)
    clock.now = START + 3600
    agent, buffer = make_agent(make_config(tmp_path, secret=SECRET), client, clock, boot=2)
    agent.handle_connected()
    replayed = states(ack_all(agent, client), MessageVerifier(SECRET))
    assert [state.sensors["climate"].temperature for state in replayed if state.sensors] == [
        20.0,
        22.0,
        23.0,
        24.0,
    ]
    assert len(buffer) == 0
    assert caplog.text.count("Home Assistant would refuse") == 1
    buffer.close()


METER = {
    "key": "meter",
    "name": "Power meter",
    "factory": "tests.node.custom_readers:ScriptedMeter",
    "quantities": ["power"],
}


def test_a_custom_reading_too_large_for_a_float_costs_the_reading_only(tmp_path: Path) -> None:
    """float() of a 400-digit integer (a meter's JSON reply read as is) raised out of the
    read: the reader thread ended, and the node sent no sample again until restarted."""
    readings = [{"power": 10**400}, {"power": 1500}]
    config = make_config(tmp_path, custom_sensors=[METER | {"options": {"readings": readings}}])
    channel = CustomSensorChannel(config.custom_sensors[0], load_reader(config.custom_sensors[0]))
    assert channel.read() == SensorSample()
    assert channel.read() == SensorSample(power=1500.0)


@pytest.mark.parametrize(
    "model",
    ["Meter\u200b", "Meter\nv2", "\u00a0 ", "Meter \u202eterem"],
    ids=["zero_width", "newline", "blank", "bidi_override"],
)
def test_a_custom_sensors_model_home_assistant_refuses_is_not_announced(
    tmp_path: Path, client: FakeClient, clock: FakeClock, model: str
) -> None:
    """Only the model's length was checked: Home Assistant refused every announcement of
    the node (invalid_text), so it could not be discovered, nor its changes adopted."""
    config = make_config(
        tmp_path, custom_sensors=[METER | {"options": {"readings": [], "model": model}}]
    )
    channel = CustomSensorChannel(config.custom_sensors[0], load_reader(config.custom_sensors[0]))
    agent, buffer = make_agent(config, client, clock)
    agent.custom_models = {"meter": channel.model}
    agent.handle_connected()
    (announce,) = client.on("py_iot_home/kitchen/announce")
    sensors = parse_announcement(announce.topic, announce.payload).sensors
    assert [sensor.model for sensor in sensors if sensor.key == "meter"] == [DEFAULT_MODEL]
    buffer.close()


def test_a_counter_ceiling_near_the_top_is_not_used(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    """A stored ceiling a few counters below 2**63-1 (no clock in milliseconds comes near)
    numbered the next messages past it: Home Assistant refused every one, and storing the
    next ceiling raised OverflowError, which stopped the agent."""
    path = _buffer_five_signed(tmp_path, client, clock)
    _damage(path, "UPDATE meta SET value = ? WHERE name = 'seq_ceiling'", 2**63 - 10)
    clock.now = START + 3600
    agent, buffer = make_agent(make_config(tmp_path, secret=SECRET), client, clock, boot=2)
    agent.handle_connected()
    for minute in range(20):
        clock.now = START + 3600 + 60 * minute
        agent.handle_sample(clock.now, reading(30.0))
    sent = ack_all(agent, client) + ack_all(agent, client)
    assert len(states(sent, MessageVerifier(SECRET))) == 5 + 1 + 20  # buffered, echo, new
    buffer.close()
