"""Clock words as people say them ("half past six", "six thirty pm"): no Home Assistant.

`normalised` rewrites them as a clock reads ("6:30", "18:00") for `asked_time` to parse.
"""

from __future__ import annotations

import re

NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()  # noqa: SIM905
    )
}
# Minutes as they are said after an hour ("six thirty", "seven oh five") or before "past"
# and "to" ("twenty past six").
_MINUTE_WORDS = {
    "oh five": 5,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "twenty five": 25,
    "thirty": 30,
    "thirty five": 35,
    "forty": 40,
    "forty five": 45,
    "fifty": 50,
    "fifty five": 55,
}
_PAST_OR_TO_MINUTES = {"half": 30, "quarter": 15, **_MINUTE_WORDS, "five": 5}
_HOUR_WORD = r"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
# "Half past six", "a quarter past 6", "twenty to seven": said as a clock reads them.
_PAST_OR_TO = re.compile(
    rf"\b(?:a )?(?P<part>{'|'.join(sorted(_PAST_OR_TO_MINUTES, key=len, reverse=True))}|\d{{1,2}})"
    rf"(?: minutes)? (?P<way>past|to) (?P<hour>{_HOUR_WORD})(?: (?P<half>am|pm))?\b"
)
# "Six thirty pm", "7 45": an hour and its minutes in words, as 6:30 reads aloud.
_HOUR_MINUTES = re.compile(
    rf"\b(?P<hour>{_HOUR_WORD}) "
    rf"(?P<minute>{'|'.join(sorted(_MINUTE_WORDS, key=len, reverse=True))}|[0-5]\d)\b"
    r"(?! (?:past|to)\b)"
)
# "Half six": British English for 6:30 (half past six), not 5:30 as in German.
_HALF_HOUR = re.compile(rf"\bhalf (?P<hour>{_HOUR_WORD})\b")
# The afternoon's and evening's hours of the 24-hour clock in words.
_LATE_HOURS = {
    **{
        word: 13 + index
        for index, word in enumerate(["thirteen", "fourteen", "fifteen", "sixteen"])
    },
    **{word: 17 + index for index, word in enumerate(["seventeen", "eighteen", "nineteen"])},
    "twenty": 20,
    "twenty one": 21,
    "twenty two": 22,
    "twenty three": 23,
}
_ANY_HOUR_WORD = "|".join(sorted([*NUMBER_WORDS, *_LATE_HOURS], key=len, reverse=True))
# "Eighteen hundred (hours)", "oh six hundred": the 24-hour clock said aloud, as 1800 is written.
_HUNDRED_HOURS = re.compile(rf"\b(?:oh |zero )?(?P<hour>{_ANY_HOUR_WORD}) hundred(?: hours)?\b")
# "Eighteen thirty (hours)": an hour past noon with its minutes, which can only be 24-hour.
_LATE_HOUR_MINUTES = re.compile(
    rf"\b(?P<hour>{'|'.join(sorted(_LATE_HOURS, key=len, reverse=True))}) "
    rf"(?P<minute>{'|'.join(sorted(_MINUTE_WORDS, key=len, reverse=True))})(?: hours)?\b"
)


def normalised(text: str) -> str:
    """`text` in lower case with its clock words as a clock reads them: "6:30 pm", "18:00"."""
    words = text.lower().replace("a.m.", "am").replace("p.m.", "pm").replace("o'clock", "oclock")
    words = re.sub(r"\b([ap])\s*\.?\s*m\b\.?", r"\1m", words)
    # "6.30 pm", as British English writes it, is 6:30; "1800", as the military says it, 18:00.
    words = re.sub(r"\b(\d{1,2})\.(\d{2})\b", r"\1:\2", words)
    words = re.sub(r"\b([01]\d|2[0-3])([0-5]\d)(?: hours)?\b", r"\1:\2", words)
    words = re.sub(r"[^a-z0-9: ]", " ", words)
    words = re.sub(r"\b(o clock|oclock)\b", "oclock", words)
    words = re.sub(r"(\d)(am|pm)\b", r"\1 \2", words)
    words = " ".join(words.split())
    words = _HUNDRED_HOURS.sub(_hundred_hours_as_clock, words)
    words = _LATE_HOUR_MINUTES.sub(_late_hour_minutes_as_clock, words)
    words = _PAST_OR_TO.sub(_as_clock, words)
    words = _HALF_HOUR.sub(_half_hour_as_clock, words)
    return _HOUR_MINUTES.sub(_hour_minutes_as_clock, words)


def _as_clock(match: re.Match[str]) -> str:
    hour = number(match["hour"])
    said = match["part"]
    minutes = int(said) if said.isdigit() else _PAST_OR_TO_MINUTES[said]
    if (
        hour is None
        or not 1 <= hour <= 12
        or not 0 < minutes < 60
        or (said, match["way"])
        == (
            "half",
            "to",
        )
    ):
        return match[0]
    half = f" {match['half']}" if match["half"] else ""
    if match["way"] == "past":
        return f"{hour}:{minutes:02d}{half}"
    # A quarter to 1 is 12:45; a quarter to 12 pm (noon) 11:45 am.
    if hour == 12 and half:
        half = " am" if half == " pm" else " pm"
    return f"{(hour - 2) % 12 + 1}:{60 - minutes:02d}{half}"


def _hundred_hours_as_clock(match: re.Match[str]) -> str:
    hour = _LATE_HOURS.get(match["hour"], NUMBER_WORDS.get(match["hour"], 0))
    # "Twelve hundred" is noon: "12:00" alone would be either noon or midnight.
    return "12:00 pm" if hour == 12 else f"{hour:02d}:00"


def _late_hour_minutes_as_clock(match: re.Match[str]) -> str:
    return f"{_LATE_HOURS[match['hour']]}:{_MINUTE_WORDS[match['minute']]:02d}"


def _half_hour_as_clock(match: re.Match[str]) -> str:
    hour = number(match["hour"])
    return f"{hour}:30" if hour is not None and 1 <= hour <= 12 else match[0]


def _hour_minutes_as_clock(match: re.Match[str]) -> str:
    hour = number(match["hour"])
    said = match["minute"]
    minute = int(said) if said.isdigit() else _MINUTE_WORDS[said]
    return f"{hour}:{minute:02d}" if hour is not None and 1 <= hour <= 12 else match[0]


def number(word: str) -> int | None:
    """A number said in digits or in words up to twelve; None when it is neither."""
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)
