"""A compromised node, or anyone publishing for an unsigned one, against Home Assistant.

Found by the red-team review: each case got through before its fix.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import CONF_SECRET, DOMAIN
from custom_components.py_iot_home.nodes.collision import (
    HARDWARE_CHANGE_WINDOW_S,
    MAX_HARDWARE_CHANGES,
)
from custom_components.py_iot_home.nodes.entries import stored_announcement
from custom_components.py_iot_home.protocol import (
    MessageSigner,
    SensorInfo,
    SensorSample,
    StateMessage,
    build_state,
)
from custom_components.py_iot_home.repairs import node_clock_issue_id, node_offline_issue_id

from .node_messages import (
    ANNOUNCE_TOPIC,
    AVAILABILITY_TOPIC,
    BOTH,
    NODE_ID,
    REPLAY_TOPIC,
    STATE_TOPIC,
    announce_payload,
    announcement,
    discover_and_confirm,
    replay_payload,
    state_payload,
    switch_states_waited,
)

TEMPERATURE = "sensor.kitchen_pi_temperature"
SECRET = "the kitchen node's own secret"

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]


def _sensors(prefix: str, count: int = 16) -> tuple[SensorInfo, ...]:
    return tuple(
        SensorInfo(key=f"{prefix}s{index}", name=f"S{index}", quantities=BOTH, model="dht22")
        for index in range(count)
    )


def _kitchen_pi_state_changes(hass: HomeAssistant) -> list[str]:
    """The entity id of each state change of Kitchen Pi's sensors and switches, as they come."""
    changed: list[str] = []
    hass.bus.async_listen(
        EVENT_STATE_CHANGED,
        lambda event: (
            changed.append(event.data["entity_id"])
            if event.data["entity_id"].startswith(("sensor.kitchen_pi_", "switch.kitchen_pi_"))
            else None
        ),
    )
    return changed


