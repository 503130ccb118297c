"""Remote nodes through the harness's MQTT mock: discovery, state, commands, bad input."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import replace
from datetime import timedelta
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.mqtt import MQTT_CONNECTION_STATE
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_IGNORE, SOURCE_MQTT, ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    EVENT_STATE_CHANGED,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import CONF_SECRET, DEFAULT_FAILURE_THRESHOLD, DOMAIN
from custom_components.py_iot_home.nodes.coordinator import CONFIRMATION_TRIP_S
from custom_components.py_iot_home.protocol import (
    MessageSigner,
    SensorInfo,
    StateMessage,
    build_state,
    parse_command,
)

from .node_messages import (
    ANNOUNCE_TOPIC,
    AVAILABILITY_TOPIC,
    BOTH,
    COMMAND_TOPIC,
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
from .test_identities import identities

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

TEMPERATURE = "sensor.kitchen_pi_temperature"
HUMIDITY = "sensor.kitchen_pi_humidity"
LED = "switch.kitchen_pi_desk_led"
CONNECTIVITY = "binary_sensor.kitchen_pi_connectivity"


def _flows(hass: HomeAssistant) -> list[dict[str, object]]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_MQTT
    ]


async def _discover_and_confirm(hass: HomeAssistant, secret: str = "") -> str:
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    flows = _flows(hass)
    assert len(flows) == 1
    assert flows[0]["step_id"] == "mqtt_confirm"
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_SECRET: secret}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    return result["result"].entry_id


@pytest.mark.parametrize("model", ["Simulated meter (UCI data)", "Simulated Raspberry Pi"])
async def test_a_node_that_is_no_raspberry_pi_names_no_maker(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, model: str
) -> None:
    async_fire_mqtt_message(
        hass,
        ANNOUNCE_TOPIC,
        announce_payload(replace(announcement(), model=model)),
        retain=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    result = await hass.config_entries.flow.async_configure(_flows(hass)[0]["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)

    (device,) = dr.async_entries_for_config_entry(dr.async_get(hass), result["result"].entry_id)
    assert (device.manufacturer, device.model) == (None, model)


async def test_discovery_needs_confirmation(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(_flows(hass)) == 1
    # Nothing exists until the user confirms.
    assert hass.states.async_entity_ids() == []
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_confirmed_node_gets_device_and_entities(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    entry_id = await _discover_and_confirm(hass)
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)
    assert len(devices) == 1
    device = devices[0]
    assert device.identifiers == {(DOMAIN, f"node_{NODE_ID}")}
    assert device.name == "Kitchen Pi"
    assert (device.manufacturer, device.model) == ("Raspberry Pi", "Raspberry Pi 4")
    assert device.sw_version == "0.1.0"
    # Home Assistant 2026.12 refuses non-string device fields (2026.11 reports them).
    for field in ("name", "manufacturer", "model", "sw_version", "hw_version", "serial_number"):
        assert isinstance(getattr(device, field), str | None), field
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    assert {entity.entity_id for entity in entities} >= {TEMPERATURE, HUMIDITY, LED, CONNECTIVITY}
    # Until the node says it is online, its entities are unavailable; its connectivity too,
    # until its availability is heard (not "Disconnected" for a node online all along).
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(CONNECTIVITY).state == STATE_UNAVAILABLE

    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(CONNECTIVITY).state == STATE_ON
    assert hass.states.get(TEMPERATURE).state == "22.5"
    assert hass.states.get(HUMIDITY).state == "41.0"
    assert hass.states.get(LED).state == STATE_OFF

    # The last will makes everything unavailable but the connectivity sensor (a live
    # subscriber gets it without the retain flag).
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(LED).state == STATE_UNAVAILABLE
    assert hass.states.get(CONNECTIVITY).state == STATE_OFF


async def test_already_configured_and_ignored_nodes(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _flows(hass) == []

    other = announcement("garage-pi")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_IGNORE}, data={"unique_id": "garage-pi", "title": "x"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    async_fire_mqtt_message(
        hass, "py_iot_home/garage-pi/announce", announce_payload(other), retain=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _flows(hass) == []
    assert hass.states.get("sensor.kitchen_pi_temperature") is not None
    assert not [s for s in hass.states.async_entity_ids() if "garage" in s]


async def test_command_is_confirmed_by_the_node(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1, led=False))
    await hass.async_block_till_done(wait_background_tasks=True)

    async def echo(topic: str, payload: bytes, qos: int, retain: bool, **kwargs: object) -> None:
        assert topic == COMMAND_TOPIC
        assert parse_command(topic, payload).on
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, led=True))

    mqtt_mock.async_publish.side_effect = echo
    await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert hass.states.get(LED).state == STATE_ON


async def test_a_later_command_replaces_one_waiting_for_its_confirmation(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """An LED toggled quickly: each command waited for the one before to be confirmed, so
    the node, which applies only the last of its waiting commands, got them one by one and
    the LED flipped through every click, one per 3 s, for seconds after the last."""
    await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1, led=False))
    await hass.async_block_till_done(wait_background_tasks=True)
    clicks = [
        hass.async_create_task(
            hass.services.async_call(SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: LED}, True)
        )
        for service in (SERVICE_TURN_ON, SERVICE_TURN_OFF, SERVICE_TURN_ON)
    ]
    for _ in range(20):
        await asyncio.sleep(0)
    sent = [parse_command(*call.args[:2]).on for call in mqtt_mock.async_publish.call_args_list]
    assert sent == [True, False, True]
    # The node confirms the last one asked; the earlier ones end without an error.
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, led=True))
    await asyncio.gather(*clicks)
    assert hass.states.get(LED).state == STATE_ON


async def test_unconfirmed_command_raises(hass: HomeAssistant, mqtt_mock: MqttMockHAClient) -> None:
    await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1, led=False))
    await hass.async_block_till_done(wait_background_tasks=True)
    with (
        patch("custom_components.py_iot_home.nodes.coordinator.COMMAND_CONFIRM_TIMEOUT_S", 0.01),
        pytest.raises(HomeAssistantError) as raised,
    ):
        await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert raised.value.translation_key == "command_not_confirmed"
    assert str(raised.value) == (
        # The switch as the node names it (and the entity shows it), not its wire key "led1".
        "Kitchen Pi did not confirm switching Desk LED within 5 seconds. Is it online?"
    )
    mqtt_mock.async_publish.assert_called_once()
    topic, payload, qos, retain = mqtt_mock.async_publish.call_args.args
    assert (topic, parse_command(topic, payload).on, qos, retain) == (COMMAND_TOPIC, True, 1, False)
    assert hass.states.get(LED).state == STATE_OFF


@pytest.mark.parametrize("node_clock_ahead_s", [0.0, 10.0, -45.0])
async def test_a_command_carries_its_deadline_on_the_nodes_clock(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, node_clock_ahead_s: float
) -> None:
    """The node must not obey a command once Home Assistant has called it failed.

    It can only judge that on its own clock, which may be a minute off ours: the deadline is
    set by the clock its live states show, so a node 10 s or 45 s off still gets its time.
    """
    await _discover_and_confirm(hass)
    heard_at = time.monotonic()
    node_ts = time.time() + node_clock_ahead_s
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1, led=False, ts=node_ts))
    # A state the broker held back says less of the node's clock: the best one counts.
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, led=False, ts=node_ts - 3))
    await hass.async_block_till_done(wait_background_tasks=True)
    heard_by = time.monotonic()
    with patch("custom_components.py_iot_home.nodes.coordinator.COMMAND_CONFIRM_TIMEOUT_S", 0.01):
        sent_from = time.monotonic()
        with pytest.raises(HomeAssistantError):
            await hass.services.async_call(
                SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True
            )
        sent_by = time.monotonic()
    topic, payload, *_ = mqtt_mock.async_publish.call_args.args
    command = parse_command(topic, payload)
    assert command.on
    assert command.until is not None
    # The node's clock when the command left, as node_ts plus the time since it arrived,
    # and the part of the wait left for the node to obey (the rest is the way back).
    wait = 0.01 - CONFIRMATION_TRIP_S
    assert node_ts + (sent_from - heard_by) + wait - 0.001 <= command.until
    assert command.until <= node_ts + (sent_by - heard_at) + wait + 0.001


async def test_a_command_before_any_state_has_no_deadline(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Until a live state showed the node's clock, a command goes as before deadlines."""
    await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await hass.async_block_till_done(wait_background_tasks=True)
    await switch_states_waited(hass)
    with (
        patch("custom_components.py_iot_home.nodes.coordinator.COMMAND_CONFIRM_TIMEOUT_S", 0.01),
        pytest.raises(HomeAssistantError),
    ):
        await hass.services.async_call(SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LED}, True)
    assert mqtt_mock.async_publish.call_args.args[:2] == (COMMAND_TOPIC, b"ON")


