"""A new board's forms start valid: free pins, the hardware that works here, a real area."""

from __future__ import annotations

import pytest
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.board.pin_validation import first_free_pin
from custom_components.py_iot_home.const import (
    CONF_ADD_ANOTHER,
    CONF_ADD_LED,
    CONF_AREA,
    CONF_BACKEND,
    CONF_DHT_PIN,
    CONF_LEDS,
    CONF_PIN,
    CONF_POWER_ENTITY,
    DOMAIN,
    SubentryKind,
)
from custom_components.py_iot_home.name_check import MAX_NAME_LENGTH, unused_name

from .fakes import FakeHardware, install_fake_hardware
from .home_entry import (
    async_configure_subentry,
    async_start_add,
    async_start_reconfigure,
    board_subentry,
    home_entry,
    subentry_titled,
)
from .simulated_board import async_first_simulated_reading


async def _board_form(hass: HomeAssistant) -> dict:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "board"}
    )


def _defaults(result: dict) -> dict:
    """What the form holds before the user types anything (the frontend fills the defaults)."""
    return result["data_schema"]({})


def test_default_names_are_not_taken() -> None:
    assert unused_name("LED", []) == "LED"
    assert unused_name("LED", ["led", "LED 2"]) == "LED 3"


def test_first_free_pin_prefers_general_purpose_pins() -> None:
    assert first_free_pin(set()) == 4
    assert first_free_pin({4, 17}) == 27
    assert first_free_pin(set(range(2, 28))) is None


