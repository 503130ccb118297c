"""What Home Assistant reads back for us that this release did not write: stores, settings.

A backup of a newer release restored onto this one, a store of a major version before ours,
a wrapper whose ``version`` is text (a hand edit): Home Assistant's Store raises reading
them. Each store is read as empty with one warning and the set-up goes on; the next save
writes this release's file, except over a newer release's, which is left as it was (going
back to that release finds it). A setting its form would refuse takes its default, stored.
"""

from __future__ import annotations

import logging
from copy import deepcopy
from dataclasses import replace
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient, WebSocketGenerator

from custom_components.py_iot_home.analysis.sample_codec import encode_samples
from custom_components.py_iot_home.const import DOMAIN
from custom_components.py_iot_home.nodes.counter_store import counter_store_key
from custom_components.py_iot_home.nodes.resend_positions import (
    DATA_RESEND_POSITIONS,
    SAVE_DELAY_S,
    STORE_KEY,
)
from custom_components.py_iot_home.protocol import MessageSigner
from custom_components.py_iot_home.trends.persistence import day_storage_key, storage_key

from .fakes import FakeHardware
from .home_entry import (
    BOARD_SUBENTRY_ID,
    async_start_add,
    board_subentry,
    feature,
    home_entry,
    settings,
)
from .node_messages import (
    STATE_TOPIC,
    announcement,
    discover_and_confirm,
    state_payload,
    stored_node_entry,
)
from .restored_states import async_load_restored_states

SECRET = "a long enough shared secret"
TEMPERATURE = "sensor.kitchen_pi_temperature"
DAY_S = 86400

# What Home Assistant's Store raises on: a newer major version (UnsupportedStorageVersionError),
# an older one it has no migration for (NotImplementedError), a version that is text (TypeError).
WRAPPERS = {
    "newer_release": {"version": 2, "minor_version": 1},
    "older_major": {"version": 0, "minor_version": 1},
    "version_text": {"version": "1", "minor_version": 1},
}


def _warnings_about(caplog: pytest.LogCaptureFixture, key: str) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING and key in record.getMessage()
    ]


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.exc_info]


def _board_stores(hass_storage: dict[str, Any], store: str, wrapper: dict[str, Any]) -> str:
    """Put the board's store ``store`` in storage inside ``wrapper``; its key."""
    if store == "trend_day":
        # The index is fine and lists a day whose own file is the foreign one.
        day = int(dt_util.utcnow().timestamp() // DAY_S) - 1
        index = storage_key(BOARD_SUBENTRY_ID)
        hass_storage[index] = {
            "version": 1,
            "key": index,
            "data": {"days": [day], "today": encode_samples([])},
        }
        key = day_storage_key(BOARD_SUBENTRY_ID, day)
        times = np.array([day * DAY_S + 60.0])
        data: object = encode_samples([("temperature", (times, np.array([20.0])))])
    else:
        key = {
            "led_states": f"py_iot_home.led_states.{BOARD_SUBENTRY_ID}",
            "repeated_reading": f"py_iot_home.repeated_reading.{BOARD_SUBENTRY_ID}",
            "trend_index": storage_key(BOARD_SUBENTRY_ID),
        }[store]
        data = {}
    hass_storage[key] = {**wrapper, "key": key, "data": data}
    return key


@pytest.mark.parametrize("wrapper", WRAPPERS)
@pytest.mark.parametrize("store", ["led_states", "repeated_reading", "trend_index", "trend_day"])
async def test_a_board_store_this_release_cannot_read_is_started_afresh(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    store: str,
    wrapper: str,
) -> None:
    """Raised out of the board's set-up, it failed the home entry, every board and forecast
    with it, with a traceback at every start."""
    key = _board_stores(hass_storage, store, WRAPPERS[wrapper])
    foreign = deepcopy(hass_storage[key])
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"
    assert hass.states.get("switch.desk_led").state == "off"
    assert len(_warnings_about(caplog, key)) == 1
    assert _tracebacks(caplog) == []

    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: "switch.desk_led"}, blocking=True
    )
    freezer.tick(2)
    async_fire_time_changed(hass)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    if wrapper == "newer_release":
        # Left as it was, and still listed, for that release to find again (a downgrade).
        assert hass_storage[key] == foreign
        if store == "trend_day":
            index = hass_storage[storage_key(BOARD_SUBENTRY_ID)]["data"]
            assert [day_storage_key(BOARD_SUBENTRY_ID, day) for day in index["days"]] == [key]
        return
    # This release's file replaces it (a day no longer held goes with its file).
    if store == "trend_day":
        assert key not in hass_storage
    else:
        assert hass_storage[key]["version"] == 1
        assert isinstance(hass_storage[key]["data"], dict)
    if store == "led_states":
        assert hass_storage[key]["data"] == {"led00001": True}


