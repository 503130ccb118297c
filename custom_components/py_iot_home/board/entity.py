"""Base entity of the integration's local board."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ..const import CONF_AREA, CONF_DHT_MODEL, DOMAIN
from ..hardware.dht import DhtModel
from ..models import PyIotHomeConfigEntry
from .coordinator import LocalBoardCoordinator

SIMULATION_MANUFACTURER = "Py IoT Home simulation"


def local_board_device(entry: PyIotHomeConfigEntry, *, simulated: bool) -> DeviceInfo:
    """The device of a sensor board wired to the Home Assistant host.

    A simulated sensor says so in its model, the first thing its device page shows.
    """
    model = DhtModel(entry.data[CONF_DHT_MODEL]).name
    return DeviceInfo(
        identifiers={(DOMAIN, str(entry.unique_id))},
        name=entry.title,
        manufacturer=SIMULATION_MANUFACTURER if simulated else "Aosong",
        model=f"Simulated {model}" if simulated else model,
        suggested_area=entry.data.get(CONF_AREA) or None,
    )


class LocalBoardEntity(CoordinatorEntity[LocalBoardCoordinator]):
    """An entity of the board on the Home Assistant host."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: LocalBoardCoordinator, key: str) -> None:
        """Name the entity after its board and key."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.unique_id}_{key}"
        self._attr_device_info = local_board_device(entry, simulated=coordinator.simulated)
