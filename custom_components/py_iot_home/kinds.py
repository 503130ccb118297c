"""The entry kinds in one table: each kind's folder describes how its entries live.

Adding a kind is a folder with its ``kind.py`` and one line here (a subentry kind of the home
entry: one line in ``home/subentry_kinds.py``); nothing else asks which kind an entry is (the
runtime data answers for its entities, diagnostics and health).
"""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError

from .const import CONF_KIND, DOMAIN, EntryKind
from .home.kind import HOME_KIND
from .models import EntryKindSpec, PyIotHomeConfigEntry
from .nodes.kind import NODE_KIND


async def _async_not_migrated(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    raise ConfigEntryError(
        translation_domain=DOMAIN,
        translation_key="not_migrated",
        translation_placeholders={"name": entry.title},
    )


async def _async_unknown_kind(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    raise ConfigEntryError(
        translation_domain=DOMAIN,
        translation_key="unknown_entry_kind",
        translation_placeholders={
            "name": entry.title,
            "kind": repr(entry.data.get(CONF_KIND))[:40],
        },
    )


# An entry of a kind this release does not know: a newer release's (a downgrade), or data
# damaged by hand. It does not set up and says why; deleting it forgets nothing.
UNKNOWN_KIND = EntryKindSpec(platforms=(), async_setup=_async_unknown_kind)

# A board or forecast entry of before subentries: the integration's set-up makes it a
# subentry of the home entry, so it never sets up, and its removal forgets nothing (its
# stores now belong to the subentry of the same id).
LEGACY_KIND = EntryKindSpec(platforms=(), async_setup=_async_not_migrated)

ENTRY_KINDS: Mapping[EntryKind, EntryKindSpec] = {
    EntryKind.HOME: HOME_KIND,
    EntryKind.NODE: NODE_KIND,
    EntryKind.LOCAL: LEGACY_KIND,
    EntryKind.PREDICTOR: LEGACY_KIND,
}


def entry_kind(entry: PyIotHomeConfigEntry) -> EntryKindSpec:
    """The kind of a config entry of this integration (``UNKNOWN_KIND`` if none it knows)."""
    return listed_entry_kind(entry) or UNKNOWN_KIND


def listed_entry_kind(entry: PyIotHomeConfigEntry) -> EntryKindSpec | None:
    """The kind of any entry the integration page lists; None for an ignored discovery."""
    kind = entry.data.get(CONF_KIND)
    # A hashable kind only: a list for a kind (a hand edit) raised TypeError in the lookup.
    if not isinstance(kind, str) or kind not in ENTRY_KINDS:
        return None
    return ENTRY_KINDS[EntryKind(kind)]