@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.parametrize("wrapper", WRAPPERS)
@pytest.mark.parametrize("store", ["counters", "resend_positions"])
async def test_a_node_store_this_release_cannot_read_is_started_afresh(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    store: str,
    wrapper: str,
) -> None:
    """The node's set-up failed for good; now its counters start from the confirmed
    announcement's, so what it signed before stays refused."""
    signer = MessageSigner(SECRET)
    entry = (await discover_and_confirm(hass, signer=signer, secret=SECRET)).config_entry
    assert await hass.config_entries.async_unload(entry.entry_id)
    key = counter_store_key(entry.entry_id) if store == "counters" else STORE_KEY
    hass_storage[key] = {**WRAPPERS[wrapper], "key": key, "data": {}}
    foreign = deepcopy(hass_storage[key])
    hass.data.pop(DATA_RESEND_POSITIONS)  # read again, as after a restart
    caplog.clear()

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert len(_warnings_about(caplog, key)) == 1
    assert _tracebacks(caplog) == []
    node = entry.runtime_data.node
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(0, signer=signer))
    async_fire_mqtt_message(hass, STATE_TOPIC, state_payload(5, temperature=19.5, signer=signer))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert dict(node.rejections.counts) == {"replayed_counter": 1}
    assert hass.states.get(TEMPERATURE).state == "19.5"

    freezer.tick(SAVE_DELAY_S + 1)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
    if wrapper == "newer_release":
        # Left as it was for that release (a downgrade): its counters are its own again.
        assert hass_storage[key] == foreign
        return
    assert hass_storage[key]["version"] == 1
    stored = hass_storage[key]["data"]
    assert (stored["last_seq"] if store == "counters" else stored[entry.entry_id]) == 5


@pytest.mark.parametrize(
    ("setting", "stored", "replacement"),
    [
        ("poll_interval", 0, 5),  # a poll every 0 s, in a loop; now the form's fastest
        ("poll_interval", "30", 60),  # no number: the default
        ("poll_interval", None, 60),
        ("poll_interval", 1e308, 3600),
        ("failure_threshold", 0, 1),
        ("failure_threshold", 2.5, 2),  # what it ran on before the forms refused fractions
        ("window_days", -3, 1),
        ("window_days", None, 7),
        ("trend_min_span_hours", "4", 4),
        ("trend_threshold", None, 0.2),
        ("trend_threshold", 1e308, 50.0),
        ("humidity_trend_threshold", -1, 0.0),
    ],
)
async def test_a_stored_board_setting_its_form_refuses_is_put_right(
    hass: HomeAssistant,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
    caplog: pytest.LogCaptureFixture,
    setting: str,
    stored: object,
    replacement: float,
) -> None:
    """A backup from before a form checked a field, or a hand edit: text or null failed the
    home entry's set-up (every board and forecast) at every start, and 0 polled in a loop.
    A number takes the nearest the form takes; anything else the default."""
    entry = home_entry(board_subentry(board_data | {setting: stored}))
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"
    assert _tracebacks(caplog) == []
    (warning,) = _warnings_about(caplog, setting)
    assert warning.startswith("Living room: stored settings its form refuses, replaced: ")
    # Stored valid again: the next start reads it without a word, and runs on it.
    assert settings(entry)[setting] == replacement
    caplog.clear()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert _warnings_about(caplog, setting) == []
    if setting == "poll_interval":
        assert feature(entry).board.update_interval == timedelta(seconds=replacement)


def _node_entry(data_changes: dict[str, Any], options: dict[str, Any]) -> MockConfigEntry:
    """The kitchen node's stored entry with some of its data changed (None: removed)."""
    stored = stored_node_entry()
    data = {**stored.data, **data_changes}
    return MockConfigEntry(
        domain=stored.domain,
        title=stored.title,
        unique_id=stored.unique_id,
        source=stored.source,
        data={key: value for key, value in data.items() if value is not None},
        options=options,
    )


@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.parametrize(
    ("setting", "stored", "replacement"),
    [("window_days", "7", 7), ("trend_min_span_hours", -5, 1), ("trend_threshold", None, 0.2)],
)
async def test_a_stored_node_setting_its_form_refuses_is_put_right(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    caplog: pytest.LogCaptureFixture,
    setting: str,
    stored: object,
    replacement: float,
) -> None:
    """Text or null in a node's trend options failed its set-up at every start."""
    entry = _node_entry({}, {setting: stored})
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.options[setting] == replacement
    (warning,) = _warnings_about(caplog, setting)
    assert warning.startswith("Kitchen Pi: stored settings its form refuses, replaced: ")
    assert _tracebacks(caplog) == []


