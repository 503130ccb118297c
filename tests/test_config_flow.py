"""The config flow, a board's subentry flows, a node's options; the limits on node discovery."""

from __future__ import annotations

import re
from dataclasses import replace
from unittest.mock import AsyncMock, patch

import probatio
import pytest
from homeassistant.config_entries import (
    SOURCE_IGNORE,
    SOURCE_MQTT,
    SOURCE_USER,
    ConfigEntry,
    ConfigSubentry,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.const import (
    CONF_ACTIVE_HIGH,
    CONF_ADD_ANOTHER,
    CONF_ADD_LED,
    CONF_ANNOUNCEMENT,
    CONF_BACKEND,
    CONF_DHT_MODEL,
    CONF_DHT_PIN,
    CONF_FAILURE_THRESHOLD,
    CONF_HUMIDITY_TREND_THRESHOLD,
    CONF_INITIAL_ON,
    CONF_KIND,
    CONF_LEDS,
    CONF_NODE_ID,
    CONF_PIN,
    CONF_POLL_INTERVAL,
    CONF_POWER_TREND_THRESHOLD,
    CONF_PREFIX,
    CONF_SECRET,
    CONF_TREND_MIN_SPAN_HOURS,
    CONF_TREND_THRESHOLD,
    CONF_WINDOW_DAYS,
    DOMAIN,
    HOME_UNIQUE_ID,
    MAX_PENDING_DISCOVERIES,
    EntryKind,
    SubentryKind,
)
from custom_components.py_iot_home.hardware.names import BACKEND_AUTO, BACKEND_SIMULATED
from custom_components.py_iot_home.nodes.discovery import (
    DISCOVERY_REJECTIONS,
    PENDING_DISCOVERIES,
    REFUSED_FOR_CAPACITY,
)
from custom_components.py_iot_home.protocol import (
    DEFAULT_PREFIX,
    Quantity,
    SensorInfo,
    SwitchInfo,
)

from .fakes import FakeHardware
from .home_entry import (
    async_configure_subentry,
    async_start_add,
    async_start_reconfigure,
    board_subentry,
    home_entry,
    settings,
)
from .node_messages import announce_payload, announcement

pytestmark = pytest.mark.usefixtures("mock_setup_entry", "fake_hardware")

BOARD = {CONF_NAME: "Bedroom", CONF_DHT_PIN: 5, CONF_DHT_MODEL: "dht22"}


async def _start(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["board", "predictor", "node"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "board"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "board"
    return result["flow_id"]


def _board(entry: ConfigEntry) -> ConfigSubentry:
    """The one board subentry of a home entry."""
    (board,) = (s for s in entry.subentries.values() if s.subentry_type == SubentryKind.BOARD)
    return board


async def test_the_first_board_makes_the_home_entry(
    hass: HomeAssistant, mock_setup_entry: AsyncMock
) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, {**BOARD, CONF_ADD_LED: False})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Py IoT Home"
    entry = result["result"]
    assert entry.data == {CONF_KIND: EntryKind.HOME}
    assert entry.unique_id == HOME_UNIQUE_ID
    board = _board(entry)
    assert board.title == "Bedroom"
    assert board.unique_id == board.data["board_id"]
    assert {k: v for k, v in board.data.items() if k != "board_id"} == {
        CONF_DHT_PIN: 5,
        CONF_DHT_MODEL: "dht22",
        CONF_BACKEND: BACKEND_AUTO,
        CONF_POLL_INTERVAL: 60,
        CONF_FAILURE_THRESHOLD: 5,
        CONF_LEDS: [],
    }
    assert len(mock_setup_entry.mock_calls) == 1


async def test_with_the_home_entry_the_menu_adds_to_it(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """ "Add integration" still works once the home entry exists: the board joins it."""
    mock_config_entry.add_to_hass(hass)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, {**BOARD, CONF_ADD_LED: False})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "board_added"
    assert result["description_placeholders"] == {"name": "Bedroom"}
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    assert sorted(s.title for s in mock_config_entry.subentries.values()) == [
        "Bedroom",
        "Living room",
    ]


async def test_the_home_entry_offers_boards_and_forecasts_a_node_nothing(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """What the integration page offers on each entry, as Home Assistant works it out."""
    mock_config_entry.add_to_hass(hass)
    node = _node_entry(hass)
    ignored = MockConfigEntry(domain=DOMAIN, source=SOURCE_IGNORE, unique_id="shy-pi", data={})
    ignored.add_to_hass(hass)
    await _start(hass)  # Home Assistant has loaded the integration's flows
    assert set(mock_config_entry.supported_subentry_types) == {"board", "forecast"}
    assert all(
        t["supports_reconfigure"] for t in mock_config_entry.supported_subentry_types.values()
    )
    assert not mock_config_entry.supports_options
    assert not mock_config_entry.supports_reconfigure
    assert node.supported_subentry_types == {}
    assert node.supports_options
    assert (ignored.supported_subentry_types, ignored.supports_options) == ({}, False)


async def test_add_board_on_the_integration_page(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await async_start_add(hass, mock_config_entry)
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "board")
    result = await async_configure_subentry(
        hass, result["flow_id"], {**BOARD, CONF_DHT_PIN: 4, CONF_ADD_LED: False}
    )
    assert result["errors"] == {CONF_DHT_PIN: "pin_in_use"}
    result = await async_configure_subentry(hass, result["flow_id"], {**BOARD, CONF_ADD_LED: True})
    assert result["step_id"] == "led"
    led = {CONF_NAME: "Lamp", CONF_ACTIVE_HIGH: True, CONF_INITIAL_ON: False}
    result = await async_configure_subentry(
        hass, result["flow_id"], {**led, CONF_PIN: 17, CONF_ADD_ANOTHER: False}
    )
    assert result["errors"] == {CONF_PIN: "pin_in_use"}  # Living room's Desk LED
    result = await async_configure_subentry(
        hass, result["flow_id"], {**led, CONF_PIN: 22, CONF_ADD_ANOTHER: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    bedroom = next(s for s in mock_config_entry.subentries.values() if s.title == "Bedroom")
    assert bedroom.subentry_type == SubentryKind.BOARD
    assert bedroom.unique_id == bedroom.data["board_id"]
    assert [led[CONF_PIN] for led in bedroom.data[CONF_LEDS]] == [22]


async def test_board_with_two_leds(hass: HomeAssistant) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, {**BOARD, CONF_ADD_LED: True})
    assert result["step_id"] == "led"
    led = {CONF_NAME: "Desk LED", CONF_ACTIVE_HIGH: True, CONF_INITIAL_ON: False}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**led, CONF_PIN: 17, CONF_ADD_ANOTHER: True}
    )
    assert result["step_id"] == "led"
    # The DHT pin and the first LED's pin are taken within the same flow; the error says by what.
    for pin, user in ((5, "this board's sensor"), (17, "Desk LED on this board")):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {**led, CONF_NAME: "Shelf", CONF_PIN: pin, CONF_ADD_ANOTHER: False}
        )
        assert result["errors"] == {CONF_PIN: "pin_in_use"}
        assert result["description_placeholders"] == {"pin": str(pin), "pin_user": user}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**led, CONF_NAME: "Shelf", CONF_PIN: 99, CONF_ADD_ANOTHER: False}
    )
    assert result["errors"] == {CONF_PIN: "pin_out_of_range"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**led, CONF_NAME: "Shelf", CONF_PIN: 27, CONF_ADD_ANOTHER: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    leds = _board(result["result"]).data[CONF_LEDS]
    assert [(led[CONF_NAME], led[CONF_PIN]) for led in leds] == [("Desk LED", 17), ("Shelf", 27)]
    assert len({led["led_id"] for led in leds}) == 2


@pytest.mark.parametrize(
    ("pin", "error", "user"),
    [
        (1, "pin_out_of_range", None),
        (28, "pin_out_of_range", None),
        (4, "pin_in_use", "the sensor of Living room"),
        (17, "pin_in_use", "Desk LED on Living room"),
        # The number field takes text too: "nan", "inf" and "1e400" came through as floats
        # that int() raised on (an unknown error with a traceback); 5.5 was taken as GPIO5.
        ("nan", "pin_out_of_range", None),
        ("inf", "pin_out_of_range", None),
        ("1e400", "pin_out_of_range", None),
        (5.5, "pin_out_of_range", None),
    ],
)
async def test_board_pin_errors_then_recover(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    pin: float | str,
    error: str,
    user: str | None,
) -> None:
    mock_config_entry.add_to_hass(hass)  # uses GPIO4 (DHT) and GPIO17 (LED)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BOARD, CONF_DHT_PIN: pin, CONF_ADD_LED: False}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_DHT_PIN: error}
    if user is not None:  # "GPIO 4 is already used by the sensor of Living room."
        assert result["description_placeholders"] == {"pin": str(pin), "pin_user": user}
    result = await hass.config_entries.flow.async_configure(flow_id, {**BOARD, CONF_ADD_LED: False})
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "board_added")


