"""The node's YAML configuration, loaded into frozen dataclasses and checked once at start."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml  # type: ignore[import-untyped,unused-ignore]

from .clock_sync import DEFAULT_MAX_WAIT_S
from .hardware.dht import DHT_BACKENDS, DhtModel
from .hardware.gpio import GPIO_BACKENDS
from .hardware.names import BACKEND_AUTO, BACKEND_SIMULATED, GPIO_PINS, MAX_GPIO_PIN, MIN_GPIO_PIN
from .protocol import (
    DEFAULT_PREFIX,
    MAX_SENSORS,
    MAX_SWITCHES,
    MAX_TEXT_LENGTH,
    UNSTORABLE_TEXT_RE,
    ProtocolError,
    Quantity,
    has_visible_character,
    invisible_character,
    markup_character,
    mixed_scripts,
    reads_alike,
    validate_key,
    validate_node_id,
    validate_prefix,
)

DEFAULT_STATE_DIR = Path("/var/lib/py-iot-node")
DEFAULT_BUFFER_SAMPLES = 50_000
# Sent samples kept in memory for Home Assistant's resend requests (~1.5 MB at most).
DEFAULT_RESEND_SAMPLES = 5_000
MIN_INTERVAL_S = 2.0
# BCM numbers of the GPIO lines on the 40-pin header.


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or invalid."""


@dataclass(frozen=True, kw_only=True)
class TlsConfig:
    """TLS towards the broker; certificate checks stay on unless `insecure`."""

    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    insecure: bool = False


type MqttProtocol = Literal["5", "3.1.1"]


@dataclass(frozen=True, kw_only=True)
class MqttConfig:
    """Where the broker is and how to log in."""

    host: str = "localhost"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    keepalive_s: int = 30
    prefix: str = DEFAULT_PREFIX
    tls: TlsConfig | None = None
    # MQTT 5 lets the node cap the packets the broker sends it; 3.1.1 for a broker without 5.
    protocol: MqttProtocol = "5"


@dataclass(frozen=True, kw_only=True)
class SensorConfig:
    """One DHT sensor on a GPIO pin."""

    key: str
    name: str
    model: DhtModel
    pin: int


@dataclass(frozen=True, kw_only=True)
class CustomSensorConfig:
    """A sensor read by your own Python code (an energy meter, a replay of recorded data)."""

    key: str
    name: str
    # "package.module:callable"; called with `options`, returns an object with read().
    factory: str
    quantities: tuple[Quantity, ...]
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SwitchConfig:
    """One GPIO output (an LED, a relay)."""

    key: str
    name: str
    pin: int
    active_high: bool = True
    initial_on: bool = False
    # After a restart the output takes the state it had when the agent stopped, as a
    # Tasmota or Shelly relay does; `initial_on` is then for the very first start only.
    restore: bool = True


# The board's own name ("Raspberry Pi 4 Model B Rev 1.4"), NUL-terminated, on a Pi's kernel.
DEVICE_TREE_MODEL = Path("/proc/device-tree/model")
FALLBACK_MODEL = "Raspberry Pi"
RASPBERRY_PI = "Raspberry Pi"
# A simulated node's model says so; who made it is this project (core's demo names no maker).
SIMULATED = "Simulated"
SIMULATED_MANUFACTURER = "Py IoT Home"


