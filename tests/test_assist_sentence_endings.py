"""Each day or part of the day a sentence trigger ends with reaches its intent as its slots.

One trigger's sentences end in an alternation of phrases ("… tonight", "… on friday", "… tomorrow
at {time}"), not one trigger per phrase; the phrase heard is read back from the sentence. Said
with capitals and a question mark, each must be answered as the intent answers its slots.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent

from custom_components.py_iot_home.assist.sentences import SENTENCES
from custom_components.py_iot_home.const import DOMAIN

from .assist_sentences import said
from .imported_statistics import imported
from .outdoor_weather import FORECAST_WEATHER, async_forecast_with_weather
from .test_assist_power import _forecast_heard_at
from .test_predictor import ENOUGH_DAYS, NOW, _hourly_statistics

# A sentence of each trigger whose sentences end in a phrase; "{}" is the phrase.
POWER_ASKED = {
    "power_forecast_day": "How much POWER will we use {}?",
    "power_over": "What will the electricity use be {}?",
    "power_peak_when": "When is the peak power {}?",
    "power_at_day": "What will the power be {} at 7 PM?",
}
OUTDOOR_ASKED = {
    "outdoor_temperature_low_part": "How cold will it get outside {}?",
    "outdoor_temperature_high_part": "How WARM will it be {}!",
    "outdoor_temperature_range_part": "What will the temperature be outside, {}?",
    "outdoor_humidity_part": "How humid will it be {}?",
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


async def _answered_as_slots(hass: HomeAssistant, asked: Mapping[str, str]) -> dict[str, int]:
    """Ask each phrase of each trigger in `asked`; each trigger's number of different answers."""
    assert {trigger_id for trigger_id, said in SENTENCES.items() if said.endings} >= set(asked)
    different: dict[str, int] = {}
    for trigger_id, sentence in asked.items():
        answers: set[str] = set()
        sentences = SENTENCES[trigger_id]
        for phrase, slots in sentences.endings.items():
            text = sentence.format(phrase.title())
            wildcards = {"time": "7 PM"} if sentences.endings_before else {}
            response = await intent.async_handle(
                hass,
                DOMAIN,
                sentences.intent_type,
                {
                    name: {"value": value}
                    for name, value in {**wildcards, **sentences.slots, **slots}.items()
                },
                text_input=text,
                language="en",
                assistant=conversation.DOMAIN,
            )
            expected = response.speech["plain"]["speech"]
            assert await said(hass, text) == expected, text
            answers.add(expected)
        different[trigger_id] = len(answers)
    return different


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_each_day_and_part_of_the_power_questions(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Today, tomorrow, each weekday, each part of the day, said last or before "at 7 pm"."""
    await _forecast_heard_at(hass, freezer, NOW)
    # Told apart: days and parts gone by, or past what the forecast sees, share an answer; a
    # weekday's part of the day is named by it ("Friday evening"), each of the 28 its own.
    assert await _answered_as_slots(hass, POWER_ASKED) == {
        "power_forecast_day": 7,
        "power_over": 8 + 28,
        "power_peak_when": 15 + 28,
        "power_at_day": 7,
    }


# The template weather's forecast re-renders on a timer that outlives the test.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_each_part_of_the_outdoor_questions(
    recorder_mock: Recorder, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """How cold, how warm, what the temperature and how humid it will be outside over each
    part of the day, each day and each weekday's part."""
    freezer.move_to(NOW)
    await async_forecast_with_weather(hass, FORECAST_WEATHER)
    # The parts (tomorrow evening and night past what the weather sees, each said so), today
    # and tomorrow, and the 28 parts of the weekdays, each named by its weekday.
    assert set((await _answered_as_slots(hass, OUTDOOR_ASKED)).values()) == {8 + 2 + 28}
