"""Security findings of issue 13 in Home Assistant: each case got through before its fix."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_IGNORE, SOURCE_MQTT, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers import selector
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.json import json_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    MqttMockHAClient,
)

from custom_components.py_iot_home.const import (
    CONF_ANNOUNCEMENT,
    CONF_SECRET,
    DOMAIN,
    MAX_PENDING_DISCOVERIES,
)
from custom_components.py_iot_home.nodes.counter_store import counter_store_key
from custom_components.py_iot_home.nodes.discovery import DISCOVERY_REJECTIONS
from custom_components.py_iot_home.nodes.resend import GAP_REQUEST_INTERVAL_S
from custom_components.py_iot_home.protocol import (
    MAX_CLOCK_SKEW_S,
    MAX_TEXT_LENGTH,
    MessageSigner,
    ProtocolError,
    RejectionKind,
    SensorInfo,
    SwitchInfo,
    parse_announcement,
)
from custom_components.py_iot_home.repairs import (
    node_clock_issue_id,
    node_id_shared_issue_id,
    node_signs_without_secret_issue_id,
)

from .node_messages import (
    ANNOUNCE_TOPIC,
    AVAILABILITY_TOPIC,
    BOTH,
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
TEMPERATURE = "sensor.kitchen_pi_temperature"
FAKE_SIG = "0" * 64
MQTT_CONNECTION_STATE = "mqtt_connection_state"


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]


def _mqtt_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_MQTT
    ]


def _assert_storable(hass: HomeAssistant) -> None:
    """What Home Assistant writes to .storage (and sends to the frontend) serialises."""
    json_bytes(hass.config_entries.flow.async_progress())
    devices, entities = dr.async_get(hass), er.async_get(hass)
    for entry in hass.config_entries.async_entries():
        json_bytes(entry.as_storage_fragment)
        for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
            json_bytes(device.as_storage_fragment)
        for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
            json_bytes(entity.as_storage_fragment)
    json_bytes([issue.to_json() for issue in ir.async_get(hass).issues.values()])


async def test_non_finite_number_in_a_signed_message_is_one_bounded_rejection(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, caplog: pytest.LogCaptureFixture
) -> None:
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    padding = "x" * 12_000
    payload = b'{"v":1,"seq":5,"ts":1790000000,"pad":"%s","x":1e999,"sig":"%s"}' % (
        padding.encode(),
        FAKE_SIG.encode(),
    )
    async_fire_mqtt_message(hass, STATE_TOPIC, payload)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert dict(node.rejections.counts) == {"malformed_json": 1}
    assert _errors(caplog) == []
    # Home Assistant's MQTT client logs every payload, but only at debug level.
    logged = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.INFO or record.name.startswith("custom_components")
    ]
    assert all(len(message) < 1000 for message in logged)


@pytest.mark.parametrize(
    "bad", ["\\ud800", "\\u0000", "\\u202e", "\\u001b[31m"], ids=["surrogate", "nul", "rlo", "esc"]
)
async def test_unstorable_announced_text_never_reaches_storage(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, bad: str
) -> None:
    payload = announce_payload().decode().replace('"Kitchen Pi"', f'"Kitchen{bad}Pi"')
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, payload, retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _mqtt_flows(hass) == []
    assert hass.data[DISCOVERY_REJECTIONS] == {"invalid_discovery_info": 1}
    _assert_storable(hass)


names = st.text(
    alphabet=st.characters(codec=None, exclude_characters="\\"), min_size=0, max_size=70
)


async def test_every_accepted_announcement_is_storable(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Hypothesis picks the announced texts (surrogates, controls, bidi, any plane)."""
    cases = {"accepted": 0, "refused": 0}

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(name=names, model=names, sensor=names, switch=names)
    def check(name: str, model: str, sensor: str, switch: str) -> None:
        node_id = f"n{cases['accepted'] + cases['refused']}"
        topic = f"py_iot_home/{node_id}/announce"
        message = json.loads(announce_payload(announcement(node_id)))
        message |= {"name": name, "model": model}
        message["sensors"][0]["name"] = sensor
        message["switches"][0]["name"] = switch
        payload = json.dumps(message).encode()
        try:
            parse_announcement(topic, payload)
        except ProtocolError:
            cases["refused"] += 1
            accepted = False
        else:
            cases["accepted"] += 1
            accepted = True
        asyncio.run_coroutine_threadsafe(
            _announce_and_confirm(hass, topic, payload, node_id, accepted), hass.loop
        ).result(timeout=60)

    # A thread of its own, not hass's executor: async_block_till_done in an example would
    # wait for the very job that waits for the example.
    with ThreadPoolExecutor(max_workers=1) as executor:
        await hass.loop.run_in_executor(executor, check)
    assert cases["accepted"] > 0
    assert cases["refused"] > 0


