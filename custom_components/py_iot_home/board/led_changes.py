"""LEDs added or removed while a board runs: applied at once, without reloading the board.

A reload would take the board's temperature and humidity away for a moment, a gap in their
history and an "unavailable" in the logbook for every LED added or removed. A board that is
not running (its set-up failed) gets its LEDs from the options at its next set-up.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..const import CONF_LED_ID, CONF_LEDS, DOMAIN
from ..loaded import loaded_runtime
from ..models import PyIotHomeConfigEntry
from .led_devices import is_led_identifier, led_device_ids
from .runtime import BoardRuntimeData


def running_board(entry: PyIotHomeConfigEntry) -> BoardRuntimeData | None:
    """The runtime of a board entry that is set up, else None."""
    runtime = loaded_runtime(entry)
    return runtime if isinstance(runtime, BoardRuntimeData) else None


@callback
def async_remove_led_device(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Delete an LED from its device page: it leaves the board's options, its pin is freed.

    The board's own device cannot be deleted this way (delete the entry instead).
    """
    identifiers = {value for domain, value in device.identifiers if domain == DOMAIN}
    if not any(is_led_identifier(entry, value) for value in identifiers):
        return False
    removed = {led_id for value, led_id in led_device_ids(entry).items() if value in identifiers}
    if removed:
        leds = [led for led in entry.options[CONF_LEDS] if led[CONF_LED_ID] not in removed]
        hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_LEDS: leds})
        if (board := running_board(entry)) is not None:
            entry.async_create_task(hass, board.async_remove_leds(hass, removed))
    return True
