"""The node's YAML configuration, its command line and its opt-in Home Assistant discovery."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from homeassistant.components.mqtt import sensor as mqtt_sensor
from homeassistant.components.mqtt import switch as mqtt_switch
from homeassistant.components.mqtt.discovery import _replace_all_abbreviations
from homeassistant.components.mqtt.schemas import DEVICE_DISCOVERY_SCHEMA
from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template
from py_iot_node import cli
from py_iot_node.config import (
    FALLBACK_MODEL,
    ConfigError,
    default_model,
    default_node_id,
    load_config,
    node_manufacturer,
    node_model,
    parse_config,
)
from py_iot_node.ha_discovery import build_ha_discovery
from py_iot_node.hardware.dht import DhtModel
from py_iot_node.protocol import TopicKind, node_topic

from .conftest import make_config

EXAMPLE = Path(__file__).resolve().parents[2] / "node" / "node.example.yaml"


def test_example_configuration_loads() -> None:
    config = load_config(EXAMPLE)
    assert config.node_id == "living-room"
    assert config.mqtt.host == "192.168.1.10"
    assert config.mqtt.prefix == "py_iot_home"
    assert config.sensors[0].model is DhtModel.DHT22
    assert config.sensors[0].pin == 4
    assert config.switches[0].key == "desk-led"
    assert config.buffer_path == Path("/var/lib/py-iot-node/buffer.sqlite3")
    assert config.secret is None
    assert not config.ha_discovery


def test_defaults(tmp_path: Path) -> None:
    config = parse_config({"node": {"id": "n1"}}, base_dir=tmp_path)
    assert config.name == "n1"
    assert config.mqtt.port == 1883
    assert config.mqtt.tls is None
    assert config.mqtt.protocol == "5"
    assert config.interval_s == 30.0
    assert config.clock_sync_wait_s == 600.0
    assert (config.dht_backend, config.gpio_backend) == ("auto", "auto")
    assert config.sensors == ()
    tls = parse_config({"node": {"id": "n1"}, "mqtt": {"tls": True}}).mqtt
    assert tls.port == 8883
    assert tls.tls is not None
    assert not tls.tls.insecure


def test_mqtt_protocol_is_5_or_3_1_1_as_yaml_writes_them(tmp_path: Path) -> None:
    """YAML reads `protocol: 5` as a number and `protocol: 3.1.1` as text."""
    config_file = tmp_path / "node.yaml"
    for written, read in (("5", "5"), ("3.1.1", "3.1.1"), ("'5'", "5")):
        config_file.write_text(f"node: {{id: n1}}\nmqtt: {{protocol: {written}}}\n")
        assert load_config(config_file).mqtt.protocol == read


def test_node_id_defaults_to_host_name_and_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("socket.gethostname", lambda: "Pi.Kitchen_01")
    assert re.fullmatch(r"pi-kitchen_01-[0-9a-f]{6}", parse_config({}).node_id)
    machine_id = tmp_path / "machine-id"
    machine_id.write_text("0123456789abcdef0123456789abcdef\n")
    assert default_node_id((tmp_path / "none",)) == "pi-kitchen_01"
    assert re.fullmatch(r"pi-kitchen_01-[0-9a-f]{6}", default_node_id((machine_id,)))
    monkeypatch.setattr("socket.gethostname", lambda: "---")
    assert default_node_id((tmp_path / "none",)) == "node"
    assert re.fullmatch(r"node-[0-9a-f]{6}", default_node_id((machine_id,)))


def test_secret_file_is_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "node.secret").write_text("0123456789abcdef0123\n")
    config_file = tmp_path / "node.yaml"
    config_file.write_text("node: {id: n1}\nsecret_file: node.secret\nstate_dir: state\n")
    config = load_config(config_file)
    assert config.secret == "0123456789abcdef0123"
    assert config.state_dir == tmp_path / "state"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "must be a mapping"),
        ({"node": {"id": "Kitchen"}}, "node.id"),
        ({"node": "kitchen"}, "node: expected a mapping"),
        ({"node": {"name": ""}}, "name: 1 to 64"),
        ({"mqtt": {"port": 0}}, "not a TCP port"),
        ({"mqtt": {"port": "1883"}}, "port: expected int"),
        ({"mqtt": {"keepalive_s": 0}}, "keepalive_s"),
        ({"mqtt": {"protocol": "3.1"}}, "mqtt.protocol: 5 or 3.1.1"),
        ({"mqtt": {"protocol": 4}}, "mqtt.protocol: 5 or 3.1.1"),
        ({"mqtt": {"prefix": "a/#"}}, "mqtt.prefix"),
        ({"mqtt": {"tls": {"cert_file": "c.pem"}}}, "cert_file and key_file"),
        ({"mqtt": {"username": ["x"]}}, "username: expected a string"),
        ({"sensors": {"key": "a"}}, "sensors: expected a list"),
        ({"sensors": [{"key": "a", "pin": 4, "model": "bmp280"}]}, "model must be one of"),
        ({"sensors": [{"key": "a", "pin": 40}]}, "pin must be a BCM GPIO number"),
        ({"sensors": [{"key": "A b", "pin": 4}]}, "key must match"),
        (
            {"sensors": [{"key": "a", "pin": 4}], "switches": [{"key": "a", "pin": 5}]},
            "keys must be unique",
        ),
        (
            {"sensors": [{"key": "a", "pin": 4}], "switches": [{"key": "b", "pin": 4}]},
            "share a pin",
        ),
        (
            {
                "switches": [
                    {"key": "a", "pin": 5, "name": "Desk LED"},
                    {"key": "b", "pin": 6, "name": "desk  led"},
                ]
            },
            "switches: two are named 'Desk LED'",
        ),
        (
            {
                "sensors": [
                    {"key": "a", "pin": 4, "name": "Climate"},
                    {"key": "b", "pin": 5, "name": "\uff23\uff4c\uff49\uff4d\uff41\uff54\uff45"},
                ]
            },
            "sensors: two are named 'Climate'",
        ),
        (
            {"switches": [{"key": "b", "pin": 5, "active_high": "yes"}]},
            "active_high: expected bool",
        ),
        ({"switches": [{"key": f"s{i}", "pin": 2 + i} for i in range(17)]}, "at most 16"),
        ({"interval_s": 1}, "interval_s"),
        ({"interval_s": True}, "interval_s: expected float"),
        ({"clock_sync_wait_s": -1}, "clock_sync_wait_s: between 0 and 3600"),
        ({"clock_sync_wait_s": 86_400}, "clock_sync_wait_s: between 0 and 3600"),
        ({"buffer": {"max_samples": 0}}, "max_samples"),
        ({"backend": "fake"}, "backend: auto or simulated"),
        ({"dht_backend": "pigpio"}, "dht_backend"),
        ({"gpio_backend": "wiringpi"}, "gpio_backend"),
        ({"secret": "short"}, "at least 16"),
        ({"secret_file": "/nonexistent/secret"}, "secret_file"),
        ({"ha_discovery": True, "secret": "0123456789abcdef"}, "cannot be combined"),
        ({"node": {"manufacturer": "x" * 65}}, "manufacturer: 1 to 64"),
        ({"node": {"manufacturer": "Acme\u202eInc"}}, "manufacturer: no control"),
        ({"node": {"manufacturer": "\u200b"}}, "manufacturer: invisible"),
        ({"node": {"manufacturer": None}}, "manufacturer"),
        ({"node": {"name": "![](https://e.io/p.png)"}}, r"name: no <, >, \[ or \]"),
        ({"node": {"model": "<img src=x>"}}, r"model: no <, >, \[ or \]"),
        (
            {"switches": [{"key": "a", "pin": 5, "name": "[Verify](https://e.io)"}]},
            r"name: no <, >, \[ or \]",
        ),
        ({"node": {"name": "K\u0456tchen Pi"}}, "mixes Latin and Cyrillic letters in a word"),
        (
            {"sensors": [{"key": "a", "pin": 4, "name": "\u03a4emp"}]},
            "mixes Greek and Latin letters in a word",
        ),
    ],
)
def test_invalid_configurations(data: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(data)


@pytest.mark.parametrize(
    "name",
    [
        "\u041a\u0443\u0445\u043d\u044f",  # Russian
        "\u039a\u03bf\u03c5\u03b6\u03af\u03bd\u03b1",  # Greek
        "\u041a\u0443\u0445\u043d\u044f Pi",  # scripts mixed across words
        "\u6e29\u5ea6\u8a08 Pi 4 \U0001f321",
    ],
)
def test_names_in_one_script_a_word_are_taken(name: str) -> None:
    config = parse_config(
        {"node": {"name": name}, "switches": [{"key": "a", "pin": 5, "name": name}]}
    )
    assert config.name == name
    assert [switch.name for switch in config.switches] == [name]


def test_unreadable_and_invalid_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("node: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken)


def test_cli_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--config", str(EXAMPLE), "--check"]) == 0
    assert "node living-room" in capsys.readouterr().out
    assert cli.main(["--check"]) == cli.EXIT_CONFIG
    assert cli.main(["--config", str(EXAMPLE), "--node-id", "Bad Id", "--check"]) == cli.EXIT_CONFIG


def test_cli_overrides_and_demo_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = cli._parser().parse_args(
        ["--config", str(EXAMPLE), "--simulate", "--host", "broker", "--port", "1999"]
    )
    config = cli.build_config(args)
    assert (config.mqtt.host, config.mqtt.port) == ("broker", 1999)
    assert (config.dht_backend, config.gpio_backend) == ("simulated", "simulated")
    assert config.state_dir == Path("/var/lib/py-iot-node")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    demo = cli.build_config(cli._parser().parse_args(["--simulate", "--node-id", "demo"]))
    assert demo.node_id == "demo"
    assert demo.name == "demo"
    assert [sensor.key for sensor in demo.sensors] == ["climate"]
    assert demo.state_dir == tmp_path / "py-iot-node" / "demo"


def test_cli_reports_missing_hardware(tmp_path: Path) -> None:
    config_file = tmp_path / "node.yaml"
    config_file.write_text(
        f"node: {{id: n1}}\nstate_dir: {tmp_path}\nsensors: [{{key: t, pin: 4}}]\n"
        "dht_backend: adafruit_dht\n"
    )
    # No Adafruit_DHT off a Pi: a clear error and exit status, not a traceback.
    assert cli.main(["--config", str(config_file)]) == cli.EXIT_HARDWARE


async def test_ha_discovery_payload_passes_home_assistant_schema(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    config = make_config(tmp_path, ha_discovery=True)
    message = build_ha_discovery(config, "0.1.0")
    assert message.topic == "homeassistant/device/kitchen/config"
    payload = json.loads(message.payload)
    _replace_all_abbreviations(payload)
    validated = DEVICE_DISCOVERY_SCHEMA(payload)
    components = validated["components"]
    shared = {key: validated[key] for key in ("state_topic", "availability_topic", "qos")}
    platforms: dict[str, Callable[[dict[str, Any]], object]] = {
        "sensor": mqtt_sensor.DISCOVERY_SCHEMA,
        "switch": mqtt_switch.DISCOVERY_SCHEMA,
    }
    for component in components.values():
        # Home Assistant hands each component the shared options, then validates it.
        options = {key: value for key, value in component.items() if key != "platform"}
        platforms[component["platform"]](shared | options)
    assert components["led"]["platform"] == "switch"
    assert components["led"]["command_topic"] == node_topic(
        "py_iot_home", "kitchen", TopicKind.COMMAND, "led"
    )
    assert components["climate_temperature"]["device_class"] == "temperature"
    assert validated["availability_topic"] == "py_iot_home/kitchen/availability"
    sample = json.dumps(
        {
            "v": 1,
            "ts": 1,
            "seq": 1,
            "sensors": {"climate": {"temperature": 21.5, "humidity": None}},
            "switches": {"led": True, "relay": False},
        }
    )
    echo = json.dumps({"v": 1, "ts": 2, "seq": 2, "sensors": {}, "switches": {"led": False}})

    def render(component: str, payload: str) -> object:
        template = Template(components[component]["value_template"], hass)
        return template.async_render_with_possible_json_value(payload, "error")

    assert render("climate_temperature", sample) == "21.5"
    # A failed read (null) and a switch echo (no sensors) render empty: the sensor keeps its value.
    assert render("climate_humidity", sample) == ""
    assert render("climate_temperature", echo) == ""
    assert (render("led", sample), render("relay", sample), render("led", echo)) == (
        "ON",
        "OFF",
        "OFF",
    )
    unique_ids = [component["unique_id"] for component in components.values()]
    assert len(set(unique_ids)) == len(unique_ids) == 4


def test_the_model_defaults_to_the_boards_own_name(tmp_path: Path) -> None:
    device_tree_model = tmp_path / "model"
    device_tree_model.write_bytes(b"Raspberry Pi 4 Model B Rev 1.4\x00")
    config = parse_config({"node": {"id": "shed"}}, model_path=device_tree_model)
    assert config.model == "Raspberry Pi 4 Model B Rev 1.4"
    # What the user writes wins.
    named = parse_config(
        {"node": {"id": "shed", "model": "Pi Zero 2 W"}}, model_path=device_tree_model
    )
    assert named.model == "Pi Zero 2 W"


@pytest.mark.parametrize(
    "content",
    [None, b"", b"\x00", b"\xff\xfe not text", b"Pi\x1b[2Jcleared", b"x" * 10_000],
    ids=["no_device_tree", "empty", "only_nul", "not_utf8", "control_characters", "huge"],
)
def test_an_unreadable_board_name_falls_back(tmp_path: Path, content: bytes | None) -> None:
    device_tree_model = tmp_path / "model"
    if content is not None:
        device_tree_model.write_bytes(content)
    assert default_model(device_tree_model) == FALLBACK_MODEL


@pytest.mark.parametrize(
    ("node", "backend", "model", "maker"),
    [
        ({"model": "Raspberry Pi 5 Model B Rev 1.0"}, "auto", None, "Raspberry Pi"),
        ({"model": "ODROID-C4"}, "auto", None, None),
        ({"model": "ODROID-C4", "manufacturer": "Hardkernel"}, "auto", None, "Hardkernel"),
        # `--simulate` off a Pi (the fallback model), and script/develop's nodes.
        ({"model": "Raspberry Pi"}, "simulated", "Simulated Raspberry Pi", "Py IoT Home"),
        ({"model": "Simulated Raspberry Pi"}, "simulated", None, "Py IoT Home"),
        ({"model": "simulated meter"}, "simulated", None, "Py IoT Home"),
        ({"model": "Raspberry Pi (simulated)"}, "simulated", None, "Py IoT Home"),
        (
            {"model": "Raspberry Pi 4", "manufacturer": "Acme"},
            "simulated",
            "Simulated Raspberry Pi 4",
            "Acme",
        ),
        # No room for the word: the model as the user wrote it (the maker still tells).
        ({"model": "M" * 60}, "simulated", None, "Py IoT Home"),
    ],
)
def test_the_node_names_its_model_and_maker_as_they_are(
    node: dict[str, str], backend: str, model: str | None, maker: str | None
) -> None:
    """The device page shows "<model> by <maker>": the user's word, a simulated node's model
    saying so once (it read "Simulated Raspberry Pi by Simulated"), a Pi by its name."""
    config = parse_config({"node": {"id": "shed", **node}, "backend": backend})
    assert node_model(config) == (model or node["model"])
    assert node_manufacturer(config) == maker
    assert f"{node_model(config)} by {maker}".casefold().count("simulated") <= 1
