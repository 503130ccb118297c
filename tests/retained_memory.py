"""Memory a stream of received MQTT messages leaves behind, as the memory tests measure it."""

from __future__ import annotations

import gc
import logging
import tracemalloc
from collections.abc import Sequence

from homeassistant.core import HomeAssistant
from paho.mqtt.client import MQTTMessage


def mqtt_message(topic: str, payload: bytes) -> MQTTMessage:
    """What paho hands Home Assistant's MQTT client for one received message."""
    message = MQTTMessage(topic=topic.encode())
    message.payload = payload
    return message


def retained_bytes(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> int:
    """Bytes allocated between two snapshots and still alive, harness mocks and logs aside."""
    harness = [
        tracemalloc.Filter(inclusive=False, filename_pattern="*/unittest/mock.py"),
        tracemalloc.Filter(inclusive=False, filename_pattern="*/logging/__init__.py"),
        tracemalloc.Filter(inclusive=False, filename_pattern=tracemalloc.__file__),
    ]
    stats = after.filter_traces(harness).compare_to(before.filter_traces(harness), "filename")
    return sum(stat.size_diff for stat in stats)


async def bytes_kept_after(hass: HomeAssistant, messages: Sequence[MQTTMessage]) -> int:
    """Bytes still held once Home Assistant's MQTT client has handled `messages`.

    The messages are built beforehand, and logging is off while they are handled: the log
    capture holds every record.
    """
    client = hass.data["mqtt"].client
    logging.disable(logging.CRITICAL)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for message in messages:
            client._async_mqtt_on_message(None, None, message)
        await hass.async_block_till_done(wait_background_tasks=True)
        gc.collect()
        return retained_bytes(before, tracemalloc.take_snapshot())
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)
