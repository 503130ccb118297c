"""Subentries changed while the home entry is not running: set it up again, forget the deleted.

A running home entry reloads itself from its update listener, and forgets a deleted board's or
forecast's stores and repairs once it has unloaded it (its last save comes first). One that is
not running has no listener: its set-up failed (say on a pin another program holds) and the
user fixes that board or deletes it, or adds another; this watch does what the listener would.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from ..const import CONF_KIND, DOMAIN, EntryKind
from .subentry_kinds import SUBENTRY_KINDS

FAILED_STATES = (ConfigEntryState.SETUP_ERROR, ConfigEntryState.SETUP_RETRY)


def _subentries(entry: ConfigEntry[Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {s.subentry_id: (s.subentry_type, dict(s.data)) for s in entry.subentries.values()}


@callback
def async_watch_home_subentries(hass: HomeAssistant) -> None:
    """Watch the home entry's subentries while it is not running."""
    known = {
        entry.entry_id: _subentries(entry)
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.data.get(CONF_KIND) == EntryKind.HOME
    }

    @callback
    def _changed(change: ConfigEntryChange, entry: ConfigEntry[Any]) -> None:
        if entry.domain != DOMAIN or entry.data.get(CONF_KIND) != EntryKind.HOME:
            return
        if change is ConfigEntryChange.REMOVED:
            known.pop(entry.entry_id, None)  # async_remove_entry forgets every subentry
            return
        before, known[entry.entry_id] = known.get(entry.entry_id, {}), _subentries(entry)
        if before == known[entry.entry_id] or entry.state is ConfigEntryState.LOADED:
            return
        for subentry_id in before.keys() - known[entry.entry_id].keys():
            if (kind := SUBENTRY_KINDS.get(before[subentry_id][0])) is not None:
                hass.async_create_task(
                    kind.async_forget(hass, subentry_id), f"{DOMAIN} forget {subentry_id}"
                )
        if entry.state in FAILED_STATES:
            hass.config_entries.async_schedule_reload(entry.entry_id)

    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, _changed)
