"""Red-team review: announced text that shows nothing (a blank device name and entry title)."""

from __future__ import annotations

import json

import pytest

from custom_components.py_iot_home.protocol import (
    NodeAnnouncement,
    ProtocolError,
    RejectionKind,
    parse_announcement,
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
    ],
)
def test_visible_text_is_kept(name: str) -> None:
    announcement = parse_announcement(TOPIC, _announce(name))
    assert isinstance(announcement, NodeAnnouncement)
    assert announcement.name == name
