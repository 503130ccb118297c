"""Red-team review: announced text that shows nothing (a blank device name and entry title)."""

from __future__ import annotations

import json

import pytest

from custom_components.py_iot_home.protocol import (
    NodeAnnouncement,
    ProtocolError,
    RejectionKind,
    parse_announcement,
    visible_text,
)

TOPIC = "py_iot_home/kitchen/announce"


def _announce(name: str) -> bytes:
    message = {
        "v": 1,
        "id": "kitchen",
        "name": name,
        "model": "Raspberry Pi 4",
        "sw_version": "0.1.0",
        "sensors": [{"key": "dht1", "name": name, "quantities": ["temperature"], "model": "x"}],
        "switches": [],
        "interval_s": 30,
    }
    return json.dumps(message).encode()


@pytest.mark.parametrize(
    "blank",
    [
        " ",
        " " * 64,
        "\u200b",  # zero-width space
        "\u00ad\u2060\ufeff",  # soft hyphen, word joiner, zero-width no-break space
        "\U000e0041\U000e0042",  # tag characters
        "\u3000\u00a0",  # ideographic and no-break spaces
    ],
)
def test_text_that_shows_nothing_is_refused(blank: str) -> None:
    with pytest.raises(ProtocolError) as err:
        parse_announcement(TOPIC, _announce(blank))
    assert err.value.kind is RejectionKind.INVALID_TEXT


@pytest.mark.parametrize(
    "hidden",
    [
        "Kitchen\u200bPi",  # zero-width space: reads as "KitchenPi"
        "Kitchen Pi\u2060",  # word joiner
        "Kit\u00adchen",  # soft hyphen
        "\ufeffKitchen",  # zero-width no-break space (a byte order mark)
        "Kitchen\u3164",  # Hangul filler
        "Kitchen\u200d Pi",  # a joiner after a Latin letter joins nothing
        "\u200cKitchen",
        "Kitchen\U000e0041",  # a tag character after ASCII
        "\u2800",  # the braille blank, alone
        "Kitchen\u2800Pi",
        "Kitchen\ufe0fPi",  # a variation selector after a Latin letter
        "Kitchen\U000e0100Pi",
        "Kitchen\u180bPi",  # a Mongolian variation selector
        "Kitchen\U0001d173Pi",  # a musical format character
        "Kitchen\ufff9Pi",  # an interlinear annotation anchor
        "Kitchen\u034fPi",  # combining grapheme joiner
    ],
)
def test_text_with_an_invisible_character_is_refused(hidden: str) -> None:
    with pytest.raises(ProtocolError) as err:
        parse_announcement(TOPIC, _announce(hidden))
    assert err.value.kind is RejectionKind.INVALID_TEXT
    assert "invisible" in str(err.value)


@pytest.mark.parametrize(
    "name",
    [
        "Kitchen",
        " Kitchen Pi ",
        "Küche",
        "温度計",
        "🌡",
        "👨\u200d👩\u200d👧 room",  # a family emoji: joiners between emoji
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian, with a non-joiner
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland's flag
        "#\ufe0f\u20e3 room",  # a keycap: its variation selector follows ASCII
        "\u2764\ufe0f room",  # a heart in emoji presentation
    ],
)
def test_visible_text_is_kept(name: str) -> None:
    announcement = parse_announcement(TOPIC, _announce(name))
    assert isinstance(announcement, NodeAnnouncement)
    assert announcement.name == name


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ("Kitchen\u200bPi", "KitchenPi"),
        ("Kitchen\ufe0f Pi\u2800", "Kitchen Pi"),
        ("\u2764\ufe0f room", "\u2764\ufe0f room"),
    ],
)
def test_visible_text_drops_only_what_shows_nothing(stored: str, read: str) -> None:
    assert visible_text(stored) == read
