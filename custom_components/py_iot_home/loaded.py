"""The runtime of a feature that is set up: what its flows change while it runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from homeassistant.config_entries import ConfigEntry, ConfigEntryState

if TYPE_CHECKING:
    from .models import FeatureRuntime


def loaded_feature(
    entry: ConfigEntry[Any], subentry_id: str | None = None
) -> FeatureRuntime | None:
    """The runtime of a node entry, or of a subentry of the home entry, once set up, else None.

    Unset until a set-up assigns it (and a test may stand in for the set-up).
    """
    if entry.state is not ConfigEntryState.LOADED:
        return None
    features = getattr(getattr(entry, "runtime_data", None), "features", None)
    if features is None:
        return None
    return cast("FeatureRuntime | None", features.get(subentry_id))
