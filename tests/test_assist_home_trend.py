"""Assist: "is it getting warmer?", asked of no room, answers for each room with a trend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .assist_sentences import disable_by_user, expose, said, start_assist
from .fakes import FakeHardware
from .home_entry import board_subentry, feature, home_entry
from .trend_samples import three_days_warming

BEDROOM_SUBENTRY_ID = "01JBOARD0000000000000BEDROOM"
LIVING_ROOM_TREND = "sensor.living_room_living_room_temperature_trend"
BEDROOM_TREND = "sensor.bedroom_bedroom_temperature_trend"
BEDROOM_TEMPERATURE = "sensor.bedroom_bedroom_temperature"
ENABLE_ON = "under Settings, Devices & services, Devices."


@pytest.fixture
def mock_config_entry(board_data: dict[str, Any]) -> MockConfigEntry:
    """Two boards: the living room's, and a bedroom's on GPIO5 without LEDs."""
    bedroom = {**board_data, "board_id": "board0002", "dht_pin": 5, "leds": [], "area": "Bedroom"}
    return home_entry(
        board_subentry({**board_data, "area": "Living room"}),
        board_subentry(bedroom, title="Bedroom", subentry_id=BEDROOM_SUBENTRY_ID),
    )


@pytest.fixture
async def two_rooms(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    for name in ("Living room", "Bedroom"):
        ar.async_get(hass).async_get_or_create(name)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await start_assist(hass)


async def _bedroom_cooling(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Three days at 20 °C falling a degree a day."""
    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - 3 * 86400, now_s, 900.0)
    trend = feature(entry, BEDROOM_SUBENTRY_ID).trend
    trend.add_samples("temperature", times, 20.0 - (times - times[0]) / 86400)
    trend.add_samples("humidity", times, np.full(len(times), 50.0))
    await trend.async_refresh()
    await hass.async_block_till_done()