async def _announce_and_confirm(
    hass: HomeAssistant, topic: str, payload: bytes, node_id: str, accepted: bool
) -> None:
    async_fire_mqtt_message(hass, topic, payload, retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    flows = [flow for flow in _mqtt_flows(hass) if flow["context"]["unique_id"] == node_id]
    assert len(flows) == accepted
    _assert_storable(hass)
    if flows:
        result = await hass.config_entries.flow.async_configure(
            flows[0]["flow_id"], {CONF_SECRET: ""}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done(wait_background_tasks=True)
        _assert_storable(hass)
        assert await hass.config_entries.async_remove(result["result"].entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.usefixtures("no_retained_announcement_comes")
async def test_a_signing_node_cannot_be_confirmed_without_its_secret(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    async_fire_mqtt_message(
        hass, ANNOUNCE_TOPIC, announce_payload(signer=MessageSigner(SECRET)), retain=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    (flow,) = _mqtt_flows(hass)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: ""})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SECRET: "secret_required"}
    (field,) = [key for key in result["data_schema"].schema if key == CONF_SECRET]
    secret_selector = result["data_schema"].schema[field]
    assert isinstance(secret_selector, selector.TextSelector)
    assert secret_selector.config["type"] == selector.TextSelectorType.PASSWORD
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: "no"})
    assert result["errors"] == {CONF_SECRET: "bad_secret"}
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: SECRET})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # What is stored is the validated announcement, without its signature.
    assert "sig" not in json.loads(result["result"].data[CONF_ANNOUNCEMENT])


