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
# The scripts a word of Latin letters may hold besides (Chinese, Japanese and Korean names take
# Latin letters in, "温度計Pi"), as browsers allow in a label. Beside any other, a Latin,
# Cyrillic or Greek letter is refused too: a Lisu K (U+A4D7), a Cherokee one (U+13E6), an
# Armenian h and o (U+0570, U+0585) read as Latin ones; Python has no confusables table.
CJK_SCRIPTS: Final = frozenset(
    ("CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC")
)
# Letters of no script, as the first word of their Unicode name shows: Ukrainian's apostrophe
# (a modifier letter) inside a Cyrillic word, Japanese's vertical repeat marks.
_NO_SCRIPT: Final = frozenset(("MODIFIER", "CARON", "VERTICAL", "TURNED", "ROMAN"))
# Greek letters written as symbols in technical names ("ΔT", "µC", "Ω meter") that no Latin
# letter looks like: they belong to no script beside Latin ones. (NFKC makes µ a Greek mu.)
# Beside Cyrillic ones they are Greek: Γ, Π and Φ are Cyrillic Г, П and Ф to the eye.
SYMBOL_LETTERS: Final = frozenset("ΓΔΘΛΞΠΣΦΨΩδθλμξπσςφψ")
_SYMBOL: Final = "Greek symbol"


def markup_character(text: str) -> str | None:
    """The first character of `text` that Markdown or HTML would turn into markup, if any."""
    return next((character for character in text if character in MARKUP_CHARACTERS), None)


def _script(character: str) -> str | None:
    """A letter's script, as its Unicode name begins (Python has no script property)."""
    if character in SYMBOL_LETTERS:
        return _SYMBOL
    if not character.isalpha():
        return None  # a mark joins the word, of whatever script
    script = unicodedata.name(character, "").partition(" ")[0]
    return None if script in _NO_SCRIPT else script


def _may_mix(one: str, other: str) -> bool:
    """Whether two scripts may share a word (neither a symbol letter)."""
    if one not in LOOKALIKE_SCRIPTS and other not in LOOKALIKE_SCRIPTS:
        return True
    return {one, other} - {"LATIN"} <= CJK_SCRIPTS


def mixed_scripts(text: str) -> tuple[str, str] | None:
    """Two scripts one word of `text` mixes that a name may not ("Kitchen" with a Cyrillic i).

    A word is a run of letters and marks, read in compatibility form (a mathematical bold K
    is Latin). A Russian word beside "Pi" mixes scripts across words: it reads as it is.
    """
    scripts: list[str] = []
    for character in unicodedata.normalize("NFKC", text):
        if not (character.isalpha() or unicodedata.category(character).startswith("M")):
            scripts.clear()
        elif (script := _script(character)) is not None and script not in scripts:
            scripts.append(script)
            named = list(
                dict.fromkeys(
                    "GREEK" if one == _SYMBOL else one
                    for one in scripts
                    if one != _SYMBOL or "CYRILLIC" in scripts
                )
            )
            for index, one in enumerate(named):
                for other in named[index + 1 :]:
                    if not _may_mix(one, other):
                        return one.title(), other.title()
    return None


def readable_text(text: str) -> str:
    """`text` without the characters today's rules refuse in any announced text.

    For text stored before a rule was tightened: it is read again under today's rules.
    """
    visible = visible_text(text)
    return "".join(character for character in visible if character not in MARKUP_CHARACTERS)
