"""Whether a name typed in a flow may name a device: the rule announced names follow."""

from __future__ import annotations

from collections.abc import Iterable

from .protocol import ProtocolError, reads_alike
from .protocol.fields import name as checked_name

# Longer than an announced name (64): an LED's default name is its board's and " LED 2".
MAX_NAME_LENGTH = 100


def invalid_name(name: str) -> bool:
    """A name that is blank, too long, or holds what `protocol.fields.name` refuses.

    It becomes a device's and its entities' names, in lists, logs and Assist: a newline or
    a terminal escape, a right-to-left override, "Hall\u200bsensor" beside "Hallsensor",
    "Kitchen" with a Cyrillic i beside "Kitchen", an image in Assist's Markdown, or ten
    thousand characters, are not names.
    """
    try:
        checked_name(name, "name", MAX_NAME_LENGTH)
    except ProtocolError:
        return True
    return False


def name_taken(name: str, existing: Iterable[str]) -> bool:
    """Whether `name` repeats one of `existing`, as a person would read them.

    Case, spaces and compatibility forms aside: "Kitchen" in full-width or mathematical bold
    letters reads as "Kitchen", and so do Cyrillic or Greek letters that look like it. Two
    devices of one name cannot be told apart in lists, history or by Assist: the forms propose
    a name not taken, and refuse one typed over it.
    """
    return any(reads_alike(name, other) for other in existing)


def unused_name(base: str, existing: Iterable[str]) -> str:
    """`base`, or "`base` 2", "`base` 3"... : the first that `name_taken` lets through."""
    existing = list(existing)
    if not name_taken(base, existing):
        return base
    number = 2
    while name_taken(f"{base} {number}", existing):
        number += 1
    return f"{base} {number}"
