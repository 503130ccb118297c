"""The phrase a heard sentence ends with, read back for its trigger: no Home Assistant."""

from __future__ import annotations

import pytest

from custom_components.py_iot_home.assist.sentence_endings import (
    alternation,
    ending_said,
    slots_of_ending,
)

PARTS = ("in the morning", "tomorrow in the morning", "tonight", "on friday")


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("what will the power be in the morning", "in the morning"),
        # The longer phrase the sentence ends with, not the one inside it.
        ("what will the power be tomorrow in the morning", "tomorrow in the morning"),
        # As the matcher hears it: any case, punctuation as spaces.
        ("When is the peak power TONIGHT?", "tonight"),
        ("when is the peak power,  on Friday!", "on friday"),
        ("tonight", "tonight"),
        # A word that only ends with a phrase's letters is not it.
        ("what will the power be fortonight", None),
        ("what will the power be tonight please", None),
    ],
)
def test_the_phrase_said_last(sentence: str, phrase: str | None) -> None:
    """The longest phrase the words end with, whole words only."""
    assert ending_said(sentence, PARTS) == phrase


@pytest.mark.parametrize(
    ("sentence", "wildcard", "phrase"),
    [
        (
            "What will the power be tomorrow in the morning at 7 PM?",
            "7 PM",
            "tomorrow in the morning",
        ),
        ("what is the power forecast tonight for 9:30", "9:30", "tonight"),
        # The wildcard's words must end the sentence; the phrase must come before the joining word.
        ("what will the power be tonight at 7", "8", None),
        ("what will the power be at 7", "7", None),
    ],
)
def test_the_phrase_said_before_a_wildcard(
    sentence: str, wildcard: str, phrase: str | None
) -> None:
    """Before the words of the wildcard that ends the sentence and the word joining them."""
    assert ending_said(sentence, PARTS, before=wildcard) == phrase


def test_the_slots_of_the_phrase_and_the_template() -> None:
    """The phrase's slots, a copy; none when the sentence ends with none of the phrases."""
    endings = {"tonight": {"part": "tonight"}, "on friday": {"day": "friday"}}
    slots = slots_of_ending("When is the peak power on Friday?", endings)
    assert slots == {"day": "friday"}
    slots["day"] = "saturday"
    assert endings["on friday"] == {"day": "friday"}
    assert slots_of_ending("when is the peak power", endings) == {}
    assert alternation(endings) == "(tonight|on friday)"