async def test_a_node_announcing_ever_new_hardware_is_rationed(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each new set of sensors reloaded the entry and left ~90 entities in the registry."""
    node = await discover_and_confirm(hass)
    entry = node.config_entry
    loads: list[ConfigEntryState] = []
    entry.async_on_state_change(
        lambda: loads.append(entry.state) if entry.state is ConfigEntryState.LOADED else None
    )
    registry = er.async_get(hass)
    deleted_before = len(registry.deleted_entities)
    for turn in range(3 * MAX_HARDWARE_CHANGES):
        payload = announce_payload(announcement(sensors=_sensors(f"t{turn}")))
        # Live, as a broker forwards it to a subscriber (retained only when subscribing).
        async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, payload)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert len(loads) == MAX_HARDWARE_CHANGES
    assert entry.state is ConfigEntryState.LOADED
    # Only the adopted changes left removed entities behind (5 per quantity of 16 sensors:
    # the reading, its trend, the trend's status and expected time, rising).
    assert len(registry.deleted_entities) - deleted_before <= MAX_HARDWARE_CHANGES * 16 * 2 * 5
    last_adopted = f"t{MAX_HARDWARE_CHANGES - 1}"
    assert stored_announcement(entry).sensors == _sensors(last_adopted)
    coordinator = entry.runtime_data.node
    assert coordinator.data.announcement.sensors == _sensors(last_adopted)
    assert coordinator.rejections.counts["hardware_change_rationed"] == 2 * MAX_HARDWARE_CHANGES
    rationed = [r for r in caplog.records if "changed 5 times" in r.getMessage()]
    assert len(rationed) == 1
    assert rationed[0].levelno == logging.WARNING

    # Once the window has passed, the node's configuration may change again.
    freezer.tick(timedelta(seconds=HARDWARE_CHANGE_WINDOW_S + 1))
    payload = announce_payload(announcement(sensors=_sensors("later", 1)))
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, payload)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(loads) == MAX_HARDWARE_CHANGES + 1
    assert stored_announcement(entry).sensors == _sensors("later", 1)


def _state(node_id: str, sensor_key: str, temperature: float, seq: int) -> bytes:
    state = StateMessage(
        node_id=node_id,
        ts=time.time(),
        seq=seq,
        sensors={sensor_key: SensorSample(temperature=temperature, humidity=40.0)},
    )
    return build_state(state).payload


async def test_a_node_cannot_take_another_nodes_entities_by_announcing(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Node `shed` announcing sensor `north_dht` named the entities of `shed_north`'s `dht`.

    After a restart that set `shed` up first, `shed_north`'s temperature entity (its id,
    history and automations) belonged to `shed` and showed what `shed` sent.
    """
    genuine = await discover_and_confirm(
        hass,
        announcement(
            "shed_north",
            sensors=(SensorInfo(key="dht", name="Shed", quantities=BOTH, model="dht22"),),
        ),
    )
    rogue = await discover_and_confirm(hass, announcement("shed"))
    registry = er.async_get(hass)
    temperature_id = registry.async_get_entity_id(
        "sensor", "py_iot_home", "node_shed_north_dht_temperature"
    )
    assert temperature_id is not None

    grab = announcement(
        "shed", sensors=(SensorInfo(key="north_dht", name="Shed", quantities=BOTH, model="x"),)
    )
    async_fire_mqtt_message(hass, "py_iot_home/shed/announce", announce_payload(grab))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert stored_announcement(rogue.config_entry).sensors == announcement("shed").sensors
    assert rogue.config_entry.runtime_data.node.rejections.counts["unique_id_clash"] == 1

    # A restart in the other order: the rogue entry is set up before the genuine one.
    await hass.config_entries.async_unload(genuine.config_entry.entry_id)
    await hass.config_entries.async_reload(rogue.config_entry.entry_id)
    await hass.config_entries.async_setup(genuine.config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    async_fire_mqtt_message(hass, "py_iot_home/shed/state", _state("shed", "north_dht", 99, 7))
    async_fire_mqtt_message(
        hass, "py_iot_home/shed_north/state", _state("shed_north", "dht", 20, 7)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    owner = registry.async_get(temperature_id)
    assert owner is not None
    assert owner.config_entry_id == genuine.config_entry.entry_id
    state = hass.states.get(temperature_id)
    assert state is not None
    assert state.state == "20.0"


async def test_a_node_whose_entities_clash_with_another_nodes_is_not_confirmed(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """The same clash, announced by a new node: confirming it created the entry before."""
    await discover_and_confirm(
        hass,
        announcement(
            "shed_north",
            sensors=(SensorInfo(key="dht", name="Shed", quantities=BOTH, model="dht22"),),
        ),
    )
    grab = announcement(
        "shed", sensors=(SensorInfo(key="north_dht", name="Shed", quantities=BOTH, model="x"),)
    )
    async_fire_mqtt_message(hass, "py_iot_home/shed/announce", announce_payload(grab), True)
    await hass.async_block_till_done(wait_background_tasks=True)
    (flow,) = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"].get("unique_id") == "shed"
    ]
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: ""})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_clash"
    assert hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, "shed") is None


async def test_retained_state_and_replay_are_dropped(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A retained state came back on every (re)subscribe, long after whoever published it.

    A node never retains them; anyone who can publish could plant a reading for an unsigned
    node that returned with each restart of Home Assistant (and stepped its counter back).
    """
    await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(10, temperature=21.0))
    await hass.async_block_till_done(wait_background_tasks=True)
    node = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, NODE_ID)
    assert node is not None
    coordinator = node.runtime_data.node

    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(5, temperature=99.0), retain=True)
    planted = [state_payload(6, temperature=98.0)]
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload(planted), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get(TEMPERATURE)
    assert state is not None
    assert state.state == "21.0"
    assert coordinator.rejections.counts["retained"] == 2
    assert coordinator.replayed_samples == 0
    assert coordinator.collision.steps_back == 0


@pytest.mark.parametrize(
    ("shared", "typed"),
    [
        ("one secret for the whole house", "one secret for the whole house"),
        # The same secret with its "ü" typed as u and a combining diaeresis: it signs the same.
        ("Schl\u00fcssel f\u00fcr das ganze Haus", "Schlu\u0308ssel fu\u0308r das ganze Haus"),
    ],
    ids=["same", "same-in-other-unicode-form"],
)
async def test_a_second_node_cannot_be_confirmed_with_the_same_secret(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, shared: str, typed: str
) -> None:
    """Two nodes on one secret: either (one compromised) could sign the other's readings."""
    await discover_and_confirm(hass, announcement("attic"), MessageSigner(shared), shared)
    signer = MessageSigner(typed)
    async_fire_mqtt_message(
        hass, ANNOUNCE_TOPIC, announce_payload(announcement(), signer), retain=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    (flow,) = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"].get("unique_id") == NODE_ID
    ]
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: typed})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SECRET: "secret_reused"}
    assert hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, NODE_ID) is None


