"""One live state sent over and over (anyone may, for an unsigned node): memory stays put."""

from __future__ import annotations

import gc
import logging
import time
import tracemalloc

import pytest
from homeassistant.core import HomeAssistant
from paho.mqtt.client import MQTTMessage
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from .node_messages import STATE_TOPIC, discover_and_confirm, state_payload

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

WARM_UP = 500
REPEATS = 4_000


def _retained_bytes(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> int:
    """Bytes allocated between two snapshots and still alive, harness mocks and logs aside."""
    harness = [
        tracemalloc.Filter(inclusive=False, filename_pattern="*/unittest/mock.py"),
        tracemalloc.Filter(inclusive=False, filename_pattern="*/logging/__init__.py"),
        tracemalloc.Filter(inclusive=False, filename_pattern=tracemalloc.__file__),
    ]
    stats = after.filter_traces(harness).compare_to(before.filter_traces(harness), "filename")
    return sum(stat.size_diff for stat in stats)


async def test_one_state_sent_over_and_over_keeps_no_memory_per_message(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Each live state left a reference to the node's clock behind, kept until a command was
    sent (and then for 10 minutes): a state whose time falls behind our clock (one payload
    repeated, or times counting down) kept ~110 bytes per message for as long as Home
    Assistant ran. At the pace the broker delivers them, a stranger publishing for an
    unsigned node took hundreds of MB an hour."""
    await discover_and_confirm(hass)
    payload = state_payload(7, ts=time.time() - 30)
    for _ in range(WARM_UP):
        async_fire_mqtt_message(hass, STATE_TOPIC, payload)
    await hass.async_block_till_done(wait_background_tasks=True)
    # What paho hands Home Assistant's client, made beforehand: the harness keeps its own.
    messages = [MQTTMessage(topic=STATE_TOPIC.encode()) for _ in range(REPEATS)]
    for message in messages:
        message.payload = payload
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
        growth = _retained_bytes(before, tracemalloc.take_snapshot())
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)
    # ~120 bytes a message before; 7-9 kB in all now (the parser's and the loop's own).
    assert growth < 10 * REPEATS, f"{growth} bytes kept after {REPEATS} states"
