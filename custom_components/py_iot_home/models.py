"""What every config entry's runtime data offers the rest of the integration.

Each feature (a board, a node, a forecast; see ``kinds.py``) keeps its own runtime data in
its folder. A node is an entry of its own; boards and forecasts are subentries of the home
entry, whose runtime holds one feature runtime per subentry. Platforms, diagnostics, services
and system health only use these protocols, so none of them asks which kind an entry is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.config_entries import ConfigEntry, ConfigSubentryFlow, OptionsFlow

if TYPE_CHECKING:
    from homeassistant.const import Platform
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.device_registry import DeviceEntry
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .feature_entry import FeatureEntry
    from .forecast.coordinator import PredictorCoordinator
    from .stored_settings import StoredDays, StoredSetting
    from .trends.coordinator import TrendCoordinator


type AddEntities = Callable[[Iterable[Entity]], None]
"""Adds a feature's entities to its platform, with its subentry when it is one."""


@dataclass(frozen=True, slots=True)
class EntryHealth:
    """One line of system health an entry counts towards, and whether it is fine there."""

    key: str
    healthy: bool


class FeatureRuntime(Protocol):
    """The runtime data of one board, node or forecast."""

    @property
    def trend(self) -> TrendCoordinator | None:
        """The trend analysis of the entry's sensors, if it has sensors."""

    @property
    def predictor(self) -> PredictorCoordinator | None:
        """The power forecast, if the entry is a predictor."""

    def entities(self, platform: Platform) -> list[Entity]:
        """The entry's entities of one platform."""

    def platform_ready(self, platform: Platform, add_entities: AddEntities) -> None:
        """A platform has added `entities`; keep its adder if more can come while running."""

    async def async_release(self, hass: HomeAssistant) -> None:
        """Give back what the entry holds (pins, devices) once its platforms are unloaded."""

    def diagnostics(self) -> dict[str, Any]:
        """What the entry adds to its diagnostics download (nothing secret)."""

    def health(self) -> EntryHealth:
        """The system health line the entry counts towards."""


class EntryRuntime(Protocol):
    """The runtime data of any config entry: its features, by subentry id (None: itself)."""

    @property
    def features(self) -> Mapping[str | None, FeatureRuntime]:
        """A node's own runtime under None; the home entry's boards and forecasts by id."""

    def keep_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """A platform is set up; keep its adder if features can start while the entry runs."""


type PyIotHomeConfigEntry = ConfigEntry[EntryRuntime]


@dataclass(frozen=True, kw_only=True)
class EntryKindSpec:
    """How one kind of entry lives: set-up, removal, options; see ``kinds.py``."""

    platforms: tuple[Platform, ...]
    async_setup: Callable[[HomeAssistant, PyIotHomeConfigEntry], Awaitable[None]]
    """Sets ``entry.runtime_data`` and forwards the platforms."""
    async_forget: Callable[[HomeAssistant, PyIotHomeConfigEntry], Awaitable[None]] | None = None
    """Removes what a deleted entry kept in storage."""
    options_flow: Callable[[], OptionsFlow] | None = None
    subentry_flows: Mapping[str, type[ConfigSubentryFlow]] | None = None
    """The subentries the integration page offers to add to an entry of this kind."""
    removable_device: Callable[[HomeAssistant, PyIotHomeConfigEntry, DeviceEntry], bool] | None = (
        None
    )
    """Whether a device of the entry may be deleted from its page (and forgets it if so)."""


@dataclass(frozen=True, kw_only=True)
class SubentryKindSpec:
    """How one kind of subentry of the home entry lives; see ``home/subentry_kinds.py``."""

    platforms: tuple[Platform, ...]
    async_setup: Callable[[HomeAssistant, FeatureEntry], Awaitable[FeatureRuntime]]
    """Starts the feature; the home entry forwards the platforms once all are started."""
    async_started: (
        Callable[[HomeAssistant, FeatureEntry, FeatureRuntime], Awaitable[None]] | None
    ) = None
    """What follows once the feature's entities are added."""
    async_forget: Callable[[HomeAssistant, str], Coroutine[Any, Any, None]]
    """Removes what a deleted subentry (by id) kept in storage, and its repairs."""
    flow: type[ConfigSubentryFlow]
    removable_device: Callable[[HomeAssistant, FeatureEntry, DeviceEntry], bool] | None = None
    """Whether a device of the subentry may be deleted from its page (and forgets it if so)."""
    settings: Mapping[str, StoredSetting | StoredDays] = field(default_factory=dict)
    """The numbers and days its forms bound: one stored that a form refuses is put right first."""
    settings_problem: Callable[[Mapping[str, Any]], str | None] | None = None
    """What in its stored data no form stores, in words: then it does not start (a repair)."""