async def test_a_flood_of_live_states_writes_the_entities_a_bounded_number_of_times(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every live state wrote each of the node's entities: a compromised node (with its own
    secret) sending them as fast as the broker takes them held the event loop ~5 ms per
    message with 16 sensors, and queued a recorder row per changed value (past 65,000 queued,
    the recorder stops recording anything). Its samples still reach the trend; a command's
    confirmation still shows at once; a minute later its states show again."""
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(
        hass, announcement(sensors=_sensors("f")), signer=signer, secret=SECRET
    )
    changed = _kitchen_pi_state_changes(hass)
    flood = 200
    for seq in range(2, 2 + flood):
        state = StateMessage(
            node_id=NODE_ID,
            ts=time.time(),
            seq=seq,
            sensors={
                f"fs{index}": SensorSample(temperature=20.0 + seq % 2, humidity=40.0 + seq % 2)
                for index in range(16)
            },
            switches={},
        )
        async_fire_mqtt_message(hass, STATE_TOPIC, build_state(state, signer=signer).payload)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.messages_accepted["state"] == flood
    shown = len(changed)
    assert shown <= 32 * 25, shown  # 32 sensors, a burst's worth of messages
    assert node.rejections.counts["live_rationed"] > 0
    assert caplog.text.count("live_rationed") <= 1

    async def confirm(*_: object, **__: object) -> None:
        confirmation = StateMessage(
            node_id=NODE_ID, ts=time.time(), seq=10_000, sensors={}, switches={"led1": True}
        )
        async_fire_mqtt_message(hass, STATE_TOPIC, build_state(confirmation, signer=signer).payload)

    mqtt_mock.async_publish.side_effect = confirm
    await switch_states_waited(hass)
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.kitchen_pi_desk_led"}, blocking=True
    )
    assert hass.states.get("switch.kitchen_pi_desk_led").state == "on"

    freezer.tick(timedelta(minutes=1))
    state = StateMessage(
        node_id=NODE_ID,
        ts=time.time(),
        seq=10_001,
        sensors={
            f"fs{index}": SensorSample(temperature=25.0, humidity=50.0) for index in range(16)
        },
        switches={},
    )
    async_fire_mqtt_message(hass, STATE_TOPIC, build_state(state, signer=signer).payload)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.kitchen_pi_s0_temperature").state == "25.0"


@pytest.mark.parametrize("turns_good", [False, True], ids=["ever_new_offset", "off_and_good"])
async def test_a_flood_of_mistimed_states_writes_the_clock_repair_a_bounded_number_of_times(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    turns_good: bool,
) -> None:
    """Each live state stamped far from now wrote the node's *clock is off* repair with its
    own offset (or, every fourth one in time, deleted it): each an update of the issue
    registry, an event to every open frontend. A compromised node (or anyone, for an
    unsigned one) sending them as fast as the broker takes them cost the loop six times
    what a state in time does (2,000 in 2.2 s against 0.35 s in the harness). The repair
    still says what the latest message says, half a second on."""
    signer = MessageSigner(SECRET)
    await discover_and_confirm(hass, signer=signer, secret=SECRET)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await hass.async_block_till_done()
    events: list[str] = []
    hass.bus.async_listen(
        ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED, lambda event: events.append(event.data["action"])
    )
    now = time.time()
    flood = 500
    for index in range(flood):
        in_time = turns_good and index % 4 == 0
        ts = now if in_time else now + 7200 + index * 60
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2 + index, ts=ts, signer=signer))
    await hass.async_block_till_done()
    assert len(events) <= 21, len(events)
    freezer.tick(timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    issue = ir.async_get(hass).async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID))
    assert issue is not None
    # The last one: 7,200 + 499 * 60 s ahead.
    assert issue.translation_placeholders["offset"] == "10\u00a0h 19\u00a0min"
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2 + flood, signer=signer))
    await hass.async_block_till_done()
    freezer.tick(timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID)) is None


def _count_writes(hass: HomeAssistant) -> list[str]:
    """Entity ids of the kitchen node's writes that changed nothing (state_reported)."""
    written: list[str] = []

    @callback
    def of_the_node(data: Mapping[str, Any]) -> bool:
        return str(data["entity_id"]).startswith(("sensor.kitchen_pi_", "switch.kitchen_pi_"))

    @callback
    def reported(event: Event[Any]) -> None:
        written.append(event.data["entity_id"])

    hass.bus.async_listen(EVENT_STATE_REPORTED, reported, event_filter=of_the_node)
    return written


