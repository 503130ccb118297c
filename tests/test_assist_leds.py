"""Assist: "turn on the LED in the kitchen" switches the LEDs of a board or node by area."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_fire_mqtt_message,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.py_iot_home.const import DOMAIN
from custom_components.py_iot_home.protocol import SwitchInfo, TopicKind, parse_command

from .assist_sentences import ask, said, speech, start_assist
from .fakes import FakeHardware
from .home_entry import BOARD_SUBENTRY_ID
from .node_messages import NODE_ID, announcement, discover_and_confirm, state_payload

DESK_LED = "switch.kitchen_desk_led"
SHELF_LED = "switch.kitchen_shelf_led"


async def _board_in_the_kitchen(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """The board set up with "Kitchen" in its area field, and Assist."""
    ar.async_get(hass).async_get_or_create("Kitchen")
    entry.add_to_hass(hass)
    board = entry.subentries[BOARD_SUBENTRY_ID]
    hass.config_entries.async_update_subentry(entry, board, data={**board.data, "area": "Kitchen"})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await start_assist(hass)


async def test_turn_on_the_led_in_the_kitchen(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """It said "Sorry, I am not aware of any device called LED in the kitchen area"."""
    await _board_in_the_kitchen(hass, mock_config_entry)
    assert await said(hass, "turn on the LED in the kitchen") == (
        "Turned on the Desk LED in the Kitchen."
    )
    assert hass.states.get(DESK_LED).state == "on"
    assert fake_hardware.rpi_gpio.levels[17] == 1
    assert await said(hass, "Switch the LED in the Kitchen off.") == (
        "Turned off the Desk LED in the Kitchen."
    )
    assert hass.states.get(DESK_LED).state == "off"
    assert fake_hardware.rpi_gpio.levels[17] == 0
    assert await said(hass, "turn on the LED in the cellar") == (
        "I do not know an area called cellar."
    )


async def test_an_led_switched_by_assist_is_logged_as_the_speakers_doing(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_admin_user: MockUser,
) -> None:
    """The Activity row of an LED our sentence switched read "Via Switch", where Home
    Assistant's own "turn off the desk LED" reads "By <user>" (helper-138's walk)."""
    await _board_in_the_kitchen(hass, mock_config_entry)
    for sentence in ("turn on the LED in the kitchen", "turn off the desk LED"):
        spoken = Context(user_id=hass_admin_user.id)
        result = await ask(hass, sentence, context=spoken)
        assert result.response.response_type == intent.IntentResponseType.ACTION_DONE, sentence
        switched = hass.states.get(DESK_LED).context
        assert (switched.id, switched.user_id) == (spoken.id, hass_admin_user.id), sentence


async def test_turn_on_the_led_in_no_area(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """The home's only LED: "turn on the LED" said Home Assistant knew no device called LED."""
    await _board_in_the_kitchen(hass, mock_config_entry)
    assert await said(hass, "turn on the LED") == "Turned on the Desk LED in the Kitchen."
    assert hass.states.get(DESK_LED).state == "on"
    assert fake_hardware.rpi_gpio.levels[17] == 1
    assert await said(hass, "switch the LEDs off") == "Turned off the Desk LED in the Kitchen."
    assert fake_hardware.rpi_gpio.levels[17] == 0


async def test_a_light_called_led_is_home_assistants_where_no_led_is_ours(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """Our sentence must not take "turn on the LED" from a user's own device called LED."""
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"led": {"name": "LED"}}}
    )
    await _board_in_the_kitchen(hass, mock_config_entry)
    async_expose_entity(hass, conversation.DOMAIN, DESK_LED, False)
    result = await ask(hass, "turn on the LED")
    assert result.response.response_type.value == "action_done", speech(result)
    assert hass.states.get("input_boolean.led").state == "on"
    assert hass.states.get(DESK_LED).state == "off"


