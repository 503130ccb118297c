"""LEDs added or removed while a board runs: applied at once, without reloading the board.

A reload would take the board's temperature and humidity away for a moment, a gap in their
history and an "unavailable" in the logbook for every LED added or removed. A board that is
not running (its set-up failed) gets its LEDs from its settings at its next set-up.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..const import CONF_LED_ID, CONF_LEDS, DOMAIN
from ..feature_entry import FeatureEntry
from ..home.runtime import take_settings_live
from ..loaded import loaded_feature
from .led_devices import is_led_identifier, led_device_ids
from .runtime import BoardRuntimeData
from .stored_wiring import wiring_problem


def running_board(entry: FeatureEntry) -> BoardRuntimeData | None:
    """The runtime of a board that is set up, else None."""
    runtime = loaded_feature(entry.config_entry, entry.subentry_id)
    return runtime if isinstance(runtime, BoardRuntimeData) else None


@callback
def async_remove_led_device(
    hass: HomeAssistant, entry: FeatureEntry, device: dr.DeviceEntry
) -> bool:
    """Delete an LED from its device page: it leaves the board's settings, its pin is freed.

    The board's own device cannot be deleted this way (delete the board instead).
    """
    identifiers = {value for domain, value in device.identifiers if domain == DOMAIN}
    # A board that does not start for its stored wiring goes whole (its repair says so).
    if not any(is_led_identifier(entry, value) for value in identifiers) or wiring_problem(
        entry.data
    ):
        return False
    removed = {led_id for value, led_id in led_device_ids(entry).items() if value in identifiers}
    if removed and entry.subentry is not None:
        leds = [led for led in entry.data[CONF_LEDS] if led[CONF_LED_ID] not in removed]
        data = {**entry.data, CONF_LEDS: leds}
        if (board := running_board(entry)) is not None:
            take_settings_live(entry, data)
            entry.config_entry.async_create_task(hass, board.async_remove_leds(hass, removed))
        hass.config_entries.async_update_subentry(entry.config_entry, entry.subentry, data=data)
    return True