@dataclass(frozen=True, kw_only=True)
class NodeConfig:
    """Everything the agent needs to run."""

    node_id: str
    name: str
    model: str = FALLBACK_MODEL
    # Who made the board, when the user says so (announced; see node_manufacturer).
    manufacturer: str | None = None
    mqtt: MqttConfig = field(default_factory=MqttConfig)
    sensors: tuple[SensorConfig, ...] = ()
    custom_sensors: tuple[CustomSensorConfig, ...] = ()
    switches: tuple[SwitchConfig, ...] = ()
    interval_s: float = 30.0
    # Longest wait after start for an unsynchronised clock before samples go out anyway.
    clock_sync_wait_s: float = DEFAULT_MAX_WAIT_S
    state_dir: Path = DEFAULT_STATE_DIR
    buffer_max_samples: int = DEFAULT_BUFFER_SAMPLES
    resend_max_samples: int = DEFAULT_RESEND_SAMPLES
    secret: str | None = None
    dht_backend: str = BACKEND_AUTO
    gpio_backend: str = BACKEND_AUTO
    ha_discovery: bool = False

    @property
    def buffer_path(self) -> Path:
        """The sqlite file holding unsent samples and the message counter."""
        return self.state_dir / "buffer.sqlite3"


def _section(data: Mapping[str, object], name: str) -> Mapping[str, object]:
    value = data.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{name}: expected a mapping")
    return value