async def test_a_node_signing_after_it_was_added_without_a_secret_is_a_repair(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A node added without a secret, given one later in its node.yaml: Home Assistant went
    on taking its messages unchecked (anyone on the broker could still speak for a node the
    user believed signed) without a word, and the node refused Home Assistant's unsigned
    commands: its LED failed to switch, no reason given."""
    node = await discover_and_confirm(hass)
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, node_signs_without_secret_issue_id(NODE_ID)) is None
    signer = MessageSigner("the secret now in its node.yaml")
    signed = announce_payload(replace(announcement(), seq=5), signer=signer)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, signed, retain=True)
    await hass.async_block_till_done()
    issue = issues.async_get_issue(DOMAIN, node_signs_without_secret_issue_id(NODE_ID))
    assert issue is not None
    assert issue.translation_placeholders == {"name": "Kitchen Pi", "node_id": NODE_ID}
    # Deleted (to be added again with its secret, as the repair says): it goes.
    assert await hass.config_entries.async_remove(node.config_entry.entry_id)
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, node_signs_without_secret_issue_id(NODE_ID)) is None


async def test_old_signed_announcement_is_refused_after_a_restart(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    old = announce_payload(replace(announcement(), seq=5), signer)
    newer = announce_payload(replace(announcement(), seq=6), signer)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, old)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, newer)
    await hass.async_block_till_done(wait_background_tasks=True)
    entry = node.config_entry
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    node = entry.runtime_data.node
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, old)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert dict(node.rejections.counts) == {"replayed_counter": 1}


async def test_messages_signed_before_the_confirmation_cannot_be_replayed(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    signer = MessageSigner(SECRET)
    captured = state_payload(500, temperature=35.0, signer=signer)
    node = await discover_and_confirm(
        hass, replace(announcement(), seq=1000), signer=signer, secret=SECRET
    )
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    async_fire_mqtt_message(hass, STATE_TOPIC, captured)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert dict(node.rejections.counts) == {"replayed_counter": 1}
    assert hass.states.get(TEMPERATURE).state != "35.0"
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(1001, signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(TEMPERATURE).state == "22.5"


async def test_resend_debt_settles_when_the_answer_holds_only_seen_samples(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory
) -> None:
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    now = time.time()
    samples = [state_payload(seq, ts=now - 5 + seq, signer=signer) for seq in (10, 11)]
    for payload in samples:
        async_fire_mqtt_message(hass, STATE_TOPIC, payload)
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, False)
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, True)
    # Anyone may send the node's own retained announcement again: it asks once more, rationed.
    for _ in range(2):
        async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=signer))
    freezer.tick(timedelta(seconds=GAP_REQUEST_INTERVAL_S))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    requests = published_resend_requests(mqtt_mock)
    assert len(requests) == 2
    # The node answers each with what it sent after 11 (nothing) and, for the first, an
    # overlap Home Assistant already has: neither answer may be refused whole.
    async_fire_mqtt_message(
        hass, REPLAY_TOPIC, replay_payload(samples, ack=requests[0].seq, signer=signer)
    )
    async_fire_mqtt_message(
        hass, REPLAY_TOPIC, replay_payload(samples, ack=requests[1].seq, signer=signer)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.resend.owed_since is None
    assert dict(node.rejections.counts) == {}
    assert node.replayed_samples == 0


async def test_a_strangers_ack_leaves_a_signed_nodes_resend_owed(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A request's seq is on the broker for anyone: an ack the node did not sign settles nothing."""
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    now = time.time()
    for seq in (10, 11):
        async_fire_mqtt_message(
            hass, STATE_TOPIC, state_payload(seq, ts=now - 5 + seq, signer=signer)
        )
    await broker_back(hass, signer)
    (request,) = published_resend_requests(mqtt_mock)
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload([], ack=request.seq))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.resend.owed_since == 11
    assert dict(node.rejections.counts) == {RejectionKind.MISSING_SIGNATURE: 1}
    # What the node sent while Home Assistant was away still arrives, and its own ack settles.
    missed = [state_payload(seq, ts=now + seq, signer=signer) for seq in (12, 13)]
    async_fire_mqtt_message(
        hass, REPLAY_TOPIC, replay_payload(missed, ack=request.seq, signer=signer)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.resend.owed_since is None
    assert node.replayed_samples == 2


async def test_replay_after_restart_keeps_its_new_samples(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    now = time.time()
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(10, ts=now - 20, signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)
    entry = node.config_entry
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    node = entry.runtime_data.node
    batch = [state_payload(seq, ts=now - 20 + seq, signer=signer) for seq in (9, 10, 11, 12)]
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload(batch))
    await hass.async_block_till_done(wait_background_tasks=True)
    # The restart forgot nothing: 10 was taken; 9 never was (a node's backlog arrives after
    # its live switch states), and is taken once, as it would have been before the restart.
    assert node.replayed_samples == 3
    assert dict(node.rejections.counts) == {}
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload(batch))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.replayed_samples == 3
    assert dict(node.rejections.counts) == {RejectionKind.REPLAYED_COUNTER: 1}


