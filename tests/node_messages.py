"""Valid node messages for the Home Assistant tests, built with the protocol module, and the
confirmation a user gives a discovered node."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

from homeassistant.components.mqtt import MQTT_CONNECTION_STATE
from homeassistant.config_entries import SOURCE_MQTT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import (
    CONF_ANNOUNCEMENT,
    CONF_KIND,
    CONF_NODE_ID,
    CONF_PREFIX,
    CONF_SECRET,
    DOMAIN,
    EntryKind,
)
from custom_components.py_iot_home.nodes.coordinator import SWITCH_STATES_WAIT_S, NodeCoordinator
from custom_components.py_iot_home.protocol import (
    DEFAULT_PREFIX,
    MessageSigner,
    MessageVerifier,
    NodeAnnouncement,
    Quantity,
    ResendRequest,
    SensorInfo,
    SensorSample,
    StateMessage,
    SwitchInfo,
    build_announcement,
    build_replay,
    build_state,
    parse_resend_request,
)

NODE_ID = "kitchen-pi"
ANNOUNCE_TOPIC = f"py_iot_home/{NODE_ID}/announce"
STATE_TOPIC = f"py_iot_home/{NODE_ID}/state"
AVAILABILITY_TOPIC = f"py_iot_home/{NODE_ID}/availability"
REPLAY_TOPIC = f"py_iot_home/{NODE_ID}/replay"
RESEND_TOPIC = f"py_iot_home/{NODE_ID}/resend"
COMMAND_TOPIC = f"py_iot_home/{NODE_ID}/switch/led1/set"

BOTH = (Quantity.TEMPERATURE, Quantity.HUMIDITY)
# A room sensor and a mains meter that also reads a temperature.
ROOM_AND_METER = (
    SensorInfo(key="dht1", name="Kitchen", quantities=BOTH, model="dht22"),
    SensorInfo(
        key="meter", name="Mains", quantities=(Quantity.POWER, Quantity.TEMPERATURE), model="x"
    ),
)


def announcement(
    node_id: str = NODE_ID,
    *,
    sensors: tuple[SensorInfo, ...] = (
        SensorInfo(key="dht1", name="Kitchen", quantities=BOTH, model="dht22"),
    ),
    switches: tuple[SwitchInfo, ...] = (SwitchInfo(key="led1", name="Desk LED"),),
) -> NodeAnnouncement:
    """A node with one DHT22 and one LED."""
    return NodeAnnouncement(
        node_id=node_id,
        name="Kitchen Pi",
        model="Raspberry Pi 4",
        sw_version="0.1.0",
        sensors=sensors,
        switches=switches,
        interval_s=30,
    )


def announce_payload(
    node: NodeAnnouncement | None = None, signer: MessageSigner | None = None
) -> bytes:
    """The retained announce payload; a signed one carries a counter, as the protocol asks."""
    node = node or announcement()
    if signer is not None and node.seq is None:
        node = replace(node, seq=1)
    return build_announcement(node, signer=signer).payload


def state_payload(
    seq: int,
    *,
    temperature: float | None = 22.5,
    humidity: float | None = 41.0,
    led: bool = False,
    ts: float | None = None,
    node_id: str = NODE_ID,
    signer: MessageSigner | None = None,
) -> bytes:
    """A state message of the kitchen node."""
    state = StateMessage(
        node_id=node_id,
        ts=time.time() if ts is None else ts,
        seq=seq,
        sensors={"dht1": SensorSample(temperature=temperature, humidity=humidity)},
        switches={"led1": led},
    )
    return build_state(state, signer=signer).payload


def replay_payload(
    states: list[bytes], ack: int | None = None, signer: MessageSigner | None = None
) -> bytes:
    """A replay batch of state payloads; `ack` when it answers a resend request."""
    return build_replay(NODE_ID, states, ack=ack, signer=signer).payload


async def broker_back(hass: HomeAssistant, signer: MessageSigner | None = None) -> None:
    """Home Assistant lost the broker and got it back; the retained announcement returns."""
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, False)
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, True)
    async_fire_mqtt_message(hass, ANNOUNCE_TOPIC, announce_payload(signer=signer), retain=True)
    await hass.async_block_till_done(wait_background_tasks=True)


async def switch_states_waited(hass: HomeAssistant) -> None:
    """A just set-up node did not report its switches in time: they show, and take, commands."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SWITCH_STATES_WAIT_S))
    await hass.async_block_till_done()