@pytest.mark.parametrize(
    ("topic", "payload", "kind"),
    [
        (STATE_TOPIC, b"{not json", "malformed_json"),
        (STATE_TOPIC, json.dumps({"v": 1, "ts": "now", "seq": 2}).encode(), "wrong_type"),
        (STATE_TOPIC, json.dumps({"v": 99, "ts": 1.7e9, "seq": 2}).encode(), "unknown_version"),
        (STATE_TOPIC, b"{" + b" " * 20_000 + b"}", "oversized"),
        (AVAILABILITY_TOPIC, b"maybe", "wrong_type"),
        (REPLAY_TOPIC, b"[]", "wrong_type"),
        (ANNOUNCE_TOPIC, b'{"v": 2}', "unknown_version"),
        (ANNOUNCE_TOPIC, b"{}", "missing_field"),
    ],
)
async def test_bad_messages_are_dropped_and_counted(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    caplog: pytest.LogCaptureFixture,
    topic: str,
    payload: bytes,
    kind: str,
) -> None:
    entry_id = await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1))
    await hass.async_block_till_done(wait_background_tasks=True)
    for _ in range(3):
        async_fire_mqtt_message(hass, topic, payload)
    await hass.async_block_till_done(wait_background_tasks=True)
    node = hass.config_entries.async_get_entry(entry_id).runtime_data.node
    assert dict(node.rejections.counts) == {kind: 3}
    assert caplog.text.count("Dropped a message from node kitchen-pi") == 1
    assert hass.states.get(TEMPERATURE).state == "22.5"


