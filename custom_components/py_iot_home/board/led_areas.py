"""A board's LEDs go where the board goes, unless the user put an LED somewhere else.

The area is asked once, by Home Assistant's own dialog after a board is added (the add
form has no area field). An LED is its own device, so it would have to be placed on its
own; instead it follows its board: into the board's area when it is created (an LED added
later in the options), and along when the board moves, if it had no area or the board's.
"""

from __future__ import annotations

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..const import DOMAIN, SubentryKind
from ..feature_entry import feature_devices
from ..feature_lookup import feature_entry


def _board_devices(
    hass: HomeAssistant, device: dr.DeviceEntry
) -> tuple[dr.DeviceEntry, list[dr.DeviceEntry]] | None:
    """The board device of a device's board, and the board's other devices (its LEDs)."""
    entry = feature_entry(hass, device.config_entry_id, device.config_subentry_id)
    if (
        entry is None
        or entry.subentry is None
        or entry.subentry.subentry_type != SubentryKind.BOARD
    ):
        return None
    devices = feature_devices(hass, entry)
    board = next((d for d in devices if (DOMAIN, str(entry.unique_id)) in d.identifiers), None)
    if board is None:
        return None
    return board, [d for d in devices if d.id != board.id]


@callback
def async_leds_follow_their_board(hass: HomeAssistant) -> None:
    """Keep each local board's LEDs in the board's area."""
    registry = dr.async_get(hass)

    @callback
    def _changed(event: Event[dr.EventDeviceRegistryUpdatedData]) -> None:
        data = event.data
        if not isinstance(device := registry.async_get(data["device_id"]), dr.DeviceEntry):
            return
        if (found := _board_devices(hass, device)) is None:
            return
        board, leds = found
        if data["action"] == "create":
            if device.id != board.id and device.area_id is None and board.area_id is not None:
                registry.async_update_device(device.id, area_id=board.area_id)
            return
        if device.id != board.id:
            return
        left = data["changes"].get("area_id")  # type: ignore[typeddict-item]
        for led in leds:
            if led.area_id in (None, left) and led.area_id != board.area_id:
                registry.async_update_device(led.id, area_id=board.area_id)

    @callback
    def _relevant(data: dr.EventDeviceRegistryUpdatedData) -> bool:
        return data["action"] == "create" or (
            data["action"] == "update" and "area_id" in data["changes"]
        )

    hass.bus.async_listen(dr.EVENT_DEVICE_REGISTRY_UPDATED, _changed, event_filter=_relevant)