async def test_a_wrong_clock_is_a_repair_issue_and_its_samples_are_not_recorded(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    node = await discover_and_confirm(hass)
    store = node.config_entry.runtime_data.trend.store
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    ahead = 3 * 3600 + 20 * 60
    for seq in (1, 2, 3):
        async_fire_mqtt_message(
            hass, STATE_TOPIC, state_payload(seq, ts=time.time() + ahead, temperature=30.0)
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert dict(node.rejections.counts) == {"from_future": 3}
    # The third in a row says the clock is off, not the message late: its value is current.
    assert hass.states.get(TEMPERATURE).state == "30.0"
    assert len(store.buffer("dht1_temperature").snapshot()[0]) == 0
    issue = ir.async_get(hass).async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID))
    assert issue is not None
    assert issue.translation_placeholders == {
        "name": "Kitchen Pi",
        "node_id": NODE_ID,
        "offset": "3\u00a0h 20\u00a0min",
        "direction": "ahead of",
    }
    # Behind (a Pi back from a power cut before NTP syncs): not recorded at those times either.
    for seq in (4, 5, 6):
        async_fire_mqtt_message(
            hass, STATE_TOPIC, state_payload(seq, ts=time.time() - 7200, temperature=31.0)
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID))
    assert issue is not None
    assert issue.translation_placeholders["direction"] == "behind"
    assert hass.states.get(TEMPERATURE).state == "31.0"
    assert node.rejections.counts["stale"] == 3
    assert node.messages_accepted["state"] == 0
    assert len(store.buffer("dht1_temperature").snapshot()[0]) == 0
    # Synced again: the issue goes, samples count.
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(7, temperature=21.0))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert ir.async_get(hass).async_get_issue(DOMAIN, node_clock_issue_id(NODE_ID)) is None
    assert hass.states.get(TEMPERATURE).state == "21.0"
    assert len(store.buffer("dht1_temperature").snapshot()[0]) == 1
    # A replay batch keeps its timely samples and counts the others.
    batch = [
        state_payload(8, ts=time.time() - 30),
        state_payload(9, ts=time.time() + MAX_CLOCK_SKEW_S + 600),
    ]
    async_fire_mqtt_message(hass, REPLAY_TOPIC, replay_payload(batch))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert node.replayed_samples == 1
    assert node.rejections.counts["from_future"] == 4


async def test_changed_announcement_reloads_the_entry_once(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    node = await discover_and_confirm(hass)
    entry = node.config_entry
    loads: list[ConfigEntryState] = []
    entry.async_on_state_change(
        lambda: loads.append(entry.state) if entry.state is ConfigEntryState.LOADED else None
    )
    more = announcement(
        sensors=(
            SensorInfo(key="dht1", name="Kitchen", quantities=BOTH, model="dht22"),
            SensorInfo(key="dht2", name="Pantry", quantities=BOTH, model="dht22"),
        )
    )
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(more), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert len(loads) == 1


async def test_two_machines_on_one_node_id_are_a_repair_issue(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    node = await discover_and_confirm(hass)
    entry = node.config_entry
    issue_id = node_id_shared_issue_id(NODE_ID)
    # A stamp whose datetime rounds up a microsecond: the same stamp is not "behind" the
    # one shown (this made the test fail now and then, with time.time()).
    now = float(int(time.time())) + 0.0000006
    # Two agents started at different times: their live counters interleave.
    for first, second in ((1000, 5000), (1001, 5001), (1002, 5002), (1003, 5003)):
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(first, ts=now))
        async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(second, ts=now))
        await hass.async_block_till_done(wait_background_tasks=True)
        assert (ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None) == (first < 1003)
    ir.async_delete_issue(hass, DOMAIN, issue_id)

    # Or they take turns announcing different hardware: reloads stop after the second turn.
    loads: list[ConfigEntryState] = []
    entry.async_on_state_change(
        lambda: loads.append(entry.state) if entry.state is ConfigEntryState.LOADED else None
    )
    other = announcement(switches=(SwitchInfo(key="fan", name="Fan"),))
    for payload in [announce_payload(other), announce_payload()] * 4:
        async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, payload, retain=True)
        await hass.async_block_till_done(wait_background_tasks=True)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    # Unsigned: a stranger on the broker could be the second sender, and the issue says so.
    assert issue.translation_key == "node_id_shared_unsigned"
    assert issue.learn_more_url is not None
    assert issue.learn_more_url.endswith("#signatures-optional")
    assert len(loads) <= 3
    assert entry.state is ConfigEntryState.LOADED


