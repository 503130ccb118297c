"""JSON decoding and field validation shared by the parsers; each failure a ProtocolError."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from .model import (
    MAX_SEQ,
    MAX_TEXT_LENGTH,
    PROTOCOL_VERSION,
    UNSTORABLE_TEXT_RE,
    ProtocolError,
    RejectionKind,
    has_visible_character,
    invisible_character,
)
from .shown_text import markup_character, mixed_scripts
from .topics import validate_key


def decode(payload: bytes | bytearray | str, limit: int) -> object:
    """Parse JSON of at most `limit` bytes: no duplicate names, no NaN or Infinity.

    A number too large for a float (`1e999`) is refused here too: it would decode to inf,
    which no field accepts and which canonical JSON (signatures) cannot represent.
    """
    raw = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload
    if len(raw) > limit:
        raise ProtocolError(RejectionKind.OVERSIZED, f"{len(raw)} bytes > {limit}")
    try:
        return json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_unique_object,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
        )
    except (ValueError, RecursionError) as err:
        # UnicodeDecodeError and JSONDecodeError are ValueErrors; deep nesting recurses.
        raise ProtocolError(RejectionKind.MALFORMED_JSON, str(err)[:120]) from err


def _unique_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member name")
    return result


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"{literal[:20]} is beyond the range of a float")
    return value


def as_object(value: object, what: str) -> dict[str, object]:
    """Return `value` if it is a JSON object."""
    if not isinstance(value, dict):
        raise ProtocolError(RejectionKind.WRONG_TYPE, f"{what} must be an object")
    return value


def required(message: Mapping[str, object], name: str) -> object:
    """Return a member that must be present."""
    if name not in message:
        raise ProtocolError(RejectionKind.MISSING_FIELD, f"{name!r} is missing")
    return message[name]


def check_version(message: Mapping[str, object]) -> None:
    """Refuse any protocol version but this one."""
    version = required(message, "v")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProtocolError(RejectionKind.WRONG_TYPE, "v must be an integer")
    if version != PROTOCOL_VERSION:
        # Shown only while short: JSON allows an integer of 4,300 digits, a 4 kB log line.
        shown = str(version) if -(10**6) < version < 10**6 else "out of range"
        raise ProtocolError(RejectionKind.UNKNOWN_VERSION, f"protocol version {shown}")


def text(value: object, what: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    """Return a non-empty, storable string of at most `max_length` characters."""
    if not isinstance(value, str):
        raise ProtocolError(RejectionKind.WRONG_TYPE, f"{what} must be a string")
    if not 0 < len(value) <= max_length:
        raise ProtocolError(RejectionKind.OUT_OF_RANGE, f"{what} must be 1-{max_length} chars")
    if (bad := UNSTORABLE_TEXT_RE.search(value)) is not None:
        # A lone surrogate cannot be written as UTF-8: Home Assistant's storage would fail.
        raise ProtocolError(RejectionKind.INVALID_TEXT, f"{what} contains U+{ord(bad.group()):04X}")
    if (hidden := invisible_character(value)) is not None:
        # Two names that read the same would be two devices a user cannot tell apart.
        raise ProtocolError(
            RejectionKind.INVALID_TEXT, f"{what} contains invisible U+{ord(hidden):04X}"
        )
    if not has_visible_character(value):
        # A blank name would become a blank device name and config entry title.
        raise ProtocolError(RejectionKind.INVALID_TEXT, f"{what} has no visible character")
    if (markup := markup_character(value)) is not None:
        # Shown in Assist's Markdown, "![](https://…)" would load a stranger's image.
        raise ProtocolError(RejectionKind.INVALID_TEXT, f"{what} contains markup {markup!r}")
    return value


def name(value: object, what: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    """Return `text` that names something: no word of it mixes look-alike scripts."""
    checked = text(value, what, max_length)
    if (scripts := mixed_scripts(checked)) is not None:
        # "K\u0456tchen Pi" (a Cyrillic i) would read as "Kitchen Pi", another device's name.
        raise ProtocolError(
            RejectionKind.INVALID_TEXT, f"{what} mixes {' and '.join(scripts)} letters in a word"
        )
    return checked


def finite_number(value: object) -> float | None:
    """A JSON number that is finite, as a float; None for anything else (bools too).

    For stored files and other integrations' data, which are dropped rather than rejected.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        converted = float(value)
    except OverflowError:  # an integer of hundreds of digits
        return None
    return converted if math.isfinite(converted) else None


def number(value: object, what: str, low: float, high: float) -> float:
    """Return a finite number within [low, high] as a float."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ProtocolError(RejectionKind.WRONG_TYPE, f"{what} must be a number")
    # Compare before converting: float() of a 400-digit JSON integer raises OverflowError.
    if isinstance(value, int) and not low <= value <= high:
        raise ProtocolError(RejectionKind.OUT_OF_RANGE, f"{what} outside [{low}, {high}]")
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise ProtocolError(RejectionKind.OUT_OF_RANGE, f"{what} outside [{low}, {high}]")
    # -0.0 would show as "-0.0 °C"; adding 0.0 turns it into 0.0 and leaves the rest alone.
    return number + 0.0


def seq_number(value: object, what: str = "seq") -> int:
    """Return a counter: an integer in [0, 2**63-1]."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProtocolError(RejectionKind.WRONG_TYPE, f"{what} must be an integer")
    if not 0 <= value <= MAX_SEQ:
        raise ProtocolError(RejectionKind.OUT_OF_RANGE, f"{what} outside [0, 2**63-1]")
    return value


def items(value: object, what: str, limit: int) -> list[object]:
    """Return a list of at most `limit` items."""
    if not isinstance(value, list):
        raise ProtocolError(RejectionKind.WRONG_TYPE, f"{what} must be a list")
    if len(value) > limit:
        raise ProtocolError(RejectionKind.TOO_MANY_ITEMS, f"more than {limit} {what}")
    return value


def members(value: object, what: str, limit: int) -> dict[str, object]:
    """Return an object of at most `limit` members whose names are valid keys."""
    members = as_object(value, what)
    if len(members) > limit:
        raise ProtocolError(RejectionKind.TOO_MANY_ITEMS, f"more than {limit} {what}")
    for key in members:
        validate_key(key)
    return members
