"""The devices of a board: the sensor board itself, and each LED as its own device."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

from ..const import CONF_AREA, CONF_DHT_MODEL, DOMAIN
from ..entity import DeviceIdentity, entity_unique_id
from ..feature_entry import FeatureEntry
from ..hardware.dht import DhtModel
from ..hardware.names import BACKEND_SIMULATED
from .coordinator import backend_choice
from .leds import LedConfig, leds_from_options

# Its model already says "Simulated": the maker is who simulates it.
SIMULATION_MANUFACTURER = "Py IoT Home"


def simulated_by_choice(entry: FeatureEntry) -> bool:
    """Whether the user chose the simulation for the board, rather than the Pi's own pins."""
    return backend_choice(entry) == BACKEND_SIMULATED


def board_device(entry: FeatureEntry) -> DeviceIdentity:
    """The device of a sensor board wired to the Home Assistant host.

    Its model is the hardware the user chose, as core's devices name what they are: whether
    it runs, and on which library, is the sensors' ``hardware`` attribute and the repairs'.
    A simulated sensor says so in its model, the first thing its device page shows.
    """
    simulated = simulated_by_choice(entry)
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


def led_device(entry: FeatureEntry, led: LedConfig) -> DeviceIdentity:
    """An LED of the board, its own device so that Assist and areas can address it.

    The user's own LED has no known maker: none is named, as core leaves an unknown maker
    unset (its page read "LED on GPIO17 by Py IoT Home"). The simulation is ours.
    """
    simulated = simulated_by_choice(entry)
    return DeviceIdentity.of(
        led_device_identifier(entry.unique_id, led.led_id),
        DeviceInfo(
            name=led.name,
            manufacturer=SIMULATION_MANUFACTURER if simulated else None,
            model=f"{'Simulated LED' if simulated else 'LED'} on GPIO{led.pin}",
            suggested_area=entry.data.get(CONF_AREA) or None,
        ),
    )


@callback
def async_describe_board_devices(hass: HomeAssistant, entry: FeatureEntry) -> None:
    """Give the board's registered devices the maker and model of its settings, now.

    A maker the settings do not name (the user's own LED) is cleared, not kept.

    A board that does not start adds no entities, whose device info would: its devices
    kept the model of the hardware it had before (a simulation it no longer has).
    """
    registry = dr.async_get(hass)
    devices = [
        board_device(entry),
        *(led_device(entry, led) for led in leds_from_options(dict(entry.options))),
    ]
    for device in devices:
        found = registry.async_get_device_by_identifier(
            (DOMAIN, device.identifier), entry.config_entry.entry_id
        )
        if found is not None:
            registry.async_update_device(
                found.id,
                manufacturer=device.info.get("manufacturer"),
                model=device.info.get("model"),
            )
