"""Assist: what a trend question asks ("is the kitchen getting warmer"), from its words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    """Which way a question, or a trend, goes."""

    UP = "up"
    DOWN = "down"
    STEADY = "steady"


@dataclass(frozen=True, kw_only=True)
class TrendQuestion:
    """A quantity and the direction asked about, as in "is the kitchen getting warmer".

    No direction for "what is the temperature trend in the kitchen".
    """

    quantity: str
    asked: Direction | None


_QUESTION_WORDS: dict[str, TrendQuestion] = {
    **dict.fromkeys(
        ("warmer", "hotter", "warm", "hot"),
        TrendQuestion(quantity="temperature", asked=Direction.UP),
    ),
    **dict.fromkeys(
        ("colder", "cooler", "cold", "cool"),
        TrendQuestion(quantity="temperature", asked=Direction.DOWN),
    ),
    **dict.fromkeys(
        ("more humid", "humid", "damper", "wetter", "muggier"),
        TrendQuestion(quantity="humidity", asked=Direction.UP),
    ),
    **dict.fromkeys(
        ("drier", "dryer", "dry", "less humid"),
        TrendQuestion(quantity="humidity", asked=Direction.DOWN),
    ),
    "temperature": TrendQuestion(quantity="temperature", asked=None),
    "humidity": TrendQuestion(quantity="humidity", asked=None),
}


def parse_trend_question(words: str) -> TrendQuestion | None:
    """The question behind "warmer", "more humid"...; None for words it does not know."""
    return _QUESTION_WORDS.get(" ".join(words.casefold().split()))


def split_it_getting(area: str, words: str) -> tuple[str, str]:
    """The area and words meant when "is it getting warmer in the kitchen" matched as "it".

    That sentence also fits "is {area} getting {direction}", with the area "it". Anything
    else is returned as it came.
    """
    # No direction word holds " in "; an area's name may ("Living in room").
    before, separator, after = words.partition(" in ")
    if area.casefold() == "it" and separator and parse_trend_question(before):
        return after.strip(), before
    return area, words
