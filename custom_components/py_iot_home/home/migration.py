"""Boards and forecasts of before subentries become subentries of one home entry.

Each keeps its entry id as its subentry id, so what is keyed by it (stored trend samples, LED
levels, the repeated reading, a trained model, repairs) stays valid, and its unique id, so its
devices and entities keep theirs; they move to the subentry as they are, enabled or not.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.typing import UNDEFINED, UndefinedType

from ..const import (
    CONF_KIND,
    DOMAIN,
    ENTRY_VERSION,
    HOME_TITLE,
    HOME_UNIQUE_ID,
    LOGGER,
    EntryKind,
    SubentryKind,
)

LEGACY_SUBENTRY_KINDS = {
    EntryKind.LOCAL: SubentryKind.BOARD,
    EntryKind.PREDICTOR: SubentryKind.FORECAST,
}


def is_legacy_entry(entry: ConfigEntry[Any]) -> bool:
    """Whether the entry is a board or forecast of before subentries."""
    kind = entry.data.get(CONF_KIND)
    # Text only: a list for a kind (a hand edit) raised in the lookup, and the integration,
    # every entry of it, did not set up.
    return isinstance(kind, str) and kind in LEGACY_SUBENTRY_KINDS


def _legacy_subentry(entry: ConfigEntry[Any]) -> ConfigSubentry:
    """The entry as a subentry: its data and options together, its id and unique id kept."""
    data = {key: value for key, value in entry.data.items() if key != CONF_KIND}
    return ConfigSubentry(
        data=MappingProxyType({**data, **entry.options}),
        subentry_id=entry.entry_id,
        subentry_type=LEGACY_SUBENTRY_KINDS[EntryKind(entry.data[CONF_KIND])],
        title=entry.title,
        unique_id=entry.unique_id,
    )


async def async_migrate_to_subentries(hass: HomeAssistant) -> None:
    """Make every board and forecast entry a subentry of the home entry (the first, enabled)."""
    entries = sorted(
        hass.config_entries.async_entries(DOMAIN), key=lambda e: e.disabled_by is not None
    )
    legacy = [entry for entry in entries if is_legacy_entry(entry)]
    if not legacy:
        return
    home = next((e for e in entries if e.data.get(CONF_KIND) == EntryKind.HOME), None)
    if home is None:
        # Like core's openai_conversation: the first entry becomes the home entry.
        home = legacy[0]
        subentry = _legacy_subentry(home)
        hass.config_entries.async_update_entry(
            home,
            title=HOME_TITLE,
            data={CONF_KIND: EntryKind.HOME},
            options={},
            unique_id=HOME_UNIQUE_ID,
            version=ENTRY_VERSION,
        )
        hass.config_entries.async_add_subentry(home, subentry)
        _move_registered(hass, home.entry_id, home, subentry.subentry_id)
        legacy = legacy[1:]
    for entry in legacy:
        subentry = _legacy_subentry(entry)
        if _taken(home, subentry):
            # Added, Home Assistant refuses it (already_configured) and the integration, nodes
            # too, did not set up at all. Left as it is, this entry alone cannot set up.
            LOGGER.warning(
                "%s is not moved into %s: %s there is the same board or forecast (%s);"
                " delete one of them",
                entry.title,
                home.title,
                next(s.title for s in home.subentries.values() if _same(s, subentry)),
                subentry.unique_id,
            )
            continue
        hass.config_entries.async_add_subentry(home, subentry)
        _move_registered(hass, entry.entry_id, home, subentry.subentry_id)
        # Its stores now belong to the subentry: removing a legacy entry forgets nothing.
        await hass.config_entries.async_remove(entry.entry_id)


def _same(one: ConfigSubentry, other: ConfigSubentry) -> bool:
    return one.subentry_type == other.subentry_type and one.unique_id == other.unique_id


def _taken(home: ConfigEntry[Any], subentry: ConfigSubentry) -> bool:
    """Whether the home entry has a subentry of that kind and unique id already."""
    return any(_same(existing, subentry) for existing in home.subentries.values())


def _move_registered(
    hass: HomeAssistant, old_entry_id: str, home: ConfigEntry[Any], subentry_id: str
) -> None:
    """Move the old entry's devices and entities to the subentry, keeping who disabled them.

    Moved from a disabled entry to an enabled one, Home Assistant would enable them: what the
    old entry's being disabled disabled stays disabled, by the user.
    """
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    home_enabled = home.disabled_by is None
    # Entities first: a device moved to the subentry takes along only the entities already there.
    for entity in er.async_entries_for_config_entry(entities, old_entry_id):
        entity_disabled_by = entity.disabled_by
        if entity_disabled_by is er.RegistryEntryDisabler.CONFIG_ENTRY and home_enabled:
            entity_disabled_by = (
                er.RegistryEntryDisabler.DEVICE
                if entity.device_id
                else er.RegistryEntryDisabler.USER
            )
        entities.async_update_entity(
            entity.entity_id,
            config_entry_id=home.entry_id,
            config_subentry_id=subentry_id,
            disabled_by=entity_disabled_by,
        )
    for device in dr.async_entries_for_config_entry(devices, old_entry_id):
        device_disabled_by: dr.DeviceEntryDisabler | UndefinedType = UNDEFINED
        if device.disabled_by is dr.DeviceEntryDisabler.CONFIG_ENTRY and home_enabled:
            device_disabled_by = dr.DeviceEntryDisabler.USER
        devices.async_update_device(
            device.id,
            disabled_by=device_disabled_by,
            new_config_entry_id=home.entry_id,
            new_config_subentry_id=subentry_id,
        )
