"""The paho-mqtt client, configured from the node's settings."""

from __future__ import annotations

import secrets
import ssl

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


def create_client(config: NodeConfig) -> paho.Client:
    """Build a client with the node's credentials, TLS, last will and reconnect backoff."""
    client = paho.Client(
        CallbackAPIVersion.VERSION2,
        # A random part: nobody can kick the node off by connecting with its client id, and
        # two machines on one node id do not take turns kicking each other.
        client_id=f"py-iot-node-{config.node_id}-{secrets.token_hex(6)}",
        # MQTT 5: its CONNECT tells the broker the largest packet the node takes.
        protocol=paho.MQTTv5 if config.mqtt.protocol == "5" else paho.MQTTv311,
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
    client.will_set(will.topic, will.payload, qos=will.qos, retain=will.retain)
    client.reconnect_delay_set(RECONNECT_MIN_DELAY_S, RECONNECT_MAX_DELAY_S)
    return client


def connect_in_background(client: paho.Client, config: NodeConfig) -> None:
    """Start connecting (paho's loop does it), asking for no packet over MAX_INCOMING_PACKET_BYTES.

    A clean start at every connection, as MQTT 3.1.1's clean session is: commands sent
    while the node was away are not kept for it (they would come late). Over MQTT 3.1.1
    (`mqtt.protocol`, for a broker without 5) there is no size to ask for.
    """
    mqtt = config.mqtt
    if mqtt.protocol == "3.1.1":
        # A clean session each time (paho's default for 3.1.1); no packet size to ask for.
        client.connect_async(mqtt.host, mqtt.port, mqtt.keepalive_s)
        return
    limits = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]  # paho: unannotated
    limits.MaximumPacketSize = MAX_INCOMING_PACKET_BYTES
    client.connect_async(
        mqtt.host, mqtt.port, mqtt.keepalive_s, clean_start=True, properties=limits
    )
