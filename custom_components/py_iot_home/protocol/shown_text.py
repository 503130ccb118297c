"""Rules for announced and typed text beyond visibility: no markup, and one script a word."""

from __future__ import annotations

import unicodedata
from typing import Final

from .model import visible_text

# Home Assistant renders Assist's answers (and Markdown cards) as Markdown with HTML: an image
# (`![](…)`), a link with chosen words (`[…](…)`, `[…][ref]`), a tag (`<img src=…>`) or an
# autolink (`<https://…>`) each needs one of these, and a name holding one would make the
# browser load, or offer, a stranger's address. Escaping the answers instead would be read
# aloud by text-to-speech. Other Markdown punctuation only formats text a user still reads.
MARKUP_CHARACTERS: Final = frozenset("<>[]")
# Scripts whose letters look alike (a Cyrillic or a Latin "a", a Greek or a Latin "o"): browsers
# refuse a domain name label that mixes them, and so does a word of a name here.
LOOKALIKE_SCRIPTS: Final = ("LATIN", "CYRILLIC", "GREEK")
# Greek letters written as symbols in technical names ("ΔT", "µC", "Ω meter") that no Latin
# letter looks like: they belong to no script beside Latin ones. (NFKC makes µ a Greek mu.)
# Beside Cyrillic ones they are Greek: Γ, Π and Φ are Cyrillic Г, П and Ф to the eye.
SYMBOL_LETTERS: Final = frozenset("ΓΔΘΛΞΠΣΦΨΩδθλμξπσςφψ")
_SYMBOL: Final = "Greek symbol"


def markup_character(text: str) -> str | None:
    """The first character of `text` that Markdown or HTML would turn into markup, if any."""
    return next((character for character in text if character in MARKUP_CHARACTERS), None)


def _lookalike_script(character: str) -> str | None:
    if character in SYMBOL_LETTERS:
        return _SYMBOL
    # Python has no script property; Unicode names every such letter after its script.
    script = unicodedata.name(character, "").partition(" ")[0]
    return script.title() if script in LOOKALIKE_SCRIPTS else None


def mixed_scripts(text: str) -> tuple[str, str] | None:
    """Two look-alike scripts one word of `text` mixes ("Kitchen" with a Cyrillic i), if any.

    A word is a run of letters and marks, read in compatibility form (a mathematical bold K
    is Latin). A Russian word beside "Pi" mixes scripts across words: it reads as it is.
    """
    scripts: list[str] = []
    for character in unicodedata.normalize("NFKC", text):
        if not (character.isalpha() or unicodedata.category(character).startswith("M")):
            scripts.clear()
        elif (script := _lookalike_script(character)) is not None and script not in scripts:
            scripts.append(script)
            named = list(
                dict.fromkeys(
                    "Greek" if one == _SYMBOL else one
                    for one in scripts
                    if one != _SYMBOL or "Cyrillic" in scripts
                )
            )
            if len(named) > 1:
                return named[0], named[1]
    return None


def readable_text(text: str) -> str:
    """`text` without the characters today's rules refuse in any announced text.

    For text stored before a rule was tightened: it is read again under today's rules.
    """
    visible = visible_text(text)
    return "".join(character for character in visible if character not in MARKUP_CHARACTERS)