async def test_a_repeated_announcement_does_not_write_the_entities(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Every accepted announcement wrote each entity of the node, though none shows anything
    of it: a node (its own secret) repeating its retained announcement, which may repeat its
    counter, as fast as the broker takes it held the event loop as a flood of states did."""
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(
        hass, announcement(sensors=_sensors("f")), signer=signer, secret=SECRET
    )
    written = _count_writes(hass)
    payload = announce_payload(announcement(sensors=_sensors("f")), signer)
    for _ in range(50):
        async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, payload)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.messages_accepted["announce"] >= 50
    assert written == []


async def test_a_repeated_availability_does_not_write_the_entities(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Every availability message wrote each entity of the node, changed or not: "online"
    repeated (unsigned, and retained) held the loop as a flood of states did."""
    node = await discover_and_confirm(hass, announcement(sensors=_sensors("f")))
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await hass.async_block_till_done(wait_background_tasks=True)
    written = _count_writes(hass)
    for _ in range(50):
        async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.messages_accepted["availability"] == 51
    assert node.data.online
    assert written == []
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("binary_sensor.kitchen_pi_connectivity").state == "off"


async def test_a_flapping_availability_writes_the_entities_a_bounded_number_of_times(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """Each change of availability wrote every entity of the node, each a state change the
    recorder queued (available, unavailable): "online" and "offline" alternated as fast as
    the broker takes them (unsigned by design; the node's own, or anyone's without the
    documented ACL) flooded it as live states did. The last word still shows, a second on."""
    node = await discover_and_confirm(hass, announcement(sensors=_sensors("f")))
    reading = StateMessage(
        node_id=NODE_ID,
        ts=time.time(),
        seq=2,
        sensors={
            f"fs{index}": SensorSample(temperature=21.0, humidity=45.0) for index in range(16)
        },
        switches={"led1": False},
    )
    async_fire_mqtt_message(hass, STATE_TOPIC, build_state(reading).payload)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.kitchen_pi_s0_temperature").state == "21.0"
    changed = _kitchen_pi_state_changes(hass)
    for turn in range(200):
        async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online" if turn % 2 else "offline")
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.messages_accepted["availability"] == 201
    assert len(changed) <= 33 * 25, len(changed)  # 33 entities, a burst's worth of changes
    freezer.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("binary_sensor.kitchen_pi_connectivity").state == "on"
    assert node.data.online


async def test_a_strangers_offline_is_no_repair_while_the_node_keeps_sending(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """One unsigned "offline" started the day's wait for the *offline* repair, and the
    node's own signed states, which show it online, never stopped it: a day later the
    repair said a node sending every 30 s had been offline for a day, until it reconnected.
    """
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, signer=signer))
    await hass.async_block_till_done()
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done()
    for seq in range(3, 3 + 25):
        freezer.tick(timedelta(hours=1))
        async_fire_time_changed(hass)
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(seq, signer=signer))
        await hass.async_block_till_done()
    assert node.data.online
    assert hass.states.get(TEMPERATURE).state == "22.5"
    assert ir.async_get(hass).async_get_issue(DOMAIN, node_offline_issue_id(NODE_ID)) is None


