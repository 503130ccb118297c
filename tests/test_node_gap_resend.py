"""A gap in a signed node's counters asks the node, once, for what it skipped (harness MQTT)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.mqtt.const import MQTT_CONNECTION_STATE
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.nodes.coordinator import NodeCoordinator
from custom_components.py_iot_home.nodes.resend import (
    GAP_REQUEST_INTERVAL_S,
    REQUEST_ANSWER_TIMEOUT_S,
)
from custom_components.py_iot_home.protocol import (
    MAX_SEQ,
    MessageSigner,
    MessageVerifier,
    ResendRequest,
)

from .hourly_statistics import hourly_statistics
from .node_messages import (
    ANNOUNCE_TOPIC,
    REPLAY_TOPIC,
    RESEND_TOPIC,
    STATE_TOPIC,
    announce_payload,
    announcement,
    discover_and_confirm,
    published_resend_requests,
    replay_payload,
    state_payload,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

SECRET = "gap-test-secret"
SIGNER = MessageSigner(SECRET)
NOW = datetime(2026, 5, 4, 12, 30, tzinfo=dt_util.UTC)
TEMPERATURE = "sensor.kitchen_pi_temperature"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _requests(mqtt_mock: MqttMockHAClient) -> list[ResendRequest]:
    """Every resend request Home Assistant published, checked as the node would (bar age)."""
    verifier = MessageVerifier(SECRET, max_command_age_s=float("inf"))
    return published_resend_requests(mqtt_mock, verifier)


async def _signed_node(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> NodeCoordinator:
    freezer.move_to(NOW)
    return await discover_and_confirm(hass, signer=SIGNER, secret=SECRET)


async def _live(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    seq: int,
    *,
    temperature: float = 22.5,
    signer: MessageSigner | None = SIGNER,
    after_s: float = 10,
) -> None:
    """The node's live sample `seq`, taken now, `after_s` after the previous one."""
    freezer.tick(timedelta(seconds=after_s))
    async_fire_mqtt_message(
        hass,
        STATE_TOPIC,
        state_payload(seq, ts=dt_util.utcnow().timestamp(), temperature=temperature, signer=signer),
    )
    await hass.async_block_till_done(wait_background_tasks=True)


def _resent(seqs: range, ack: int, start: datetime, temperature: float = 30.0) -> bytes:
    """The node's answer: the samples `seqs`, 10 s apart from `start` (one per trend slot)."""
    return replay_payload(
        [
            state_payload(
                seq,
                ts=(start + timedelta(seconds=10 * index)).timestamp(),
                temperature=temperature + index,
                signer=SIGNER,
            )
            for index, seq in enumerate(seqs)
        ],
        ack=ack,
        signer=SIGNER,
    )


