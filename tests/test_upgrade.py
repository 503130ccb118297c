"""Upgrading keeps what users hang on their entities: entity ids, areas and history.

A board and a node entry are written as the release before the feature folders stored them
(config entry data and version, entity and device registry entries with areas, one entity
id renamed by the user, one entity moved to another area than its device), with states in
the recorder. The current code then sets them up: the entities it adds must be exactly those
entity ids, in those areas, and their history must go on from the recorded states.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from homeassistant.components.recorder import history
from homeassistant.components.recorder.core import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from .fakes import FakeHardware

pytestmark = [
    pytest.mark.parametrize("expected_lingering_timers", [True]),
    pytest.mark.usefixtures("mock_hass_config"),
]

DOMAIN = "py_iot_home"  # spelled out: these are the stored values, not today's constants

# The previous release's stored entries (.storage/core.config_entries), version 1.
BOARD_ENTRY: dict[str, Any] = {
    "title": "Living room",
    "unique_id": "board0001",
    "data": {
        "kind": "local",
        "board_id": "board0001",
        "dht_pin": 4,
        "dht_model": "dht22",
        "backend": "auto",
        "area": "Living room",
    },
    "options": {
        "poll_interval": 60,
        "failure_threshold": 3,
        "leds": [
            {
                "led_id": "led00001",
                "name": "Desk LED",
                "pin": 17,
                "active_high": True,
                "initial_on": False,
            }
        ],
    },
}
NODE_ENTRY: dict[str, Any] = {
    "title": "Kitchen Pi",
    "unique_id": "kitchen-pi",
    "data": {
        "kind": "node",
        "node_id": "kitchen-pi",
        "prefix": "py_iot_home",
        # What that release's build_announcement wrote (run on its code).
        "announcement": (
            '{"v":1,"id":"kitchen-pi","name":"Kitchen Pi","model":"Raspberry Pi 4",'
            '"sw_version":"0.1.0","sensors":[{"key":"dht1","name":"Kitchen",'
            '"quantities":["temperature","humidity"],"model":"dht22"}],'
            '"switches":[{"key":"led1","name":"Desk LED"}],"interval_s":30,"dropped":0}'
        ),
        "secret": "",
    },
    "options": {},
}

# device identifier -> its area; unique id -> (entity id, device identifier, own area or None,
# a state recorded before the upgrade)
BOARD_DEVICES = {"board0001": "living_room", "board0001_led_led00001": "study"}
BOARD_ENTITIES = {
    "board0001_temperature": ("sensor.living_room_temperature", "board0001", None, "19.25"),
    # Renamed by the user, and put in another room than its board.
    "board0001_humidity": ("sensor.lounge_humidity", "board0001", "hallway", "51.5"),
    "board0001_temperature_trend": (
        "sensor.living_room_temperature_trend",
        "board0001",
        None,
        "0.12",
    ),
    "board0001_humidity_trend": ("sensor.living_room_humidity_trend", "board0001", None, "-0.4"),
    "board0001_temperature_rising": (
        "binary_sensor.living_room_temperature_rising",
        "board0001",
        None,
        "on",
    ),
    "board0001_humidity_rising": (
        "binary_sensor.living_room_humidity_rising",
        "board0001",
        None,
        "off",
    ),
    "board0001_led_led00001": ("switch.desk_led", "board0001_led_led00001", None, "on"),
}
NODE = "node_kitchen-pi"
NODE_DEVICES = {NODE: "kitchen"}
NODE_ENTITIES = {
    f"{NODE}_dht1_temperature": ("sensor.kitchen_pi_temperature", NODE, None, "22.75"),
    f"{NODE}_dht1_humidity": ("sensor.kitchen_pi_humidity", NODE, None, "48.5"),
    f"{NODE}_dht1_temperature_trend": ("sensor.kitchen_pi_temperature_trend", NODE, None, "0.3"),
    f"{NODE}_dht1_humidity_trend": ("sensor.kitchen_pi_humidity_trend", NODE, None, "1.1"),
    f"{NODE}_dht1_temperature_rising": (
        "binary_sensor.kitchen_pi_temperature_rising",
        NODE,
        None,
        "off",
    ),
    f"{NODE}_dht1_humidity_rising": ("binary_sensor.kitchen_pi_humidity_rising", NODE, None, "on"),
    # Renamed by the user.
    f"{NODE}_switch_led1": ("switch.kitchen_worktop_light", NODE, "dining", "off"),
    f"{NODE}_connectivity": ("binary_sensor.kitchen_pi_connectivity", NODE, None, "on"),
}

type Entities = dict[str, tuple[str, str, str | None, str]]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _previous_release(
    hass: HomeAssistant, stored: dict[str, Any], devices: dict[str, str], entities: Entities
) -> MockConfigEntry:
    """The entry, its registries and its recorded states as the previous release left them.

    Home Assistant is then "restarted": the recorded states stay in the database, the state
    machine starts empty.
    """
    entry = MockConfigEntry(domain=DOMAIN, version=1, minor_version=1, **stored)
    entry.add_to_hass(hass)
    areas = ar.async_get(hass)
    for area in {*devices.values(), *(own for _, _, own, _ in entities.values() if own)}:
        assert areas.async_create(area.replace("_", " ").title()).id == area
    device_registry = dr.async_get(hass)
    device_ids = {}
    for identifier, area in devices.items():
        device = device_registry.async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={(DOMAIN, identifier)}, name=identifier
        )
        device_registry.async_update_device(device.id, area_id=area)
        device_ids[identifier] = device.id
    entity_registry = er.async_get(hass)
    for unique_id, (entity_id, device, own_area, state) in entities.items():
        domain, object_id = entity_id.split(".")
        registered = entity_registry.async_get_or_create(
            domain,
            DOMAIN,
            unique_id,
            config_entry=entry,
            device_id=device_ids[device],
            suggested_object_id=object_id,
            has_entity_name=True,
            # Named after the device, like an LED's switch, or with a name of its own.
            original_name=None if unique_id in devices else object_id,
        )
        assert registered.entity_id == entity_id
        if own_area:
            entity_registry.async_update_entity(entity_id, area_id=own_area)
        hass.states.async_set(entity_id, state)
    await async_wait_recording_done(hass)
    for entity_id, *_ in entities.values():
        hass.states.async_remove(entity_id)
    await async_wait_recording_done(hass)
    return entry


async def _recorded(hass: HomeAssistant, entity_id: str, start: datetime) -> list[str]:
    def read() -> list[str]:
        states = history.state_changes_during_period(hass, start, entity_id=entity_id)
        return [state.state for state in states.get(entity_id, [])]

    result: list[str] = await get_instance(hass).async_add_executor_job(read)
    return result


async def _assert_same_entities_areas_history(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    devices: dict[str, str],
    entities: Entities,
    start: datetime,
) -> None:
    entity_registry = er.async_get(hass)
    device_registry = dr.async_get(hass)
    added = {
        state.entity_id
        for state in hass.states.async_all()
        if (registered := entity_registry.async_get(state.entity_id))
        and registered.config_entry_id == entry.entry_id
    }
    # Every entity of the previous release, and the trend statuses and times added since.
    previous = {entity_id for entity_id, *_ in entities.values()}
    assert previous <= added
    assert all(entity_id.endswith(("_status", "_ready")) for entity_id in added - previous)
    await async_wait_recording_done(hass)
    for unique_id, (entity_id, device, own_area, recorded) in entities.items():
        registered = entity_registry.async_get(entity_id)
        assert registered is not None
        assert registered.unique_id == unique_id
        assert registered.device_id is not None
        device_entry = device_registry.async_get(registered.device_id)
        assert device_entry is not None
        assert device_entry.identifiers == {(DOMAIN, device)}
        assert device_entry.area_id == devices[device], entity_id
        assert (registered.area_id or device_entry.area_id) == (own_area or devices[device])
        # The history goes on: the recorded state, then what the entity shows now.
        states = await _recorded(hass, entity_id, start)
        current = hass.states.get(entity_id)
        assert current is not None
        assert recorded in states, (entity_id, states)
        assert states[-1] == current.state, (entity_id, states)


async def test_a_board_of_the_previous_release_keeps_entities_areas_and_history(
    recorder_mock: Recorder, hass: HomeAssistant, fake_hardware: FakeHardware
) -> None:
    start = dt_util.utcnow()
    entry = await _previous_release(hass, BOARD_ENTRY, BOARD_DEVICES, BOARD_ENTITIES)

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    await _assert_same_entities_areas_history(hass, entry, BOARD_DEVICES, BOARD_ENTITIES, start)
    assert hass.states.get("sensor.lounge_humidity").state == "45.0"  # read by the new code
    assert len(dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)) == 2


async def test_a_node_of_the_previous_release_keeps_entities_areas_and_history(
    recorder_mock: Recorder, hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    start = dt_util.utcnow()
    entry = await _previous_release(hass, NODE_ENTRY, NODE_DEVICES, NODE_ENTITIES)

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    await _assert_same_entities_areas_history(hass, entry, NODE_DEVICES, NODE_ENTITIES, start)
    assert len(dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)) == 1