async def test_an_led_assist_may_not_switch_is_left_alone(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    await _board_in_the_kitchen(hass, mock_config_entry)
    async_expose_entity(hass, conversation.DOMAIN, DESK_LED, False)
    # It says where to expose it (the walk heard only "has no LED that Assist may switch").
    assert await said(hass, "turn on the LED in the kitchen") == (
        "Desk LED is not exposed to Assist: expose it under Settings, Voice assistants, Expose."
    )
    assert hass.states.get(DESK_LED).state == "off"


async def test_a_light_is_not_taken_for_an_led(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
) -> None:
    """Only "LED" and "LEDs" are ours: "the light in the kitchen" stays Home Assistant's."""
    await _board_in_the_kitchen(hass, mock_config_entry)
    answer = await said(hass, "turn on the light in the kitchen")
    assert "LED" not in answer
    assert hass.states.get(DESK_LED).state == "off"


class TestAKitchenWithTwoLeds:
    """A board with a second LED, on GPIO27."""

    @pytest.fixture
    def board_data(self, board_data: dict[str, Any]) -> dict[str, Any]:
        """The board with a second LED, on GPIO27."""
        shelf = {**board_data["leds"][0], "led_id": "led00002", "name": "Shelf LED", "pin": 27}
        return {**board_data, "leds": [*board_data["leds"], shelf]}

    async def test_the_led_asks_which_and_the_leds_are_all(
        self, hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
    ) -> None:
        await _board_in_the_kitchen(hass, mock_config_entry)
        assert await said(hass, "turn on the LED in the kitchen") == (
            'The Kitchen has 2 LEDs: Desk LED and Shelf LED. Say which one, or "turn on the LEDs '
            'in the Kitchen" for all of them.'
        )
        assert {hass.states.get(led).state for led in (DESK_LED, SHELF_LED)} == {"off"}
        assert await said(hass, "turn on the LEDs in the kitchen") == (
            "Turned on 2 LEDs in the Kitchen: Desk LED and Shelf LED."
        )
        assert {hass.states.get(led).state for led in (DESK_LED, SHELF_LED)} == {"on"}
        assert (fake_hardware.rpi_gpio.levels[17], fake_hardware.rpi_gpio.levels[27]) == (1, 1)
        # An LED named in the sentence is Home Assistant's own intent's, as before.
        result = await ask(hass, "turn off the shelf LED in the kitchen")
        assert result.response.response_type.value == "action_done", speech(result)
        assert "Kitchen" not in speech(result)
        assert (hass.states.get(DESK_LED).state, hass.states.get(SHELF_LED).state) == ("on", "off")

    async def test_the_led_in_no_area_is_the_satellites_areas(
        self, hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
    ) -> None:
        """Said to a satellite, "the LED" is the one in its area; else Assist asks which."""
        await _board_in_the_kitchen(hass, mock_config_entry)
        office = ar.async_get(hass).async_get_or_create("Office")
        hall = ar.async_get(hass).async_get_or_create("Hall")
        devices = dr.async_get(hass)
        shelf = er.async_get(hass).async_get(SHELF_LED)
        assert shelf is not None
        assert shelf.device_id is not None
        devices.async_update_device(shelf.device_id, area_id=office.id)  # the LED's own device
        satellite_entry = MockConfigEntry(domain="esphome")
        satellite_entry.add_to_hass(hass)
        satellite = devices.async_get_or_create(
            config_entry_id=satellite_entry.entry_id, identifiers={("esphome", "voice")}
        )
        devices.async_update_device(satellite.id, area_id=office.id)
        assert await said(hass, "turn on the LED", satellite.id) == (
            "Turned on the Shelf LED in the Office."
        )
        assert (hass.states.get(DESK_LED).state, hass.states.get(SHELF_LED).state) == ("off", "on")
        # Heard in an area without an LED, or by no satellite: the home's two, by area.
        devices.async_update_device(satellite.id, area_id=hall.id)
        for device_id in (satellite.id, None):
            assert await said(hass, "turn off the LED", device_id) == (
                "There are 2 LEDs: Desk LED in the Kitchen and Shelf LED in the Office. Say "
                'which one, or "turn off all the LEDs".'
            )
        assert hass.states.get(SHELF_LED).state == "on"
        assert await said(hass, "turn on all the LEDs") == (
            "Turned on 2 LEDs: Desk LED in the Kitchen and Shelf LED in the Office."
        )
        assert (fake_hardware.rpi_gpio.levels[17], fake_hardware.rpi_gpio.levels[27]) == (1, 1)

    async def test_an_led_in_no_area_is_said_to_be_in_none(
        self, hass: HomeAssistant, mock_config_entry: MockConfigEntry, fake_hardware: FakeHardware
    ) -> None:
        """Listed with others, an LED in no area says so: "Garage Pi LED and Kitchen Pi LED in
        the Kitchen" read as if both were in the Kitchen."""
        await _board_in_the_kitchen(hass, mock_config_entry)
        office = ar.async_get(hass).async_get_or_create("Office")
        devices = dr.async_get(hass)
        for led, area_id in ((DESK_LED, None), (SHELF_LED, office.id)):
            entity = er.async_get(hass).async_get(led)
            assert entity is not None
            assert entity.device_id is not None
            devices.async_update_device(entity.device_id, area_id=area_id)
        assert await said(hass, "turn on the LED") == (
            "There are 2 LEDs: Desk LED in no area and Shelf LED in the Office. Say which one, "
            'or "turn on all the LEDs".'
        )
        assert await said(hass, "turn on all the LEDs") == (
            "Turned on 2 LEDs: Desk LED in no area and Shelf LED in the Office."
        )
        assert (fake_hardware.rpi_gpio.levels[17], fake_hardware.rpi_gpio.levels[27]) == (1, 1)
        # Alone, it needs no place to be told apart.
        async_expose_entity(hass, conversation.DOMAIN, SHELF_LED, False)
        assert await said(hass, "turn off the LED") == "Turned off the Desk LED."


@pytest.mark.parametrize("expected_lingering_timers", [True])  # the MQTT client's own timer
async def test_a_nodes_relay_is_not_taken_for_an_led(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """A node's outputs may be relays: "the LED" switched the Kitchen Pi's fan."""
    node = await discover_and_confirm(
        hass, announcement(switches=(SwitchInfo(key="relay", name="Fan"),))
    )
    async_fire_mqtt_message(hass, node.topic(TopicKind.STATE), state_payload(1))
    await hass.async_block_till_done(wait_background_tasks=True)
    kitchen = ar.async_get(hass).async_get_or_create("Kitchen")
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"node_{NODE_ID}"), node.config_entry.entry_id
    )
    dr.async_get(hass).async_update_device(device.id, area_id=kitchen.id)
    await start_assist(hass)
    fan = "switch.kitchen_pi_fan"
    async_expose_entity(hass, conversation.DOMAIN, fan, True)
    mqtt_mock.async_publish.reset_mock()
    for sentence in ("turn on the LED in the kitchen", "turn on the LEDs in the kitchen"):
        assert await said(hass, sentence) == "The Kitchen has no LED that Assist may switch."
    assert await said(hass, "turn on the LED") == "I know no LED that Assist may switch."
    assert not [
        call for call in mqtt_mock.async_publish.call_args_list if "/switch/" in call.args[0]
    ]
    assert hass.states.get(fan).state != "on"


