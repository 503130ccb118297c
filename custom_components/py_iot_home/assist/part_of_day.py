"""Words for a part of the day ("in the evening", "tonight", "tomorrow morning"): no Home Assistant.

What a clock hour said with them is: its half of the clock, its day, its night's hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

type Day = Literal["today", "tomorrow"]
type Half = Literal["am", "pm", "night"]


@dataclass(frozen=True)
class PartOfDay:
    """A part of the day: the half of the clock it takes, and the day it pins, if it names one.

    "night" is the evening and the small hours after midnight: "9 tonight" is 9 PM, "1 tonight"
    1 AM.
    """

    half: Half
    day: Day | None


PARTS_OF_DAY = {
    "in the morning": PartOfDay("am", None),
    "in the afternoon": PartOfDay("pm", None),
    "in the evening": PartOfDay("pm", None),
    "at night": PartOfDay("night", None),
    "this morning": PartOfDay("am", "today"),
    "this afternoon": PartOfDay("pm", "today"),
    "this evening": PartOfDay("pm", "today"),
    "tonight": PartOfDay("night", "today"),
    "tomorrow morning": PartOfDay("am", "tomorrow"),
    "tomorrow afternoon": PartOfDay("pm", "tomorrow"),
    "tomorrow evening": PartOfDay("pm", "tomorrow"),
    "tomorrow night": PartOfDay("night", "tomorrow"),
}
# The night's hours: its small hours up to 5 AM, its evening from 5 PM.
_SMALL_HOURS_END = 6
_EVENING_START = 17


@dataclass(frozen=True, kw_only=True)
class HourOfNight:
    """A clock hour said of the night (0-23), and whether it falls after the night's midnight."""

    hour: int
    after_midnight: bool


def without_part_of_day(words: str) -> tuple[str, PartOfDay | None]:
    """The words without a part of the day said after them, or before them ("tonight at 9")."""
    for phrase, part in PARTS_OF_DAY.items():
        if words.endswith(f" {phrase}"):
            return words.removesuffix(f" {phrase}"), part
        if words.startswith(f"{phrase} at "):
            return words.removeprefix(f"{phrase} at "), part
    return words, None


def hour_of_night(hour: int, said_half: str, *, twenty_four: bool) -> HourOfNight | None:
    """A clock hour said of the night: in its evening, or in its small hours after midnight.

    None when the night has no such hour ("9 am tonight", "3 pm tonight"). Without am/pm an
    hour under 5 is the small hours' ("1 tonight"), any other the evening's ("9 tonight").
    """
    if twenty_four:
        of_day = hour
    elif not 1 <= hour <= 12 or (said_half == "pm" and hour == 12):
        return None
    elif said_half == "am" or (not said_half and hour % 12 < 5):
        of_day = hour % 12
    else:
        of_day = hour % 12 + 12
    if _SMALL_HOURS_END <= of_day < _EVENING_START:
        return None
    return HourOfNight(hour=of_day, after_midnight=of_day < _SMALL_HOURS_END)
