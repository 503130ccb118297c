"""The one base of every entity, and the one scheme of device and entity identities.

A device's registry identifier is also the stem of its entities' unique ids
(``<identifier>_<key>``; an LED's switch is its device's identifier itself), which is how
every release so far has named them (``tests/test_identities.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, override

from homeassistant.const import MAX_LENGTH_STATE_ENTITY_ID
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator
from homeassistant.util import slugify

from .const import DOMAIN

# Home Assistant 2026.10 cuts a new entity id at 255 characters and refuses it when the cut
# leaves a trailing "_" (64 CJK characters slugify to 255: "tai_" each): the entity is not
# added (2026.11 strips the "_", but a device's cut ids then differ only in "_2", "_3").
# Where it would cut, each name's slug is cut to this instead: an id well under the limit
# that keeps the start of every name, with room for the "_2" of an id already taken.
NAME_SLUG_MAX_LENGTH: Final = 64


def short_object_id(domain: str, names: Iterable[str | None]) -> str | None:
    """The object id of an entity whose names make too long an id, else None.

    `names` are what Home Assistant joins into a new entity id (area, device, entity);
    ids it does not cut are left to it, so ordinary names keep the ids they always had.
    """
    present = [name for name in names if name]
    if len(f"{domain}.{slugify(' '.join(present))}") <= MAX_LENGTH_STATE_ENTITY_ID:
        return None
    cut = (slugify(name)[:NAME_SLUG_MAX_LENGTH].rstrip("_") for name in present)
    return "_".join(part for part in cut if part)


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
    _device: DeviceIdentity

    def _identify(self, device: DeviceIdentity, key: str | None) -> None:
        self._device = device
        self._attr_unique_id = device.unique_id(key)
        self._attr_device_info = device.info

    @override
    async def async_prepare_to_add_to_hass(self) -> None:
        """Suggest a shorter entity id where Home Assistant would cut it (short_object_id).

        A suggestion only names a new entity: a registered one keeps its id.
        """
        await super().async_prepare_to_add_to_hass()
        domain = self.platform.domain
        if object_id := short_object_id(domain, self._id_names()):
            self.entity_id = f"{domain}.{object_id}"

    def _id_names(self) -> tuple[str | None, str | None, str | None]:
        """The area, device and entity names Home Assistant would make a new id of.

        A registered device says its area and the name the user gave it; a new one gets
        the area its info suggests.
        """
        info, entry = self._device.info, self.platform.config_entry
        device = entry and dr.async_get(self.hass).async_get_device_by_identifier(
            (DOMAIN, self._device.identifier), entry.entry_id
        )
        if not device:
            return info.get("suggested_area"), info.get("name"), self.suggested_object_id
        area_id = dr.async_get_effective_area_id(self.hass, device)
        area = ar.async_get(self.hass).async_get_area(area_id) if area_id else None
        name = device.name_by_user or info.get("name")
        return area.name if area else None, name, self.suggested_object_id


class PyIotHomeCoordinatorEntity[CoordinatorT: DataUpdateCoordinator[Any]](
    CoordinatorEntity[CoordinatorT], PyIotHomeEntity
):
    """An entity fed by one of the integration's coordinators."""

    def __init__(self, coordinator: CoordinatorT, device: DeviceIdentity, key: str | None) -> None:
        """Listen to the coordinator; take the identity from the device."""
        super().__init__(coordinator)
        self._identify(device, key)