async def test_defaults_submitted_as_shown_make_a_working_board(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """Another board holds GPIO4 and GPIO17: the form proposes the next free pins."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    result = await async_start_add(hass, mock_config_entry)  # the page's Add board
    defaults = _defaults(result)
    assert defaults[CONF_DHT_PIN] == 27
    assert defaults[CONF_BACKEND] == "auto"  # a DHT library works here
    assert defaults[CONF_NAME] == "Climate sensor"  # the other board is "Living room"
    assert CONF_AREA not in defaults
    result = await async_configure_subentry(
        hass, result["flow_id"], {**defaults, CONF_ADD_LED: True}
    )
    assert result["step_id"] == "led"
    led_defaults = _defaults(result)
    assert led_defaults[CONF_PIN] == 22  # 4, 17 (other board) and 27 (this one) are taken
    assert led_defaults[CONF_NAME] == "Climate sensor LED"  # the board's, not a bare "LED"
    result = await async_configure_subentry(
        hass, result["flow_id"], {**led_defaults, "add_another": True}
    )
    assert result["errors"] == {}
    second = _defaults(result)
    assert (second[CONF_NAME], second[CONF_PIN]) == ("Climate sensor LED 2", 5)
    result = await async_configure_subentry(hass, result["flow_id"], second)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    board = subentry_titled(mock_config_entry, "Climate sensor")
    assert board.data[CONF_DHT_PIN] == 27
    assert [led[CONF_PIN] for led in board.data[CONF_LEDS]] == [22, 5]
    assert hass.states.get("switch.climate_sensor_led").state == "off"


async def test_off_a_pi_the_form_proposes_the_simulation_and_no_repair_follows(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_hardware(
        monkeypatch, legacy_dht="missing", circuitpython_dht="missing", rpi_gpio="missing"
    )
    result = await _board_form(hass)
    defaults = _defaults(result)
    assert defaults[CONF_BACKEND] == "simulated"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], defaults)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    board = subentry_titled(entry, "Climate sensor")
    assert board.data[CONF_BACKEND] == "simulated"
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, str(board.unique_id)), entry.entry_id
    )
    assert device.model == "Simulated DHT22"
    # Said once, by the model: the page reads "Simulated DHT22 by Py IoT Home".
    assert device.manufacturer == "Py IoT Home"
    temperature = await async_first_simulated_reading(hass, "sensor.climate_sensor_temperature")
    assert temperature.attributes["hardware"] == "simulated"
    assert 15.0 <= float(temperature.state) <= 28.0  # an indoor temperature
    assert [key for key in ir.async_get(hass).issues if key[0] == DOMAIN] == []


async def test_the_area_is_asked_once_and_the_leds_follow_the_board(
    hass: HomeAssistant, fake_hardware: FakeHardware
) -> None:
    """The first board comes with the home entry: Home Assistant's own dialog asks for its
    area after it is added, not our form.

    The dialog moves the devices the user placed (here only the board, as a user who sets
    the first picker and presses Finish): its LEDs go along, and the area answers Assist
    with the board's climate sensors. An LED the user put elsewhere stays there; an LED
    added later joins the board's area.
    """
    areas = ar.async_get(hass)
    kitchen, hall = areas.async_get_or_create("Kitchen"), areas.async_get_or_create("Hall")
    result = await _board_form(hass)
    assert CONF_AREA not in result["data_schema"].schema
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**_defaults(result), CONF_ADD_LED: True}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**_defaults(result), CONF_ADD_ANOTHER: True}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _defaults(result))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    board_id = str(subentry_titled(entry, "Climate sensor").unique_id)
    devices = dr.async_get(hass)

    def entry_devices() -> tuple[dr.DeviceEntry, list[dr.DeviceEntry]]:
        found = dr.async_entries_for_config_entry(devices, entry.entry_id)
        board = next(d for d in found if (DOMAIN, board_id) in d.identifiers)
        return board, sorted((d for d in found if d.id != board.id), key=lambda d: d.name)

    board, leds = entry_devices()
    assert len(leds) == 2
    assert {device.area_id for device in (board, *leds)} == {None}

    devices.async_update_device(board.id, area_id=kitchen.id)
    await hass.async_block_till_done()
    board, leds = entry_devices()
    assert [led.area_id for led in leds] == [kitchen.id, kitchen.id]
    assert areas.async_get_area(kitchen.id).temperature_entity_id == (
        "sensor.climate_sensor_temperature"
    )

    devices.async_update_device(leds[1].id, area_id=hall.id)
    devices.async_update_device(board.id, area_id=None)
    await hass.async_block_till_done()
    board, leds = entry_devices()
    assert [led.area_id for led in leds] == [None, hall.id]

    devices.async_update_device(board.id, area_id=kitchen.id)
    await hass.async_block_till_done()
    subentry_id = subentry_titled(entry, "Climate sensor").subentry_id
    options = await async_start_reconfigure(hass, entry, subentry_id)
    options = await async_configure_subentry(hass, options["flow_id"], {"next_step_id": "add_led"})
    await async_configure_subentry(
        hass, options["flow_id"], {**_defaults(options), CONF_NAME: "Porch LED"}
    )
    await hass.async_block_till_done()
    board, leds = entry_devices()
    assert [(led.name, led.area_id) for led in leds] == [
        ("Climate sensor LED", kitchen.id),
        ("Climate sensor LED 2", hall.id),
        ("Porch LED", kitchen.id),
    ]


async def test_a_board_added_to_the_home_asks_its_area_once_in_its_form(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Add board (a subentry) gets no dialog from Home Assistant after it: the form asks for
    the area with Home Assistant's picker, and the board, its LED and its climate sensors
    are there; nothing asks again."""
    kitchen = ar.async_get(hass).async_get_or_create("Kitchen")
    result = await async_start_add(hass, init_integration)
    assert CONF_AREA in result["data_schema"].schema
    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {**_defaults(result), CONF_NAME: "Pantry", CONF_AREA: kitchen.id, CONF_ADD_LED: True},
    )
    result = await async_configure_subentry(hass, result["flow_id"], _defaults(result))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    pantry = subentry_titled(init_integration, "Pantry")
    devices = [
        device
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), init_integration.entry_id
        )
        if device.config_subentry_id == pantry.subentry_id
    ]
    assert len(devices) == 2  # the board and its LED
    assert {device.area_id for device in devices} == {kitchen.id}
    # Home Assistant names an entity of a device placed at once after its area too.
    assert ar.async_get(hass).async_get_area(kitchen.id).temperature_entity_id == (
        "sensor.kitchen_pantry_temperature"
    )


async def test_a_board_and_leds_named_in_64_cjk_characters_get_their_entities(
    hass: HomeAssistant, fake_hardware: FakeHardware
) -> None:
    """Home Assistant 2026.10 cut the id it made of such a name ("tai_" per character) at 255
    characters and refused it for its trailing "_": the first sensor and LED were not added.
    """
    name = "\u53f0" * 64
    result = await _board_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**_defaults(result), CONF_NAME: name, CONF_ADD_LED: True}
    )
    result = await hass.config_entries.flow.async_configure(  # "台…台 LED"
        result["flow_id"], {**_defaults(result), CONF_ADD_ANOTHER: True}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**_defaults(result), CONF_NAME: name}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entities = er.async_entries_for_config_entry(er.async_get(hass), result["result"].entry_id)
    stem = "_".join(["tai"] * 16)  # the name's id cut to 64 characters, no trailing "_"
    quantities = ("temperature", "humidity")
    assert {entity.entity_id for entity in entities} == {
        *(
            f"sensor.{stem}_{q}{end}"
            for q in quantities
            for end in ("", "_trend", "_status", "_ready")
        ),
        *(f"binary_sensor.{stem}_{q}_rising" for q in quantities),
        f"switch.{stem}",
        f"switch.{stem}_2",
    }
    assert [entity.entity_id for entity in entities if not hass.states.get(entity.entity_id)] == []


