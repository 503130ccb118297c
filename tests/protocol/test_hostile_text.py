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


@pytest.mark.parametrize("name", ["Kitchen", " Kitchen Pi ", "Küche", "温度計", "🌡", "a\u200bb"])
def test_visible_text_is_kept(name: str) -> None:
    announcement = parse_announcement(TOPIC, _announce(name))
    assert isinstance(announcement, NodeAnnouncement)
    assert announcement.name == name
