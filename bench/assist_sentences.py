"""Assist's sentence triggers: what attaching them and Home Assistant's first match cost the loop.

Our sentences are attached to Home Assistant's default agent as conversation triggers at each
start. Home Assistant's trigger validation parses every template then, and the agent parses
them all again (a rebuild) before the first sentence it hears afterwards: both on the event
loop. Side by side in one Home Assistant, alternating: one trigger per day or part of the day
(how they were attached before: the same templates with each phrase in place of the
alternation, as `sentences.py` lists them), and one trigger per question whose sentences end
in the phrases, read back by `sentence_endings.py` (how they are attached now).

    script/run python bench/assist_sentences.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The tests' harness, first: it prepares the test plugin's imports.
from tests.script_hass import async_setup_http, script_home_assistant  # isort: skip
from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers.script import ScriptRunResult
from homeassistant.setup import async_setup_component

from custom_components.py_iot_home.assist.sentence_triggers import (
    AssistSentences,
    async_attach_sentences,
)
from custom_components.py_iot_home.assist.sentences import SENTENCES

ASKED = "when is the peak power tonight"


def per_phrase(sentences: Mapping[str, AssistSentences]) -> dict[str, list[str]]:
    """One trigger per phrase of each trigger with endings: the templates with that phrase."""
    commands: dict[str, list[str]] = {}
    for trigger_id, said in sentences.items():
        if not said.endings:
            commands[trigger_id] = list(said.sentences)
            continue
        phrases = said.endings_said
        assert all(phrases in sentence for sentence in said.sentences), trigger_id
        for phrase in said.endings:
            commands[f"{trigger_id}:{phrase}"] = [
                sentence.replace(phrases, phrase) for sentence in said.sentences
            ]
    return commands


def per_question(sentences: Mapping[str, AssistSentences]) -> dict[str, list[str]]:
    """The triggers as attached: one per question."""
    return {trigger_id: list(said.sentences) for trigger_id, said in sentences.items()}


LAYOUTS = {
    "one trigger per day or part of the day": per_phrase(SENTENCES),
    "one trigger per question (now)": per_question(SENTENCES),
}


async def _answer(run_variables: dict[str, Any], context: Context | None = None) -> Any:
    return ScriptRunResult(conversation_response="heard", service_response=None, variables={})


async def _once(hass: HomeAssistant, commands: Mapping[str, list[str]]) -> tuple[float, float]:
    """Attaching the triggers, and Home Assistant's first match after it less its second (ms)."""
    start = time.perf_counter()
    remove = await async_attach_sentences(hass, commands, _answer)
    attach_ms = (time.perf_counter() - start) * 1000
    matches = []
    for _ in range(2):
        start = time.perf_counter()
        result = await conversation.async_converse(
            hass, ASKED, None, Context(), language="en", agent_id=conversation.HOME_ASSISTANT_AGENT
        )
        matches.append((time.perf_counter() - start) * 1000)
        assert result.response.speech["plain"]["speech"] == "heard"
    assert remove is not None
    remove()
    return attach_ms, matches[0] - matches[1]


async def run(hass: HomeAssistant, rounds: int) -> dict[str, Any]:
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})
    await hass.async_block_till_done()
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in LAYOUTS}
    for _ in range(rounds):
        for name, commands in LAYOUTS.items():
            timings[name].append(await _once(hass, commands))
    layouts = {}
    for name, commands in LAYOUTS.items():
        templates = [sentence for sentences in commands.values() for sentence in sentences]
        layouts[name] = {
            "triggers": len(commands),
            "templates": len(templates),
            "template_kib": sum(len(sentence) for sentence in templates) / 1024,
            "attach_ms": statistics.median(attach for attach, _ in timings[name]),
            "rebuild_ms": statistics.median(rebuild for _, rebuild in timings[name]),
        }
    before, now = layouts.values()
    return {
        "rounds": rounds,
        "layouts": layouts,
        "loop_ms_ratio": (now["attach_ms"] + now["rebuild_ms"])
        / (before["attach_ms"] + before["rebuild_ms"]),
    }


def report(figures: dict[str, Any]) -> None:
    print(
        "Assist's sentence triggers: attaching them (Home Assistant's validation) and the "
        f"default agent's rebuild before its first match, event-loop ms, median of "
        f"{figures['rounds']} rounds\n"
    )
    print(f"{'layout':40} {'triggers':>8} {'templates':>9} {'KiB':>6} {'attach':>8} {'rebuild':>8}")
    for name, layout in figures["layouts"].items():
        print(
            f"{name:40} {layout['triggers']:8d} {layout['templates']:9d} "
            f"{layout['template_kib']:6.1f} {layout['attach_ms']:8.1f} {layout['rebuild_ms']:8.1f}"
        )
    print(
        f"\nloop time at each start and before the first question: "
        f"{figures['loop_ms_ratio']:.2f} of what one trigger per phrase cost"
    )


def _rounded(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    return round(value, 3) if isinstance(value, float) else value


async def main(rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as config_dir:
        async with script_home_assistant(config_dir) as hass:
            # Conversation needs http, which took 8123 from a running stack (or failed on it).
            await async_setup_http(hass)
            return await run(hass, rounds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    results = asyncio.run(main(parser.parse_args().rounds))
    report(results)
    print(json.dumps(_rounded(results)))