def _get[T](data: Mapping[str, object], name: str, kind: type[T], default: T) -> T:
    value = data.get(name, default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ConfigError(f"{name}: expected {kind.__name__}, got {value!r}")
    return value


def _optional_str(data: Mapping[str, object], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ConfigError(f"{name}: expected a string")
    return str(value)


def _optional_path(data: Mapping[str, object], name: str) -> Path | None:
    value = _optional_str(data, name)
    return None if value is None else Path(value)


def _text(data: Mapping[str, object], name: str, default: str) -> str:
    value = _get(data, name, str, default)
    if not 0 < len(value) <= MAX_TEXT_LENGTH:
        raise ConfigError(f"{name}: 1 to {MAX_TEXT_LENGTH} characters")
    if UNSTORABLE_TEXT_RE.search(value):
        # Home Assistant would refuse the announcement (invalid_text): say so at start.
        raise ConfigError(f"{name}: no control, bidirectional-override or surrogate characters")
    if (hidden := invisible_character(value)) is not None:
        raise ConfigError(f"{name}: invisible character U+{ord(hidden):04X}")
    if not has_visible_character(value):
        raise ConfigError(f"{name}: needs a visible character")
    if (markup := markup_character(value)) is not None:
        # Home Assistant would refuse it too: in Assist's Markdown it could load an image.
        raise ConfigError(f"{name}: no <, >, [ or ] (Markdown and HTML), found {markup!r}")
    return value


def _name(data: Mapping[str, object], default: str) -> str:
    value = _text(data, "name", default)
    if (scripts := mixed_scripts(value)) is not None:
        # Home Assistant refuses it: "K\u0456tchen" (a Cyrillic i) reads as another's "Kitchen".
        raise ConfigError(
            f"name: {value!r} mixes {' and '.join(scripts)} letters in a word"
            " (write each word in one alphabet)"
        )
    return value


def _pin(data: Mapping[str, object], what: str) -> int:
    pin = _get(data, "pin", int, -1)
    if pin not in GPIO_PINS:
        raise ConfigError(
            f"{what}: pin must be a BCM GPIO number {MIN_GPIO_PIN}-{MAX_GPIO_PIN}, got {pin}"
        )
    return pin


def _key(data: Mapping[str, object], what: str) -> str:
    try:
        return validate_key(_get(data, "key", str, ""))
    except ProtocolError as err:
        raise ConfigError(f"{what}: key must match [a-z0-9][a-z0-9_-]{{0,31}}") from err


def _list(data: Mapping[str, object], name: str, limit: int) -> list[Mapping[str, object]]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise ConfigError(f"{name}: expected a list of mappings")
    if len(value) > limit:
        raise ConfigError(f"{name}: at most {limit}")
    return value


def _sensor(data: Mapping[str, object], index: int) -> SensorConfig:
    what = f"sensors[{index}]"
    key = _key(data, what)
    model_name = _get(data, "model", str, DhtModel.DHT22.value).lower()
    try:
        model = DhtModel(model_name)
    except ValueError as err:
        raise ConfigError(f"{what}: model must be one of {[m.value for m in DhtModel]}") from err
    return SensorConfig(key=key, name=_name(data, key), model=model, pin=_pin(data, what))


def _custom_sensor(data: Mapping[str, object], index: int) -> CustomSensorConfig:
    what = f"custom_sensors[{index}]"
    key = _key(data, what)
    factory = _get(data, "factory", str, "")
    module, _, attribute = factory.partition(":")
    if not module or not attribute:
        raise ConfigError(f"{what}: factory must be 'package.module:callable'")
    names = data.get("quantities")
    if not isinstance(names, list) or not names:
        raise ConfigError(f"{what}: quantities must be a list of {[q.value for q in Quantity]}")
    try:
        quantities = tuple(dict.fromkeys(Quantity(str(name)) for name in names))
    except ValueError as err:
        raise ConfigError(f"{what}: quantities: one of {[q.value for q in Quantity]}") from err
    return CustomSensorConfig(
        key=key,
        name=_name(data, key),
        factory=factory,
        quantities=quantities,
        options=_section(data, "options"),
    )


def _switch(data: Mapping[str, object], index: int) -> SwitchConfig:
    what = f"switches[{index}]"
    key = _key(data, what)
    return SwitchConfig(
        key=key,
        name=_name(data, key),
        pin=_pin(data, what),
        active_high=_get(data, "active_high", bool, True),
        initial_on=_get(data, "initial_on", bool, False),
        restore=_get(data, "restore", bool, True),
    )


def _clock_sync_wait_s(data: Mapping[str, object]) -> float:
    wait_s = _get(data, "clock_sync_wait_s", float, DEFAULT_MAX_WAIT_S)
    if not 0 <= wait_s <= 3600:
        raise ConfigError("clock_sync_wait_s: between 0 and 3600")
    return wait_s


def _tls(data: Mapping[str, object]) -> TlsConfig | None:
    if "tls" not in data or data["tls"] is False:
        return None
    if data["tls"] is True:
        return TlsConfig()
    tls = _section(data, "tls")
    return TlsConfig(
        ca_file=_optional_path(tls, "ca_file"),
        cert_file=_optional_path(tls, "cert_file"),
        key_file=_optional_path(tls, "key_file"),
        insecure=_get(tls, "insecure", bool, False),
    )


def _mqtt(data: Mapping[str, object]) -> MqttConfig:
    mqtt = _section(data, "mqtt")
    tls = _tls(mqtt)
    port = _get(mqtt, "port", int, 8883 if tls else 1883)
    if not 0 < port < 65536:
        raise ConfigError(f"mqtt.port: {port} is not a TCP port")
    prefix = _get(mqtt, "prefix", str, DEFAULT_PREFIX)
    try:
        validate_prefix(prefix)
    except ProtocolError as err:
        raise ConfigError(f"mqtt.prefix: {err}") from err
    keepalive_s = _get(mqtt, "keepalive_s", int, 30)
    if not 5 <= keepalive_s <= 3600:
        raise ConfigError("mqtt.keepalive_s: between 5 and 3600")
    if tls and (tls.cert_file is None) != (tls.key_file is None):
        raise ConfigError("mqtt.tls: cert_file and key_file go together")
    # YAML reads `protocol: 5` as a number and `protocol: 3.1.1` as text.
    protocol = str(mqtt.get("protocol", "5"))
    if protocol not in ("5", "3.1.1"):
        raise ConfigError(f"mqtt.protocol: 5 or 3.1.1, got {protocol[:20]!r}")
    return MqttConfig(
        host=_get(mqtt, "host", str, "localhost"),
        port=port,
        username=_optional_str(mqtt, "username"),
        password=_optional_str(mqtt, "password"),
        keepalive_s=keepalive_s,
        prefix=prefix,
        tls=tls,
        protocol="5" if protocol == "5" else "3.1.1",
    )


def _secret(data: Mapping[str, object], base_dir: Path) -> str | None:
    secret = _optional_str(data, "secret")
    secret_file = _optional_path(data, "secret_file")
    if secret_file is not None:
        path = secret_file if secret_file.is_absolute() else base_dir / secret_file
        try:
            secret = path.read_text(encoding="utf-8").strip()
        except OSError as err:
            raise ConfigError(f"secret_file: {err}") from err
    if secret is not None and len(secret) < 16:
        raise ConfigError("secret: use at least 16 characters")
    return secret


MACHINE_ID_PATHS = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))


