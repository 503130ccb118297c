"""Opt-in Home Assistant device-based MQTT discovery, for users without the integration.

With `ha_discovery: true` a node also publishes `homeassistant/device/<node_id>/config`, so
Home Assistant's own MQTT integration shows it. Off by default: a node announced both ways
would appear twice to users of py_iot_home.
"""

from __future__ import annotations

import json

from .config import NodeConfig, node_manufacturer, node_model
from .protocol import OutboundMessage, TopicKind, node_topic

DISCOVERY_PREFIX = "homeassistant"
ORIGIN_URL = "https://github.com/py-iot-home/py_iot_home"

_QUANTITIES = (
    ("temperature", "temperature", "°C"),
    ("humidity", "humidity", "%"),
)


def discovery_topic(node_id: str) -> str:
    """Return the device discovery topic of one node."""
    return f"{DISCOVERY_PREFIX}/device/{node_id}/config"


def build_ha_discovery(config: NodeConfig, sw_version: str) -> OutboundMessage:
    """Build the retained device discovery message for the node's sensors and switches."""
    prefix = config.mqtt.prefix
    node_id = config.node_id
    state_topic = node_topic(prefix, node_id, TopicKind.STATE)
    components: dict[str, dict[str, object]] = {}
    for sensor in config.sensors:
        for quantity, device_class, unit in _QUANTITIES:
            # Switch echoes carry no sensors: an empty result makes Home Assistant keep the value.
            components[f"{sensor.key}_{quantity}"] = {
                "p": "sensor",
                "name": f"{sensor.name} {quantity}",
                "unique_id": f"py_iot_node_{node_id}_{sensor.key}_{quantity}",
                "device_class": device_class,
                "state_class": "measurement",
                "unit_of_measurement": unit,
                "value_template": (
                    f"{{% set s = (value_json.sensors | default({{}})).get('{sensor.key}') %}}"
                    f"{{{{ s.{quantity} if s and s.{quantity} is not none else '' }}}}"
                ),
            }
    for switch in config.switches:
        components[switch.key] = {
            "p": "switch",
            "name": switch.name,
            "unique_id": f"py_iot_node_{node_id}_{switch.key}",
            "command_topic": node_topic(prefix, node_id, TopicKind.COMMAND, switch.key),
            "value_template": (
                f"{{{{ 'ON' if (value_json.switches | default({{}})).get('{switch.key}') "
                "else 'OFF' }}"
            ),
        }
    device: dict[str, object] = {
        "ids": [f"py_iot_node_{node_id}"],
        "name": config.name,
        "mdl": node_model(config),
        "sw": sw_version,
    }
    # The maker the node announces to the integration, none rather than a guess.
    if (manufacturer := node_manufacturer(config)) is not None:
        device["mf"] = manufacturer
    payload = {
        "dev": device,
        "o": {"name": "py-iot-node", "sw": sw_version, "url": ORIGIN_URL},
        "cmps": components,
        "state_topic": state_topic,
        "availability_topic": node_topic(prefix, node_id, TopicKind.AVAILABILITY),
        "qos": 1,
    }
    return OutboundMessage(
        discovery_topic(node_id), json.dumps(payload).encode(), qos=1, retain=True
    )
