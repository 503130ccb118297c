"""A gap whose answer did not come in whole is asked for again, a bounded number of times."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.nodes.coordinator import NodeCoordinator
from custom_components.py_iot_home.nodes.resend import (
    GAP_REQUEST_INTERVAL_S,
    MAX_GAP_REASKS,
    REQUEST_ANSWER_TIMEOUT_S,
)
from custom_components.py_iot_home.protocol import (
    MessageSigner,
    MessageVerifier,
    ResendRequest,
    build_replay,
)

from .node_messages import (
    ANNOUNCE_TOPIC,
    NODE_ID,
    REPLAY_TOPIC,
    STATE_TOPIC,
    announce_payload,
    broker_back,
    discover_and_confirm,
    published_resend_requests,
    state_payload,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

SECRET = "gap-answer-secret"
SIGNER = MessageSigner(SECRET)
NOW = datetime(2026, 5, 4, 12, 30, tzinfo=dt_util.UTC)


def _requests(mqtt_mock: MqttMockHAClient) -> list[ResendRequest]:
    verifier = MessageVerifier(SECRET, max_command_age_s=float("inf"))
    return published_resend_requests(mqtt_mock, verifier)


def _sample(seq: int, ahead_s: float = 0) -> bytes:
    return state_payload(seq, ts=dt_util.utcnow().timestamp() + ahead_s, signer=SIGNER)


async def _live(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seq: int) -> None:
    freezer.tick(timedelta(seconds=GAP_REQUEST_INTERVAL_S + 1))
    async_fire_mqtt_message(hass, STATE_TOPIC, _sample(seq))
    await hass.async_block_till_done(wait_background_tasks=True)


async def _answer(hass: HomeAssistant, entries: list[bytes], ack: int, first: int | None) -> None:
    batch = build_replay(NODE_ID, entries, ack=ack, first=first, signer=SIGNER)
    async_fire_mqtt_message(hass, REPLAY_TOPIC, batch.payload)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_lost_batch_of_the_answer_is_asked_for_again(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    node = await discover_and_confirm(hass, signer=SIGNER, secret=SECRET)
    for seq in (10, 11, 15):
        await _live(hass, freezer, seq)
    (request,) = _requests(mqtt_mock)
    assert request.since == 11
    # The node resends 12-15 in two batches; the broker drops the first (12, 13).
    await _answer(hass, [_sample(14), _sample(15)], request.seq, first=12)
    await _live(hass, freezer, 16)
    asked, again = _requests(mqtt_mock)
    assert (asked.since, again.since) == (11, 11)
    await _answer(hass, [_sample(seq) for seq in range(12, 17)], again.seq, first=12)
    assert (node.resend.open_gap, node.resend.asked_gap) == (None, None)
    assert node.replayed_samples == 3
    await _live(hass, freezer, 17)
    assert len(_requests(mqtt_mock)) == 2


async def test_what_the_node_no_longer_had_is_not_asked_for_again(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    node = await discover_and_confirm(hass, signer=SIGNER, secret=SECRET)
    for seq in (10, 11, 15):
        await _live(hass, freezer, seq)
    (request,) = _requests(mqtt_mock)
    # Its history starts at 14 (12 and 13 were older than what it keeps); an old node
    # agent says nothing about where its answer began.
    await _answer(hass, [_sample(14), _sample(15)], request.seq, first=14)
    await _live(hass, freezer, 16)
    assert len(_requests(mqtt_mock)) == 1
    assert node.resend.open_gap is None


async def test_a_resent_sample_from_the_future_is_not_asked_for_again(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    node = await discover_and_confirm(hass, signer=SIGNER, secret=SECRET)
    await _live(hass, freezer, 10)
    freezer.tick(timedelta(seconds=GAP_REQUEST_INTERVAL_S + 1))
    await _live(hass, freezer, 12)  # 11 went missing
    (request,) = _requests(mqtt_mock)
    assert request.since == 10
    # From the future when resent: it came, and cannot be taken.
    await _answer(hass, [_sample(11, ahead_s=3600), _sample(12)], request.seq, first=11)
    for seq in (13, 14):
        await _live(hass, freezer, seq)
    assert len(_requests(mqtt_mock)) == 1
    assert node.rejections.counts["from_future"] == 1


async def test_a_live_sample_from_the_future_is_not_asked_for(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """It arrived: asked for again, it would come with the same wrong time."""
    freezer.move_to(NOW)
    node = await discover_and_confirm(hass, signer=SIGNER, secret=SECRET)
    await _live(hass, freezer, 10)
    freezer.tick(timedelta(seconds=GAP_REQUEST_INTERVAL_S + 1))
    async_fire_mqtt_message(hass, STATE_TOPIC, _sample(11, ahead_s=3600))
    for seq in (12, 13, 14):
        await _live(hass, freezer, seq)
    assert _requests(mqtt_mock) == []
    assert node.rejections.counts["from_future"] == 1


async def test_a_gap_that_never_fills_is_asked_for_a_bounded_number_of_times(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    await discover_and_confirm(hass, signer=SIGNER, secret=SECRET)
    for seq in (10, 11, 15):
        await _live(hass, freezer, seq)
    # A broken (or hostile) node claims to resend from 12 but never sends 12-14.
    for seq in range(16, 30):
        for request in _requests(mqtt_mock)[-1:]:
            await _answer(hass, [], request.seq, first=12)
        await _live(hass, freezer, seq)
    assert len(_requests(mqtt_mock)) == 1 + MAX_GAP_REASKS


async def _after_an_outage(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> tuple[NodeCoordinator, ResendRequest]:
    """Home Assistant lost the broker after sample 11; back, it asks for what came after."""
    freezer.move_to(NOW)
    node = await discover_and_confirm(hass, signer=SIGNER, secret=SECRET)
    for seq in (10, 11):
        await _live(hass, freezer, seq)
    await broker_back(hass, SIGNER)
    (request,) = _requests(mqtt_mock)
    assert request.since == 11
    return node, request


async def _wait_for_an_answer(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(timedelta(seconds=REQUEST_ANSWER_TIMEOUT_S + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_an_answer_whose_last_batch_was_lost_is_asked_for_again(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """Outage samples 12-15 come back in two batches; the one with the `ack` is lost.

    No gap shows it: the live samples after the outage came first. Nor does an
    announcement come to ask again: the node stayed connected.
    """
    node, request = await _after_an_outage(hass, mqtt_mock, freezer)
    batch = build_replay(NODE_ID, [_sample(12), _sample(13)])
    async_fire_mqtt_message(hass, REPLAY_TOPIC, batch.payload)
    async_fire_mqtt_message(hass, STATE_TOPIC, _sample(16))
    await hass.async_block_till_done(wait_background_tasks=True)
    await _wait_for_an_answer(hass, freezer)
    first, again = _requests(mqtt_mock)
    assert (first.seq, again.since) == (request.seq, 11)
    await _answer(hass, [_sample(seq) for seq in range(12, 17)], again.seq, first=12)
    assert node.resend.owed_since is None
    assert node.replayed_samples == 4
    await _wait_for_an_answer(hass, freezer)
    assert len(_requests(mqtt_mock)) == 2


async def test_a_request_never_answered_is_asked_again_a_bounded_number_of_times(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    await _after_an_outage(hass, mqtt_mock, freezer)
    for _ in range(MAX_GAP_REASKS + 3):
        await _wait_for_an_answer(hass, freezer)
    assert len(_requests(mqtt_mock)) == 1 + MAX_GAP_REASKS
    # The node's next announcement (it reconnected) asks once more.
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=SIGNER))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(_requests(mqtt_mock)) == 2 + MAX_GAP_REASKS
