"""Settings read back from an entry or subentry: one its form would refuse is put right.

A backup of a release from before a form checked a field, a hand edit of
``core.config_entries``, or a value of another kind (``"60"``, null) failed the home entry's
set-up, with every board and forecast in it, at every start; or ran a board on a value its
form refuses (a poll every 0 seconds).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .const import LOGGER
from .prediction.unusual_days import accepted_days, days_text, parse_days


@dataclass(frozen=True, slots=True)
class StoredSetting:
    """What a form takes for one number: its range, whether whole, and its default."""

    low: float
    high: float
    default: float
    whole: bool = True

    def replacement(self, value: object) -> float | None:
        """None if the form would have stored ``value``; else the value that replaces it.

        No number (text, null, a boolean, NaN) is the default. A number out of range is the
        nearest bound; a fraction of a whole setting its whole part, which the code ran on
        before the forms refused fractions (2.5 failed reads counted as 2).
        """
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            return self.default
        # An integer of hundreds of digits and infinities compare as they are.
        nearest = max(self.low, min(self.high, value))
        if self.whole:
            nearest = int(nearest)
        return None if nearest == value else nearest


@dataclass(frozen=True, slots=True)
class StoredDays:
    """A text of days its form reads with ``parse_days``: what it refuses, cut to its days."""

    def replacement(self, value: object) -> str | None:
        """None if the form would have stored ``value``; else the text of the days it takes.

        Before the form bounded the text, a day and commas by the megabyte was stored, and
        read as that day; refused since, it left every day out of training, with a warning
        at every start. No text (null, a number) is none.
        """
        if not isinstance(value, str):
            return ""
        try:
            parse_days(value)
        except ValueError:
            return days_text(accepted_days(value)[0])
        return None


def put_right(
    name: str, stored: Mapping[str, Any], settings: Mapping[str, StoredSetting | StoredDays]
) -> dict[str, Any] | None:
    """``stored`` with each setting its form would refuse replaced, said in one warning.

    None when the form would take them all (absent ones aside). The caller stores the result.
    """
    replaced = {
        key: replacement
        for key, setting in settings.items()
        if key in stored and (replacement := setting.replacement(stored[key])) is not None
    }
    if not replaced:
        return None
    LOGGER.warning(
        "%s: stored settings its form refuses, replaced: %s",
        name,
        # Each stored value cut at 40 characters: it may be anything.
        ", ".join(
            f"{key} {repr(stored[key])[:40]} -> {_replacement(value)}"
            for key, value in replaced.items()
        ),
    )
    return {**stored, **replaced}


def _replacement(value: float | str) -> str:
    """A number as the form shows it; a text of days cut at 100 characters (a year's are 4,400)."""
    return repr(value)[:100] if isinstance(value, str) else f"{value:g}"
