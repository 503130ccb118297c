"""The unit each trend is shown in: the one its source's sensor shows, followed as it changes.

Not the home's unit system: with °F set without "update the unit of all sensors", a sensor
shows °C until its next reading (a node's may be half an hour away), and a sensor may have
its own unit chosen in its settings. A trend shown in °F/d beside it was a slope of °C
readings labelled °F.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event

from ..const import DOMAIN
from ..quantities import unit_of
from .display_unit import DisplayUnit, display_unit


class MeasuredSource(Protocol):
    """What of a trend's source tells its sensor and its unit (a ``TrendSource``)."""

    @property
    def quantity(self) -> str:
        """The measured quantity: temperature, humidity, power."""

    @property
    def unit(self) -> str:
        """The unit its samples are analysed in."""

    @property
    def source_unique_id(self) -> str:
        """Its sensor's unique id."""


class SensorUnits:
    """Each source's unit as its sensor shows it; ``on_change`` runs when one changes.

    ``units`` is replaced, never changed in place, so a reader can tell with ``is`` that it
    is the one it saw before.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        sources: Mapping[str, MeasuredSource],
        on_change: Callable[[], None],
    ) -> None:
        """Take the units the sensors show now."""
        self._hass = hass
        self._sources = sources
        self._on_change = on_change
        self._watched: dict[str, str] = {}  # a source sensor's entity id: its source's key
        self._unwatch: CALLBACK_TYPE | None = None
        self.units: dict[str, DisplayUnit] = self._shown_now()

    def temperature_unit(self) -> str | None:
        """The unit the temperature trends are shown in; None if there are none, or they differ."""
        units = {
            self.units[key].unit
            for key, source in self._sources.items()
            if source.quantity == "temperature"
        }
        return units.pop() if len(units) == 1 else None

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Follow the sensors registered now, and those registered or renamed later."""
        self._async_watch()
        unlisten = self._hass.bus.async_listen(
            er.EVENT_ENTITY_REGISTRY_UPDATED,
            self._async_registry_updated,
            event_filter=_registered_or_renamed,
        )

        @callback
        def stop() -> None:
            unlisten()
            self._async_stop_watching()

        return stop

    def _entity_ids(self) -> dict[str, str]:
        registry = er.async_get(self._hass)
        return {
            entity_id: key
            for key, source in self._sources.items()
            if (
                entity_id := registry.async_get_entity_id(
                    SENSOR_DOMAIN, DOMAIN, source.source_unique_id
                )
            )
        }

    def _shown_now(self) -> dict[str, DisplayUnit]:
        """Each sensor's unit now: its state's, else the one it was registered with.

        A sensor not registered yet takes the home's temperature unit, which a new
        temperature sensor shows.
        """
        registry = er.async_get(self._hass)
        home = self._hass.config.units.temperature_unit
        shown: dict[str, str] = {}
        for entity_id, key in self._entity_ids().items():
            state = self._hass.states.get(entity_id)
            entity = registry.async_get(entity_id)
            unit = unit_of(state.attributes) if state is not None else None
            if unit := unit or (entity.unit_of_measurement if entity is not None else None):
                shown[key] = unit
        return {
            key: display_unit(source.unit, shown.get(key, home))
            for key, source in self._sources.items()
        }

    @callback
    def _async_watch(self) -> None:
        if (watched := self._entity_ids()) != self._watched:
            self._async_stop_watching()
            self._watched = watched
            self._unwatch = async_track_state_change_event(
                self._hass, list(watched), self._async_state_changed
            )
        self._take(self._shown_now())

    @callback
    def _async_stop_watching(self) -> None:
        if self._unwatch is not None:
            self._unwatch()
            self._unwatch = None

    @callback
    def _async_registry_updated(self, _event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        """A sensor registered or renamed, perhaps a source's: follow the ones there are."""
        self._async_watch()

    @callback
    def _async_state_changed(self, event: Event[EventStateChangedData]) -> None:
        state = event.data["new_state"]
        key = self._watched.get(event.data["entity_id"])
        if state is None or key is None or (shown := unit_of(state.attributes)) is None:
            return
        if (unit := display_unit(self._sources[key].unit, shown)) != self.units[key]:
            self._take({**self.units, key: unit})

    def _take(self, units: dict[str, DisplayUnit]) -> None:
        if units != self.units:
            self.units = units
            self._on_change()


@callback
def _registered_or_renamed(data: er.EventEntityRegistryUpdatedData) -> bool:
    return data["action"] == "create" or "old_entity_id" in data
