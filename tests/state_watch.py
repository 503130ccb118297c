"""Watching what a user would see go unavailable while something changes."""

from __future__ import annotations

from collections.abc import Collection

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback


def record_unavailable(hass: HomeAssistant, entity_ids: Collection[str] | None = None) -> list[str]:
    """Entity ids each time one (of `entity_ids`, else any) is written unavailable or removed."""
    seen: list[str] = []

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is None or new.state == STATE_UNAVAILABLE:
            seen.append(event.data["entity_id"])

    @callback
    def _watched(data: EventStateChangedData) -> bool:
        return entity_ids is None or data["entity_id"] in entity_ids

    hass.bus.async_listen(EVENT_STATE_CHANGED, _changed, event_filter=_watched)
    return seen
