"""A signed node's own messages, captured on the broker and sent again in a chosen order.

Signatures prove who wrote a message, not that it is new: whoever recorded a node's samples
can publish them later, out of order. Neither may cost data nor raise a false alarm.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import CONF_ANNOUNCEMENT, DOMAIN
from custom_components.py_iot_home.protocol import MessageSigner, SwitchInfo
from custom_components.py_iot_home.repairs import node_id_shared_issue_id

from .node_messages import (
    ANNOUNCE_TOPIC,
    NODE_ID,
    REPLAY_TOPIC,
    STATE_TOPIC,
    announce_payload,
    announcement,
    broker_back,
    discover_and_confirm,
    published_resend_requests,
    replay_payload,
    state_payload,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]
SECRET = "a long enough shared secret"


async def test_captured_samples_sent_out_of_order_cannot_hide_an_outage(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Every other missed sample, replayed first, must not make the node's answer too old."""
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    times = {seq: time.time() - 3000 + 10 * seq for seq in range(10, 211)}
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(10, ts=times[10], signer=signer))
    await broker_back(hass, signer)
    (request,) = published_resend_requests(mqtt_mock)
    captured = {seq: state_payload(seq, ts=times[seq], signer=signer) for seq in range(11, 211)}

    # No ack, so the envelope needs no signature; each entry is the node's own.
    async_fire_mqtt_message(
        hass, REPLAY_TOPIC, replay_payload([captured[seq] for seq in range(82, 211, 2)])
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    async_fire_mqtt_message(
        hass,
        REPLAY_TOPIC,
        replay_payload(list(captured.values()), ack=request.seq, signer=signer),
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.replayed_samples == 200


async def test_captured_samples_sent_newest_first_do_not_make_the_node_shared(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Late samples are history, not a second machine taking turns with the node."""
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    now = time.time()
    for seq in (10, 20, 19, 18, 17):
        async_fire_mqtt_message(
            hass, STATE_TOPIC, state_payload(seq, ts=now - 100 + seq, signer=signer)
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert ir.async_get(hass).async_get_issue(DOMAIN, node_id_shared_issue_id(NODE_ID)) is None

    # Its hardware changes are still adopted.
    fan = announcement(switches=(*announcement().switches, SwitchInfo(key="fan", name="Fan")))
    async_fire_mqtt_message(
        hass, ANNOUNCE_TOPIC, announce_payload(replace(fan, seq=30), signer), retain=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert '"fan"' in node.config_entry.data[CONF_ANNOUNCEMENT]
