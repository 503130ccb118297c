"""The number of decimals the frontend shows a sensor with, from its registry entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er


@callback
def display_precision(hass: HomeAssistant, entity_id: str) -> int | None:
    """The user's display precision, else the integration's suggested one; None for neither.

    Home Assistant's `async_rounded_state` reads the same, but rounds a half to even: a
    meter's 1234.5 W shown whole was "1234" there and "1,235" on the dashboard.
    """
    entry = er.async_get(hass).async_get(entity_id)
    options: Mapping[str, Any] = entry.options.get("sensor", {}) if entry is not None else {}
    for key in ("display_precision", "suggested_display_precision"):
        if isinstance(value := options.get(key), int) and not isinstance(value, bool):
            return value
    return None
