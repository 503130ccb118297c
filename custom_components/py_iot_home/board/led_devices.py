"""Each LED of a board is its own device: removed with the LED, and removable from its page."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..const import CONF_LED_ID, CONF_LEDS, DOMAIN
from ..models import PyIotHomeConfigEntry
from .devices import led_device_identifier


def _led_device_ids(entry: PyIotHomeConfigEntry) -> dict[str, str]:
    """Device identifier of each configured LED, mapped to the LED's id."""
    return {
        led_device_identifier(entry.unique_id, led[CONF_LED_ID]): led[CONF_LED_ID]
        for led in entry.options.get(CONF_LEDS, [])
    }


def _is_led_identifier(entry: PyIotHomeConfigEntry, identifier: str) -> bool:
    return identifier.startswith(led_device_identifier(entry.unique_id, ""))


@callback
def async_remove_stale_led_devices(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Remove the devices (and with them the switches) of LEDs no longer configured."""
    registry = dr.async_get(hass)
    configured = _led_device_ids(entry)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        identifiers = {value for domain, value in device.identifiers if domain == DOMAIN}
        if any(_is_led_identifier(entry, value) for value in identifiers) and not (
            identifiers & configured.keys()
        ):
            registry.async_remove_device(device.id)


@callback
def async_remove_led_device(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Delete an LED from its device page: it leaves the board's options too.

    The board's own device cannot be deleted this way (delete the entry instead).
    """
    identifiers = {value for domain, value in device.identifiers if domain == DOMAIN}
    if not any(_is_led_identifier(entry, value) for value in identifiers):
        return False
    removed = {led_id for value, led_id in _led_device_ids(entry).items() if value in identifiers}
    if removed:
        leds = [led for led in entry.options[CONF_LEDS] if led[CONF_LED_ID] not in removed]
        hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_LEDS: leds})
        # Only the options flow reloads by itself; the LED's pin is freed by a reload.
        hass.config_entries.async_schedule_reload(entry.entry_id)
    return True
