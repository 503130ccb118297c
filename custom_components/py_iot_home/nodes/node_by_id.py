"""A node's announcement read from the broker by its id, for a node whose discovery was lost.

Discoveries wait in 20 slots, and 20 more are kept for when those free: a stranger's made-up
nodes (a broker without the documented ACL) can fill all of them while a real node announces
once, and Home Assistant's MQTT discovery does not hand an unchanged retained announcement
over again. The user, who knows the node's id, can still ask for it: nothing a flood sends
stands between them, as the broker keeps one announcement per node id.
"""

from __future__ import annotations

from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from homeassistant.util import dt as dt_util

from ..protocol import DEFAULT_PREFIX, ProtocolError, TopicKind, node_topic, validate_node_id
from .discovery import async_retained_announcement


class NodeNotFound(Exception):
    """No announcement to offer; `error` is the form's error key."""

    def __init__(self, error: str) -> None:
        """Keep the form's error key."""
        super().__init__(error)
        self.error = error


async def async_announcement_of(hass: HomeAssistant, typed: str) -> MqttServiceInfo:
    """The announcement the broker keeps for the node id typed, as discovery would hand it."""
    try:
        # Also what keeps MQTT's wildcards (`+`, `#`) out of the subscription.
        node_id = validate_node_id(typed.strip().lower())
    except ProtocolError as err:
        raise NodeNotFound("invalid_node_id") from err
    if not await mqtt.async_wait_for_mqtt_client(hass):
        raise NodeNotFound("no_mqtt")
    topic = node_topic(DEFAULT_PREFIX, node_id, TopicKind.ANNOUNCE)
    if not (payload := await async_retained_announcement(hass, topic)):
        raise NodeNotFound("no_announcement")
    return MqttServiceInfo(
        topic=topic,
        payload=payload,
        qos=1,
        retain=True,
        subscribed_topic=topic,
        timestamp=dt_util.utcnow().timestamp(),
    )
