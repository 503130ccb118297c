"""The one watch on the home entry's subentries: run them as they are, forget the deleted.

Core's integrations with subentries reload from an update listener, and Home Assistant takes a
deleted subentry's devices and entities away. Here a deleted board or forecast stops on its own
and an added one starts beside the others, without a reload. A board or forecast also keeps
files and repairs, which may go only once nothing runs it any more (its stop saves last). An update
listener exists only while the entry is loaded; subentries also change while it sets up, unloads
or has failed, so this watch follows every state, once.
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
from ..models import SubentryKindSpec
from ..repairs import async_settings_readable
from .runtime import HomeRuntimeData
from .setup import async_start_added_subentries, async_stop_deleted_subentries
from .subentry_kinds import SUBENTRY_KINDS

FAILED_STATES = (ConfigEntryState.SETUP_ERROR, ConfigEntryState.SETUP_RETRY)


def _subentries(entry: ConfigEntry[Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {s.subentry_id: (s.subentry_type, dict(s.data)) for s in entry.subentries.values()}


def _is_home(entry: ConfigEntry[Any]) -> bool:
    return entry.domain == DOMAIN and entry.data.get(CONF_KIND) == EntryKind.HOME


def _needs_reload(entry: ConfigEntry[Any]) -> bool:
    """A failed set-up tries again; a running one reloads unless its features took the change."""
    if entry.state is not ConfigEntryState.LOADED:
        return entry.state in FAILED_STATES
    runtime = getattr(entry, "runtime_data", None)
    return isinstance(runtime, HomeRuntimeData) and runtime.stale(entry.subentries)


async def _async_follow(
    hass: HomeAssistant, entry: ConfigEntry[Any], deleted: dict[str, SubentryKindSpec]
) -> None:
    """Stop the deleted, start the added, reload unless the rest was taken, forget the deleted.

    Forgotten last: nothing of theirs runs any more, so nothing writes their files again.
    """
    # A set-up or unload under way may have taken the subentries as they were: let it end.
    async with entry.setup_lock:
        if entry.state is ConfigEntryState.LOADED:
            await async_stop_deleted_subentries(hass, entry)
            await async_start_added_subentries(hass, entry)
    if _needs_reload(entry):
        await hass.config_entries.async_reload(entry.entry_id)
    for subentry_id, kind in deleted.items():
        await kind.async_forget(hass, subentry_id)
        async_settings_readable(hass, subentry_id)


@callback
def async_watch_home_subentries(hass: HomeAssistant) -> None:
    """Follow every change of the home entry's subentries, whatever the entry's state."""
    known = {
        entry.entry_id: _subentries(entry)
        for entry in hass.config_entries.async_entries(DOMAIN)
        if _is_home(entry)
    }

    @callback
    def _changed(change: ConfigEntryChange, entry: ConfigEntry[Any]) -> None:
        if not _is_home(entry):
            return
        if change is ConfigEntryChange.REMOVED:
            known.pop(entry.entry_id, None)  # async_remove_entry forgets every subentry
            return
        before, known[entry.entry_id] = known.get(entry.entry_id), _subentries(entry)
        if before is None or before == known[entry.entry_id]:
            return
        deleted = {
            subentry_id: kind
            for subentry_id in before.keys() - known[entry.entry_id].keys()
            if (kind := SUBENTRY_KINDS.get(before[subentry_id][0])) is not None
        }
        hass.async_create_task(
            _async_follow(hass, entry, deleted), f"{DOMAIN} subentries of {entry.entry_id}"
        )

    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, _changed)
