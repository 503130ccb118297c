"""Whether a name typed in a flow may name a device: the rule announced names follow."""

from __future__ import annotations

from .protocol import ProtocolError
from .protocol.fields import text

# Longer than an announced name (64): an LED's default name is its board's and " LED 2".
MAX_NAME_LENGTH = 100


def invalid_name(name: str) -> bool:
    """A name that is blank, too long, or holds control, bidi or invisible characters.

    It becomes a device's and its entities' names, in lists, logs and Assist: a newline or
    a terminal escape, a right-to-left override, "Hall\u200bsensor" beside "Hallsensor",
    or ten thousand characters, are not names.
    """
    try:
        text(name, "name", MAX_NAME_LENGTH)
    except ProtocolError:
        return True
    return False
