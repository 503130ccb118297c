"""Sentences attached to the default agent as conversation triggers, each answered by an intent.

Home Assistant 2026.10 lets an integration add sentences to the default agent the way an
automation's conversation trigger does: each match calls the intent and its speech is the
answer. English sentences only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.helpers.script import ScriptRunResult
from homeassistant.helpers.trigger import async_initialize_triggers, async_validate_trigger_config

from ..const import DOMAIN
from .exposure import ASSISTANT
from .sentence_endings import alternation, slots_of_ending
from .spoken import sentence_start
from .trigger_log import log_sentence_triggers


@dataclass(frozen=True, kw_only=True)
class AssistSentences:
    """Sentences that call one intent; `slots` adds what the sentence itself says.

    Sentences that end in one of `endings`' phrases ("… tonight", "… on friday"), or say it
    before the wildcard `endings_before` names ("… tomorrow at {time}"), add that phrase's
    slots too: one trigger for all of them, not one per phrase. `endings_grouped`: how the
    sentences say the phrases when groups say them shorter than listing them ("[on]
    (monday|…) (morning|…)" for 56 phrases); else their alternation.
    """

    intent_type: str
    sentences: tuple[str, ...]
    slots: Mapping[str, str] = field(default_factory=dict)
    endings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    endings_before: str = ""
    endings_grouped: str = ""

    @property
    def endings_said(self) -> str:
        """The endings as the sentences' templates say them."""
        return self.endings_grouped or alternation(self.endings)

    def slots_said(self, sentence: str, wildcards: Mapping[str, Any]) -> dict[str, Any]:
        """The heard sentence's slots: its wildcards', `slots`, and its ending's."""
        before = str(wildcards.get(self.endings_before, "")) if self.endings_before else ""
        return {
            **wildcards,
            **self.slots,
            **slots_of_ending(sentence, self.endings, before=before),
        }


async def async_answer_with_intent(
    hass: HomeAssistant,
    intent_type: str,
    slots: Mapping[str, Any],
    trigger: Mapping[str, Any],
    context: Context | None,
) -> ScriptRunResult:
    """Handle the intent with these slots; its speech is the conversation's answer."""
    if context is None:
        # The conversation trigger passes none: what the answer switches is then logged as
        # the speaker's doing ("By <user>"), as with Home Assistant's own intents.
        context = spoken_context(trigger)
    response = await intent.async_handle(
        hass,
        DOMAIN,
        intent_type,
        {name: {"value": value} for name, value in slots.items()},
        text_input=trigger["sentence"],
        context=context,
        language=trigger["user_input"].get("language"),
        # The satellite that heard it: its area is where "the LED" said in no area is.
        device_id=trigger.get("device_id"),
        satellite_id=trigger.get("satellite_id"),
        # As the default agent's own intents: only what is exposed to it may be spoken.
        assistant=ASSISTANT,
    )
    # An answer may begin with a name its user wrote in lower case ("meter reads 310 W now").
    speech = sentence_start(str(response.speech["plain"]["speech"]))
    return ScriptRunResult(conversation_response=speech, service_response=None, variables={})


def spoken_context(trigger: Mapping[str, Any]) -> Context | None:
    """The context the sentence was said in (the conversation's, with its user), if given."""
    said = (trigger.get("user_input") or {}).get("context")
    if not isinstance(said, Mapping) or not isinstance(said.get("id"), str):
        return None
    return Context(user_id=said.get("user_id"), parent_id=said.get("parent_id"), id=said["id"])


async def async_attach_sentences(
    hass: HomeAssistant,
    commands: Mapping[str, list[str]],
    answer: Callable[[dict[str, Any], Context | None], Any],
) -> CALLBACK_TYPE | None:
    """Attach one conversation trigger per id with its sentences; `answer` runs on a match."""
    triggers = await async_validate_trigger_config(
        hass,
        [
            {"platform": "conversation", "id": trigger_id, "command": sentences}
            for trigger_id, sentences in commands.items()
        ],
    )
    return await async_initialize_triggers(
        hass, triggers, answer, DOMAIN, "Assist", log_sentence_triggers
    )


class FollowedSentences:
    """Sentences that follow the home: attached again only when what `commands_now` says changes.

    Attaching the same sentences again made Home Assistant parse all of Assist's trigger
    sentences before the next question, and most registry changes are other entities'.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        commands_now: Callable[[], dict[str, list[str]]],
        answer: Callable[[dict[str, Any], Context | None], Any],
    ) -> None:
        """Follow `commands_now` (trigger id: sentences); `answer` runs on a match."""
        self._hass = hass
        self._commands_now = commands_now
        self._answer = answer
        self._remove: CALLBACK_TYPE | None = None
        self._attaching = asyncio.Lock()
        self.attached: dict[str, list[str]] = {}

    async def async_attach(self) -> None:
        """Attach the sentences as they are now, if they changed."""
        async with self._attaching:
            commands = self._commands_now()
            if commands == self.attached:
                return
            if self._remove is not None:
                self._remove()
                self._remove = None
            self.attached = commands
            if commands:
                self._remove = await async_attach_sentences(self._hass, commands, self._answer)