async def test_invalid_and_flooding_discoveries_create_nothing(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    async_fire_mqtt_message(hass, "py_iot_home/Bad Id!/announce", announce_payload())
    async_fire_mqtt_message(hass, "py_iot_home/x/announce", b"{oops")
    async_fire_mqtt_message(hass, "py_iot_home/y/announce", b"")
    for index in range(60):
        node = announcement(f"node-{index}")
        async_fire_mqtt_message(hass, f"py_iot_home/node-{index}/announce", announce_payload(node))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(_flows(hass)) == 20
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert hass.states.async_entity_ids() == []


async def test_changed_announcement_updates_entities(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    entry_id = await _discover_and_confirm(hass)
    changed = announcement(
        sensors=(
            SensorInfo(key="dht1", name="Kitchen", quantities=BOTH, model="dht22"),
            SensorInfo(key="dht2", name="Pantry", quantities=BOTH, model="dht11"),
        ),
        switches=(),
    )
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(changed), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry.state is ConfigEntryState.LOADED
    ids = {e.unique_id for e in er.async_entries_for_config_entry(er.async_get(hass), entry_id)}
    assert f"node_{NODE_ID}_dht2_temperature" in ids
    assert f"node_{NODE_ID}_switch_led1" not in ids
    assert hass.states.get(LED) is None


async def test_replayed_samples_are_counted(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    entry_id = await _discover_and_confirm(hass)
    batch = replay_payload([state_payload(seq, ts=1.7e9 + seq * 60) for seq in range(1, 6)])
    async_fire_mqtt_message(hass, REPLAY_TOPIC, batch)
    await hass.async_block_till_done(wait_background_tasks=True)
    node = hass.config_entries.async_get_entry(entry_id).runtime_data.node
    assert node.replayed_samples == 5


@pytest.mark.usefixtures("no_retained_announcement_comes")
async def test_signed_node(hass: HomeAssistant, mqtt_mock: MqttMockHAClient) -> None:
    signer = MessageSigner("s3cret")
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=signer), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    flow_id = _flows(hass)[0]["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_SECRET: "wrong"})
    assert result["errors"] == {CONF_SECRET: "bad_secret"}
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_SECRET: "s3cret"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    node = result["result"].runtime_data.node

    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    # A client without the secret cannot inject readings...
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(5, temperature=99.0))
    async_fire_mqtt_message(
        hass, STATE_TOPIC, state_payload(6, temperature=35.0, signer=MessageSigner("guess"))
    )
    signed = state_payload(7, temperature=23.0, signer=signer)
    async_fire_mqtt_message(hass, STATE_TOPIC, signed)
    # ...nor replay a signed one.
    async_fire_mqtt_message(hass, STATE_TOPIC, signed)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "23.0"
    assert dict(node.rejections.counts) == {
        "missing_signature": 1,
        "bad_signature": 1,
        "replayed_counter": 1,
    }


async def test_unload_unsubscribes(hass: HomeAssistant, mqtt_mock: MqttMockHAClient) -> None:
    entry_id = await _discover_and_confirm(hass)
    assert await hass.config_entries.async_unload(entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    await asyncio.sleep(0)


async def test_node_limit_counts_only_new_nodes(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    await _discover_and_confirm(hass)
    with patch("custom_components.py_iot_home.nodes.discovery.MAX_NODES", 1):
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_MQTT},
            data=MqttServiceInfo(
                topic=ANNOUNCE_TOPIC,
                payload=announce_payload(),
                qos=1,
                retain=True,
                subscribed_topic="py_iot_home/+/announce",
                timestamp=0,
            ),
        )
        assert result["reason"] == "already_configured"
        other = announcement("garage-pi")
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_MQTT},
            data=MqttServiceInfo(
                topic="py_iot_home/garage-pi/announce",
                payload=announce_payload(other),
                qos=1,
                retain=True,
                subscribed_topic="py_iot_home/+/announce",
                timestamp=0,
            ),
        )
        assert result["reason"] == "too_many_nodes"


