"""Home Assistant asks a node again for what it may have missed (harness MQTT mock)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.mqtt.const import MQTT_CONNECTION_STATE
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_send
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.nodes.resend import GAP_REQUEST_INTERVAL_S
from custom_components.py_iot_home.nodes.resend_positions import STORE_KEY
from custom_components.py_iot_home.protocol import (
    MessageSigner,
    MessageVerifier,
)

from .node_messages import (
    ANNOUNCE_TOPIC,
    AVAILABILITY_TOPIC,
    REPLAY_TOPIC,
    STATE_TOPIC,
    announce_payload,
    broker_back,
    discover_and_confirm,
    published_resend_requests,
    replay_payload,
    state_payload,
    stored_node_entry,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

TEMPERATURE = "sensor.kitchen_pi_temperature"
# Live samples from a moment ago: their times are within the clock-skew tolerance. Set
# again for each test: taken once at collection, it was 673 s old by the time a slow full
# run reached these tests, and their samples were dropped as stale.
TS = time.time() - 40


@pytest.fixture(autouse=True)
def _samples_from_a_moment_ago(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.TS", time.time() - 40)


async def test_no_request_without_a_gap(hass: HomeAssistant, mqtt_mock: MqttMockHAClient) -> None:
    await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(10, ts=TS))
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload())
    await hass.async_block_till_done(wait_background_tasks=True)
    # Connected all along: the node's own disk buffer covers its outages.
    assert published_resend_requests(mqtt_mock) == []


def _spaced(seq: int) -> float:
    """Counter `seq`'s time, 10 s apart (the trend keeps one sample per 10 s)."""
    return TS + 10 * (seq - 9)


async def test_reconnect_asks_after_the_last_seen_sample(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    for seq in (10, 11):
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(seq, ts=_spaced(seq)))
    await hass.async_block_till_done(wait_background_tasks=True)

    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, False)
    await hass.async_block_till_done()
    # Nothing is known about the node while the broker is away.
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    await broker_back(hass)
    # A live sample overtaking the answer does not move what is asked for.
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(15, ts=_spaced(15)))
    (request,) = published_resend_requests(mqtt_mock)
    assert request.since == 11

    missed = [state_payload(seq, ts=_spaced(seq), temperature=30.0 + seq) for seq in (12, 13, 14)]
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload(missed, ack=request.seq))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.replayed_samples == 3
    assert node.resend.owed_since is None
    assert node.resend.last_seen_seq == 15
    store = node.config_entry.runtime_data.trend.store
    # As of the messages' time: the store ages samples from now, and TS is months ago.
    _times, values = store.buffer("dht1_temperature").snapshot(_spaced(20))
    assert list(values[-4:]) == [42.0, 43.0, 44.0, 22.5]
    # Settled: the next announcement asks for nothing.
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload())
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(published_resend_requests(mqtt_mock)) == 1


async def test_unanswered_request_is_asked_again(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(10, ts=TS))
    await broker_back(hass)
    # An answer to some older request settles nothing.
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload([], ack=1))
    # The node was not connected yet; its own connect announces it again (live, not retained).
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload())
    await hass.async_block_till_done(wait_background_tasks=True)
    # Asked again once the first request is GAP_REQUEST_INTERVAL_S old (announcements are rationed).
    assert len(published_resend_requests(mqtt_mock)) == 1
    freezer.tick(timedelta(seconds=GAP_REQUEST_INTERVAL_S))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    first, second = published_resend_requests(mqtt_mock)
    assert first.since == second.since == 10
    assert second.seq > first.seq
    assert node.resend.requests_sent == 2
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload([], ack=second.seq))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.resend.owed_since is None


async def test_restart_asks_for_what_was_sent_meanwhile(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(20, ts=TS))
    await hass.async_block_till_done(wait_background_tasks=True)
    entry_id = node.config_entry.entry_id
    assert await hass.config_entries.async_reload(entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    (request,) = published_resend_requests(mqtt_mock)
    assert request.since == 20


async def test_signed_node_request_and_gap_fill(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    signer = MessageSigner("s3cret")
    node = await discover_and_confirm(hass, signer=signer, secret="s3cret")
    for seq in (10, 11):
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(seq, ts=TS + seq, signer=signer))
    await broker_back(hass, signer)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(15, ts=TS + 15, signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)
    (request,) = published_resend_requests(mqtt_mock, MessageVerifier("s3cret"))
    # The resend overlaps what arrived live; only the gap is new.
    resent = [state_payload(seq, ts=TS + seq, signer=signer) for seq in range(12, 16)]
    async_fire_mqtt_message(
        hass, REPLAY_TOPIC, replay_payload(resent, ack=request.seq, signer=signer)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.replayed_samples == 3
    assert dict(node.rejections.counts) == {}
    assert node.resend.owed_since is None


async def test_failed_request_is_asked_again(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(10, ts=TS))
    with patch(
        "homeassistant.components.mqtt.async_publish",
        side_effect=HomeAssistantError("The client is not currently connected."),
    ):
        await broker_back(hass)
    assert published_resend_requests(mqtt_mock) == []
    assert node.resend.owed_since == 10
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload())
    await hass.async_block_till_done(wait_background_tasks=True)
    (request,) = published_resend_requests(mqtt_mock)
    assert request.since == 10


async def test_positions_are_saved_while_messages_keep_coming(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    node = await discover_and_confirm(hass)
    entry_id = node.config_entry.entry_id
    # A sample every 2 s for half a minute: the delayed save must not be postponed forever.
    for seq in range(1, 16):
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(seq, ts=TS + 2 * seq))
        freezer.tick(timedelta(seconds=2))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    saved = hass_storage[STORE_KEY]["data"][entry_id]
    assert 5 <= saved <= 15
    # A removed node's position goes with it.
    assert await hass.config_entries.async_remove(entry_id)
    freezer.tick(timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert entry_id not in hass_storage[STORE_KEY]["data"]


async def test_position_from_before_a_restart_is_asked_for(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, hass_storage: dict[str, Any]
) -> None:
    entry = stored_node_entry()
    hass_storage[STORE_KEY] = {"version": 1, "data": {entry.entry_id: 42}}
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    (request,) = published_resend_requests(mqtt_mock)
    assert request.since == 42
