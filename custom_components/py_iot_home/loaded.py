"""The runtime of an entry that is set up: what options flows change while it runs."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState


def loaded_runtime(entry: ConfigEntry[Any]) -> object | None:
    """The runtime data of an entry that is set up, else None.

    Unset until a set-up assigns it (and a test may stand in for the set-up).
    """
    if entry.state is not ConfigEntryState.LOADED:
        return None
    return getattr(entry, "runtime_data", None)
