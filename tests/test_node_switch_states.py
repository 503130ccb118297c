"""A node's LED after a restart or reload: its state asked for, no "Unknown" on the way.

Home Assistant asks an online node for what it missed as it subscribes; the node answers with
its switch states first (tests/node/test_agent_resend.py). Here the harness's MQTT mock
answers as that node does, and as an older agent does (without the switch states).
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import CoreState, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import (
    DOMAIN,
)
from custom_components.py_iot_home.nodes.coordinator import (
    START_REPORT_WAIT_S,
    SWITCH_STATES_WAIT_S,
)
from custom_components.py_iot_home.nodes.entities import connectivity_unique_id, switch_unique_id
from custom_components.py_iot_home.nodes.resend_positions import STORE_KEY
from custom_components.py_iot_home.protocol import (
    MAX_SEQ,
    MessageSigner,
    MessageVerifier,
    StateMessage,
    build_state,
)

from .node_messages import (
    ANNOUNCE_TOPIC,
    AVAILABILITY_TOPIC,
    NODE_ID,
    REPLAY_TOPIC,
    STATE_TOPIC,
    announce_payload,
    discover_and_confirm,
    published_resend_requests,
    replay_payload,
    retained_availability_delivered,
    starting_node,
    state_payload,
    stored_node_entry,
)

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

LED = "switch.kitchen_pi_desk_led"
CONNECTIVITY = "binary_sensor.kitchen_pi_connectivity"
SECRET = "the kitchen node's own secret"


def _registered_unavailable(
    hass: HomeAssistant, entry: MockConfigEntry, platform: str, entity_id: str, unique_id: str
) -> list[tuple[str | None, str | None]]:
    """As Home Assistant starts: a registered entity not set up yet is written unavailable."""
    registered = er.async_get(hass).async_get_or_create(
        platform,
        DOMAIN,
        unique_id,
        config_entry=entry,
        suggested_object_id=entity_id.split(".")[1],
    )
    assert registered.entity_id == entity_id
    registered.write_unavailable_state(hass)
    return record_states(hass, entity_id)


def record_states(hass: HomeAssistant, entity_id: str) -> list[tuple[str | None, str | None]]:
    """(old, new) state of every change written for `entity_id` from now on."""
    seen: list[tuple[str | None, str | None]] = []

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        seen.append((old and old.state, new and new.state))

    async_track_state_change_event(hass, entity_id, _changed)
    return seen


def logbook_rows(changes: list[tuple[str | None, str | None]]) -> list[str]:
    """The states the logbook lists: a change from a known state to another one.

    Its rule: the first state an entity writes after a start, or its removal, is no row.
    """
    return [new for old, new in changes if old is not None and new is not None and new != old]


def switch_states(seq: int, *, led: bool, signer: MessageSigner | None = None) -> bytes:
    """What a node sends first when asked: its switch states, no reading."""
    state = StateMessage(
        node_id=NODE_ID, ts=time.time(), seq=seq, sensors={}, switches={"led1": led}
    )
    return build_state(state, signer=signer).payload


async def answer_as_the_node(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    *,
    led: bool,
    seq: int,
    signer: MessageSigner | None = None,
    with_switch_states: bool = True,
) -> None:
    """Answer Home Assistant's one request: switch states (unless an older agent), then ack."""
    verifier = MessageVerifier(SECRET) if signer else None
    (request,) = published_resend_requests(mqtt_mock, verifier)
    if with_switch_states:
        async_fire_mqtt_message(hass, STATE_TOPIC, switch_states(seq, led=led, signer=signer))
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload([], ack=request.seq, signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)


