"""The entry kinds in one table: each kind's folder describes how its entries live.

Adding a kind is a folder with its ``kind.py`` and one line here; nothing else asks which
kind an entry is (the runtime data answers for its entities, diagnostics and health).
"""

from __future__ import annotations

from collections.abc import Mapping

from .board.kind import BOARD_KIND
from .const import CONF_KIND, EntryKind
from .forecast.kind import PREDICTOR_KIND
from .models import EntryKindSpec, PyIotHomeConfigEntry
from .nodes.kind import NODE_KIND

ENTRY_KINDS: Mapping[EntryKind, EntryKindSpec] = {
    EntryKind.LOCAL: BOARD_KIND,
    EntryKind.NODE: NODE_KIND,
    EntryKind.PREDICTOR: PREDICTOR_KIND,
}


def entry_kind(entry: PyIotHomeConfigEntry) -> EntryKindSpec:
    """The kind of a config entry of this integration."""
    return ENTRY_KINDS[EntryKind(entry.data[CONF_KIND])]
