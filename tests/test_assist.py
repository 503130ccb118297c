"""Assist: the default conversation agent controls LEDs and answers with sensor values."""

from __future__ import annotations

import pytest
from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .fakes import FakeHardware


@pytest.fixture
async def assist(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """A board set up in the living room (the flow's area field), and the default agent."""
    ar.async_get(hass).async_get_or_create("Living room")
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, "area": "Living room"}
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    await hass.async_block_till_done()
    for entity_id in hass.states.async_entity_ids():
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)


async def _ask(hass: HomeAssistant, text: str) -> conversation.ConversationResult:
    return await conversation.async_converse(
        hass, text, None, Context(), language="en", agent_id=conversation.HOME_ASSISTANT_AGENT
    )


@pytest.mark.usefixtures("assist")
async def test_turn_on_the_desk_led(hass: HomeAssistant, fake_hardware: FakeHardware) -> None:
    result = await _ask(hass, "turn on the desk LED")
    assert result.response.response_type.value == "action_done", result.response.speech
    await hass.async_block_till_done()
    assert hass.states.get("switch.living_room_desk_led").state == "on"
    assert fake_hardware.rpi_gpio.levels[17] == 1


@pytest.mark.usefixtures("assist")
async def test_temperature_in_the_living_room(hass: HomeAssistant) -> None:
    result = await _ask(hass, "what is the temperature in the living room")
    speech = result.response.speech["plain"]["speech"]
    assert result.response.response_type.value == "query_answer", speech
    assert "21" in speech


async def test_area_sensor_chosen_by_the_user_is_kept(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    areas = ar.async_get(hass)
    area = areas.async_get_or_create("Living room")
    hass.states.async_set(
        "sensor.thermostat", "20", {"device_class": "temperature", "unit_of_measurement": "°C"}
    )
    areas.async_update(area.id, temperature_entity_id="sensor.thermostat")
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, "area": "Living room"}
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    area = areas.async_get_area(area.id)
    assert area.temperature_entity_id == "sensor.thermostat"
    assert area.humidity_entity_id == "sensor.living_room_living_room_humidity"