async def node_online(hass: HomeAssistant, signer: MessageSigner | None = None) -> None:
    """The node's retained messages, as the broker delivers them on subscribe."""
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=signer), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize("secret", ["", SECRET], ids=["unsigned", "signed"])
async def test_reload_shows_the_led_as_the_node_says_without_unknown(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, secret: str
) -> None:
    signer = MessageSigner(secret) if secret else None
    node = await discover_and_confirm(hass, signer=signer, secret=secret)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(20, led=True, signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(LED).state == STATE_ON
    changes = record_states(hass, LED)
    mqtt_mock.async_publish.reset_mock()
    assert await hass.config_entries.async_reload(node.config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await node_online(hass, signer)
    # Online, asked, not answered yet: not "Unknown".
    assert hass.states.get(LED).state == STATE_UNAVAILABLE
    await answer_as_the_node(hass, mqtt_mock, led=True, seq=21, signer=signer)
    assert hass.states.get(LED).state == STATE_ON
    assert STATE_UNKNOWN not in [new for _, new in changes]
    assert logbook_rows(changes) == [STATE_UNAVAILABLE, STATE_ON]
    assert dict(node.config_entry.runtime_data.node.rejections.counts) == {}


@pytest.mark.parametrize("with_switch_states", [True, False], ids=["agent", "older_agent"])
async def test_restart_logbook_has_no_unknown_row(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    hass_storage: dict[str, Any],
    with_switch_states: bool,
) -> None:
    entry = stored_node_entry()
    entry.add_to_hass(hass)
    hass_storage[STORE_KEY] = {"version": 1, "data": {entry.entry_id: 42}}
    changes = _registered_unavailable(hass, entry, "switch", LED, switch_unique_id(NODE_ID, "led1"))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await node_online(hass)
    await answer_as_the_node(
        hass, mqtt_mock, led=False, seq=50, with_switch_states=with_switch_states
    )
    if not with_switch_states:
        # An older agent answers without them: the LED waits, then shows "Unknown" (and takes
        # commands) until the node's next reading.
        assert hass.states.get(LED).state == STATE_UNAVAILABLE
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SWITCH_STATES_WAIT_S))
        await hass.async_block_till_done()
        assert hass.states.get(LED).state == STATE_UNKNOWN
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(51, led=False))
        await hass.async_block_till_done()
    assert hass.states.get(LED).state == STATE_OFF
    expected = [STATE_OFF] if with_switch_states else [STATE_UNKNOWN, STATE_OFF]
    assert logbook_rows(changes) == expected


