"""What every config entry's runtime data offers the rest of the integration.

Each entry kind (a board, a node, a predictor; see ``kinds.py``) keeps its own runtime data in
its feature folder. Platforms, diagnostics, services and system health only use this protocol,
so none of them asks which kind an entry is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.config_entries import ConfigEntry, OptionsFlow

if TYPE_CHECKING:
    from homeassistant.const import Platform
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.device_registry import DeviceEntry
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .forecast.coordinator import PredictorCoordinator
    from .trends.coordinator import TrendCoordinator


@dataclass(frozen=True, slots=True)
class EntryHealth:
    """One line of system health an entry counts towards, and whether it is fine there."""

    key: str
    healthy: bool


class EntryRuntime(Protocol):
    """The runtime data of any entry kind."""

    @property
    def trend(self) -> TrendCoordinator | None:
        """The trend analysis of the entry's sensors, if it has sensors."""

    @property
    def predictor(self) -> PredictorCoordinator | None:
        """The power forecast, if the entry is a predictor."""

    def entities(self, platform: Platform) -> list[Entity]:
        """The entry's entities of one platform."""

    def platform_ready(
        self, platform: Platform, add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """A platform has added `entities`; keep its adder if more can come while running."""

    async def async_release(self, hass: HomeAssistant) -> None:
        """Give back what the entry holds (pins, devices) once its platforms are unloaded."""

    def diagnostics(self) -> dict[str, Any]:
        """What the entry adds to its diagnostics download (nothing secret)."""

    def health(self) -> EntryHealth:
        """The system health line the entry counts towards."""


type PyIotHomeConfigEntry = ConfigEntry[EntryRuntime]


@dataclass(frozen=True, kw_only=True)
class EntryKindSpec:
    """How one kind of entry lives: set-up, removal, options; see ``kinds.py``."""

    platforms: tuple[Platform, ...]
    async_setup: Callable[[HomeAssistant, PyIotHomeConfigEntry], Awaitable[None]]
    """Sets ``entry.runtime_data`` and forwards the platforms."""
    async_forget: Callable[[HomeAssistant, PyIotHomeConfigEntry], Awaitable[None]] | None = None
    """Removes what a deleted entry kept in storage."""
    options_flow: Callable[[], OptionsFlow]
    removable_device: Callable[[HomeAssistant, PyIotHomeConfigEntry, DeviceEntry], bool] | None = (
        None
    )
    """Whether a device of the entry may be deleted from its page (and forgets it if so)."""
