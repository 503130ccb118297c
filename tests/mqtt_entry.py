"""Home Assistant's MQTT integration set up on a broker, as the tests and benchmarks need it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import MagicMock, Mock, patch

# Before the plugin, also when a benchmark imports this module (see ha_compat).
import tests.ha_compat  # noqa: F401  # isort: skip
import paho.mqtt.client as paho
from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant
from paho.mqtt.enums import CallbackAPIVersion
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockMqttReasonCode,
)

from .mosquitto_server import MosquittoServer


async def async_setup_mqtt_entry(hass: HomeAssistant, data: dict[str, Any]) -> MockConfigEntry:
    """Add and set up an MQTT entry with `data` (broker, port...), and wait for its client.

    No birth message: its publish waits for discovery to settle, and a broker restart in
    that window fails it (an unretrieved task error, unrelated to what is measured).
    """
    entry = MockConfigEntry(
        domain=mqtt.DOMAIN,
        title="MQTT",
        data=data,
        options={"birth_message": {}},
        version=mqtt.CONFIG_ENTRY_VERSION,
        minor_version=mqtt.CONFIG_ENTRY_MINOR_VERSION,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert await mqtt.async_wait_for_mqtt_client(hass)
    return entry


@contextmanager
def broker_publisher(broker: MosquittoServer) -> Iterator[paho.Client]:
    """A plain client on the real `broker`, its network loop running until the block ends."""
    publisher = paho.Client(CallbackAPIVersion.VERSION2)
    publisher.connect(broker.host, broker.port)
    publisher.loop_start()
    try:
        yield publisher
    finally:
        publisher.loop_stop()
        publisher.disconnect()


async def async_settle(hass: HomeAssistant) -> None:
    """Real time for the broker to deliver, then Home Assistant's tasks to run."""
    for _ in range(20):
        await asyncio.sleep(0.05)
        await hass.async_block_till_done(wait_background_tasks=True)


@contextmanager
def mocked_paho(hass: HomeAssistant) -> Iterator[MagicMock]:
    """A paho client that connects at once and acknowledges everything (no network)."""
    mid = 0

    def next_mid() -> int:
        nonlocal mid
        mid += 1
        return mid

    with patch("homeassistant.components.mqtt.client.AsyncMQTTClient") as client_class:
        client = client_class.return_value

        def connect(*_args: Any, **_kwargs: Any) -> int:
            hass.loop.call_soon_threadsafe(client.on_connect, client, None, 0, MockMqttReasonCode())
            return 0

        def subscribe(*_args: Any, **_kwargs: Any) -> tuple[int, int]:
            sub_mid = next_mid()
            hass.loop.call_soon(
                client.on_subscribe, Mock(), 0, sub_mid, [MockMqttReasonCode()], None
            )
            return 0, sub_mid

        def publish(*_args: Any, **_kwargs: Any) -> Mock:
            pub_mid = next_mid()
            hass.loop.call_soon(client.on_publish, Mock(), 0, pub_mid, MockMqttReasonCode(), None)
            return Mock(mid=pub_mid, rc=0)

        client.connect.side_effect = connect
        client.subscribe.side_effect = subscribe
        client.unsubscribe.side_effect = subscribe
        client.publish.side_effect = publish
        client.loop_read.return_value = 0
        yield client