async def test_a_strangers_online_does_not_keep_a_dead_signing_node_looking_alive(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """A signing node died (its last will said "offline"). Anyone's unsigned "online" gave it
    a fresh grace period (its last temperature showed as current again) and ended the wait
    for the offline repair: "offline" and "online" every 80 s kept its last values showing
    and the repair away for good."""
    signer = MessageSigner(SECRET)
    await discover_and_confirm(hass, signer=signer, secret=SECRET)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, signer=signer))
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == "22.5"
    shown_after_online = []
    for _ in range(int(timedelta(hours=25) / timedelta(seconds=80))):
        async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
        await hass.async_block_till_done()
        freezer.tick(timedelta(seconds=40))
        async_fire_time_changed(hass)
        async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
        await hass.async_block_till_done()
        shown_after_online.append(hass.states.get(TEMPERATURE).state)
        freezer.tick(timedelta(seconds=40))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert set(shown_after_online[3:]) == {"unavailable"}
    freezer.tick(timedelta(days=1, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, node_offline_issue_id(NODE_ID)) is not None
    # The node comes back, as it does: "online", then its own signed state.
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await hass.async_block_till_done()
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(3, temperature=19.0, signer=signer))
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == "19.0"
    assert ir.async_get(hass).async_get_issue(DOMAIN, node_offline_issue_id(NODE_ID)) is None


async def test_a_strangers_online_does_not_show_a_dead_signing_nodes_hour_old_reading(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """A signing node died an hour ago (its last will said "offline"). Anyone's unsigned
    "online" showed its hour-old 22.5 °C as current, a new state in the recorder, until the
    next silence check (up to 30 s); a stranger could do it again after each "offline"."""
    signer = MessageSigner(SECRET)
    await discover_and_confirm(hass, signer=signer, secret=SECRET)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, signer=signer))
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == "22.5"
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done()
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    changes = _kitchen_pi_state_changes(hass)
    for _ in range(3):
        async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
        await hass.async_block_till_done()
        assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
        async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
        await hass.async_block_till_done()
    assert TEMPERATURE not in changes
    # The node's own next reading shows at once.
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(3, temperature=19.0, signer=signer))
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == "19.0"


async def test_states_repeating_a_commands_switch_pass_the_ration_once(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A state confirming a waiting command always shows; until the command's task resumed,
    so did every other state carrying that switch state. A compromised node (or anyone, for an
    unsigned node on a broker without the ACL), reading the command on the broker, answered it
    with a burst of 200 states, each written to its 33 entities: 3,313 state changes."""
    signer = MessageSigner(SECRET)
    await discover_and_confirm(
        hass, announcement(sensors=_sensors("f")), signer=signer, secret=SECRET
    )
    first = StateMessage(node_id=NODE_ID, ts=time.time(), seq=2, sensors={}, switches={})
    async_fire_mqtt_message(hass, STATE_TOPIC, build_state(first, signer=signer).payload)
    await switch_states_waited(hass)
    changed = _kitchen_pi_state_changes(hass)

    async def burst(*_: object, **__: object) -> None:
        for seq in range(3, 203):
            state = StateMessage(
                node_id=NODE_ID,
                ts=time.time(),
                seq=seq,
                sensors={
                    f"fs{index}": SensorSample(temperature=20.0 + seq % 2, humidity=40.0)
                    for index in range(16)
                },
                switches={"led1": True},
            )
            async_fire_mqtt_message(hass, STATE_TOPIC, build_state(state, signer=signer).payload)

    mqtt_mock.async_publish.side_effect = burst
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.kitchen_pi_desk_led"}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("switch.kitchen_pi_desk_led").state == "on"
    assert len(changed) <= 33 * 25, len(changed)  # 33 entities, a burst of the ration


async def _reading_every(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    seconds: float,
    seqs: range,
    signer: MessageSigner | None = None,
) -> None:
    """The node's samples, `seconds` apart by its own clock and as they arrive."""
    for seq in seqs:
        freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(hass)
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(seq, signer=signer))
        await hass.async_block_till_done(wait_background_tasks=True)


