"""Red-team reviews: announced text that shows nothing (a blank device name and entry title),
that Markdown turns into an image or a link, or that reads as another name."""

from __future__ import annotations

import json

import pytest

from custom_components.py_iot_home.protocol import (
    NodeAnnouncement,
    ProtocolError,
    RejectionKind,
    mixed_scripts,
    parse_announcement,
    readable_text,
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
        # Default-ignorable, drawn as nothing: Khmer's inherent vowels, and code points not
        # assigned yet (a browser shows no box for them).
        "Kitchen Pi\u17b4",
        "Kit\u17b5chen",
        "Kitchen Pi\ufff0",
        "Kitchen\U000e0080Pi",
        "Kitchen Pi\U000e0fff",
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


@pytest.mark.parametrize(
    "markup",
    [
        "![](https://e.io/p.png)",  # an image: the browser loads it
        "<img src=https://e.io/p.png>",  # HTML
        "<https://e.io>",  # an autolink
        "[Verify](https://e.io)",  # a link with words of its choosing
        "Kitchen [1]",
    ],
)
def test_text_that_markdown_or_html_would_turn_into_markup_is_refused(markup: str) -> None:
    with pytest.raises(ProtocolError) as err:
        parse_announcement(TOPIC, _announce(markup))
    assert err.value.kind is RejectionKind.INVALID_TEXT
    assert "markup" in str(err.value)


@pytest.mark.parametrize(
    ("name", "scripts"),
    [
        ("K\u0456tchen Pi", ("Latin", "Cyrillic")),  # a Cyrillic i
        ("\u041a\u0443\u0445\u043da", ("Cyrillic", "Latin")),  # a Latin a ending a Russian word
        ("Kitchen P\u03b9", ("Latin", "Greek")),  # a Greek iota
        ("\u0394\u03a4emp", ("Greek", "Latin")),  # a Greek capital tau after the delta
        # Greek letters written as symbols are Cyrillic letters to the eye: "Гараж", "Печь".
        ("\u0393\u0430\u0440\u0430\u0436", ("Greek", "Cyrillic")),
        ("\u041f\u0435\u0447\u044c \u03a0\u0435\u0447\u044c", ("Greek", "Cyrillic")),
        ("\u041b\u0430\u03c0\u043a\u0430", ("Cyrillic", "Greek")),  # "Лапка", a Greek pi
        ("\U0001d40a\u0456tchen", ("Latin", "Cyrillic")),  # a mathematical bold K is Latin
        ("K\u0301\u0456tchen", ("Latin", "Cyrillic")),  # a combining accent joins the word
        # Letters of other scripts that read as Latin ones: a Lisu K, a Cherokee K, an
        # Armenian h and o, a Canadian syllabic "P"; Cyrillic and Greek words likewise.
        ("\ua4d7itchen Pi", ("Lisu", "Latin")),
        ("\u13e6itchen Pi", ("Cherokee", "Latin")),
        ("Kitc\u0570en Pi", ("Latin", "Armenian")),
        ("Kitchen P\u0585d", ("Latin", "Armenian")),
        ("\u146d\u0456", ("Canadian", "Cyrillic")),
        ("\u041a\u0443\u0445\u0570\u044f", ("Cyrillic", "Armenian")),
    ],
)
def test_a_word_mixing_look_alike_scripts_is_refused(name: str, scripts: tuple[str, str]) -> None:
    assert mixed_scripts(name) == scripts
    with pytest.raises(ProtocolError) as err:
        parse_announcement(TOPIC, _announce(name))
    assert err.value.kind is RejectionKind.INVALID_TEXT
    assert f"mixes {scripts[0]} and {scripts[1]} letters" in str(err.value)
    assert parse_announcement(TOPIC, _announce(name), stored=True).name == name


@pytest.mark.parametrize(
    "name",
    [
        "Kitchen Pi",
        "K\u00fcche \u00e9t\u00e9",  # Latin with accents
        "\u041a\u0443\u0445\u043d\u044f",  # Cyrillic only
        "\u039a\u03bf\u03c5\u03b6\u03af\u03bd\u03b1",  # Greek only
        "\u041a\u0443\u0445\u043d\u044f Pi",  # scripts mixed across words
        "Pi-\u041a\u0443\u0445\u043d\u044f 2",
        "Pi4",
        "\U0001f321\ufe0f 22",
        "\u6e29\u5ea6\u8a08Pi",  # CJK is no look-alike of Latin
        "Bob's (2) & *more* `x`",
        "\u0394T sensor",  # Greek letters written as symbols look like no Latin letter
        "\u00b5Controller",  # the micro sign, a Greek mu once NFKC-read
        "\u03a9 meter",
        "\u30ad\u30c3\u30c1\u30f3Pi",  # Japanese beside Latin, with its prolonged sound mark
        "\u5927\u962a\u30fc\u3005 \ud55c\uad6dPi",  # Han, the iteration mark, Hangul
        "\u041c\u02bc\u044f\u0441\u043e",  # Ukrainian's apostrophe, a modifier letter
        "\u0570\u0561\u0575\u0565\u0580\u0565\u0576 Pi",  # an Armenian word beside "Pi"
        "\u13a0\u13cd\u13a9",  # Cherokee alone
    ],
)
def test_words_in_one_script_are_kept(name: str) -> None:
    assert mixed_scripts(name) is None
    assert parse_announcement(TOPIC, _announce(name)).name == name


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ("![](https://e.io/p.png)Kitchen", "!(https://e.io/p.png)Kitchen"),
        ("<b>Kitchen</b>\u200b", "bKitchen/b"),
        ("Kitchen (2) & more", "Kitchen (2) & more"),
    ],
)
def test_readable_text_drops_only_markup_and_what_shows_nothing(stored: str, read: str) -> None:
    assert readable_text(stored) == read