async def test_a_node_keeps_the_identities_of_earlier_releases(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    entities, devices = identities(hass, await _discover_and_confirm(hass))
    node = f"node_{NODE_ID}"
    assert devices == {node}
    assert {unique_id for _, unique_id, _ in entities} == {
        f"{node}_dht1_temperature",
        f"{node}_dht1_humidity",
        f"{node}_dht1_temperature_trend",
        f"{node}_dht1_humidity_trend",
        f"{node}_dht1_temperature_trend_status",
        f"{node}_dht1_humidity_trend_status",
        f"{node}_dht1_temperature_trend_expected",
        f"{node}_dht1_humidity_trend_expected",
        f"{node}_dht1_temperature_rising",
        f"{node}_dht1_humidity_rising",
        f"{node}_switch_led1",
        f"{node}_connectivity",
    }


async def test_a_few_failed_reads_keep_the_last_value(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A DHT22 misses reads now and then: the node's sensor stays at its last value, as a
    board's does, and turns unavailable only when reads keep failing."""
    await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    seqs = iter(range(1, 100))

    async def receive(temperature: float | None, humidity: float | None) -> tuple[str, str]:
        payload = state_payload(next(seqs), temperature=temperature, humidity=humidity)
        async_fire_mqtt_message(hass, STATE_TOPIC, payload)
        await hass.async_block_till_done(wait_background_tasks=True)
        return hass.states.get(TEMPERATURE).state, hass.states.get(HUMIDITY).state

    assert await receive(22.5, 41.0) == ("22.5", "41.0")
    for _ in range(DEFAULT_FAILURE_THRESHOLD - 1):
        assert await receive(None, None) == ("22.5", "41.0")
    # A good read restarts the count; one good quantity does not excuse the other.
    assert await receive(23.0, None) == ("23.0", STATE_UNAVAILABLE)
    for _ in range(DEFAULT_FAILURE_THRESHOLD - 1):
        assert (await receive(None, None))[0] == "23.0"
    assert (await receive(None, None))[0] == STATE_UNAVAILABLE
    assert hass.states.get(CONNECTIVITY).state == STATE_ON


async def test_a_value_older_than_five_minutes_is_not_held(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """After a node was off for a while, its first failed read does not bring back the
    value from before as if it were current."""
    await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    now = time.time()
    # Ten minutes late is as late as a live sample may be (beyond, it is not shown).
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1, ts=now - 590.0))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "22.5"
    async_fire_mqtt_message(
        hass, STATE_TOPIC, state_payload(2, temperature=None, humidity=None, ts=now)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE


async def test_a_node_online_but_silent_stops_showing_its_values(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    """A node whose reader hung keeps its connection, and its "online", alive: its last
    values used to show as current for as long as it stayed up. It samples every 30 s."""
    await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1))
    await hass.async_block_till_done(wait_background_tasks=True)

    async def after(seconds: float) -> str:
        freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        return hass.states.get(TEMPERATURE).state

    # Three of its intervals (90 s) may pass without a sample: a broker's hiccup.
    assert await after(60) == "22.5"
    assert await after(45) == STATE_UNAVAILABLE
    assert hass.states.get(HUMIDITY).state == STATE_UNAVAILABLE
    assert hass.states.get(CONNECTIVITY).state == STATE_ON
    assert hass.states.get(LED).state == STATE_OFF  # the node still answers for its LED
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, temperature=23.0))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "23.0"
    # Back online after being away: a full grace period for its first sample.
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done()
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert await after(600) == STATE_UNAVAILABLE
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await hass.async_block_till_done()
    # Its 23.0 was read ten minutes ago: not current again until it reads anew.
    assert await after(30) == STATE_UNAVAILABLE
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(3, temperature=24.0))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await after(80) == "24.0"
    assert await after(40) == STATE_UNAVAILABLE


