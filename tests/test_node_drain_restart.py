"""Home Assistant restarts while a signed node drains a backlog its live switch states overtook.

The node sends its reconnect's echo and a command's confirmation live, numbered above the
samples still in its buffer. Restarted, Home Assistant must still take those samples once
each, and still refuse what it had taken before.
"""

from __future__ import annotations

import time

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.protocol import MessageSigner, RejectionKind

from .node_messages import (
    REPLAY_TOPIC,
    STATE_TOPIC,
    discover_and_confirm,
    replay_payload,
    state_payload,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

SECRET = "the kitchen node's drain secret"


async def test_a_backlog_overtaken_by_live_switch_states_survives_a_restart(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    now = time.time()

    def sample(seq: int) -> bytes:
        return state_payload(seq, ts=now - 1000 + seq, signer=signer)

    async_fire_mqtt_message(hass, STATE_TOPIC, sample(10))
    # Back after an outage with samples 11 to 20 buffered: the echo (21) goes out live, then
    # the first batch; the rest of the backlog is still on its way when Home Assistant stops.
    echo = state_payload(21, temperature=None, humidity=None, ts=now, signer=signer)
    async_fire_mqtt_message(hass, STATE_TOPIC, echo)
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload([sample(s) for s in range(11, 16)]))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.replayed_samples == 5
    entry = node.config_entry
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    node = entry.runtime_data.node
    arrived: list[int] = []
    node.async_add_samples_listener(
        lambda states, _replayed: arrived.extend(state.seq for state in states)
    )

    # The rest of the backlog arrives; what came before the restart is still refused.
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload([sample(s) for s in range(14, 21)]))
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload([sample(s) for s in range(11, 14)]))
    async_fire_mqtt_message(hass, STATE_TOPIC, echo)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert arrived == [16, 17, 18, 19, 20]
    assert dict(node.rejections.counts) == {RejectionKind.REPLAYED_COUNTER: 2}