async def test_board_unreadable_then_recover(
    hass: HomeAssistant, fake_hardware: FakeHardware
) -> None:
    fake_hardware.dht.script(5, *([None] * 9))  # three probes of three tries each fail
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, {**BOARD, CONF_ADD_LED: False})
    assert result["errors"] == {CONF_DHT_PIN: "pin_unreadable"}
    result = await hass.config_entries.flow.async_configure(flow_id, {**BOARD, CONF_ADD_LED: False})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_board_unexpected_error_then_recover(hass: HomeAssistant) -> None:
    flow_id = await _start(hass)
    with patch(
        "custom_components.py_iot_home.board.config_steps.probe_dht", side_effect=OSError("boom")
    ):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {**BOARD, CONF_ADD_LED: False}
        )
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(flow_id, {**BOARD, CONF_ADD_LED: False})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_off_a_pi_the_form_proposes_simulation_and_refuses_a_wired_sensor(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a DHT library a wired sensor cannot work: the form says so, rather than making
    a simulated board the user did not ask for; its default is the simulation."""
    from .fakes import install_fake_hardware

    install_fake_hardware(monkeypatch, legacy_dht="missing", circuitpython_dht="missing")
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BOARD, CONF_BACKEND: BACKEND_AUTO, CONF_ADD_LED: False}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_BACKEND: "no_dht_library"}
    result = await hass.config_entries.flow.async_configure(flow_id, {**BOARD, CONF_ADD_LED: False})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert _board(result["result"]).data[CONF_BACKEND] == BACKEND_SIMULATED


async def _board_menu(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> dict:
    result = await async_start_reconfigure(hass, entry)
    assert result["type"] is FlowResultType.MENU
    return await async_configure_subentry(hass, result["flow_id"], {"next_step_id": step})


async def test_wiring_moves_the_pin(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await _board_menu(hass, mock_config_entry, "wiring")
    assert result["step_id"] == "wiring"
    result = await async_configure_subentry(
        hass, result["flow_id"], {CONF_DHT_PIN: 17, CONF_DHT_MODEL: "dht22"}
    )
    assert result["errors"] == {CONF_DHT_PIN: "pin_in_use"}  # its own LED
    assert result["description_placeholders"] == {
        "name": "Living room",
        "pin": "17",
        "pin_user": "Desk LED on this board",
    }
    result = await async_configure_subentry(
        hass, result["flow_id"], {CONF_DHT_PIN: 40, CONF_DHT_MODEL: "dht22"}
    )
    assert result["errors"] == {CONF_DHT_PIN: "pin_out_of_range"}
    result = await async_configure_subentry(
        hass, result["flow_id"], {CONF_DHT_PIN: "inf", CONF_DHT_MODEL: "dht22"}
    )
    assert result["errors"] == {CONF_DHT_PIN: "pin_out_of_range"}
    result = await async_configure_subentry(
        hass, result["flow_id"], {CONF_DHT_PIN: 6, CONF_DHT_MODEL: "am2302"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert settings(mock_config_entry)[CONF_DHT_PIN] == 6
    assert settings(mock_config_entry)[CONF_DHT_MODEL] == "am2302"
    assert len(settings(mock_config_entry)[CONF_LEDS]) == 1


async def test_settings(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await async_start_reconfigure(hass, mock_config_entry)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["settings", "add_led", "remove_led", "wiring"]
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "settings"})
    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {
            CONF_POLL_INTERVAL: 10,
            CONF_FAILURE_THRESHOLD: 2,
            CONF_WINDOW_DAYS: 3,
            CONF_TREND_THRESHOLD: 0.5,
        },
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reconfigure_successful")
    board = settings(mock_config_entry)
    assert board[CONF_WINDOW_DAYS] == 3
    assert board[CONF_TREND_THRESHOLD] == 0.5
    assert board[CONF_POLL_INTERVAL] == 10
    assert board[CONF_FAILURE_THRESHOLD] == 2
    assert len(board[CONF_LEDS]) == 1
    assert board[CONF_DHT_PIN] == 4


async def test_settings_poll_interval_minimum(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await _board_menu(hass, mock_config_entry, "settings")
    # An error next to the field, in words, with what the user typed kept in the form: 0 s
    # and 0 failed reads were Home Assistant's "Value 0.0 is too small" above the form.
    poll = {CONF_POLL_INTERVAL: "poll_interval_out_of_range"}
    failures = {CONF_FAILURE_THRESHOLD: "failure_threshold_out_of_range"}
    for seconds, reads, errors in (
        (4, 2, poll),
        (0, 0, poll | failures),
        (3601, 101, poll | failures),
        (-5, 2, poll),
    ):
        result = await async_configure_subentry(
            hass, result["flow_id"], {CONF_POLL_INTERVAL: seconds, CONF_FAILURE_THRESHOLD: reads}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == errors
    assert settings(mock_config_entry)[CONF_POLL_INTERVAL] == 60
    # The field takes text, and "nan" passed the selector's bounds (int() raised on it).
    for field in (CONF_POLL_INTERVAL, CONF_FAILURE_THRESHOLD):
        for text in ("nan", "inf"):
            with pytest.raises(InvalidData, match=field):
                await async_configure_subentry(
                    hass,
                    result["flow_id"],
                    {CONF_POLL_INTERVAL: 10, CONF_FAILURE_THRESHOLD: 2, field: text},
                )
    result = await async_configure_subentry(
        hass, result["flow_id"], {CONF_POLL_INTERVAL: 5, CONF_FAILURE_THRESHOLD: 2}
    )
    assert result["type"] is FlowResultType.ABORT
    assert settings(mock_config_entry)[CONF_POLL_INTERVAL] == 5


async def test_a_fraction_of_a_read_or_second_is_refused_not_cut_off(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """2.5 failed reads were stored and read back as 2 (5.5 s as 5), without a word: the
    walk of 2026-12-06 typed them in Change board. A window of 1.5 days was refused.

    The form is sent as the frontend gets it: a check in its schema could not be, and
    Change board showed an empty "Error" instead of the form.
    """
    mock_config_entry.add_to_hass(hass)
    result = await _board_menu(hass, mock_config_entry, "settings")
    probatio.to_field_list(result["data_schema"], custom_serializer=cv.custom_serializer)
    for field in (CONF_POLL_INTERVAL, CONF_FAILURE_THRESHOLD):
        result = await async_configure_subentry(
            hass, result["flow_id"], {CONF_POLL_INTERVAL: 10, CONF_FAILURE_THRESHOLD: 2, field: 5.5}
        )
        assert result["errors"] == {field: "not_whole_number"}
    assert settings(mock_config_entry)[CONF_FAILURE_THRESHOLD] == 3
    result = await async_configure_subentry(
        hass, result["flow_id"], {CONF_POLL_INTERVAL: 10, CONF_FAILURE_THRESHOLD: 2.0}
    )
    assert result["type"] is FlowResultType.ABORT
    assert settings(mock_config_entry)[CONF_FAILURE_THRESHOLD] == 2


async def test_add_and_remove_led(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await _board_menu(hass, mock_config_entry, "add_led")
    led = {CONF_NAME: "Porch", CONF_ACTIVE_HIGH: False, CONF_INITIAL_ON: True}
    result = await async_configure_subentry(hass, result["flow_id"], {**led, CONF_PIN: 4})
    assert result["errors"] == {CONF_PIN: "pin_in_use"}
    assert result["description_placeholders"] == {
        "pin": "4",
        "pin_user": "the sensor of Living room",
    }
    result = await async_configure_subentry(hass, result["flow_id"], {**led, CONF_PIN: "nan"})
    assert result["errors"] == {CONF_PIN: "pin_out_of_range"}
    result = await async_configure_subentry(hass, result["flow_id"], {**led, CONF_PIN: 22})
    assert result["type"] is FlowResultType.ABORT
    assert [led[CONF_PIN] for led in settings(mock_config_entry)[CONF_LEDS]] == [17, 22]

    result = await _board_menu(hass, mock_config_entry, "remove_led")
    assert result["step_id"] == "remove_led"
    result = await async_configure_subentry(hass, result["flow_id"], {CONF_LEDS: ["led00001"]})
    assert result["step_id"] == "remove_led_confirm"
    result = await async_configure_subentry(hass, result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert [led[CONF_PIN] for led in settings(mock_config_entry)[CONF_LEDS]] == [22]


async def test_menu_without_leds(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, board_data: dict
) -> None:
    entry = home_entry(board_subentry({**board_data, CONF_LEDS: []}, title="Attic"))
    entry.add_to_hass(hass)
    result = await async_start_reconfigure(hass, entry)
    assert (result["step_id"], result["menu_options"]) == (
        "reconfigure",
        ["settings", "add_led", "wiring"],
    )
    # The menu says which board ("What to change on {name}?"): two boards look alike.
    assert result["description_placeholders"] == {"name": "Attic"}
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "settings"})
    assert (result["step_id"], result["description_placeholders"]) == (
        "settings",
        {"name": "Attic"},
    )


def _node_entry(hass: HomeAssistant, *sensors: SensorInfo) -> MockConfigEntry:
    """A confirmed node's entry as the flow stores it, with the sensors it announced."""
    node = announcement(sensors=sensors) if sensors else announcement()
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=node.node_id,
        title=node.name,
        data={
            CONF_KIND: "node",
            "node_id": node.node_id,
            "prefix": "py_iot_home",
            "secret": "",
            "announcement": announce_payload(node).decode(),
        },
        options={},
    )
    entry.add_to_hass(hass)
    return entry


