"""The py_iot_home integration: a Raspberry Pi smart home in Home Assistant."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .area_climate import async_watch_device_areas
from .assist.setup import async_setup_assist
from .board.led_areas import async_leds_follow_their_board
from .const import DOMAIN, ENTRY_VERSION
from .errors import entry_setup
from .home.migration import async_migrate_to_subentries, is_legacy_entry
from .home.watch import async_watch_home_subentries
from .kinds import entry_kind
from .models import PyIotHomeConfigEntry
from .repairs import async_check_native_library
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and Assist's answers; say when the native processor cannot be used."""
    await async_migrate_to_subentries(hass)
    async_watch_home_subentries(hass)
    async_setup_services(hass)
    async_setup_assist(hass)
    async_watch_device_areas(hass)
    async_leds_follow_their_board(hass)
    async_check_native_library(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> bool:
    """A node entry of version 1 is as it was; a board or forecast became a subentry."""
    if is_legacy_entry(entry):
        return False  # async_setup makes it a subentry; one left over cannot set up
    if entry.version < ENTRY_VERSION:
        hass.config_entries.async_update_entry(entry, version=ENTRY_VERSION)
    return True


@entry_setup
async def async_setup_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> bool:
    """Set up the home entry (boards and forecasts) or a node."""
    await entry_kind(entry).async_setup(hass, entry)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> bool:
    """Unload an entry's platforms, then give back what its features held."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, entry_kind(entry).platforms)
    if unloaded:
        for feature in entry.runtime_data.features.values():
            await feature.async_release(hass)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Forget what a removed entry (and each of its subentries) kept in storage."""
    if (forget := entry_kind(entry).async_forget) is not None:
        await forget(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Only a board's LEDs can be deleted from their device page; the rest go with the entry.

    Refused, Home Assistant said "rejected by integration": the answer says what to delete.
    """
    removable = entry_kind(entry).removable_device
    if removable is not None and removable(hass, entry, device):
        return True
    subentry = entry.subentries.get(device.config_subentry_id or "")
    raise HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="device_goes_with_subentry" if subentry else "device_goes_with_entry",
        translation_placeholders={
            "name": device.name_by_user or device.name or entry.title,
            "owner": subentry.title if subentry else entry.title,
        },
    )