@pytest.mark.parametrize("expected_lingering_timers", [True])
@pytest.mark.parametrize(
    ("data_changes", "error"),
    [
        ({"announcement": "{"}, "malformed_json"),
        ({"announcement": "[]"}, "announcement must be an object"),
        ({"announcement": None}, "no text"),
        ({"node_id": 42}, "no text"),
        ({"prefix": None}, "no text"),
        ({"secret": 12345}, "secret is no text"),
    ],
    ids=["not_json", "list", "missing", "node_id_number", "no_prefix", "secret_number"],
)
async def test_a_node_entry_whose_data_cannot_be_read_fails_alone_and_says_so(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    data_changes: dict[str, Any],
    error: str,
) -> None:
    """KeyError or TypeError out of set-up said nothing a user could act on. A secret that is
    no text also failed every other node's confirmation ("Unknown error"), when it was checked
    against theirs; taken as none, anyone on the broker could have spoken for the node."""
    entry = _node_entry(data_changes, {})
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert entry.reason.startswith("This node's stored settings cannot be read")
    assert error in entry.reason
    assert "Delete it on the Py IoT Home page" in entry.reason

    other = replace(announcement("garage-pi"), name="Garage Pi")
    confirmed = await discover_and_confirm(hass, other, MessageSigner(SECRET), SECRET)
    assert confirmed.config_entry.state is ConfigEntryState.LOADED


