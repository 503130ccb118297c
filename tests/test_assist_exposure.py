"""Assist speaks a value only from an entity exposed to it, as Home Assistant's own intents do.

A user who un-exposed a sensor still heard its value from our answers. Out of the box Home
Assistant exposes temperature and humidity sensors, not power sensors nor sensors without a
device class (our trend sensors): these tests start from those defaults, not from
`start_assist`'s "everything exposed". The power answers' side is in test_assist_power.py
(it needs the recorder).
"""

from __future__ import annotations

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from .assist_sentences import NOT_EXPOSED, expose, said, start_default_agent
from .fakes import FakeHardware
from .test_assist import (
    HUMIDITY_TREND,
    TEMPERATURE,
    TEMPERATURE_TREND,
    _add_board_in_the_living_room,
    _node_in_no_area,
)
from .trend_samples import three_days_warming

HUMIDITY_SENSOR = "sensor.living_room_living_room_humidity"


@pytest.fixture
async def living_room(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """A board in the living room, and the default agent as a new install has it."""
    ar.async_get(hass).async_get_or_create("Living room")
    _add_board_in_the_living_room(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await start_default_agent(hass)


@pytest.mark.usefixtures("living_room")
async def test_the_humidity_of_an_area_is_spoken_only_while_its_sensor_is_exposed(
    hass: HomeAssistant,
) -> None:
    humidity = hass.states.get(HUMIDITY_SENSOR)
    assert await said(hass, "what is the humidity in the living room") == (
        f"The humidity in the Living room is {humidity.state}\u00a0percent."
    )
    expose(hass, HUMIDITY_SENSOR, False)
    answer = await said(hass, "how humid is the living room")
    assert answer == f"{humidity.name}{NOT_EXPOSED}"
    assert humidity.state not in answer


@pytest.mark.usefixtures("living_room")
async def test_a_trend_is_spoken_while_its_sensor_or_the_one_it_follows_is_exposed(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The trend sensor (no device class) is not exposed by default, its temperature sensor
    is: a new install answers "is it getting warmer" from the temperature sensor's switch."""
    await three_days_warming(hass, mock_config_entry)
    slope = float(hass.states.get(TEMPERATURE_TREND).state)
    warmer = f"the Living room is getting warmer: {slope:+.1f}\u00a0°C a day over the last 3 days."
    assert not async_should_expose(hass, conversation.DOMAIN, TEMPERATURE_TREND)
    assert async_should_expose(hass, conversation.DOMAIN, TEMPERATURE)
    assert await said(hass, "is the temperature rising in the living room") == f"Yes, {warmer}"
    assert await said(hass, "is it getting warmer") == (
        f"Yes, the Living room is getting warmer ({slope:+.1f}\u00a0°C a day)."
    )

    expose(hass, TEMPERATURE, False)
    temperature_name = hass.states.get(TEMPERATURE).name
    assert await said(hass, "is the living room getting warmer") == (
        f"{temperature_name}{NOT_EXPOSED}"
    )
    assert await said(hass, "is it getting warmer") == (
        "No room's temperature is exposed to Assist: expose a temperature sensor under "
        "Settings, Voice assistants, Expose."
    )
    # The humidity's trend follows its own sensor, still exposed.
    assert (await said(hass, "is the living room getting drier")).startswith("No, the Living room")
    assert async_should_expose(hass, conversation.DOMAIN, HUMIDITY_TREND) is False

    # A trend sensor the user exposes is answered, as Home Assistant would read its state.
    expose(hass, TEMPERATURE_TREND, True)
    assert await said(hass, "is the living room getting warmer") == f"Yes, {warmer}"


# The MQTT client's housekeeping timer outlives the test, as in every node test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_a_node_reading_is_spoken_only_while_its_sensor_is_exposed(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A node in no area answers by its name (our sentences); un-exposed, it says so."""
    await _node_in_no_area(hass)
    assert await said(hass, "what's the temperature of the Kitchen Pi?") == (
        "Kitchen Pi reads 22.5\u00a0°C."
    )
    assert await said(hass, "what's the humidity of the Kitchen Pi?") == (
        "Kitchen Pi reads 41.0\u00a0percent."
    )
    # Its trend follows its temperature sensor's switch, as a board's does.
    assert (await said(hass, "is the Kitchen Pi getting warmer")).startswith(
        "Not enough data yet to tell whether Kitchen Pi is getting warmer or colder"
    )
    for entity_id in hass.states.async_entity_ids("sensor"):
        expose(hass, entity_id, False)
    temperature = await said(hass, "what's the temperature of the Kitchen Pi?")
    assert temperature.endswith(NOT_EXPOSED)
    assert "22.5" not in temperature
    humidity = await said(hass, "what's the humidity of the Kitchen Pi?")
    assert humidity.endswith(NOT_EXPOSED)
    assert "41" not in humidity
    assert (await said(hass, "is the Kitchen Pi getting warmer")).endswith(NOT_EXPOSED)