async def test_two_signing_machines_on_one_node_id_are_told_apart_from_strangers(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    signer = MessageSigner(SECRET)
    await discover_and_confirm(hass, signer=signer, secret=SECRET)
    other = announcement(switches=(SwitchInfo(key="fan", name="Fan"),))
    # Both machines hold the secret: only the user's own nodes can do this.
    for seq, node in enumerate([other, announcement()] * 3, start=10):
        payload = announce_payload(replace(node, seq=seq), signer=signer)
        async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, payload, retain=True)
        await hass.async_block_till_done(wait_background_tasks=True)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, node_id_shared_issue_id(NODE_ID))
    assert issue is not None
    assert issue.translation_key == "node_id_shared"
    assert issue.learn_more_url is None


async def test_signatures_are_redacted_from_diagnostics(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, hass_client: ClientSessionGenerator
) -> None:
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    entry = node.config_entry
    # Entries confirmed before this release kept the announcement as it came, `sig` and all.
    signed = announce_payload(signer=signer).decode()
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_ANNOUNCEMENT: signed})
    await hass.async_block_till_done(wait_background_tasks=True)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    assert json.loads(signed)["sig"] not in text
    assert SECRET not in text


def _wide_announcement(char: str, switch_name: str) -> bytes:
    """A node with 16 sensors and 16 switches, its texts in `char`, names and models 64 long.

    In emoji: 14.6 kB sent as UTF-8; Home Assistant rebuilt it to keep it with every
    character escaped, 40 kB, over the 16 kB limit, and raised where it confirmed or kept it.
    """
    name = model = char * MAX_TEXT_LENGTH
    message = json.loads(announce_payload())
    message |= {"name": name, "model": model, "sw_version": char * 32}
    message["sensors"] = [
        # Each its own name (two of one name are refused), each as long and as wide.
        {
            "key": f"s{i}",
            "name": chr(ord(char) + i) + name[1:],
            "quantities": ["temperature"],
            "model": model,
        }
        for i in range(16)
    ]
    message["switches"] = [{"key": f"w{i}", "name": f"{switch_name}{i}"} for i in range(16)]
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()


def _entities_without_state(hass: HomeAssistant, entry_id: str) -> list[str]:
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    assert entities
    return [e.entity_id for e in entities if not e.disabled and not hass.states.get(e.entity_id)]


@pytest.mark.parametrize("char", ["\U0001f600", "\u53f0"], ids=["emoji", "cjk"])
async def test_a_node_named_in_emoji_or_cjk_is_confirmed_and_kept(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    caplog: pytest.LogCaptureFixture,
    freezer: FrozenDateTimeFactory,
    char: str,
) -> None:
    """Every entity of the node is added, however long the id its names would make.

    Home Assistant 2026.10 made an id of the node's and the entity's names, 64 CJK
    characters each ("tai_" per character), cut it at 255 characters and refused it for its
    trailing "_" ("Invalid entity id"): the first sensor and switch were not added.
    """
    sent = _wide_announcement(char, char * (MAX_TEXT_LENGTH - 4))
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, sent, retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    (flow,) = _mqtt_flows(hass)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: ""})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert entry.title == char * MAX_TEXT_LENGTH
    assert _entities_without_state(hass, entry.entry_id) == []
    # Renamed switches (live, as a node restarted with a new node.yaml): kept and reloaded,
    # no error with the payload in the log, which every such message used to write.
    freezer.tick(timedelta(minutes=1))
    renamed = _wide_announcement(char, char * (MAX_TEXT_LENGTH - 5) + "x")
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, renamed)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert parse_announcement(ANNOUNCE_TOPIC, entry.data[CONF_ANNOUNCEMENT]) == (
        parse_announcement(ANNOUNCE_TOPIC, renamed)
    )
    assert _entities_without_state(hass, entry.entry_id) == []
    assert _errors(caplog) == []
    _assert_storable(hass)