async def test_node_options_set_the_trend_settings(hass: HomeAssistant) -> None:
    """A threshold per quantity, each in its own unit: a room's °C and % are not alike."""
    entry = _node_entry(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "init"
    assert result["description_placeholders"] == {"name": entry.title}
    fields = {str(key): key for key in result["data_schema"].schema}
    assert list(fields) == [
        CONF_WINDOW_DAYS,
        CONF_TREND_THRESHOLD,
        CONF_HUMIDITY_TREND_THRESHOLD,
        CONF_TREND_MIN_SPAN_HOURS,
    ]
    units = {
        name: result["data_schema"].schema[key].config.get("unit_of_measurement")
        for name, key in fields.items()
    }
    assert units[CONF_TREND_THRESHOLD] == "°C/d"
    assert units[CONF_HUMIDITY_TREND_THRESHOLD] == "%/d"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_WINDOW_DAYS: 14,
            CONF_TREND_THRESHOLD: 0.3,
            CONF_HUMIDITY_TREND_THRESHOLD: 2.0,
            CONF_TREND_MIN_SPAN_HOURS: 12,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_WINDOW_DAYS: 14,
        CONF_TREND_THRESHOLD: 0.3,
        CONF_HUMIDITY_TREND_THRESHOLD: 2.0,
        CONF_TREND_MIN_SPAN_HOURS: 12,
    }