def default_node_id(machine_id_paths: tuple[Path, ...] = MACHINE_ID_PATHS) -> str:
    """Derive a node id unique to this machine: the host name and a hash of its machine id.

    Host names repeat (every fresh Raspberry Pi OS is `raspberrypi`); two nodes on one id
    would overwrite each other's announcement. The hash keeps the machine id itself private.
    """
    cleaned = "".join(c if c.isalnum() or c in "_-" else "-" for c in socket.gethostname().lower())
    cleaned = cleaned.strip("-_")[:25] or "node"
    suffix = next(
        (
            hashlib.sha256(b"py-iot-node:" + machine_id.encode()).hexdigest()[:6]
            for path in machine_id_paths
            if (machine_id := _read_machine_id(path))
        ),
        None,
    )
    node_id = f"{cleaned}-{suffix}" if suffix else cleaned
    try:
        return validate_node_id(node_id)
    except ProtocolError:
        return f"node-{suffix}" if suffix else "node"


def _read_machine_id(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def default_model(path: Path = DEVICE_TREE_MODEL) -> str:
    """The board's model as its kernel names it, or the fallback off a device tree."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_TEXT_LENGTH * 4).decode("utf-8")
        return _text({"model": raw.strip("\x00").strip()}, "model", FALLBACK_MODEL)
    except (OSError, UnicodeDecodeError, ConfigError):
        return FALLBACK_MODEL


def _check_names_differ(what: str, names: list[str]) -> None:
    """Refuse two sensors, or two switches, of one name, as Home Assistant would.

    Their entities could not be told apart in lists, history or by Assist.
    """
    for index, name in enumerate(names):
        if any(reads_alike(name, other) for other in names[index + 1 :]):
            raise ConfigError(
                f"{what}: two are named {name!r} (case, spaces and look-alikes aside)"
            )


def parse_config(
    data: object, *, base_dir: Path = Path(), model_path: Path = DEVICE_TREE_MODEL
) -> NodeConfig:
    """Build a NodeConfig from the parsed YAML document; raise ConfigError when invalid."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError("the configuration must be a mapping")
    node = _section(data, "node")
    node_id = _get(node, "id", str, default_node_id())
    try:
        validate_node_id(node_id)
    except ProtocolError as err:
        raise ConfigError("node.id must match [a-z0-9][a-z0-9_-]{0,31}") from err
    sensors = tuple(
        _sensor(item, index) for index, item in enumerate(_list(data, "sensors", MAX_SENSORS))
    )
    custom_sensors = tuple(
        _custom_sensor(item, index)
        for index, item in enumerate(_list(data, "custom_sensors", MAX_SENSORS - len(sensors)))
    )
    switches = tuple(
        _switch(item, index) for index, item in enumerate(_list(data, "switches", MAX_SWITCHES))
    )
    keys = [
        *(sensor.key for sensor in sensors),
        *(custom.key for custom in custom_sensors),
        *(switch.key for switch in switches),
    ]
    if len(set(keys)) != len(keys):
        raise ConfigError("sensor and switch keys must be unique")
    _check_names_differ(
        "sensors", [sensor.name for sensor in sensors] + [custom.name for custom in custom_sensors]
    )
    _check_names_differ("switches", [switch.name for switch in switches])
    pins = [sensor.pin for sensor in sensors] + [switch.pin for switch in switches]
    if len(set(pins)) != len(pins):
        raise ConfigError("two sensors or switches share a pin")
    interval_s = _get(data, "interval_s", float, 30.0)
    if not MIN_INTERVAL_S <= interval_s <= 86_400:
        raise ConfigError(f"interval_s: between {MIN_INTERVAL_S} and 86400")
    buffer = _section(data, "buffer")
    max_samples = _get(buffer, "max_samples", int, DEFAULT_BUFFER_SAMPLES)
    if max_samples < 1:
        raise ConfigError("buffer.max_samples must be at least 1")
    resend_samples = _get(buffer, "resend_samples", int, DEFAULT_RESEND_SAMPLES)
    if not 0 <= resend_samples <= 100_000:
        raise ConfigError("buffer.resend_samples: between 0 and 100000")
    backend = _get(data, "backend", str, BACKEND_AUTO)
    if backend not in (BACKEND_AUTO, BACKEND_SIMULATED):
        raise ConfigError("backend: auto or simulated")
    dht_backend = _get(data, "dht_backend", str, backend)
    if dht_backend not in DHT_BACKENDS:
        raise ConfigError(f"dht_backend: one of {DHT_BACKENDS}")
    gpio_backend = _get(data, "gpio_backend", str, backend)
    if gpio_backend not in GPIO_BACKENDS:
        raise ConfigError(f"gpio_backend: one of {GPIO_BACKENDS}")
    secret = _secret(data, base_dir)
    ha_discovery = _get(data, "ha_discovery", bool, False)
    if ha_discovery and secret is not None:
        # Home Assistant's MQTT switch sends plain ON/OFF, which a signed node must refuse.
        raise ConfigError("ha_discovery cannot be combined with a secret")
    state_dir = _optional_path(data, "state_dir") or DEFAULT_STATE_DIR
    return NodeConfig(
        node_id=node_id,
        name=_name(node, node_id),
        model=_text(node, "model", default_model(model_path)),
        manufacturer=_text(node, "manufacturer", "-") if "manufacturer" in node else None,
        mqtt=_mqtt(data),
        sensors=sensors,
        custom_sensors=custom_sensors,
        switches=switches,
        interval_s=interval_s,
        clock_sync_wait_s=_clock_sync_wait_s(data),
        state_dir=state_dir if state_dir.is_absolute() else base_dir / state_dir,
        buffer_max_samples=max_samples,
        resend_max_samples=resend_samples,
        secret=secret,
        dht_backend=dht_backend,
        gpio_backend=gpio_backend,
        ha_discovery=ha_discovery,
    )


def simulated(config: NodeConfig) -> bool:
    """Whether neither the node's sensors nor its outputs are real hardware (`--simulate`)."""
    return config.dht_backend == BACKEND_SIMULATED and config.gpio_backend == BACKEND_SIMULATED


def node_model(config: NodeConfig) -> str:
    """The board's model; a simulated node's says so ("Simulated Raspberry Pi").

    Once: a model that already says so keeps it, one too long for the word stays as it is.
    """
    model = config.model
    if not simulated(config) or SIMULATED.casefold() in model.casefold():
        return model
    named = f"{SIMULATED} {model}"
    return named if len(named) <= MAX_TEXT_LENGTH else model


def node_manufacturer(config: NodeConfig) -> str | None:
    """Who made the node, as far as it knows; None rather than a guess.

    The user's word first; "Py IoT Home" when neither sensors nor outputs are real hardware
    (`--simulate`: its model says simulated); "Raspberry Pi" when the board names itself one.
    """
    if config.manufacturer is not None:
        return config.manufacturer
    if simulated(config):
        return SIMULATED_MANUFACTURER
    return RASPBERRY_PI if config.model.startswith(RASPBERRY_PI) else None


def load_config(path: Path) -> NodeConfig:
    """Read and check the YAML file at `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err}") from err
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"{path} is not valid YAML: {err}") from err
    return parse_config(data, base_dir=path.parent)
