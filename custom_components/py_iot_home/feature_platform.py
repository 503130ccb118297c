"""What every platform does: add each feature's entities, a subentry's with its subentry."""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .models import AddEntities, FeatureRuntime, PyIotHomeConfigEntry


@callback
def async_add_feature_entities(
    entry: PyIotHomeConfigEntry,
    platform: Platform,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the platform's entities of every feature of the entry, whatever its kind."""
    entry.runtime_data.keep_platform(platform, async_add_entities)
    for subentry_id, feature in entry.runtime_data.features.items():
        async_add_platform_entities(entry, feature, subentry_id, platform, async_add_entities)


@callback
def async_add_platform_entities(
    entry: PyIotHomeConfigEntry,
    feature: FeatureRuntime,
    subentry_id: str | None,
    platform: Platform,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one feature's entities of one platform (at set-up, or a feature started later)."""
    add = _adder(entry, async_add_entities, subentry_id)
    add(feature.entities(platform))
    feature.platform_ready(platform, add)


def _adder(
    entry: PyIotHomeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    subentry_id: str | None,
) -> AddEntities:
    def add(entities: Iterable[Entity]) -> None:
        # A deleted subentry's feature runs until the reload that follows; it adds nothing.
        if subentry_id is None or subentry_id in entry.subentries:
            async_add_entities(entities, config_subentry_id=subentry_id)

    return add
