"""The py_iot_home integration: a Raspberry Pi smart home in Home Assistant."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.storage import Store
from homeassistant.helpers.typing import ConfigType

from .assist import async_setup_assist
from .const import CONF_KIND, DOMAIN, EntryKind
from .led_devices import async_remove_led_device
from .led_states import led_states_store
from .models import LocalRuntimeData, NodeRuntimeData, PyIotHomeConfigEntry
from .node_connection import COLLISION_WATCHES, COUNTER_STORE_VERSION, counter_store_key
from .repairs import async_check_native_library, async_clear_hardware_missing
from .resend_positions import async_get_resend_positions
from .services import async_setup_services
from .setup_local import async_setup_local, async_unload_local
from .setup_node import async_setup_node, async_unload_node
from .setup_predictor import async_setup_predictor, async_unload_predictor
from .trend_persistence import STORAGE_VERSION as TREND_STORAGE_VERSION
from .trend_persistence import storage_key as trend_storage_key

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and Assist's answers; say when the native processor cannot be used."""
    async_setup_services(hass)
    async_setup_assist(hass)
    async_check_native_library(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> bool:
    """Set up a board, a node or a predictor."""
    match entry.data[CONF_KIND]:
        case EntryKind.LOCAL:
            await async_setup_local(hass, entry)
        case EntryKind.NODE:
            await async_setup_node(hass, entry)
        case EntryKind.PREDICTOR:
            await async_setup_predictor(hass, entry)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> bool:
    """Unload an entry and give back what it held."""
    runtime = entry.runtime_data
    if isinstance(runtime, LocalRuntimeData):
        return await async_unload_local(hass, entry, runtime)
    if isinstance(runtime, NodeRuntimeData):
        return await async_unload_node(hass, entry)
    return await async_unload_predictor(hass, entry)


async def async_remove_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Forget what a removed board or node kept in storage, and a removed board's repair."""
    if entry.data[CONF_KIND] in (EntryKind.LOCAL, EntryKind.NODE):
        await Store[dict[str, Any]](
            hass, TREND_STORAGE_VERSION, trend_storage_key(entry.entry_id)
        ).async_remove()
    if entry.data[CONF_KIND] == EntryKind.LOCAL:
        await led_states_store(hass, entry.entry_id).async_remove()
        async_clear_hardware_missing(hass, entry.entry_id)
    if entry.data[CONF_KIND] == EntryKind.NODE:
        await Store[dict[str, int]](
            hass, COUNTER_STORE_VERSION, counter_store_key(entry.entry_id)
        ).async_remove()
        (await async_get_resend_positions(hass)).remove(entry.entry_id)
        hass.data.get(COLLISION_WATCHES, {}).pop(entry.entry_id, None)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Only a board's LEDs can be deleted from their device page; the rest go with the entry."""
    if entry.data[CONF_KIND] != EntryKind.LOCAL:
        return False
    return async_remove_led_device(hass, entry, device)
