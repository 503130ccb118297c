"""The home entry's runtime: one feature runtime per subentry, and the settings each runs with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import Platform
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..feature_entry import FeatureEntry
from ..feature_lifetime import FeatureLifetime
from ..models import FeatureRuntime


@dataclass(kw_only=True)
class HomeRuntimeData:
    """The boards and forecasts that are running, by subentry id."""

    features: dict[str | None, FeatureRuntime] = field(default_factory=dict)
    subentries: dict[str, ConfigSubentry] = field(default_factory=dict)
    settings: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    """What each subentry's data was when its feature took it: another value needs a reload."""
    platforms: dict[Platform, AddConfigEntryEntitiesCallback] = field(default_factory=dict)
    """Each set-up platform's adder: a subentry added later starts without a reload."""
    lifetimes: dict[str, FeatureLifetime] = field(default_factory=dict)
    """What each started feature runs until it stops (its subentry deleted, the entry unloaded)."""

    def keep_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """A platform is set up: a board or forecast added later adds its entities through it."""
        self.platforms[platform] = async_add_entities

    def add(
        self, subentry: ConfigSubentry, feature: FeatureRuntime, lifetime: FeatureLifetime
    ) -> None:
        """A subentry's feature is running with the subentry's data as it is now."""
        self.features[subentry.subentry_id] = feature
        self.lifetimes[subentry.subentry_id] = lifetime
        self.subentries[subentry.subentry_id] = subentry
        self.settings[subentry.subentry_id] = dict(subentry.data)

    def add_failed(self, subentry: ConfigSubentry) -> None:
        """A subentry whose feature did not start: any change to it is worth a new try."""
        self.subentries[subentry.subentry_id] = subentry
        self.settings[subentry.subentry_id] = dict(subentry.data)

    def forget(self, subentry_id: str) -> tuple[FeatureRuntime | None, FeatureLifetime | None]:
        """A deleted subentry runs no more here: its feature and lifetime, to stop."""
        self.subentries.pop(subentry_id, None)
        self.settings.pop(subentry_id, None)
        return self.features.pop(subentry_id, None), self.lifetimes.pop(subentry_id, None)

    async def async_stop_features(self) -> None:
        """The entry unloads: every feature's callbacks and tasks end (a stopped one's did)."""
        for lifetime in self.lifetimes.values():
            await lifetime.async_stop()

    def stale(self, subentries: Mapping[str, ConfigSubentry]) -> bool:
        """Whether subentries were added, removed or changed in a way no feature took."""
        return subentries.keys() != self.subentries.keys() or any(
            dict(subentry.data) != self.settings[subentry_id]
            for subentry_id, subentry in subentries.items()
        )


def take_settings_live(feature: FeatureEntry, data: Mapping[str, Any]) -> None:
    """The running feature has taken these settings already: storing them reloads nothing."""
    if feature.subentry_id is None or feature.config_entry.state is not ConfigEntryState.LOADED:
        return
    runtime = getattr(feature.config_entry, "runtime_data", None)
    # A feature that did not start took nothing: its change must start it again (a reload).
    if isinstance(runtime, HomeRuntimeData) and feature.subentry_id in runtime.features:
        runtime.settings[feature.subentry_id] = dict(data)