@pytest.mark.parametrize(
    ("window_days", "min_span_hours", "errors"),
    [
        (7, 0.5, {CONF_TREND_MIN_SPAN_HOURS: "min_span_out_of_range"}),
        (7, 49, {CONF_TREND_MIN_SPAN_HOURS: "min_span_out_of_range"}),
        (7, 2.5, {CONF_TREND_MIN_SPAN_HOURS: "min_span_out_of_range"}),
        (0, 4, {CONF_WINDOW_DAYS: "window_days_out_of_range"}),
        # Samples span at most the window: a longer minimum span is never reached (a walk
        # set 1 day and 48 h, and the trend could never be shown).
        (1, 48, {CONF_TREND_MIN_SPAN_HOURS: "min_span_not_within_window"}),
        (1, 24, {CONF_TREND_MIN_SPAN_HOURS: "min_span_not_within_window"}),
        (2, 48, {CONF_TREND_MIN_SPAN_HOURS: "min_span_not_within_window"}),
        (
            31,
            0,
            {
                CONF_WINDOW_DAYS: "window_days_out_of_range",
                CONF_TREND_MIN_SPAN_HOURS: "min_span_out_of_range",
            },
        ),
    ],
)
async def test_trend_settings_out_of_range_are_refused_next_to_their_field(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    window_days: float,
    min_span_hours: float,
    errors: dict[str, str],
) -> None:
    """Not Home Assistant's "Value 0.5 is too small" above the form: words by the field."""
    node = _node_entry(hass)
    mock_config_entry.add_to_hass(hass)
    typed = {CONF_WINDOW_DAYS: window_days, CONF_TREND_MIN_SPAN_HOURS: min_span_hours}
    result = await hass.config_entries.options.async_init(node.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**typed, CONF_TREND_THRESHOLD: 0.3, CONF_HUMIDITY_TREND_THRESHOLD: 1}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert node.options == {}
    result = await _board_menu(hass, mock_config_entry, "settings")
    result = await async_configure_subentry(
        hass, result["flow_id"], {**typed, CONF_POLL_INTERVAL: 4, CONF_FAILURE_THRESHOLD: 2}
    )
    assert result["errors"] == {**errors, CONF_POLL_INTERVAL: "poll_interval_out_of_range"}
    assert CONF_WINDOW_DAYS not in settings(mock_config_entry)
    # What the user typed stays in the form to be corrected.
    suggested = {
        str(key): key.description["suggested_value"] for key in result["data_schema"].schema
    }
    assert suggested[CONF_TREND_MIN_SPAN_HOURS] == min_span_hours
    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {
            CONF_WINDOW_DAYS: 30,
            CONF_TREND_MIN_SPAN_HOURS: 48,
            CONF_POLL_INTERVAL: 5,
            CONF_FAILURE_THRESHOLD: 2,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert settings(mock_config_entry)[CONF_TREND_MIN_SPAN_HOURS] == 48


async def test_a_minimum_span_the_window_holds_is_taken(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A day's window holds 23 hours of samples and more: a 23-hour span is reachable."""
    node = _node_entry(hass)
    mock_config_entry.add_to_hass(hass)
    typed = {CONF_WINDOW_DAYS: 1, CONF_TREND_MIN_SPAN_HOURS: 23}
    result = await hass.config_entries.options.async_init(node.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**typed, CONF_TREND_THRESHOLD: 0.3, CONF_HUMIDITY_TREND_THRESHOLD: 1}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert node.options[CONF_TREND_MIN_SPAN_HOURS] == 23
    result = await _board_menu(hass, mock_config_entry, "settings")
    result = await async_configure_subentry(
        hass, result["flow_id"], {**typed, CONF_POLL_INTERVAL: 5, CONF_FAILURE_THRESHOLD: 2}
    )
    assert result["type"] is FlowResultType.ABORT
    assert settings(mock_config_entry)[CONF_WINDOW_DAYS] == 1
    assert settings(mock_config_entry)[CONF_TREND_MIN_SPAN_HOURS] == 23
    # The saved settings reload the entries: let them finish. Under load the test ended with
    # a reload's set-up under way, cancelled at Home Assistant's stop, its store's delayed
    # write left as a lingering timer (a teardown error once in a run at load 6).
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_thresholds_out_of_range_are_refused_next_to_their_field(
    hass: HomeAssistant,
) -> None:
    """A negative threshold (a walk typed -1) is refused in words, not "Value -1.0 is too small"."""
    node = _node_entry(hass)
    typed = {CONF_WINDOW_DAYS: 7, CONF_TREND_MIN_SPAN_HOURS: 4}
    result = await hass.config_entries.options.async_init(node.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**typed, CONF_TREND_THRESHOLD: -1, CONF_HUMIDITY_TREND_THRESHOLD: 101}
    )
    assert result["errors"] == {
        CONF_TREND_THRESHOLD: "threshold_out_of_range",
        CONF_HUMIDITY_TREND_THRESHOLD: "threshold_out_of_range",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**typed, CONF_TREND_THRESHOLD: 0, CONF_HUMIDITY_TREND_THRESHOLD: 100}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert node.options[CONF_HUMIDITY_TREND_THRESHOLD] == 100


async def test_node_options_open_when_the_stored_announcement_is_unreadable(
    hass: HomeAssistant,
) -> None:
    """A stored announcement today's rules refuse (the node cannot set up either): the
    options still open, with a threshold for every quantity, rather than an error page."""
    entry = _node_entry(hass)
    data = {**entry.data, "announcement": '{"v": 1, "id": "kitchen-pi"}'}
    hass.config_entries.async_update_entry(entry, data=data)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    fields = [str(key) for key in result["data_schema"].schema]
    assert fields == [
        CONF_WINDOW_DAYS,
        CONF_TREND_THRESHOLD,
        CONF_HUMIDITY_TREND_THRESHOLD,
        CONF_POWER_TREND_THRESHOLD,
        CONF_TREND_MIN_SPAN_HOURS,
    ]


async def test_a_meter_nodes_options_ask_for_a_power_threshold_only(hass: HomeAssistant) -> None:
    entry = _node_entry(
        hass, SensorInfo(key="mains", name="Mains", quantities=(Quantity.POWER,), model="meter")
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    fields = [str(key) for key in result["data_schema"].schema]
    assert fields == [CONF_WINDOW_DAYS, CONF_POWER_TREND_THRESHOLD, CONF_TREND_MIN_SPAN_HOURS]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_WINDOW_DAYS: 7, CONF_POWER_TREND_THRESHOLD: 50, CONF_TREND_MIN_SPAN_HOURS: 4},
    )
    assert entry.options[CONF_POWER_TREND_THRESHOLD] == 50.0


