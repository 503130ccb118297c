"""What a stranger on the broker can do to resend requests (harness MQTT mock)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.nodes.resend import GAP_REQUEST_INTERVAL_S
from custom_components.py_iot_home.nodes.resend_positions import (
    SAVE_DELAY_S,
    STORE_KEY,
    async_get_resend_positions,
)
from custom_components.py_iot_home.protocol import (
    MessageSigner,
    MessageVerifier,
    ResendRequest,
    parse_resend_request,
)

from .node_messages import (
    ANNOUNCE_TOPIC,
    REPLAY_TOPIC,
    RESEND_TOPIC,
    STATE_TOPIC,
    announce_payload,
    broker_back,
    discover_and_confirm,
    replay_payload,
    state_payload,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

NOW = datetime(2026, 5, 4, 12, 30, tzinfo=dt_util.UTC)
SECRET = "hostile-resend-secret"
SIGNER = MessageSigner(SECRET)


def _requests(mqtt_mock: MqttMockHAClient) -> list[ResendRequest]:
    verifier = MessageVerifier(SECRET, max_command_age_s=float("inf"))
    return [
        parse_resend_request(
            call.args[0], call.args[1], verifier=verifier if b'"sig"' in call.args[1] else None
        )
        for call in mqtt_mock.async_publish.call_args_list
        if call.args[0] == RESEND_TOPIC
    ]


async def _live(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    seq: int,
    signer: MessageSigner | None = None,
) -> None:
    freezer.tick(timedelta(seconds=10))
    async_fire_time_changed(hass)
    async_fire_mqtt_message(
        hass, STATE_TOPIC, state_payload(seq, ts=dt_util.utcnow().timestamp(), signer=signer)
    )
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize("via", [STATE_TOPIC, REPLAY_TOPIC])
async def test_a_strangers_huge_counter_does_not_hide_later_samples(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    via: str,
) -> None:
    """An unsigned node's counter is the one it sends now, not the largest anyone sent."""
    freezer.move_to(NOW)
    node = await discover_and_confirm(hass)
    await _live(hass, freezer, 10)
    huge = state_payload(2**62, ts=dt_util.utcnow().timestamp())
    async_fire_mqtt_message(hass, via, huge if via == STATE_TOPIC else replay_payload([huge]))
    await _live(hass, freezer, 11)
    await _live(hass, freezer, 12)
    freezer.tick(timedelta(seconds=SAVE_DELAY_S + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    # What a restart of Home Assistant would ask after.
    assert hass_storage[STORE_KEY]["data"][node.config_entry.entry_id] == 12

    await broker_back(hass)
    (request,) = _requests(mqtt_mock)
    assert request.since == 12


@pytest.mark.parametrize("signed", [False, True])
async def test_an_announcement_flood_asks_once_per_interval(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory, signed: bool
) -> None:
    """Anyone can repeat an announcement (a signed one too: the same counter is allowed)."""
    freezer.move_to(NOW)
    signer = SIGNER if signed else None
    await discover_and_confirm(hass, signer=signer, secret=SECRET if signed else "")
    await _live(hass, freezer, 10, signer)
    await broker_back(hass, signer)
    assert len(_requests(mqtt_mock)) == 1
    # The request is not answered yet, and announcements keep coming.
    for _ in range(50):
        async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(_requests(mqtt_mock)) == 1

    # The node may really have reconnected and missed the request: it is asked again, once.
    freezer.tick(timedelta(seconds=GAP_REQUEST_INTERVAL_S))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [request.since for request in _requests(mqtt_mock)] == [10, 10]
    freezer.tick(timedelta(seconds=GAP_REQUEST_INTERVAL_S))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(_requests(mqtt_mock)) == 2


@pytest.mark.parametrize(
    "stored",
    [
        {
            "str": "42",
            "list": [1, 2],
            "ok": 7,
            "bool": True,
            "negative": -1,
            "huge": 2**70,
            "near_top": 2**63 - 1,
        },
        ["not", "a", "dict"],
    ],
    ids=["values", "shape"],
)
async def test_stored_positions_that_are_no_counter_are_dropped(
    hass: HomeAssistant, hass_storage: dict[str, Any], stored: object
) -> None:
    """A string or a list for a node (a hand-edited or foreign file) failed its every message;
    a counter no node reaches (2**63-1) asked a signed node for nothing ever again."""
    hass_storage[STORE_KEY] = {"version": 1, "key": STORE_KEY, "data": stored}
    positions = await async_get_resend_positions(hass)
    expected = {"ok": 7} if isinstance(stored, dict) else {}
    for entry_id in ("str", "list", "ok", "bool", "negative", "huge", "near_top"):
        assert positions.get(entry_id) == expected.get(entry_id)