OFFICE_SUBENTRY_ID = "01JBOARD00000000000000OFFICE"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"dht_model": "dht99"}, "a sensor model 'dht99'"),
        ({"dht_pin": "4"}, "a sensor pin '4'"),
        ({"dht_pin": None}, "a sensor pin None"),
        ({"area": ["Kitchen"]}, "an area that is no text"),
        ({"leds": "led00001"}, "an LED list that is no list"),
        ({"leds": ["led00001"]}, "an LED that is no object"),
        ({"leds": [{"name": "Desk LED", "pin": 17}]}, "an LED without an id or a name"),
        (
            {"leds": [{"led_id": "led00001", "name": "Desk LED", "pin": "x"}]},
            "an LED 'Desk LED' on pin 'x'",
        ),
        (
            {"leds": [{"led_id": "led00001", "name": "Desk LED", "pin": 17, "active_high": "no"}]},
            "an LED 'Desk LED' with a level that is not true or false",
        ),
        (
            {"leds": [{"led_id": "led00001", "name": "Desk LED", "pin": 4}]},
            "an LED 'Desk LED' on a pin or with an id another part has",
        ),
    ],
)
async def test_a_board_whose_stored_wiring_no_form_stores_stops_alone_with_a_repair(
    hass: HomeAssistant,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
    caplog: pytest.LogCaptureFixture,
    changes: dict[str, Any],
    problem: str,
) -> None:
    """Raised out of set-up (ValueError, KeyError, TypeError), it failed the home entry and
    every board and forecast in it; an LED's level of "no" read as true. Put right, the board
    starts and the repair goes."""
    office = {"board_id": "board0002", "dht_pin": 5, "dht_model": "dht22", "leds": []}
    entry = home_entry(
        board_subentry(board_data | changes),
        board_subentry(office, title="Office", subentry_id=OFFICE_SUBENTRY_ID),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.office_temperature").state == "21.0"
    assert hass.states.get("switch.desk_led") is None
    assert _tracebacks(caplog) == []
    (error,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert error == (
        f"Living room does not start: its stored settings hold {problem}, which no form stores"
    )
    issue_id = f"settings_unreadable_{BOARD_SUBENTRY_ID}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {"name": "Living room", "problem": problem}

    hass.config_entries.async_update_subentry(
        entry, entry.subentries[BOARD_SUBENTRY_ID], data=board_data
    )
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"
    assert hass.states.get("switch.desk_led").state == "off"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_a_board_wired_as_a_number_field_gives_it_starts(
    hass: HomeAssistant,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Pins as the number fields give them (4.0), LEDs without the levels added later."""
    led = {"led_id": "led00001", "name": "Desk LED", "pin": 17.0}
    entry = home_entry(board_subentry(board_data | {"dht_pin": 4.0, "leds": [led]}))
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"
    assert hass.states.get("switch.desk_led").state == "off"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_deleting_a_board_that_does_not_start_takes_its_repair(
    hass: HomeAssistant, board_data: dict[str, Any], fake_hardware: FakeHardware
) -> None:
    """The repair says to delete the board: deleted, it must go with it."""
    entry = home_entry(board_subentry(board_data | {"dht_model": "dht99"}))
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    issue_id = f"settings_unreadable_{BOARD_SUBENTRY_ID}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None

    assert hass.config_entries.async_remove_subentry(entry, BOARD_SUBENTRY_ID)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert entry.state is ConfigEntryState.LOADED


async def test_a_subentry_of_a_kind_this_release_does_not_know_is_kept_and_named(
    hass: HomeAssistant,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A newer release's kind (a downgrade): it was left out without a word."""
    camera: Any = {
        "data": {"pin": 3},
        "subentry_id": "01JCAMERA0000000000000000000",
        "subentry_type": "camera",
        "title": "Door camera",
        "unique_id": "camera1",
    }
    entry = home_entry(board_subentry(board_data), camera)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"
    assert _warnings_about(caplog, "Door camera") == [
        "Door camera does not start: this release has no 'camera' (a newer release's)"
    ]
    assert "01JCAMERA0000000000000000000" in entry.subentries


@pytest.mark.parametrize("data", [{"kind": "camera"}, {}, {"kind": ["node"]}])
async def test_an_entry_of_a_kind_this_release_does_not_know_fails_alone_and_says_so(
    hass: HomeAssistant,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
    caplog: pytest.LogCaptureFixture,
    data: dict[str, Any],
) -> None:
    """A newer release's kind or a damaged one raised KeyError or ValueError in set-up and
    again in its removal; a list for a kind stopped the integration and every entry of it."""
    home = home_entry(board_subentry(board_data))
    home.add_to_hass(hass)
    other = MockConfigEntry(domain=DOMAIN, version=2, title="Door camera", data=data)
    other.add_to_hass(hass)
    await hass.config_entries.async_setup(home.entry_id)
    await hass.async_block_till_done()

    assert home.state is ConfigEntryState.LOADED
    assert other.state is ConfigEntryState.SETUP_ERROR
    assert other.reason is not None
    assert other.reason.startswith(
        "Door camera is of a kind this release of Py IoT Home does not know"
    )
    caplog.clear()
    await hass.config_entries.async_remove(other.entry_id)
    await hass.async_block_till_done()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert home.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    ("restored", "level"),
    [("on", 1), ("unavailable", 0), ("ON", 0), ("1", 0), ("", 0), ("x" * 255, 0)],
)
async def test_a_restored_led_state_that_is_no_level_is_ignored(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    caplog: pytest.LogCaptureFixture,
    restored: str,
    level: int,
) -> None:
    """Home Assistant's restore state of an LED with no saved level of ours (registered by a
    release before the integration kept them): "on" lights it, anything else is ignored.

    It was given through `mock_restore_cache`, which Home Assistant 2026.11 does not read:
    there nothing was restored, and the test passed whatever the LED did with a state.
    """
    mock_config_entry.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        SWITCH_DOMAIN,
        DOMAIN,
        "board0001_led_led00001",
        config_entry=mock_config_entry,
        config_subentry_id=BOARD_SUBENTRY_ID,
        suggested_object_id="desk_led",
    )
    led = State("switch.desk_led", restored, {"junk": [1, {"a": None}]})
    await async_load_restored_states(hass, hass_storage, [led])
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("switch.desk_led").state == ("on" if level else "off")
    assert fake_hardware.rpi_gpio.levels[17] == level
    assert _tracebacks(caplog) == []


async def test_a_board_that_does_not_start_for_its_wiring_takes_no_pin_from_another(
    hass: HomeAssistant, board_data: dict[str, Any], fake_hardware: FakeHardware
) -> None:
    """Its pins were read for every other board's form: adding one failed ("Unknown error")."""
    entry = home_entry(board_subentry(board_data | {"dht_pin": None, "leds": ["led00001"]}))
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    result = await async_start_add(hass, entry)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "board"


async def test_an_led_of_a_board_that_does_not_start_goes_with_the_board(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Deleting its LED from the device page read the damaged LED list: an unknown error."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await async_setup_component(hass, "config", {})
    led_device = dr.async_get(hass).async_get_device_by_identifier(
        ("py_iot_home", "board0001_led_led00001"), mock_config_entry.entry_id
    )
    assert led_device is not None
    hass.config_entries.async_update_subentry(
        mock_config_entry,
        mock_config_entry.subentries[BOARD_SUBENTRY_ID],
        data=board_data | {"leds": ["led00001"]},
    )
    await hass.async_block_till_done()
    assert hass.states.get("sensor.living_room_temperature").state == "unavailable"

    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": mock_config_entry.entry_id,
            "device_id": led_device.id,
        }
    )
    response = await client.receive_json()
    assert not response["success"]
    assert response["error"]["message"] == (
        "Desk LED is deleted on the Py IoT Home page: open the ⋮ menu of Living room there "
        "and choose Delete, which also forgets what it stored"
    )
