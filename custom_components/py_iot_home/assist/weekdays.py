"""A weekday said with a time ("7 pm on friday", "friday at 7"): no Home Assistant."""

from __future__ import annotations

from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def without_weekday(words: str) -> tuple[str, int | None]:
    """The words without a weekday said after them or before them, and its number (Monday 0).

    "7 pm on friday", "7 pm friday", "on friday at 7 pm", "friday at 7 pm".
    """
    for number, name in enumerate(WEEKDAYS):
        for said in (f"on {name}", name):
            if words.endswith(f" {said}"):
                return words.removesuffix(f" {said}"), number
            if words.startswith(f"{said} at "):
                return words.removeprefix(f"{said} at "), number
    return words, None


def next_weekday(weekday: int, today: date) -> date:
    """The date of the next `weekday` (Monday 0) from `today`, today's own if it is one."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def weekday_said(words: str) -> int | None:
    """The weekday (Monday 0) when it is all the words say: "friday", "on friday"."""
    words = " ".join(words.lower().split()).removeprefix("on ")
    return WEEKDAYS.index(words) if words in WEEKDAYS else None