@pytest.mark.parametrize("expected_lingering_timers", [True])  # the MQTT client's own timer
async def test_a_node_in_no_area_switches_its_led_for_the_place_it_is_named_after(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient
) -> None:
    """Kitchen Pi, in no area: "what is the temperature in the kitchen" was answered from it,
    but "turn on the LED in the kitchen" said to give it an area first."""
    node = await discover_and_confirm(hass)
    async_fire_mqtt_message(hass, node.topic(TopicKind.STATE), state_payload(1, led=False))
    await hass.async_block_till_done(wait_background_tasks=True)
    await start_assist(hass)
    led = "switch.kitchen_pi_desk_led"

    seqs = itertools.count(2)

    async def node_confirms(topic: str, payload: bytes, *args: object, **kwargs: object) -> None:
        on = parse_command(topic, payload).on
        async_fire_mqtt_message(
            hass, node.topic(TopicKind.STATE), state_payload(next(seqs), led=on)
        )

    mqtt_mock.async_publish.side_effect = node_confirms
    assert await said(hass, "turn on the LED in the kitchen") == (
        "Turned on the Kitchen Pi Desk LED."
    )
    assert hass.states.get(led).state == "on"
    # Un-exposed, it says where to expose it (a walk heard "Garage Pi has no LED that
    # Assist may switch." of the Garage Pi's LED), and leaves it as it is.
    async_expose_entity(hass, conversation.DOMAIN, led, False)
    assert await said(hass, "turn off the LED in the kitchen") == (
        "Kitchen Pi Desk LED is not exposed to Assist: "
        "expose it under Settings, Voice assistants, Expose."
    )
    assert hass.states.get(led).state == "on"
    async_expose_entity(hass, conversation.DOMAIN, led, True)
    # An area of that name without an LED of ours leaves it to the node, as the readings do.
    ar.async_get(hass).async_get_or_create("Kitchen")
    assert await said(hass, "turn off the LEDs in the kitchen") == (
        "Turned off the Kitchen Pi Desk LED."
    )
    assert hass.states.get(led).state == "off"
    async_expose_entity(hass, conversation.DOMAIN, led, False)
    assert await said(hass, "turn on the LED in the kitchen") == (
        "The Kitchen has no LED that Assist may switch."
    )
