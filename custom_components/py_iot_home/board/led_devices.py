"""Each LED of a board is its own device: removed with the LED, and removable from its page."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..const import CONF_LED_ID, CONF_LEDS, DOMAIN
from ..feature_entry import FeatureEntry, feature_devices
from .devices import led_device_identifier


def led_device_ids(entry: FeatureEntry) -> dict[str, str]:
    """Device identifier of each configured LED, mapped to the LED's id."""
    return {
        led_device_identifier(entry.unique_id, led[CONF_LED_ID]): led[CONF_LED_ID]
        for led in entry.options.get(CONF_LEDS, [])
    }


def is_led_identifier(entry: FeatureEntry, identifier: str) -> bool:
    """Whether a device identifier names one of the board's LEDs (configured or not)."""
    return identifier.startswith(led_device_identifier(entry.unique_id, ""))


@callback
def async_remove_stale_led_devices(hass: HomeAssistant, entry: FeatureEntry) -> None:
    """Remove the devices (and with them the switches) of LEDs no longer configured."""
    registry = dr.async_get(hass)
    configured = led_device_ids(entry)
    for device in feature_devices(hass, entry):
        identifiers = {value for domain, value in device.identifiers if domain == DOMAIN}
        if any(is_led_identifier(entry, value) for value in identifiers) and not (
            identifiers & configured.keys()
        ):
            registry.async_remove_device(device.id)


@callback
def async_remove_led_devices(hass: HomeAssistant, entry: FeatureEntry, led_ids: set[str]) -> None:
    """Remove the devices (and with them the switches) of these LEDs of the board."""
    registry = dr.async_get(hass)
    for led_id in led_ids:
        identifier = (DOMAIN, led_device_identifier(entry.unique_id, led_id))
        if (
            device := registry.async_get_device_by_identifier(
                identifier, entry.config_entry.entry_id
            )
        ) is not None:
            registry.async_remove_device(device.id)