def published_resend_requests(
    mqtt_mock: MqttMockHAClient, verifier: MessageVerifier | None = None
) -> list[ResendRequest]:
    """Every resend request Home Assistant published to the kitchen node, parsed."""
    return [
        parse_resend_request(call.args[0], call.args[1], verifier=verifier)
        for call in mqtt_mock.async_publish.call_args_list
        if call.args[0] == RESEND_TOPIC
    ]


async def discover_and_confirm(
    hass: HomeAssistant,
    node: NodeAnnouncement | None = None,
    signer: MessageSigner | None = None,
    secret: str = "",
) -> NodeCoordinator:
    """Announce `node` (retained), then confirm its discovery flow as a user; its coordinator."""
    node = node or announcement()
    async_fire_mqtt_message(
        hass, f"py_iot_home/{node.node_id}/announce", announce_payload(node, signer), retain=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    (flow,) = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_MQTT and flow["context"]["unique_id"] == node.node_id
    ]
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_SECRET: secret})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    coordinator: NodeCoordinator = result["result"].runtime_data.node
    return coordinator


async def room_and_meter_reporting(hass: HomeAssistant, sensors: dict[str, SensorSample]) -> None:
    """The node with `ROOM_AND_METER` confirmed, online, and one live state of `sensors`."""
    await discover_and_confirm(hass, announcement(sensors=ROOM_AND_METER))
    async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, "online")
    state = StateMessage(node_id=NODE_ID, ts=time.time(), seq=4, sensors=sensors)
    async_fire_mqtt_message(hass, STATE_TOPIC, build_state(state).payload)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _real_time_passes(hass: HomeAssistant) -> None:
    """10 ms of real time, also under a frozen clock (which stops the loop's own sleeps)."""
    await hass.async_add_executor_job(time.sleep, 0.01)


async def starting_node(hass: HomeAssistant, entry: MockConfigEntry) -> NodeCoordinator:
    """The node of an entry whose set-up is under way, once it has one."""
    for _ in range(500):
        if (runtime := getattr(entry, "runtime_data", None)) is not None:
            node: NodeCoordinator = runtime.node
            return node
        await _real_time_passes(hass)
    raise AssertionError("the node's entry never started")


async def retained_availability_delivered(
    hass: HomeAssistant, entry: MockConfigEntry, availability: str = "online"
) -> NodeCoordinator:
    """The broker's retained availability, once the starting entry has subscribed to it.

    Real time passes between tries: the set-up waits on executor jobs (its trend's first
    refresh) before it subscribes, and a count of bare loop turns may end before they do.
    """
    node = await starting_node(hass, entry)
    for _ in range(500):
        async_fire_mqtt_message(hass, AVAILABILITY_TOPIC, availability, retain=True)
        if node.data.availability_known:
            return node
        await _real_time_passes(hass)
    raise AssertionError("the node's entry never subscribed")


def stored_node_entry() -> MockConfigEntry:
    """The kitchen node's entry, as kept from before a restart (unsigned)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Kitchen Pi",
        unique_id=NODE_ID,
        source=SOURCE_MQTT,
        data={
            CONF_KIND: EntryKind.NODE,
            CONF_NODE_ID: NODE_ID,
            CONF_PREFIX: DEFAULT_PREFIX,
            CONF_ANNOUNCEMENT: announce_payload().decode(),
            CONF_SECRET: "",
        },
    )
