"""Settings read back from an entry or subentry: any its form would refuse takes its default.

A backup of a release from before a form checked a field, a hand edit of
``core.config_entries``, or a value of another kind (``"60"``, null) failed the home entry's
set-up, with every board and forecast in it, at every start; or ran a board on a value its
form refuses (a poll every 0 seconds).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class StoredSetting:
    """What a form takes for one number: its range, whether whole, and its default."""

    low: float
    high: float
    default: float
    whole: bool = True

    def takes(self, value: object) -> bool:
        """Whether the form would have stored ``value`` (a JSON number in range)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        # NaN compares false; an integer of hundreds of digits is compared as it is.
        if not self.low <= value <= self.high:
            return False
        return not self.whole or float(value).is_integer()


def refused_settings(
    stored: Mapping[str, Any], settings: Mapping[str, StoredSetting]
) -> dict[str, float]:
    """The default of each setting in ``stored`` that its form would refuse (absent ones aside)."""
    return {
        key: setting.default
        for key, setting in settings.items()
        if key in stored and not setting.takes(stored[key])
    }


def refused_settings_text(stored: Mapping[str, Any], replaced: Mapping[str, float]) -> str:
    """What was stored and what replaces it, for one log line (each value cut at 40)."""
    return ", ".join(
        f"{key} {repr(stored[key])[:40]} -> {default:g}" for key, default in replaced.items()
    )