async def test_the_led_name_proposed_for_a_board_of_the_longest_name_is_taken(
    hass: HomeAssistant, fake_hardware: FakeHardware
) -> None:
    """Names are checked (at most MAX_NAME_LENGTH characters): the proposed "… LED" fits."""
    name = "Long " * (MAX_NAME_LENGTH // 5)
    name = name[:MAX_NAME_LENGTH].rstrip()
    result = await _board_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**_defaults(result), CONF_NAME: name, CONF_ADD_LED: True}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**_defaults(result), CONF_ADD_ANOTHER: True}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**_defaults(result), CONF_ADD_ANOTHER: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_a_name_already_taken_is_refused_next_to_its_field(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """A board, LED or forecast could be given a name already taken (the walk of
    2026-12-06 made a second "Climate sensor" board and a second "Desk LED" on one board):
    two devices alike in the integration's page, the device list, history and Assist.
    The forms proposed a free name and took any typed over it; now they refuse it."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    result = await async_start_add(hass, mock_config_entry)
    board = {**_defaults(result), CONF_ADD_LED: True}
    for taken in ("Living room", "living  ROOM "):
        result = await async_configure_subentry(
            hass, result["flow_id"], {**board, CONF_NAME: taken}
        )
        assert result["errors"] == {CONF_NAME: "name_in_use"}
    result = await async_configure_subentry(hass, result["flow_id"], {**board, CONF_NAME: "Hall"})
    led = {**_defaults(result), CONF_NAME: "Porch", CONF_ADD_ANOTHER: True}
    result = await async_configure_subentry(hass, result["flow_id"], led)
    assert result["errors"] == {}
    led = {**_defaults(result), CONF_NAME: "porch", CONF_ADD_ANOTHER: False}
    result = await async_configure_subentry(hass, result["flow_id"], led)
    assert result["errors"] == {CONF_NAME: "name_in_use"}
    result = await async_configure_subentry(hass, result["flow_id"], {**led, CONF_NAME: "Shelf"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    result = await async_start_reconfigure(hass, mock_config_entry)
    result = await async_configure_subentry(hass, result["flow_id"], {"next_step_id": "add_led"})
    led = {**_defaults(result), CONF_NAME: "Desk LED"}
    result = await async_configure_subentry(hass, result["flow_id"], led)
    assert result["errors"] == {CONF_NAME: "name_in_use"}
    result = await async_configure_subentry(hass, result["flow_id"], {**led, CONF_NAME: "Shelf"})
    assert result["type"] is FlowResultType.ABORT  # another board's LED name is its own
    await hass.async_block_till_done()
    entry_devices = dr.async_entries_for_config_entry(
        dr.async_get(hass), mock_config_entry.entry_id
    )
    assert sorted(d.name for d in entry_devices) == [
        "Desk LED",
        "Hall",
        "Living room",
        "Porch",
        "Shelf",
        "Shelf",
    ]

    result = await async_start_add(hass, mock_config_entry, SubentryKind.FORECAST)
    (name,) = (key for key in result["data_schema"].schema if key == CONF_NAME)
    assert name.default() == "Power forecast"
    result = await async_configure_subentry(
        hass, result["flow_id"], {CONF_NAME: "hall", CONF_POWER_ENTITY: "sensor.none"}
    )
    assert result["errors"][CONF_NAME] == "name_in_use"


async def test_a_second_forecast_is_proposed_a_name_of_its_own(
    hass: HomeAssistant, board_data: dict, fake_hardware: FakeHardware
) -> None:
    """Every forecast was proposed "Power forecast", the name of the first one."""
    entry = home_entry(board_subentry(board_data, title="Power forecast"))
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    result = await async_start_add(hass, entry, SubentryKind.FORECAST)
    (name,) = (key for key in result["data_schema"].schema if key == CONF_NAME)
    assert name.default() == "Power forecast 2"
    # A fraction of a day or an hour was cut off (a retrain every 2.5 hours ran every 2).
    result = await async_configure_subentry(
        hass,
        result["flow_id"],
        {CONF_NAME: "Meter", CONF_POWER_ENTITY: "sensor.none", "training_days": 20.5},
    )
    assert result["errors"]["training_days"] == "not_whole_number"
    # Out of range, in words by the field: 14 days was "Value 14.0 is too small" above it.
    for days, hours in ((14, 0), (366, 169)):
        result = await async_configure_subentry(
            hass,
            result["flow_id"],
            {
                CONF_NAME: "Meter",
                CONF_POWER_ENTITY: "sensor.none",
                "training_days": days,
                "retrain_hours": hours,
            },
        )
        assert result["errors"]["training_days"] == "training_days_out_of_range"
        assert result["errors"]["retrain_hours"] == "retrain_hours_out_of_range"
