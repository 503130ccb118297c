"""Asking Home Assistant's default conversation agent, as Assist does."""

from __future__ import annotations

from datetime import datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant import config_entries
from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_fire_time_changed


async def ask(
    hass: HomeAssistant, text: str, device_id: str | None = None, context: Context | None = None
) -> conversation.ConversationResult:
    """The default agent's result for `text`, in English; heard by a device (satellite), said
    in `context` (a user's, as the frontend's Assist dialog sends it)."""
    return await conversation.async_converse(
        hass,
        text,
        None,
        context or Context(),
        language="en",
        agent_id=conversation.HOME_ASSISTANT_AGENT,
        device_id=device_id,
    )


def speech(result: conversation.ConversationResult) -> str:
    """What Assist says."""
    said: str = result.response.speech["plain"]["speech"]
    return said


async def start_assist(hass: HomeAssistant) -> None:
    """Assist as a user has it: the default agent, every entity exposed to it."""
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})
    await hass.async_block_till_done()
    for entity_id in hass.states.async_entity_ids():
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)


async def said(hass: HomeAssistant, text: str, device_id: str | None = None) -> str:
    """What Assist says to `text` (heard by the device `device_id`, a satellite)."""
    return speech(await ask(hass, text, device_id))


def clock(moment: datetime) -> str:
    """A time of day as a person says it, which Assist's answers must: "7:00 PM", and
    midnight and noon in words."""
    words = {(0, 0): "midnight", (12, 0): "noon"}
    return words.get((moment.hour, moment.minute), f"{moment:%-I:%M %p}")


NOT_EXPOSED = " is not exposed to Assist: expose it under Settings, Voice assistants, Expose."


async def start_default_agent(hass: HomeAssistant) -> None:
    """The default agent with Home Assistant's exposure defaults: nothing exposed by hand."""
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})
    await hass.async_block_till_done()


def expose(hass: HomeAssistant, entity_id: str, exposed: bool) -> None:
    """As the Expose page's switch does."""
    async_expose_entity(hass, conversation.DOMAIN, entity_id, exposed)


async def disable_by_user(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, *entity_ids: str
) -> None:
    """Disable entities as a user does on their page, and let their entries reload."""
    registry = er.async_get(hass)
    for entity_id in entity_ids:
        registry.async_update_entity(entity_id, disabled_by=er.RegistryEntryDisabler.USER)
    # Home Assistant reloads the entry a while after an entity is disabled.
    freezer.tick(timedelta(seconds=config_entries.RELOAD_AFTER_UPDATE_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    for entity_id in entity_ids:
        assert hass.states.get(entity_id) is None
