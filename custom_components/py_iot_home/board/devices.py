"""The devices of a board: the sensor board itself, and each LED as its own device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo

from ..const import CONF_AREA, CONF_DHT_MODEL
from ..entity import DeviceIdentity, entity_unique_id
from ..feature_entry import FeatureEntry
from ..hardware.dht import DhtModel
from .leds import LedConfig

# Its model already says "Simulated": the maker is who simulates it.
SIMULATION_MANUFACTURER = "Py IoT Home"


def board_device(entry: FeatureEntry, *, simulated: bool) -> DeviceIdentity:
    """The device of a sensor board wired to the Home Assistant host.

    A simulated sensor says so in its model, the first thing its device page shows.
    """
    model = DhtModel(entry.data[CONF_DHT_MODEL]).name
    return DeviceIdentity.of(
        str(entry.unique_id),
        DeviceInfo(
            name=entry.title,
            manufacturer=SIMULATION_MANUFACTURER if simulated else "Aosong",
            model=f"Simulated {model}" if simulated else model,
            suggested_area=entry.data.get(CONF_AREA) or None,
        ),
    )


def climate_sensor_unique_id(board_id: str | None, quantity: str) -> str:
    """A board's temperature or humidity sensor, as its device names it (the trends' source)."""
    return entity_unique_id(str(board_id), quantity)


def led_device_identifier(board_id: str | None, led_id: str) -> str:
    """An LED's device: the board's id and the LED's own id (also its switch's unique id)."""
    return entity_unique_id(str(board_id), f"led_{led_id}")


def led_device(entry: FeatureEntry, led: LedConfig, *, simulated: bool) -> DeviceIdentity:
    """An LED of the board, its own device so that Assist and areas can address it."""
    return DeviceIdentity.of(
        led_device_identifier(entry.unique_id, led.led_id),
        DeviceInfo(
            name=led.name,
            manufacturer=SIMULATION_MANUFACTURER if simulated else "Py IoT Home",
            model=f"{'Simulated LED' if simulated else 'LED'} on GPIO{led.pin}",
            suggested_area=entry.data.get(CONF_AREA) or None,
        ),
    )