@pytest.mark.usefixtures("two_rooms")
async def test_is_it_getting_warmer_at_home(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """It said "I do not know an area called it"; before any trend, when to ask again, as
    a room's own answer says (both boards started together)."""
    room = await said(hass, "is it getting warmer in the living room")
    assert "; ask again after " in room
    assert await said(hass, "is it getting warmer?") == (
        "Not enough data yet to tell whether any room is getting warmer or colder; "
        + room.split("; ", 1)[1]
    )

    await three_days_warming(hass, mock_config_entry)
    warming = float(hass.states.get(LIVING_ROOM_TREND).state)
    assert 1.5 < warming < 2.5
    # Only the living room has a trend yet: the bedroom is left out.
    for sentence in ("is it getting warmer?", "Is it warming up", "is the temperature rising?"):
        assert await said(hass, sentence) == (
            f"Yes, the Living room is getting warmer ({warming:+.1f}\u00a0°C a day)."
        ), sentence
    assert await said(hass, "is it getting colder") == (
        f"No, the Living room is getting warmer ({warming:+.1f}\u00a0°C a day)."
    )

    await _bedroom_cooling(hass, mock_config_entry)
    cooling = float(hass.states.get(BEDROOM_TREND).state)
    assert -1.5 < cooling < -0.5
    both = (
        f"the Bedroom is getting colder ({cooling:+.1f}\u00a0°C a day); "
        f"the Living room is getting warmer ({warming:+.1f}\u00a0°C a day)."
    )
    # The rooms go different ways: no yes or no, each room in a few words.
    assert await said(hass, "is it getting warmer") == both[0].upper() + both[1:]
    assert await said(hass, "is the house getting drier?") == (
        "No, the Bedroom is holding steady (+0.00\u00a0percent a day); "
        "the Living room is holding steady (+0.00\u00a0percent a day)."
    )


@pytest.mark.usefixtures("two_rooms")
async def test_a_room_called_home_is_that_room(hass: HomeAssistant) -> None:
    ar.async_get(hass).async_get_or_create("House")
    assert await said(hass, "is the house getting warmer") == "The House has no temperature trend."


@pytest.mark.usefixtures("two_rooms")
async def test_two_devices_sharing_a_first_word_are_asked_which(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Two devices in no area, Garage Pi and Garage Shed: "the garage" answered the first
    found, whichever that was."""
    devices = dr.async_get(hass)
    shed, pi = (
        device
        for device in dr.async_entries_for_config_entry(devices, mock_config_entry.entry_id)
        if "DHT" in (device.model or "")
    )
    for board, name in ((shed, "Garage Shed"), (pi, "Garage Pi")):
        devices.async_update_device(board.id, name_by_user=name, area_id=None)
    await hass.async_block_till_done(wait_background_tasks=True)
    which = "2 devices are called garage: Garage Pi and Garage Shed. Ask by the whole name."
    for sentence in (
        "what is the temperature in the garage",
        "what is the humidity in the garage",
        "is the garage getting warmer",
    ):
        assert await said(hass, sentence) == which, sentence
    assert (await said(hass, "what is the temperature of the garage shed")).startswith(
        "Garage Shed reads "
    )
    # One of them in an area: the other alone answers to its first word again.
    bedroom = ar.async_get(hass).async_get_area_by_name("Bedroom")
    assert bedroom is not None
    devices.async_update_device(shed.id, area_id=bedroom.id)
    await hass.async_block_till_done(wait_background_tasks=True)
    for sentence in ("what is the temperature in the garage", "what is the humidity in the garage"):
        assert (await said(hass, sentence)).startswith("Garage Pi reads "), sentence


@pytest.mark.usefixtures("two_rooms")
async def test_an_area_is_asked_about_by_its_alias(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    areas = ar.async_get(hass)
    living_room = areas.async_get_area_by_name("Living room")
    assert living_room is not None
    areas.async_update(living_room.id, aliases={"Lounge"})
    await three_days_warming(hass, mock_config_entry)
    warming = float(hass.states.get(LIVING_ROOM_TREND).state)
    assert await said(hass, "is the lounge getting warmer") == (
        f"Yes, the Living room is getting warmer: {warming:+.1f}\u00a0°C a day over the last "
        "3 days."
    )
    assert (await said(hass, "how humid is it in the lounge")).startswith(
        "The humidity in the Living room is "
    )


@pytest.mark.usefixtures("two_rooms")
async def test_a_rooms_disabled_trend_is_named_with_where_to_enable_it(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """With its trend sensor disabled, a room "has no temperature trend" and the home had
    "No room has a temperature trend.": it has one, only disabled."""
    await disable_by_user(hass, freezer, BEDROOM_TREND)
    disabled = (
        "The temperature trend of the Bedroom, Bedroom Temperature trend, is disabled, so I "
        f"cannot tell whether the Bedroom is getting warmer: enable it on the Bedroom device's "
        f"page, {ENABLE_ON}"
    )
    assert await said(hass, "is the bedroom getting warmer") == disabled
    assert await said(hass, "is it getting warmer in the bedroom?") == disabled
    assert await said(hass, "what is the temperature trend in the bedroom") == disabled.replace(
        "is getting warmer", "is getting warmer or colder"
    )
    # Its humidity's trend, still enabled, answers as before (no slope yet).
    assert (await said(hass, "is the bedroom getting drier")).startswith(
        "Not enough data yet to tell whether the Bedroom is getting more humid or drier; "
    )
    # The home answers from the rooms with an enabled trend, as before.
    await three_days_warming(hass, mock_config_entry)
    warming = float(hass.states.get(LIVING_ROOM_TREND).state)
    assert await said(hass, "is it getting warmer") == (
        f"Yes, the Living room is getting warmer ({warming:+.1f}\u00a0°C a day)."
    )

    await disable_by_user(hass, freezer, LIVING_ROOM_TREND)
    assert await said(hass, "is it getting colder?") == (
        "The temperature trends of the Bedroom (Bedroom Temperature trend) and the Living "
        "room (Living room Temperature trend) are disabled, so I cannot tell whether any room "
        f"is getting colder: enable them on the Bedroom and Living room devices' pages, {ENABLE_ON}"
    )
    # Assist speaks only of what is exposed: the bedroom's temperature and trend no more.
    for entity_id in (BEDROOM_TEMPERATURE, BEDROOM_TREND):
        expose(hass, entity_id, False)
    assert await said(hass, "is the house getting warmer") == (
        "The temperature trend of the Living room, Living room Temperature trend, is disabled, "
        "so I cannot tell whether any room is getting warmer: enable it on the Living room "
        f"device's page, {ENABLE_ON}"
    )
    assert await said(hass, "is the bedroom getting warmer") == (
        "Bedroom Temperature is not exposed to Assist: expose it under Settings, Voice "
        "assistants, Expose."
    )


@pytest.mark.usefixtures("two_rooms")
async def test_a_device_in_no_room_names_its_disabled_trend(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    devices = dr.async_get(hass)
    bedroom = next(
        device
        for device in dr.async_entries_for_config_entry(devices, mock_config_entry.entry_id)
        if device.name == "Bedroom"
    )
    devices.async_update_device(bedroom.id, name_by_user="Garage Pi", area_id=None)
    await disable_by_user(hass, freezer, BEDROOM_TREND)
    assert await said(hass, "is the garage getting colder") == (
        "The temperature trend of Garage Pi, Garage Pi Temperature trend, is disabled, so I "
        f"cannot tell whether Garage Pi is getting colder: enable it on the Garage Pi device's "
        f"page, {ENABLE_ON}"
    )


@pytest.mark.usefixtures("two_rooms")
async def test_a_room_with_an_enabled_and_a_disabled_trend_answers_from_the_enabled_one(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The bedroom's board moved into the living room, whose own board's trend (beside the
    room's own sensor, so first) is disabled."""
    devices = dr.async_get(hass)
    living_room = ar.async_get(hass).async_get_area_by_name("Living room")
    assert living_room is not None
    bedroom = next(
        device
        for device in dr.async_entries_for_config_entry(devices, mock_config_entry.entry_id)
        if device.name == "Bedroom"
    )
    devices.async_update_device(bedroom.id, area_id=living_room.id)
    await disable_by_user(hass, freezer, LIVING_ROOM_TREND)
    await _bedroom_cooling(hass, mock_config_entry)
    cooling = float(hass.states.get(BEDROOM_TREND).state)
    assert -1.5 < cooling < -0.5
    assert await said(hass, "is the living room getting warmer") == (
        f"No, the Living room is getting colder: {cooling:+.1f}\u00a0°C a day over the last 3 days."
    )
    assert await said(hass, "is it getting warmer") == (
        f"No, the Living room is getting colder ({cooling:+.1f}\u00a0°C a day)."
    )
