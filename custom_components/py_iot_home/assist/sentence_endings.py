"""Which of a trigger's closing phrases a heard sentence ends with: "… tonight", "… on friday".

A sentence trigger hands its action the words of its wildcards, not which alternative
matched. One trigger per day or part of the day (155 triggers, 29 for the power peak alone)
had Home Assistant parse 71 KiB of templates on the event loop at each start and again before
the first question: about 190 ms here, against 60 ms with one trigger per question whose
sentences end in an alternation of the phrases (bench/assist_sentences.py). This reads back
the phrase that was said. No Home Assistant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def words_heard(text: str) -> str:
    """The text as the sentence matcher compares it: case-folded, punctuation as spaces."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def alternation(phrases: Iterable[str]) -> str:
    """The phrases as one alternative of a sentence template: "(today|tomorrow)"."""
    return f"({'|'.join(phrases)})"


def ending_said(sentence: str, phrases: Iterable[str], *, before: str = "") -> str | None:
    """The longest of the phrases the sentence ends with, or None.

    "Tomorrow in the morning" is found before "in the morning". With `before` (the words of
    the wildcard that ends the sentence), the phrase said before them and the one word that
    joins them: "tomorrow" of "… tomorrow at 7 pm".
    """
    heard = words_heard(sentence)
    if after := words_heard(before):
        if not heard.endswith(f" {after}"):
            return None
        heard = heard.removesuffix(f" {after}").rpartition(" ")[0]
    for phrase in sorted(phrases, key=len, reverse=True):
        said = words_heard(phrase)
        if heard == said or heard.endswith(f" {said}"):
            return phrase
    return None


def slots_of_ending(
    sentence: str, endings: Mapping[str, Mapping[str, str]], *, before: str = ""
) -> dict[str, str]:
    """The slots of the phrase the sentence ends with; none when it ends with none of them."""
    phrase = ending_said(sentence, endings, before=before)
    return {} if phrase is None else dict(endings[phrase])
