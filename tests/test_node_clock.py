"""A node whose clock is off: its values are current, its times are not recorded."""

from __future__ import annotations

import time
from itertools import count
from unittest.mock import patch

import pytest
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import DOMAIN
from custom_components.py_iot_home.protocol import MessageSigner
from custom_components.py_iot_home.repairs import node_clock_issue_id

from .node_messages import (
    AVAILABILITY_TOPIC,
    COMMAND_TOPIC,
    NODE_ID,
    STATE_TOPIC,
    discover_and_confirm,
    state_payload,
    switch_states_waited,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

TEMPERATURE = "sensor.kitchen_pi_temperature"
LED = "switch.kitchen_pi_desk_led"


async def test_a_pi_booted_days_behind_makes_no_trend_of_its_first_samples(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Its first samples, before a few in a row call its clock off, used to be recorded
    days in the past: one of them made a confident trend of hours of a steady room."""
    node = await discover_and_confirm(hass)
    store = node.config_entry.runtime_data.trend.store
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    for seq in (1, 2):
        async_fire_mqtt_message(
            hass, STATE_TOPIC, state_payload(seq, ts=time.time() - 3 * 86400, temperature=19.0)
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(store.buffer("dht1_temperature").snapshot()[0]) == 0
    # One late message is not a wrong clock: it does not show either.
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert ir.async_get(hass).async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID)) is None


@pytest.mark.parametrize("offset_s", [-20 * 60, 2 * 60], ids=["20_min_behind", "2_min_ahead"])
async def test_a_node_minutes_off_shows_its_values_and_confirms_its_led(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, offset_s: float
) -> None:
    """A Pi without a time server drifts: its LED must still switch, its values show."""
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    seq = count(1)
    for temperature in (20.0, 21.0, 22.0, 23.0):
        async_fire_mqtt_message(
            hass,
            STATE_TOPIC,
            state_payload(next(seq), temperature=temperature, ts=time.time() + offset_s),
        )
        await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "23.0"

    async def node_switches(topic: str, payload: bytes, *args: object, **kwargs: object) -> None:
        if topic == COMMAND_TOPIC:
            async_fire_mqtt_message(
                hass,
                STATE_TOPIC,
                state_payload(next(seq), temperature=23.0, led=True, ts=time.time() + offset_s),
            )

    mqtt_mock.async_publish.side_effect = node_switches
    await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert hass.states.get(LED).state == STATE_ON
    assert node.messages_accepted["state"] == 0  # none recorded


SECRET = "a long enough shared secret"


async def _signed_node_at(hass: HomeAssistant, temperature: float) -> MessageSigner:
    """A signed node with a good clock, whose live sample 100 shows `temperature`."""
    signer = MessageSigner(SECRET)
    await discover_and_confirm(hass, signer=signer, secret=SECRET)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    async_fire_mqtt_message(
        hass, STATE_TOPIC, state_payload(100, temperature=temperature, signer=signer)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    return signer


async def test_captured_signed_messages_are_not_shown_as_a_wrong_clock(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A stranger who recorded signed messages Home Assistant never took (sent while it was
    away) cannot pass them off as a node with a wrong clock: older than the newest live one,
    they say nothing of the node now (outside review, session 14)."""
    signer = await _signed_node_at(hass, 21.0)
    hour_ago = time.time() - 3600
    for seq in (52, 51, 50):
        async_fire_mqtt_message(
            hass,
            STATE_TOPIC,
            state_payload(seq, temperature=35.0, led=True, ts=hour_ago + seq, signer=signer),
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    node = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.node
    assert hass.states.get(TEMPERATURE).state == "21.0"
    assert hass.states.get(LED).state == STATE_OFF
    assert not node.clock.is_off
    assert not node.collision.shared  # three steps back, but not the node's live messages
    assert ir.async_get(hass).async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID)) is None


async def test_captured_signed_messages_do_not_confirm_a_command(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    signer = await _signed_node_at(hass, 21.0)
    hour_ago = time.time() - 3600

    async def stranger_answers(topic: str, payload: bytes, *args: object, **kwargs: object) -> None:
        if topic == COMMAND_TOPIC:  # the node never got it; a stranger answers for it
            for seq in (60, 61, 62):
                async_fire_mqtt_message(
                    hass,
                    STATE_TOPIC,
                    state_payload(seq, led=True, ts=hour_ago + seq, signer=signer),
                )

    mqtt_mock.async_publish.side_effect = stranger_answers
    with (
        patch("custom_components.py_iot_home.nodes.coordinator.COMMAND_CONFIRM_TIMEOUT_S", 0.05),
        pytest.raises(HomeAssistantError),
    ):
        await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert hass.states.get(LED).state == STATE_OFF


async def test_a_clock_drifting_back_into_tolerance_keeps_showing_its_values(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Shown timed by their arrival while 11 min behind; at 9 min behind (within the
    tolerance) its samples are newer than the shown one by its own clock, not late."""
    await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    for seq in (1, 2, 3):
        async_fire_mqtt_message(
            hass, STATE_TOPIC, state_payload(seq, temperature=20.0, ts=time.time() - 660)
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "20.0"
    async_fire_mqtt_message(
        hass, STATE_TOPIC, state_payload(4, temperature=25.0, ts=time.time() - 540)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "25.0"


async def test_a_command_is_confirmed_by_a_node_whose_clock_is_not_yet_called_off(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A node started before NTP answered, holding its backlog, confirms at once with its
    stale clock: the first such message used to count as stale, and the command timed out
    although the LED switched."""
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await hass.async_block_till_done(wait_background_tasks=True)
    await switch_states_waited(hass)
    seq = count(1)

    async def node_switches(topic: str, payload: bytes, *args: object, **kwargs: object) -> None:
        if topic == COMMAND_TOPIC:
            async_fire_mqtt_message(
                hass,
                STATE_TOPIC,
                state_payload(next(seq), temperature=30.0, led=True, ts=time.time() - 3 * 3600),
            )

    mqtt_mock.async_publish.side_effect = node_switches
    await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert hass.states.get(LED).state == STATE_ON
    # Its reading, stamped three hours ago, is neither shown nor recorded.
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert node.messages_accepted["state"] == 0
    assert ir.async_get(hass).async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID)) is None
    # A stale message that confirms nothing still does not show.
    async_fire_mqtt_message(
        hass, STATE_TOPIC, state_payload(next(seq), led=False, ts=time.time() - 3 * 3600)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(LED).state == STATE_ON


async def test_a_clock_repair_goes_when_the_clock_is_right_after_a_reload(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """The entry reloaded (its options changed, or the node announced other sensors) while
    its clock was off: the new coordinator did not know of the repair, so the node's clock
    set right never took it away (until Home Assistant restarted)."""
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    for seq in (1, 2, 3):
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(seq, ts=time.time() + 7200))
    await hass.async_block_till_done(wait_background_tasks=True)
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID)) is not None
    assert await hass.config_entries.async_reload(node.config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(4, temperature=21.0))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "21.0"
    assert issues.async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID)) is None
