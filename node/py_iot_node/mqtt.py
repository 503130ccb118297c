"""The paho-mqtt client, configured from the node's settings."""

from __future__ import annotations

import logging
import secrets
import ssl
from pathlib import Path

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from .config import NodeConfig
from .protocol import MAX_PAYLOAD_BYTES, build_availability

RECONNECT_MIN_DELAY_S = 1
RECONNECT_MAX_DELAY_S = 60
# The largest packet the broker may send the node: a command or resend request (a payload of
# at most MAX_PAYLOAD_BYTES) with its topic and headers. Without it a broker passes on any
# message up to MQTT's 256 MiB, which paho holds in memory three times over before the
# agent may drop it; over it, the broker drops the message for this client (MQTT 5).
MAX_INCOMING_PACKET_BYTES = 2 * MAX_PAYLOAD_BYTES
# How long the broker holds the node's will (MQTT 5) and its session: a connection closed
# and opened again within it (paho reconnects after 1 s) never shows the node offline. A
# flood faster than the node reads holds up the broker's answer to paho's ping, and paho
# closes the connection after a keep-alive without it.
WILL_DELAY_S = 5
CLIENT_ID_FILE = "mqtt_client_id"
# Linux's id of the running boot: a new one at every boot, the same for a restarted process.
BOOT_ID_PATH = Path("/proc/sys/kernel/random/boot_id")

_LOGGER = logging.getLogger(__name__)


def client_id(config: NodeConfig, boot_id_path: Path = BOOT_ID_PATH) -> str:
    """The node's client id: its node id and a random part kept in its state directory.

    Random: nobody can kick the node off by connecting with its client id, and two machines
    on one node id do not take turns kicking each other. Kept for the boot: after a crash
    the restarted agent takes over its session, which ends it and sends its will at once; a
    new id would leave the old session's will to say offline once its delay ran out, after
    the new connection said online. Not kept across boots (a reboot outlasts the session):
    a state directory copied to another Pi (a cloned SD card) would otherwise give both the
    one id, and each would take the other's session every second.
    """
    path = config.state_dir / CLIENT_ID_FILE
    prefix = f"py-iot-node-{config.node_id}-"
    boot = _boot_id(boot_id_path)
    try:
        kept, _, kept_boot = path.read_text(encoding="ascii").partition("\n")
    except (OSError, UnicodeDecodeError):
        kept, kept_boot = "", ""
    random_part = kept.removeprefix(prefix)
    if (
        kept.startswith(prefix)
        and len(random_part) == 12
        and all(c in "0123456789abcdef" for c in random_part)
        and kept_boot.strip() == boot
    ):
        return kept
    made = prefix + secrets.token_hex(6)
    try:
        _write_atomically(path, f"{made}\n{boot}")
    except OSError as err:
        _LOGGER.warning("could not keep the MQTT client id in %s: %s", path, err)
    return made


def _boot_id(path: Path) -> str:
    """The kernel's id of this boot; empty where it cannot be read (not Linux)."""
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(text + "\n", encoding="ascii")
    partial.replace(path)


def create_client(config: NodeConfig, boot_id_path: Path = BOOT_ID_PATH) -> paho.Client:
    """Build a client with the node's credentials, TLS, last will and reconnect backoff."""
    v5 = config.mqtt.protocol == "5"
    client = paho.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id(config, boot_id_path),
        # MQTT 5: its CONNECT tells the broker the largest packet the node takes.
        protocol=paho.MQTTv5 if v5 else paho.MQTTv311,
    )
    mqtt = config.mqtt
    if mqtt.username is not None:
        client.username_pw_set(mqtt.username, mqtt.password)
    if mqtt.tls is not None:
        client.tls_set(
            ca_certs=str(mqtt.tls.ca_file) if mqtt.tls.ca_file else None,
            certfile=str(mqtt.tls.cert_file) if mqtt.tls.cert_file else None,
            keyfile=str(mqtt.tls.key_file) if mqtt.tls.key_file else None,
            cert_reqs=ssl.CERT_NONE if mqtt.tls.insecure else ssl.CERT_REQUIRED,
        )
        client.tls_insecure_set(mqtt.tls.insecure)
    will = build_availability(config.node_id, False, prefix=mqtt.prefix)
    delay = None
    if v5:
        delay = Properties(PacketTypes.WILLMESSAGE)  # type: ignore[no-untyped-call]  # paho: unannotated
        delay.WillDelayInterval = WILL_DELAY_S
    client.will_set(will.topic, will.payload, qos=will.qos, retain=will.retain, properties=delay)
    client.reconnect_delay_set(RECONNECT_MIN_DELAY_S, RECONNECT_MAX_DELAY_S)
    return client


def connect_in_background(client: paho.Client, config: NodeConfig) -> None:
    """Start connecting (paho's loop does it), asking for no packet over MAX_INCOMING_PACKET_BYTES.

    A clean start at the first connection; a reconnection takes the session up again if it
    came within WILL_DELAY_S, so the will is not sent and commands sent meanwhile arrive
    (at most that late). Over MQTT 3.1.1 (`mqtt.protocol`, for a broker without 5) every
    connection starts clean, and there is no size to ask for.
    """
    mqtt = config.mqtt
    if mqtt.protocol == "3.1.1":
        # A clean session each time (paho's default for 3.1.1); no packet size to ask for.
        client.connect_async(mqtt.host, mqtt.port, mqtt.keepalive_s)
        return
    limits = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]  # paho: unannotated
    limits.MaximumPacketSize = MAX_INCOMING_PACKET_BYTES
    # Held as long as the will: the will is sent when its delay or the session ends.
    limits.SessionExpiryInterval = WILL_DELAY_S
    client.connect_async(
        mqtt.host,
        mqtt.port,
        mqtt.keepalive_s,
        clean_start=paho.MQTT_CLEAN_START_FIRST_ONLY,
        properties=limits,
    )
