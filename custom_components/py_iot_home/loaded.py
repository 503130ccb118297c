"""The runtime of a feature that is set up: what its flows change while it runs."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState


def loaded_feature(entry: ConfigEntry[Any], subentry_id: str | None = None) -> object | None:
    """The runtime of a node entry, or of a subentry of the home entry, once set up, else None.

    Unset until a set-up assigns it (and a test may stand in for the set-up).
    """
    if entry.state is not ConfigEntryState.LOADED:
        return None
    features = getattr(getattr(entry, "runtime_data", None), "features", None)
    return features.get(subentry_id) if features is not None else None