async def _shown_after(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> str:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    return hass.states.get(TEMPERATURE).state


async def test_a_strangers_interval_of_a_day_does_not_hide_a_stuck_reader(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """The announced `interval_s` sets how long a node may stay silent (three intervals)
    before its values stop showing as current. Anyone's announcement for an unsigned node
    with the most the node agent allows (86,400 s) hid a reader that hung for three days: its
    last temperature showed as current. The node's own readings, 30 s apart, now say more."""
    await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    await _reading_every(hass, freezer, 30, range(1, 4))
    stranger = replace(announcement(), interval_s=86_400)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(stranger), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "22.5"

    # The reader hangs; the connection, and its "online", stay.
    assert await _shown_after(hass, freezer, 60) == "22.5"
    assert await _shown_after(hass, freezer, 45) == STATE_UNAVAILABLE


async def test_an_unsigned_nodes_longer_interval_is_taken_after_its_restart(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """Its owner sets it to sample every 10 minutes, which restarts the agent. Its readings
    30 s apart before the restart, and the gap around it, called it stale 90 s into its
    first 10-minute wait: the values showed unavailable for eight minutes, once."""
    await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    await _reading_every(hass, freezer, 30, range(1, 4))
    # Live messages reach a subscriber without the retain flag the agent sets.
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    freezer.tick(timedelta(seconds=5))
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    slower = replace(announcement(), interval_s=600, seq=5)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(slower))
    await hass.async_block_till_done(wait_background_tasks=True)
    await _reading_every(hass, freezer, 10, range(6, 7))
    assert await _shown_after(hass, freezer, 590) == "22.5"
    await _reading_every(hass, freezer, 10, range(7, 8))
    assert await _shown_after(hass, freezer, 1790) == "22.5"
    # Still caught when its reader hangs: three of its new intervals.
    assert await _shown_after(hass, freezer, 60) == STATE_UNAVAILABLE


async def test_a_signing_nodes_own_longer_interval_is_taken_at_once(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """A signed announcement is the node's own word: set to sample every 10 minutes, its
    values are not called stale 90 s after each reading for want of the earlier rhythm."""
    signer = MessageSigner(SECRET)
    await discover_and_confirm(hass, signer=signer, secret=SECRET)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    await _reading_every(hass, freezer, 30, range(2, 5), signer)
    slower = replace(announcement(), interval_s=600, seq=5)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(slower, signer), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    # The agent restarted with the new setting: its next reading comes 10 minutes on.
    assert await _shown_after(hass, freezer, 590) == "22.5"
    await _reading_every(hass, freezer, 10, range(6, 7), signer)
    await _reading_every(hass, freezer, 600, range(7, 8), signer)
    assert await _shown_after(hass, freezer, 1790) == "22.5"
    assert await _shown_after(hass, freezer, 60) == STATE_UNAVAILABLE


async def test_a_stranger_making_a_node_fresh_then_silent_is_warned_of_once_an_hour(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Anyone's single state for an unsigned node makes its values current, and 90 s later
    silent again: each cycle logged a warning, one every two minutes for as long as it went on.
    The values still go unavailable each time; the warning comes once an hour."""
    await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    silent = "is online but sent no sample"
    for seq in range(1, 11):
        await _reading_every(hass, freezer, 5, range(seq, seq + 1))
        assert hass.states.get(TEMPERATURE).state == "22.5"
        assert await _shown_after(hass, freezer, 120) == STATE_UNAVAILABLE
    warnings = [r for r in caplog.records if silent in r.getMessage()]
    assert [r.levelno for r in warnings].count(logging.WARNING) == 1
    assert len(warnings) == 10
    # An hour on, the next silence is a warning again.
    await _reading_every(hass, freezer, 3600, range(11, 12))
    assert await _shown_after(hass, freezer, 120) == STATE_UNAVAILABLE
    warnings = [r for r in caplog.records if silent in r.getMessage()]
    assert [r.levelno for r in warnings].count(logging.WARNING) == 2