async def test_made_up_nodes_filling_the_discoveries_do_not_keep_the_real_one_out(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """20 retained made-up announcements (a broker without the ACL), then the real node.

    It was refused for good: the broker does not send its unchanged retained announcement
    again before a restart. Now it is offered when the user ignores one of the fakes.
    """
    for index in range(MAX_PENDING_DISCOVERIES):
        fake = f"fake-{index}"
        async_fire_mqtt_message(
            hass, f"py_iot_home/{fake}/announce", announce_payload(announcement(fake)), retain=True
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    waiting = {flow["context"]["unique_id"]: flow["flow_id"] for flow in _mqtt_flows(hass)}
    assert NODE_ID not in waiting
    assert hass.data[DISCOVERY_REJECTIONS] == {"too_many_pending": 1}

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_IGNORE}, data={"unique_id": "fake-0", "title": "Fake"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    (real,) = [flow for flow in _mqtt_flows(hass) if flow["context"]["unique_id"] == NODE_ID]
    result = await hass.config_entries.flow.async_configure(real["flow_id"], {CONF_SECRET: ""})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == NODE_ID


@pytest.mark.parametrize(
    "stored",
    [
        {"last_seq": "7"},
        {"last_seq": None},
        ["x"],
        {"last_seq": 5, "floor": "1", "admitted": [[2, 3]]},
        {"last_seq": 5, "floor": 1, "admitted": [[2]]},
        {"last_seq": 5, "floor": 1, "admitted": {"2": 3}},
        {"last_seq": 5, "floor": 1, "admitted": [[2, 2**70]]},
        {"last_seq": 5, "floor": 1, "admitted": [[4, 3]]},
        {"last_seq": 5, "floor": 1, "admitted": [[2, 2]] * 1000},
    ],
    ids=["str", "null", "list", "floor_str", "half_run", "runs_dict", "huge", "reversed", "many"],
)
async def test_stored_counters_that_are_no_counter_do_not_stop_a_signed_node(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    hass_storage: dict[str, Any],
    stored: object,
) -> None:
    """A hand-edited counter file ("7", null, a list) failed the node's set-up for good.

    Admitted runs that are not runs of counters are ignored: nothing up to last_seq is taken.
    """
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    entry = node.config_entry
    assert await hass.config_entries.async_unload(entry.entry_id)
    key = counter_store_key(entry.entry_id)
    hass_storage[key] = {"version": 1, "key": key, "data": stored}
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # The floor is the confirmed announcement's counter: what came before stays refused.
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(0, signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.runtime_data.node.rejections.counts["replayed_counter"] == 1


@pytest.mark.parametrize("name", ["last_seq", "last_announce_seq"])
async def test_a_stored_counter_near_the_top_does_not_lock_a_signed_node_out(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    """A hand-edited counter of 2**63-1 refused every later message of the node, for good.

    No counter started from the time in milliseconds comes near it (the node agent ignores
    such a ceiling of its own and starts again from its clock).
    """
    signer = MessageSigner(SECRET)
    node = await discover_and_confirm(hass, signer=signer, secret=SECRET)
    entry = node.config_entry
    assert await hass.config_entries.async_unload(entry.entry_id)
    key = counter_store_key(entry.entry_id)
    hass_storage[key] = {"version": 1, "key": key, "data": {name: 2**63 - 1}}
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    node = entry.runtime_data.node
    async_fire_mqtt_message(
        hass, ANNOUNCE_TOPIC, announce_payload(replace(announcement(), seq=2), signer)
    )
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(3, temperature=19.5, signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert dict(node.rejections.counts) == {}
    assert hass.states.get(TEMPERATURE).state == "19.5"
    assert sum("impossible" in record.getMessage() for record in caplog.records) == 1
