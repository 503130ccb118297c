"""A forecast's stored sources read back: what no form stores stops that forecast, and says so.

A power sensor missing or of another kind (a backup of another release, a hand edit) raised
out of the forecast's set-up, which failed the home entry with every board in it; an
``exclude_outliers`` of ``"false"`` read as true.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import valid_entity_id

from ..const import (
    CONF_EXCLUDE_OUTLIERS,
    CONF_HUMIDITY_ENTITY,
    CONF_POWER_ENTITY,
    CONF_TEMPERATURE_ENTITY,
    CONF_WEATHER_ENTITY,
)

_OPTIONAL_SOURCES = (CONF_TEMPERATURE_ENTITY, CONF_HUMIDITY_ENTITY, CONF_WEATHER_ENTITY)


def sources_problem(data: Mapping[str, Any]) -> str | None:
    """What in a forecast's stored sources no form of this release stores, in words; or None."""
    power = data.get(CONF_POWER_ENTITY)
    if not isinstance(power, str) or not valid_entity_id(power):
        return f"a power sensor {power!r:.60}"
    for key in _OPTIONAL_SOURCES:
        source = data.get(key)
        if source not in (None, "") and not (isinstance(source, str) and valid_entity_id(source)):
            return f"a {key} of {source!r:.60}"
    if not isinstance(data.get(CONF_EXCLUDE_OUTLIERS, False), bool):
        return f"an {CONF_EXCLUDE_OUTLIERS} that is not true or false"
    return None