@pytest.mark.parametrize("signed", [False, True])
async def test_a_node_back_after_an_hour_shows_no_old_reading_until_it_reads(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory, signed: bool
) -> None:
    """A node back after an hour away sends "online" and its switch states (its echo, no
    reading) before its next reading, which may queue behind its backlog for seconds, or
    take its whole interval: its hour-old 22.5 °C showed as current meanwhile, a new state
    in the recorder at the time it came back, for up to 90 s."""
    secret = "the kitchen node's own secret"
    signer = MessageSigner(secret) if signed else None
    await discover_and_confirm(hass, signer=signer, secret=secret if signed else "")
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "22.5"
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done()
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    shown: list[str] = []
    hass.bus.async_listen(
        EVENT_STATE_CHANGED,
        lambda event: (
            shown.append(event.data["new_state"].state)
            if event.data["entity_id"] == TEMPERATURE
            else None
        ),
    )
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    echo = StateMessage(node_id=NODE_ID, ts=time.time(), seq=3, switches={"led1": True})
    async_fire_mqtt_message(hass, STATE_TOPIC, build_state(echo, signer=signer).payload)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(LED).state == STATE_ON
    assert hass.states.get(CONNECTIVITY).state == STATE_ON
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(4, temperature=19.5, signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert shown == ["19.5"]


async def test_a_node_back_with_a_state_before_its_online_is_logged_online(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A node's client resends its queued states on reconnecting, before its "online": the
    log said "Node kitchen-pi is offline" and never that it was back (a walk saw it)."""
    caplog.set_level(logging.INFO, logger="custom_components.py_iot_home")
    await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1))
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "offline")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert caplog.text.count(f"Node {NODE_ID} is online") == 1
    assert caplog.text.count(f"Node {NODE_ID} is offline") == 1

    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, temperature=23.0))
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(CONNECTIVITY).state == STATE_ON
    assert hass.states.get(TEMPERATURE).state == "23.0"
    assert caplog.text.count(f"Node {NODE_ID} is online") == 2
    assert caplog.text.count(f"Node {NODE_ID} is offline") == 1


async def test_a_delayed_sample_is_history_not_the_current_value(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A sample the broker held back arrives after a newer one: the entity keeps the newer
    value, the trend gets both. After a value stamped ahead of Home Assistant's clock (a
    node whose clock is being corrected), older stamps are taken, not frozen out."""
    entry_id = await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    now = time.time()
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(2, temperature=23.0, ts=now - 10))
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1, temperature=21.0, ts=now - 70))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "23.0"
    trend = hass.config_entries.async_get_entry(entry_id).runtime_data.trend
    assert trend.store.view("dht1_temperature")[1].tolist() == [21.0, 23.0]

    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(3, temperature=24.0, ts=now + 60))
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(4, temperature=25.0, ts=now + 1))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "25.0"


async def test_home_assistant_losing_the_broker_says_nothing_of_the_node(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Home Assistant's own link to the broker, lost or let go at a stop, is not the node's:
    its connectivity read "disconnected" at every restart of Home Assistant."""
    await _discover_and_confirm(hass)
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(CONNECTIVITY).state == STATE_ON
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, False)
    await hass.async_block_till_done()
    assert hass.states.get(CONNECTIVITY).state == STATE_UNAVAILABLE
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, True)
    await hass.async_block_till_done()
    # Connected again, the node's retained availability not yet delivered: still unknown.
    assert hass.states.get(CONNECTIVITY).state == STATE_UNAVAILABLE
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online", retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(CONNECTIVITY).state == STATE_ON
    # Stopping, Home Assistant lets go of the broker: the node's state is left as it was.
    hass.set_state(CoreState.stopping)
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, False)
    await hass.async_block_till_done()
    assert hass.states.get(CONNECTIVITY).state == STATE_ON
    hass.set_state(CoreState.running)
