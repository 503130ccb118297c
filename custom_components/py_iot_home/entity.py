"""The one base of every entity, and the one scheme of device and entity identities.

A device's registry identifier is also the stem of its entities' unique ids
(``<identifier>_<key>``; an LED's switch is its device's identifier itself), which is how
every release so far has named them (``tests/test_identities.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator

from .const import DOMAIN


def entity_unique_id(device_identifier: str, key: str | None) -> str:
    """The unique id of a device's entity: the device's identifier and the entity's key."""
    return device_identifier if key is None else f"{device_identifier}_{key}"


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """A device of the integration: its registry identifier and what its page shows."""

    identifier: str
    info: DeviceInfo

    @classmethod
    def of(cls, identifier: str, info: DeviceInfo) -> DeviceIdentity:
        """The identity of a device, with its identifier in its device info."""
        return cls(identifier, DeviceInfo(**info, identifiers={(DOMAIN, identifier)}))

    def unique_id(self, key: str | None) -> str:
        """The unique id of the device's entity ``key``."""
        return entity_unique_id(self.identifier, key)


class PyIotHomeEntity(Entity):
    """An entity of the integration: named after its device, identified from it."""

    _attr_has_entity_name = True

    def _identify(self, device: DeviceIdentity, key: str | None) -> None:
        self._attr_unique_id = device.unique_id(key)
        self._attr_device_info = device.info


class PyIotHomeCoordinatorEntity[CoordinatorT: DataUpdateCoordinator[Any]](
    CoordinatorEntity[CoordinatorT], PyIotHomeEntity
):
    """An entity fed by one of the integration's coordinators."""

    def __init__(self, coordinator: CoordinatorT, device: DeviceIdentity, key: str | None) -> None:
        """Listen to the coordinator; take the identity from the device."""
        super().__init__(coordinator)
        self._identify(device, key)
