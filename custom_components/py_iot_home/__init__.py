"""The py_iot_home integration: a Raspberry Pi smart home in Home Assistant."""

from __future__ import annotations

from homeassistant.const import STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.restore_state import async_get as async_get_restore_state
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .hardware.gpio import GpioError, PinInUseError
from .hardware.reading_filter import ReadingFilter
from .leds import LedBank, led_unique_id, leds_from_options
from .local_board import LocalBoardCoordinator, failure_threshold, open_dht_backend, open_gpio
from .models import LocalRuntimeData, PyIotHomeConfigEntry

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

LOCAL_PLATFORMS = [Platform.SENSOR, Platform.SWITCH]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up the integration (nothing global yet)."""
    return True


async def async_setup_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> bool:
    """Set up one config entry."""
    dht = await hass.async_add_executor_job(open_dht_backend, hass, entry)
    board = LocalBoardCoordinator(
        hass, entry, dht, ReadingFilter(max_consecutive_failures=failure_threshold(entry))
    )
    gpio = await hass.async_add_executor_job(open_gpio, hass, entry)
    leds = LedBank(hass, gpio, leds_from_options(dict(entry.options)))
    try:
        await leds.async_setup(_restored_led_states(hass, entry, leds))
    except PinInUseError as err:
        await hass.async_add_executor_job(dht.close)
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="pin_in_use",
            translation_placeholders={"error": str(err)},
        ) from err
    except GpioError as err:
        await hass.async_add_executor_job(dht.close)
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="gpio_error",
            translation_placeholders={"error": str(err)},
        ) from err
    entry.runtime_data = LocalRuntimeData(board=board, leds=leds)
    await board.async_config_entry_first_refresh()
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_options))
    await hass.config_entries.async_forward_entry_setups(entry, LOCAL_PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> bool:
    """Unload a config entry and give back its hardware."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, LOCAL_PLATFORMS)
    if unloaded:
        runtime = entry.runtime_data
        await runtime.leds.async_release()
        await hass.async_add_executor_job(runtime.board.dht.close)
    return unloaded


async def _async_reload_on_options(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    await hass.config_entries.async_reload(entry.entry_id)


def _restored_led_states(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry, leds: LedBank
) -> dict[str, bool]:
    """Last known LED states, so a restart drives each pin straight to it (no flicker)."""
    registry = er.async_get(hass)
    last_states = async_get_restore_state(hass).last_states
    restored: dict[str, bool] = {}
    for led_id in leds.leds:
        entity_id = registry.async_get_entity_id(
            Platform.SWITCH, DOMAIN, led_unique_id(entry.unique_id, led_id)
        )
        if entity_id and (stored := last_states.get(entity_id)):
            restored[led_id] = stored.state.state == STATE_ON
    return restored
