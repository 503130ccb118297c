"""Protocol constants, rejection kinds and the message dataclasses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

PROTOCOL_VERSION: Final = 1
DEFAULT_PREFIX: Final = "py_iot_home"
MAX_PAYLOAD_BYTES: Final = 16 * 1024
MAX_REPLAY_PAYLOAD_BYTES: Final = 256 * 1024
MAX_REPLAY_MESSAGES: Final = 200
MAX_SENSORS: Final = 16
MAX_SWITCHES: Final = 16
MAX_TEXT_LENGTH: Final = 64
MAX_SEQ: Final = 2**63 - 1
# Half of MAX_SEQ: a counter started from the time in milliseconds reaches it in 146 million
# years, so a stored counter above it is a hand edit, and its successors would pass MAX_SEQ.
MAX_STORED_SEQ: Final = MAX_SEQ // 2
MAX_INTERVAL_S: Final = 86_400
MAX_COMMAND_AGE_S: Final = 60.0
# How far above its floor a verifier remembers each admitted counter (one bit each, 8 KiB):
# more than a node buffers by default (50,000 samples), so no outage it can fill is forgotten.
ADMIT_SPAN: Final = 1 << 16
# Sample times before 2000 or after 2100 are clock faults, not data.
MIN_TS: Final = 946_684_800.0
MAX_TS: Final = 4_102_444_800.0
# How far a sample's `ts` may lie ahead of the receiver's clock (two NTP-synced clocks and a
# slow sensor read); beyond it the node's clock is wrong and the sample is refused.
MAX_CLOCK_SKEW_S: Final = 60.0
TEMPERATURE_RANGE: Final = (-100.0, 150.0)
HUMIDITY_RANGE: Final = (0.0, 100.0)
# Watts: a house connection stays far below 1 MW; negative would be a feed-in meter.
POWER_RANGE: Final = (0.0, 1_000_000.0)

PAYLOAD_ONLINE: Final = "online"
PAYLOAD_OFFLINE: Final = "offline"
PAYLOAD_ON: Final = "ON"
PAYLOAD_OFF: Final = "OFF"

NODE_ID_RE: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
KEY_RE: Final = NODE_ID_RE
PREFIX_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64}){0,3}")
# Characters no announced text may hold: C0/C1 controls, line and paragraph separators,
# bidirectional overrides and isolates (they reorder what a user reads), lone surrogates.
UNSTORABLE_TEXT_RE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)


# Characters that show nothing anywhere, so "Kitchen\u200bPi" would read as "KitchenPi" while
# being another name: every format character (Unicode category Cf: zero-width space, soft
# hyphen, word joiner, invisible operators, ...), and letters or marks that draw nothing
# (combining grapheme joiner, Hangul fillers, the braille blank).
BLANK_CHARACTERS: Final = frozenset("\u034f\u115f\u1160\u2800\u3164\uffa0")
# Zero-width (non-)joiners, tag characters (flag sequences) and variation selectors are needed
# after other characters (emoji sequences, Persian and Indic words), never after ASCII or at
# the start, except the keycap sequence "#\ufe0f\u20e3".
_JOINERS: Final = frozenset("\u200c\u200d")
_KEYCAP_BASES: Final = frozenset("#*0123456789")


def _is_variation_selector(character: str) -> bool:
    return (
        "\ufe00" <= character <= "\ufe0f"
        or "\U000e0100" <= character <= "\U000e01ef"
        or "\u180b" <= character <= "\u180d"
        or character == "\u180f"
    )


def _is_ignorable(character: str) -> bool:
    """Default-ignorable beyond the format characters: drawn as nothing where it stands."""
    return (
        character in "\u17b4\u17b5"  # Khmer inherent vowels (Mn)
        or "\ufff0" <= character <= "\ufff8"  # not assigned yet
        or "\U000e0080" <= character <= "\U000e0fff"  # the same, beside the tags
    )


def invisible_character(text: str) -> str | None:
    """The first character of `text` that shows nothing where it stands, if any."""
    for index, character in enumerate(text):
        after_ascii = index == 0 or text[index - 1] < "\x80"
        if character in _JOINERS or "\U000e0000" <= character <= "\U000e007f":
            if after_ascii:
                return character
        elif _is_variation_selector(character):
            keycap = (
                character == "\ufe0f"
                and index > 0
                and text[index - 1] in _KEYCAP_BASES
                and text[index + 1 : index + 2] == "\u20e3"
            )
            if after_ascii and not keycap:
                return character
        elif (
            character in BLANK_CHARACTERS
            or unicodedata.category(character) == "Cf"
            or _is_ignorable(character)
        ):
            return character
    return None


def visible_text(text: str) -> str:
    """`text` without the characters `invisible_character` and the storage refuse.

    For text stored before a rule was tightened: it is read again under today's rules.
    """
    text = UNSTORABLE_TEXT_RE.sub("", text)
    while (hidden := invisible_character(text)) is not None:
        text = text.replace(hidden, "")
    return text


def has_visible_character(text: str) -> bool:
    """Whether `text` shows anything: not only spaces or invisible (format) characters."""
    # isprintable() is False for separators but the ASCII space, and for Cc/Cf/Cs/Co/Cn.
    return any(
        character.isprintable() and not character.isspace() and character not in BLANK_CHARACTERS
        for character in text
    )


# Cyrillic and Greek letters (and Latin ones) that read as another Latin letter: a word of
# them alone passes the one-script rule, and reads as "Pi" or "KITCHEN". Accents come apart
# first (NFKD), so a Cyrillic e with a diaeresis reads as a Latin one. Python has no
# confusables table.
_READ_AS_LATIN: Final = str.maketrans(
    # Cyrillic capitals A B E K M H O P C T X Y S I J Q W Y I, small a e o p c x y s i j d h
    # q w l, izhitsa V v (each as it reads in Latin letters, below)
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0423"
    "\u0405\u0406\u0408\u051a\u051c\u04ae\u04c0\u0430\u0435\u043e\u0440\u0441"
    "\u0445\u0443\u0455\u0456\u0458\u0501\u04bb\u051b\u051d\u04cf\u0474\u0475"
    # Greek capitals A B E Z H I K M N O P T Y X C J, small o i c j v k p u x a
    "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4"
    "\u03a5\u03a7\u03f9\u037f\u03bf\u03b9\u03f2\u03f3\u03bd\u03ba\u03c1\u03c5"
    "\u03c7\u03b1"
    # Latin dotless i, iota, alpha and script g
    "\u0131\u0269\u0251\u0261",
    "ABEKMHOPCTXYSIJQWYIaeopcxysijdhqwlVvABEZHIKMNOPTYXCJoicjvkpuxaiiag",
)


def name_as_read(name: str) -> str:
    """A name as a person reads it: case, runs of spaces and compatibility forms aside.

    "Kitchen" in full-width or mathematical bold letters (NFKC) reads as "kitchen".
    """
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


# A dot above on a small i or j: fonts draw it as the letter's own dot ("Pi" + U+0307 and
# a dotless i with it read as "Pi"). A capital I with one stays apart (Turkish İ).
_DOT_ON_DOTTED: Final = re.compile("(?<=[ij])\u0307+")


def _name_as_seen(name: str) -> str:
    """`name_as_read` of the name with its look-alike letters read as Latin ones.

    Before casefolding: a Cyrillic capital Ve reads as B, its small letter as nothing Latin.
    """
    # Before NFKD too: it makes the lunate sigmas (which read as c) plain sigmas.
    latin = unicodedata.normalize("NFKD", name.translate(_READ_AS_LATIN))
    return name_as_read(_DOT_ON_DOTTED.sub("", latin.translate(_READ_AS_LATIN)))


def reads_alike(one: str, other: str) -> bool:
    """Whether two names read the same, as read or as seen.

    As read: case, spaces and compatibility forms aside. As seen: letter for letter, with
    Cyrillic or Greek letters that look Latin read as those (an Er and a Ukrainian i as "Pi").
    """
    return name_as_read(one) == name_as_read(other) or _name_as_seen(one) == _name_as_seen(other)


class RejectionKind(StrEnum):
    """Why a message was rejected."""

    OVERSIZED = "oversized"
    MALFORMED_JSON = "malformed_json"
    WRONG_TYPE = "wrong_type"
    MISSING_FIELD = "missing_field"
    UNKNOWN_VERSION = "unknown_version"
    INVALID_TOPIC = "invalid_topic"
    INVALID_NODE_ID = "invalid_node_id"
    INVALID_KEY = "invalid_key"
    ID_MISMATCH = "id_mismatch"
    DUPLICATE_KEY = "duplicate_key"
    TOO_MANY_ITEMS = "too_many_items"
    OUT_OF_RANGE = "out_of_range"
    MISSING_SIGNATURE = "missing_signature"
    BAD_SIGNATURE = "bad_signature"
    REPLAYED_COUNTER = "replayed_counter"
    STALE = "stale"
    INVALID_TEXT = "invalid_text"
    FROM_FUTURE = "from_future"


class ProtocolError(ValueError):
    """A topic or payload that does not follow the protocol."""

    def __init__(self, kind: RejectionKind, message: str, *, ahead_s: float | None = None) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        # For from_future: how far the message's `ts` lay ahead of the receiver's clock.
        self.ahead_s = ahead_s


class TopicKind(StrEnum):
    """The last segments of a node topic."""

    ANNOUNCE = "announce"
    AVAILABILITY = "availability"
    STATE = "state"
    REPLAY = "replay"
    RESEND = "resend"
    COMMAND = "command"


class Quantity(StrEnum):
    """What a sensor measures."""

    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"
    POWER = "power"


# The plausible values of each quantity; outside them a value is out_of_range.
QUANTITY_RANGES: Final = {
    Quantity.TEMPERATURE: TEMPERATURE_RANGE,
    Quantity.HUMIDITY: HUMIDITY_RANGE,
    Quantity.POWER: POWER_RANGE,
}


@dataclass(frozen=True, slots=True)
class NodeTopic:
    """A parsed node topic."""

    node_id: str
    kind: TopicKind
    switch_key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SensorInfo:
    """One announced sensor."""

    key: str
    name: str
    quantities: tuple[Quantity, ...]
    model: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchInfo:
    """One announced switch."""

    key: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeAnnouncement:
    """What a node says about itself (retained on its announce topic)."""

    node_id: str
    name: str
    model: str
    sw_version: str
    sensors: tuple[SensorInfo, ...]
    switches: tuple[SwitchInfo, ...]
    interval_s: float
    dropped: int = 0
    seq: int | None = None
    # Who made the node, when it knows (its settings, "Simulated"); older nodes leave it out.
    manufacturer: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SensorSample:
    """One sensor's values in a state message; None where the read failed."""

    temperature: float | None = None
    humidity: float | None = None
    power: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StateMessage:
    """A node's sample: sensor values and switch states at `ts` (epoch seconds)."""

    node_id: str
    ts: float
    seq: int
    sensors: Mapping[str, SensorSample] = field(default_factory=dict)
    switches: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchCommand:
    """A request to turn one switch on or off."""

    node_id: str
    switch_key: str
    on: bool
    seq: int | None = None
    ts: float | None = None
    # On the node's own clock: obeyed later, Home Assistant has already called it failed.
    until: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResendRequest:
    """Home Assistant asks a node for the samples it sent after `since` (their `seq`).

    The node answers with replay batches, the last one carrying `ack` = this request's `seq`.
    """

    node_id: str
    since: int
    seq: int
    ts: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayBatch:
    """A parsed replay message: its new entries and, when it answers a resend, the ack."""

    states: list[StateMessage]
    ack: int | None = None
    # With `ack`: the oldest `seq` the answer resent (None when it resent nothing).
    first: int | None = None
    # Counters of entries refused for a `ts` beyond the clock-skew tolerance (others are kept).
    future_seqs: tuple[int, ...] = ()
    # Why a signed node's `ack` was not believed (unsigned or forged); its entries still count.
    refused_ack: ProtocolError | None = None

    @property
    def from_future(self) -> int:
        """How many entries were refused for a `ts` beyond the clock-skew tolerance."""
        return len(self.future_seqs)


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message ready for `client.publish(topic, payload, qos, retain)`."""

    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = False
