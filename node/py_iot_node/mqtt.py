"""The paho-mqtt client, configured from the node's settings."""

from __future__ import annotations

import secrets
import ssl

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from .config import NodeConfig
from .protocol import build_availability

RECONNECT_MIN_DELAY_S = 1
RECONNECT_MAX_DELAY_S = 60


def create_client(config: NodeConfig) -> paho.Client:
    """Build a client with the node's credentials, TLS, last will and reconnect backoff."""
    client = paho.Client(
        CallbackAPIVersion.VERSION2,
        # A random part: nobody can kick the node off by connecting with its client id, and
        # two machines on one node id do not take turns kicking each other.
        client_id=f"py-iot-node-{config.node_id}-{secrets.token_hex(6)}",
        protocol=paho.MQTTv311,
        clean_session=True,
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