async def _discover(hass: HomeAssistant, node_id: str, payload: bytes | None = None) -> dict:
    """Start the discovery flow Home Assistant's MQTT integration starts for an announcement."""
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_MQTT},
        data=MqttServiceInfo(
            topic=f"py_iot_home/{node_id}/announce",
            payload=announce_payload(announcement(node_id)) if payload is None else payload,
            qos=1,
            retain=True,
            subscribed_topic="py_iot_home/+/announce",
            timestamp=0,
        ),
    )


async def _fill_pending(hass: HomeAssistant) -> list[str]:
    flow_ids = []
    for index in range(MAX_PENDING_DISCOVERIES):
        result = await _discover(hass, f"waiting-{index}")
        assert result["step_id"] == "mqtt_confirm"
        flow_ids.append(result["flow_id"])
    result = await _discover(hass, "one-too-many")
    assert result["reason"] == "too_many_pending"
    return flow_ids


@pytest.mark.parametrize("ending", ["abort", "confirm", "ignore"])
async def test_a_discovery_that_ends_frees_its_slot(hass: HomeAssistant, ending: str) -> None:
    flow_ids = await _fill_pending(hass)
    flow = hass.config_entries.flow
    if ending == "abort":
        flow.async_abort(flow_ids[0])
    elif ending == "confirm":
        result = await flow.async_configure(flow_ids[0], {})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"][CONF_NODE_ID] == "waiting-0"
    else:
        result = await flow.async_init(
            DOMAIN,
            context={"source": SOURCE_IGNORE},
            data={"unique_id": "waiting-0", "title": "Waiting 0"},
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert "waiting-0" not in hass.data[PENDING_DISCOVERIES]
    # The node refused while the slots were full is offered in the freed one by itself: the
    # broker would not send its unchanged retained announcement again before a restart.
    assert len(hass.data[PENDING_DISCOVERIES]) == MAX_PENDING_DISCOVERIES
    assert "one-too-many" in hass.data[PENDING_DISCOVERIES]
    result = await _discover(hass, "one-too-many")
    assert result["reason"] == "already_in_progress"
    result = await _discover(hass, "two-too-many")
    assert result["reason"] == "too_many_pending"
    assert hass.data[DISCOVERY_REJECTIONS] == {"too_many_pending": 2}


async def test_nodes_refused_while_full_are_offered_in_turn_as_the_user_ignores_fakes(
    hass: HomeAssistant,
) -> None:
    """Made-up nodes (a broker without the ACL) fill the slots; the real one still comes."""
    flow_ids = await _fill_pending(hass)  # refuses "one-too-many"
    for node_id in ("real-pi", "one-too-many", "another"):  # "one-too-many" keeps its place
        assert (await _discover(hass, node_id))["reason"] == "too_many_pending"
    flow = hass.config_entries.flow
    offered = []
    for index in range(4):
        flow.async_abort(flow_ids[index])
        await hass.async_block_till_done()
        waiting = set(hass.data[PENDING_DISCOVERIES])
        assert len(waiting) == MAX_PENDING_DISCOVERIES - (index >= 3)
        offered += sorted(waiting - {f"waiting-{i}" for i in range(20)} - set(offered))
    # In the order they first came, each once; then the slot stays free.
    assert offered == ["one-too-many", "real-pi", "another"]


async def test_a_flood_of_made_up_nodes_does_not_push_a_waiting_real_node_out(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A stranger announcing ever new node ids (a broker without the ACL): the real node,
    refused while the slots were full, was pushed out of those kept by the next 20 fakes
    and never offered, however many fakes the user ignored."""
    flow_ids = await _fill_pending(hass)  # refuses "one-too-many"
    assert (await _discover(hass, "real-pi"))["reason"] == "too_many_pending"
    fakes = (f"fake-{index}" for index in range(10_000))
    for _ in range(200):
        assert (await _discover(hass, next(fakes)))["reason"] == "too_many_pending"
    flow = hass.config_entries.flow
    ignored = 0
    while "real-pi" not in hass.data[PENDING_DISCOVERIES]:
        flow.async_abort(flow_ids[ignored])  # IndexError: never offered
        ignored += 1
        await hass.async_block_till_done()
        await _discover(hass, next(fakes))  # the flood goes on between the user's clicks
    assert ignored == 2  # behind "one-too-many", which came first
    # Bounded: no more are kept than there are slots, and one short line per dropped one.
    assert len(hass.data[REFUSED_FOR_CAPACITY]) == MAX_PENDING_DISCOVERIES
    dropped = [r.getMessage() for r in caplog.records if "Dropped node" in r.getMessage()]
    assert len(dropped) == 200 - (MAX_PENDING_DISCOVERIES - 2)
    assert dropped[0] == "Dropped node fake-18's announcement: 20 others wait for a slot"


@pytest.mark.parametrize("source", [SOURCE_MQTT, SOURCE_IGNORE])
@pytest.mark.parametrize("payload", [None, b"{oops", b""], ids=["valid", "invalid", "withdrawn"])
async def test_known_nodes_are_never_limited_or_counted(
    hass: HomeAssistant, source: str, payload: bytes | None
) -> None:
    MockConfigEntry(
        domain=DOMAIN,
        source=source,
        unique_id="known-pi",
        data={CONF_KIND: EntryKind.NODE, CONF_NODE_ID: "known-pi"} if source == SOURCE_MQTT else {},
    ).add_to_hass(hass)
    await _fill_pending(hass)
    result = await _discover(hass, "known-pi", payload)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert hass.data[DISCOVERY_REJECTIONS] == {"too_many_pending": 1}


async def test_a_waiting_node_is_in_progress_not_refused(hass: HomeAssistant) -> None:
    await _fill_pending(hass)
    changed = announce_payload(announcement("waiting-3", switches=()))
    result = await _discover(hass, "waiting-3", changed)
    assert result["reason"] == "already_in_progress"
    # An invalid announcement is reported as such, even at the limit.
    result = await _discover(hass, "newcomer", b"{oops")
    assert result["reason"] == "invalid_discovery_info"
    assert hass.data[DISCOVERY_REJECTIONS] == {
        "too_many_pending": 1,
        "invalid_discovery_info": 1,
    }


async def test_markdown_in_an_announcement_shows_as_text(hass: HomeAssistant) -> None:
    """The dialog's description is Markdown: a stranger's names loaded images, showed links.

    Every ASCII punctuation character of announced text comes escaped (CommonMark shows an
    escaped one as itself), so nothing in a name can open a link, image, emphasis or tag.
    """
    # What would load or link (`<`, `>`, `[`, `]`) is refused: test_node_names_shown.py.
    hostile = {
        "name": "!x(https://e.io/t.png)",
        "model": "&lt;ha-alert alert-type='error'&gt;",
        "sensors": "# Verify: https://e.io",
        "switches": "**www.e.io** `x` \\",
    }
    node = replace(
        announcement("marked-up"),
        name=hostile["name"],
        model=hostile["model"],
        sensors=(
            SensorInfo(key="s", name=hostile["sensors"], quantities=(Quantity.POWER,), model="m"),
        ),
        switches=(SwitchInfo(key="w", name=hostile["switches"]),),
    )
    result = await _discover(hass, "marked-up", announce_payload(node))
    assert result["step_id"] == "mqtt_confirm"
    placeholders = result["description_placeholders"]
    assert placeholders["name"] == r"\!x\(https\:\/\/e\.io\/t\.png\)"
    for key, text in hostile.items():
        shown = placeholders[key]
        assert re.sub(r"\\(.)", r"\1", shown) == text
        # Once the escaped pairs are taken out, no punctuation is left to mean anything.
        assert not re.search(r"[!-/:-@\[-`{-~]", re.sub(r"\\.", "", shown)), shown


async def test_a_node_named_in_markdown_is_text_in_its_options(
    hass: HomeAssistant,
) -> None:
    """Its entry's title is the name it announced: the flows' Markdown shows it as text."""
    name = "[Verify](https://e.io)"
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="marked-up",
        title=name,
        data={
            CONF_KIND: EntryKind.NODE,
            CONF_NODE_ID: "marked-up",
            CONF_PREFIX: DEFAULT_PREFIX,
            CONF_ANNOUNCEMENT: announce_payload(announcement("marked-up")).decode(),
            CONF_SECRET: "",
        },
    )
    entry.add_to_hass(hass)
    escaped = r"\[Verify\]\(https\:\/\/e\.io\)"
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["description_placeholders"] == {"name": escaped}


@pytest.mark.parametrize(
    "name",
    [
        "x" * 10_000,
        "Bed\nroom",
        "Bed\x1b[31mroom",
        "\u202emoorb",
        "Hall\u200bsensor",
        "   ",
        "",
        "Porch ![](https://e.io/p.png)",
        "<img src=https://e.io/p.png>",
        "Bedr\u043eom",  # a Cyrillic o in a Latin word: another "Bedroom"
    ],
    ids=[
        *("10kB", "newline", "escape", "bidi", "zero-width", "blank", "empty"),
        *("image", "tag", "mixed"),
    ],
)
async def test_a_board_or_led_name_that_is_no_name_is_refused_next_to_its_field(
    hass: HomeAssistant, name: str
) -> None:
    """Names typed in a flow were taken as they came (announced ones never were): ten
    thousand characters, a newline or a terminal escape (into logs and Assist), a
    right-to-left override, a zero-width space, or nothing visible at all named the
    device, its entities and, for a board, its subentry."""
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BOARD, CONF_NAME: name, CONF_ADD_LED: False}
    )
    assert result["errors"] == {CONF_NAME: "invalid_name"}
    result = await hass.config_entries.flow.async_configure(flow_id, {**BOARD, CONF_ADD_LED: True})
    led = {CONF_PIN: 27, CONF_ACTIVE_HIGH: True, CONF_INITIAL_ON: False, CONF_ADD_ANOTHER: False}
    result = await hass.config_entries.flow.async_configure(flow_id, {**led, CONF_NAME: name})
    assert result["errors"] == {CONF_NAME: "invalid_name"}
    result = await hass.config_entries.flow.async_configure(flow_id, {**led, CONF_NAME: "Porch"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert _board(result["result"]).title == "Bedroom"
    assert [led[CONF_NAME] for led in _board(result["result"]).data[CONF_LEDS]] == ["Porch"]

    entry = result["result"]
    result = await async_start_reconfigure(hass, entry, _board(entry).subentry_id)
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "add_led"})
    led = {CONF_PIN: 22, CONF_ACTIVE_HIGH: True, CONF_INITIAL_ON: False}
    result = await async_configure_subentry(hass, result["flow_id"], {**led, CONF_NAME: name})
    assert result["errors"] == {CONF_NAME: "invalid_name"}
    result = await async_configure_subentry(hass, result["flow_id"], {**led, CONF_NAME: "Shelf"})
    assert result["type"] is FlowResultType.ABORT