async def test_gap_asks_once_and_the_resent_samples_count_once(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    node = await _signed_node(hass, freezer)
    await _live(hass, freezer, 10)
    await _live(hass, freezer, 11)
    missed_at = dt_util.utcnow() + timedelta(seconds=10)
    # 12 and 13 were dropped by the broker while Home Assistant stayed connected.
    await _live(hass, freezer, 14, after_s=40)
    (request,) = _requests(mqtt_mock)
    assert request.since == 11
    await _live(hass, freezer, 15)
    assert len(_requests(mqtt_mock)) == 1

    # The answer covers everything after 11; QoS 1 may deliver it twice.
    answer = _resent(range(12, 16), request.seq, missed_at)
    for _ in range(2):
        async_fire_mqtt_message(hass, REPLAY_TOPIC, answer)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert node.replayed_samples == 2
    assert dict(node.rejections.counts) == {}
    assert (node.resend.open_gap, node.resend.asked_gap, node.resend.owed_since) == (None,) * 3
    store = node.config_entry.runtime_data.trend.store
    _times, values = store.buffer("dht1_temperature").snapshot(dt_util.utcnow().timestamp())
    assert list(values) == [22.5, 22.5, 30.0, 31.0, 22.5, 22.5]

    # Settled: contiguous samples later ask for nothing.
    await _live(hass, freezer, 16, after_s=GAP_REQUEST_INTERVAL_S + 1)
    assert len(_requests(mqtt_mock)) == 1

    # The hour's statistics hold each sample once: live 22.5 four times, resent 30 and 31.
    freezer.move_to(NOW.replace(hour=13, minute=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)
    (row,) = await hourly_statistics(
        hass, TEMPERATURE, NOW.replace(minute=0), NOW.replace(hour=13, minute=0)
    )
    assert row["mean"] == pytest.approx(np.mean([22.5] * 5 + [30.0, 31.0]), abs=1e-4)


async def test_second_gap_waits_for_the_outstanding_request(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    node = await _signed_node(hass, freezer)
    await _live(hass, freezer, 10)
    await _live(hass, freezer, 12)
    (first,) = _requests(mqtt_mock)
    assert first.since == 10
    # Another gap before the node answered: the request in flight is not doubled.
    await _live(hass, freezer, 15, after_s=GAP_REQUEST_INTERVAL_S + 1)
    assert len(_requests(mqtt_mock)) == 1

    # The node had answered before 13 and 14 were sent: the second gap is asked for now.
    async_fire_mqtt_message(hass, REPLAY_TOPIC, _resent(range(11, 12), first.seq, dt_util.utcnow()))
    await hass.async_block_till_done(wait_background_tasks=True)
    first_again, second = _requests(mqtt_mock)
    assert (first_again.seq, second.since) == (first.seq, 12)
    await _live(hass, freezer, 16, after_s=GAP_REQUEST_INTERVAL_S + 1)
    assert len(_requests(mqtt_mock)) == 2

    async_fire_mqtt_message(
        hass, REPLAY_TOPIC, _resent(range(13, 17), second.seq, dt_util.utcnow())
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (node.replayed_samples, node.resend.gaps_seen) == (3, 2)
    assert node.resend.open_gap is None
    await _live(hass, freezer, 17, after_s=GAP_REQUEST_INTERVAL_S + 1)
    assert len(_requests(mqtt_mock)) == 2


async def test_gaps_from_a_broken_node_are_rationed(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    node = await _signed_node(hass, freezer)
    # Every sample skips a counter, and every request is answered at once with nothing.
    for seq in range(10, 70, 2):
        await _live(hass, freezer, seq, after_s=1)
        for request in _requests(mqtt_mock):
            async_fire_mqtt_message(
                hass, REPLAY_TOPIC, replay_payload([], ack=request.seq, signer=SIGNER)
            )
        await hass.async_block_till_done(wait_background_tasks=True)
    # 30 samples over 30 s: one request per GAP_REQUEST_INTERVAL_S.
    assert len(_requests(mqtt_mock)) == 1
    assert node.resend.gaps_seen == 29

    # Unanswered, a request holds back the next one until it counts as lost.
    await _live(hass, freezer, 72, after_s=GAP_REQUEST_INTERVAL_S)
    assert len(_requests(mqtt_mock)) == 2
    await _live(hass, freezer, 74, after_s=REQUEST_ANSWER_TIMEOUT_S - 1)
    assert len(_requests(mqtt_mock)) == 2
    await _live(hass, freezer, 76, after_s=1)
    # The gaps held back while rationed are asked for together, from the earliest.
    assert [request.since for request in _requests(mqtt_mock)] == [10, 12, 12]


async def test_unsigned_messages_cannot_ask_for_resends(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    node = await _signed_node(hass, freezer)
    await _live(hass, freezer, 10)
    # A stranger without the secret publishes huge counters, live and as a replay.
    for _ in range(5):
        await _live(hass, freezer, 2**62, signer=None, after_s=GAP_REQUEST_INTERVAL_S + 1)
    async_fire_mqtt_message(
        hass,
        REPLAY_TOPIC,
        replay_payload([state_payload(2**62 + 1, ts=dt_util.utcnow().timestamp())]),
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.rejections.counts["missing_signature"] == 6
    assert _requests(mqtt_mock) == []
    # The node's own counters carry on, and a real gap is still asked for.
    await _live(hass, freezer, 11)
    assert (node.resend.last_seen_seq, _requests(mqtt_mock)) == (11, [])
    await _live(hass, freezer, 13)
    (request,) = _requests(mqtt_mock)
    assert request.since == 11


async def test_unsigned_node_counter_jumps_ask_for_nothing(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    node = await discover_and_confirm(hass)
    # Anyone on the broker may publish for an unsigned node: its counters are not believed.
    for seq in (10, 12, 2**62):
        await _live(hass, freezer, seq, signer=None, after_s=GAP_REQUEST_INTERVAL_S + 1)
    assert node.resend.gaps_seen == 0
    assert [
        call for call in mqtt_mock.async_publish.call_args_list if RESEND_TOPIC in call.args
    ] == []


@pytest.mark.parametrize("signed", [True, False])
async def test_a_skip_before_a_reconnect_asks_once(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory, signed: bool
) -> None:
    """Samples the broker dropped just before the node reconnected are asked for; a restart's
    jump looks the same, asks once, and the node's answer settles it."""
    freezer.move_to(NOW)
    signer = SIGNER if signed else None
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET if signed else "")
    await _live(hass, freezer, 10, signer=signer)
    await _live(hass, freezer, 11, signer=signer)
    # Restarted, the node resumes at its stored ceiling (1000 higher) and announces first;
    # the switch echo right after takes the next counter.
    restarted = replace(announcement(), seq=1011 if signed else None)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(restarted, signer))
    await _live(hass, freezer, 1012 if signed else 1011, signer=signer)
    await _live(hass, freezer, 1013 if signed else 1012, signer=signer)
    assert dict(node.rejections.counts) == {}
    if not signed:
        # An unsigned node's counters are not believed: nothing is asked.
        assert (node.resend.gaps_seen, _unverified_requests(mqtt_mock)) == (0, [])
        return
    (request,) = _requests(mqtt_mock)
    assert request.since == 11
    # The node kept nothing from before its restart: an empty answer settles the gap.
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload([], ack=request.seq, signer=SIGNER))
    await hass.async_block_till_done(wait_background_tasks=True)
    for seq in range(1014, 1018):
        await _live(hass, freezer, seq, after_s=GAP_REQUEST_INTERVAL_S + 1)
    assert len(_requests(mqtt_mock)) == 1
    assert (node.resend.open_gap, node.resend.asked_gap) == (None, None)


def _unverified_requests(mqtt_mock: MqttMockHAClient) -> list[object]:
    return [call for call in mqtt_mock.async_publish.call_args_list if RESEND_TOPIC in call.args]


async def test_samples_from_before_the_confirmation_are_not_asked_for(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    node = await _signed_node(hass, freezer)
    # The retained announcement returns with the subscription; the node sampled meanwhile.
    async_fire_mqtt_message(
        hass, ANNOUNCE_TOPIC, announce_payload(replace(announcement(), seq=5), SIGNER), retain=True
    )
    await _live(hass, freezer, 40)
    await _live(hass, freezer, 41)
    # Only the switch states are asked for: no sample after the largest counter there is.
    assert node.resend.gaps_seen == 0
    assert [request.since for request in _requests(mqtt_mock)] == [MAX_SEQ]


async def test_gap_asked_before_a_broker_outage_is_asked_again(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    node = await _signed_node(hass, freezer)
    await _live(hass, freezer, 10)
    await _live(hass, freezer, 12)
    (for_gap,) = _requests(mqtt_mock)
    # The broker goes away before the answer; back, the announcement asks after 12.
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, False)
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, True)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=SIGNER), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    _, after_outage = _requests(mqtt_mock)
    assert (for_gap.since, after_outage.since) == (10, 12)
    async_fire_mqtt_message(
        hass, REPLAY_TOPIC, replay_payload([], ack=after_outage.seq, signer=SIGNER)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    # That answer did not cover the gap, whose own answer was lost: it is asked for again.
    await _live(hass, freezer, 13, after_s=GAP_REQUEST_INTERVAL_S)
    assert [request.since for request in _requests(mqtt_mock)] == [10, 12, 10]
    async_fire_mqtt_message(
        hass, REPLAY_TOPIC, _resent(range(11, 14), _requests(mqtt_mock)[-1].seq, dt_util.utcnow())
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (node.replayed_samples, node.resend.open_gap, node.resend.asked_gap) == (1, None, None)