async def test_a_node_just_confirmed_is_asked_for_its_switches_only(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Nothing is owed yet (what it sent before is not asked for), but the LED must show."""
    changes = record_states(hass, LED)
    node = await discover_and_confirm(hass)
    await node_online(hass)
    (request,) = published_resend_requests(mqtt_mock)
    assert request.since == MAX_SEQ  # no sample is numbered above it
    await answer_as_the_node(hass, mqtt_mock, led=True, seq=7)
    assert hass.states.get(LED).state == STATE_ON
    assert STATE_UNKNOWN not in [new for _, new in changes]
    # Not a resend: nothing was owed, and a gap need not wait for it.
    assert (node.resend.requests_sent, node.resend.requested_at) == (0, None)
    # Asked once per set-up: the node's next announcement asks nothing.
    await node_online(hass)
    assert len(published_resend_requests(mqtt_mock)) == 1


@pytest.mark.parametrize("availability", ["online", "offline"])
async def test_reload_shows_connectivity_as_the_node_last_said(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, availability: str
) -> None:
    """Until its retained availability arrives, a reloaded node's connectivity is unknown:
    unavailable, not "Disconnected" (core's MQTT entities wait for availability the same way)."""
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(CONNECTIVITY).state == STATE_ON
    changes = record_states(hass, CONNECTIVITY)
    assert await hass.config_entries.async_reload(node.config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(CONNECTIVITY).state == STATE_UNAVAILABLE
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, availability, retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    expected = STATE_ON if availability == "online" else STATE_OFF
    assert logbook_rows(changes) == [STATE_UNAVAILABLE, expected]


async def test_restart_with_the_broker_connecting_late_shows_no_unknown_or_disconnected(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, hass_storage: dict[str, Any]
) -> None:
    """Home Assistant's MQTT client may connect seconds after the node's entry is set up (both
    nodes' LEDs read "Unknown" for 7 s after a restart): the wait for the switches starts
    when the node is asked, not at set-up."""
    entry = stored_node_entry()
    entry.add_to_hass(hass)
    hass_storage[STORE_KEY] = {"version": 1, "data": {entry.entry_id: 42}}
    led_changes = _registered_unavailable(
        hass, entry, "switch", LED, switch_unique_id(NODE_ID, "led1")
    )
    connectivity_changes = _registered_unavailable(
        hass, entry, "binary_sensor", CONNECTIVITY, connectivity_unique_id(NODE_ID)
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # The broker's retained messages come 7 s after set-up.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=7))
    await hass.async_block_till_done()
    assert published_resend_requests(mqtt_mock) == []
    assert hass.states.get(LED).state == STATE_UNAVAILABLE
    await node_online(hass)
    await answer_as_the_node(hass, mqtt_mock, led=True, seq=50)
    assert logbook_rows(led_changes) == [STATE_ON]
    assert logbook_rows(connectivity_changes) == [STATE_ON]


async def test_an_older_agent_s_led_waits_from_the_request(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, hass_storage: dict[str, Any]
) -> None:
    """An agent that sends no switch states: "Unknown" (taking commands) once the wait for
    them has run from Home Assistant's request."""
    entry = stored_node_entry()
    entry.add_to_hass(hass)
    hass_storage[STORE_KEY] = {"version": 1, "data": {entry.entry_id: 42}}
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=7))
    await hass.async_block_till_done()
    await node_online(hass)
    await answer_as_the_node(hass, mqtt_mock, led=True, seq=50, with_switch_states=False)
    assert hass.states.get(LED).state == STATE_UNAVAILABLE
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SWITCH_STATES_WAIT_S))
    await hass.async_block_till_done()
    assert hass.states.get(LED).state == STATE_UNKNOWN


async def test_a_start_adds_the_led_as_the_node_says(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, hass_storage: dict[str, Any]
) -> None:
    """As Home Assistant starts, the node's entities wait (at most START_REPORT_WAIT_S) for its
    retained availability and its switch states: the LED's first state is the node's, where it
    wrote "unavailable" first, and "Desk LED turned on" was a row in Activity at every
    restart."""
    hass.set_state(CoreState.not_running)
    entry = stored_node_entry()
    entry.add_to_hass(hass)
    hass_storage[STORE_KEY] = {"version": 1, "data": {entry.entry_id: 42}}
    changes = {entity_id: record_states(hass, entity_id) for entity_id in (LED, CONNECTIVITY)}
    setup = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    await retained_availability_delivered(hass, entry)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(), retain=True)
    await asyncio.sleep(0)
    (request,) = published_resend_requests(mqtt_mock)
    async_fire_mqtt_message(hass, STATE_TOPIC, switch_states(43, led=True))
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload([], ack=request.seq))
    async with asyncio.timeout(START_REPORT_WAIT_S / 2):
        assert await setup
    await hass.async_block_till_done()
    assert changes == {LED: [(None, STATE_ON)], CONNECTIVITY: [(None, STATE_ON)]}


async def test_a_start_waits_for_a_silent_node_no_longer_than_its_limit(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A node that says nothing as Home Assistant starts (the broker down): its entities come
    unavailable once the wait is over, as before; the start is not held longer."""
    hass.set_state(CoreState.not_running)
    entry = stored_node_entry()
    entry.add_to_hass(hass)
    setup = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    await starting_node(hass, entry)
    for _ in range(10):
        await asyncio.sleep(0.01)
    assert not setup.done()  # waiting for the node
    for _ in range(200):
        if setup.done():
            break
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=START_REPORT_WAIT_S + 1))
        await asyncio.sleep(0.01)
    assert setup.done()  # once the wait is over
    assert setup.result()
    assert hass.states.get(CONNECTIVITY).state == STATE_UNAVAILABLE
    assert hass.states.get(LED).state == STATE_UNAVAILABLE
