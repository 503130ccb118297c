"""The py_iot_home integration: a Raspberry Pi smart home in Home Assistant."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .area_climate import async_watch_device_areas
from .assist.intents import async_setup_assist
from .board.led_areas import async_leds_follow_their_board
from .const import DOMAIN
from .errors import entry_setup
from .kinds import entry_kind
from .models import PyIotHomeConfigEntry
from .repairs import async_check_native_library
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and Assist's answers; say when the native processor cannot be used."""
    async_setup_services(hass)
    async_setup_assist(hass)
    async_watch_device_areas(hass)
    async_leds_follow_their_board(hass)
    async_check_native_library(hass)
    return True


@entry_setup
async def async_setup_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> bool:
    """Set up a board, a node or a predictor."""
    await entry_kind(entry).async_setup(hass, entry)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> bool:
    """Unload an entry's platforms, then give back what it held."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, entry_kind(entry).platforms)
    if unloaded:
        await entry.runtime_data.async_release(hass)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Forget what a removed entry kept in storage."""
    if (forget := entry_kind(entry).async_forget) is not None:
        await forget(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Only a board's LEDs can be deleted from their device page; the rest go with the entry."""
    removable = entry_kind(entry).removable_device
    return removable is not None and removable(hass, entry, device)
