"""Asking Home Assistant's default conversation agent, as Assist does."""

from __future__ import annotations

from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant


async def ask(hass: HomeAssistant, text: str) -> conversation.ConversationResult:
    """The default agent's result for `text`, in English."""
    return await conversation.async_converse(
        hass, text, None, Context(), language="en", agent_id=conversation.HOME_ASSISTANT_AGENT
    )


def speech(result: conversation.ConversationResult) -> str:
    """What Assist says."""
    said: str = result.response.speech["plain"]["speech"]
    return said
