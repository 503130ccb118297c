"""Custom sensors: configuration, the plug-in boundary, and what the node announces and sends."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from py_iot_node.config import ConfigError
from py_iot_node.custom_sensors import CustomSensorChannel, CustomSensorError, load_reader
from py_iot_node.devices import open_sensors, open_switches, read_all
from py_iot_node.protocol import Quantity, SensorSample, parse_announcement, parse_state

from .agent_timing import make_agent
from .conftest import FakeClient, FakeClock, make_config
from .custom_readers import ScriptedMeter

METER = {
    "key": "meter",
    "name": "Power meter",
    "factory": "tests.node.custom_readers:ScriptedMeter",
    "quantities": ["power", "temperature"],
}


def test_custom_sensor_configuration(tmp_path: Path) -> None:
    config = make_config(tmp_path, custom_sensors=[METER | {"options": {"readings": []}}])
    (custom,) = config.custom_sensors
    assert custom.quantities == (Quantity.POWER, Quantity.TEMPERATURE)
    assert custom.options == {"readings": []}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"factory": "no_colon_here"}, "factory must be"),
        ({"quantities": []}, "quantities must be a list"),
        ({"quantities": ["voltage"]}, "quantities: one of"),
        ({"key": "climate"}, "keys must be unique"),
        ({"key": "Bad Key"}, "key must match"),
    ],
)
def test_bad_custom_sensor_configuration(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        make_config(tmp_path, custom_sensors=[METER | change])


def test_values_are_checked_at_the_boundary(tmp_path: Path) -> None:
    readings = [
        {"power": 1234.567, "temperature": 21.5, "humidity": 40.0},
        {"power": -5.0, "temperature": math.nan},
        {"power": "lots", "temperature": True},
        {"power": 2e6, "temperature": 400},
        {},
    ]
    config = make_config(tmp_path, custom_sensors=[METER | {"options": {"readings": readings}}])
    channel = CustomSensorChannel(config.custom_sensors[0], load_reader(config.custom_sensors[0]))
    assert channel.model == "Scripted test meter"
    # Only announced quantities, rounded; implausible or mistyped values become None.
    assert channel.read() == SensorSample(power=1234.57, temperature=21.5)
    assert channel.read() == SensorSample()
    assert channel.read() == SensorSample()
    assert channel.read() == SensorSample()
    assert channel.read() == SensorSample()
    # A reader that raises costs the reading, not the node.
    assert channel.read() == SensorSample()
    channel.close()
    assert isinstance(channel.reader, ScriptedMeter)
    assert channel.reader.closed


def test_unloadable_factory_is_a_clear_error(tmp_path: Path) -> None:
    config = make_config(
        tmp_path,
        custom_sensors=[METER | {"factory": "tests.node.custom_readers:broken_factory"}],
    )
    with pytest.raises(CustomSensorError, match=r"cannot load .*no meter here"):
        open_sensors(config)
    missing = make_config(tmp_path, custom_sensors=[METER | {"factory": "no.such.module:meter"}])
    with pytest.raises(CustomSensorError, match=r"no\.such\.module"):
        load_reader(missing.custom_sensors[0])


def test_node_announces_and_sends_custom_readings(
    tmp_path: Path, client: FakeClient, clock: FakeClock
) -> None:
    readings = [{"power": 850.0, "temperature": 19.25}]
    config = make_config(tmp_path, custom_sensors=[METER | {"options": {"readings": readings}}])
    channels = open_sensors(config)
    agent, _ = make_agent(config, client, clock)
    agent.custom_models = {"meter": "Scripted test meter"}
    agent.handle_connected()
    announce = client.on("py_iot_home/kitchen/announce")[0]
    sensors = parse_announcement(announce.topic, announce.payload).sensors
    assert [(s.key, s.quantities, s.model) for s in sensors] == [
        ("climate", (Quantity.TEMPERATURE, Quantity.HUMIDITY), "DHT22"),
        ("meter", (Quantity.POWER, Quantity.TEMPERATURE), "Scripted test meter"),
    ]
    client.take()
    agent.handle_sample(clock.now, read_all(channels))
    (sent,) = client.take()
    state = parse_state(sent.topic, sent.payload)
    assert state.sensors["meter"] == SensorSample(power=850.0, temperature=19.25)
    # The DHT's payload has no power member: climate messages are as before.
    assert "power" not in sent.json()["sensors"]["climate"]
    for channel in channels:
        channel.close()


def test_meter_only_node_needs_no_gpio_library(tmp_path: Path) -> None:
    config = make_config(
        tmp_path,
        backend="auto",
        sensors=[],
        switches=[],
        custom_sensors=[METER | {"options": {"readings": []}}],
    )
    # No GPIO library exists off a Pi; a node with nothing to drive does not ask for one.
    bank = open_switches(config)
    assert bank.states == {}
    bank.release()
