"""Sensors and outputs of a Raspberry Pi: DHT backends, GPIO backends, the reading filter.

Pure Python with no Home Assistant import; also shipped inside the node agent.
"""

from .dht import (
    DhtBackend,
    DhtModel,
    DhtReadError,
    DhtReading,
    SimulatedDhtBackend,
    create_dht_backend,
)
from .errors import HardwareError, HardwareUnavailableError
from .gpio import GpioBackend, GpioError, PinInUseError, SimulatedGpioBackend, create_gpio_backend
from .reading_filter import FilterCounts, FilterVerdict, ReadingFilter, Rejection

__all__ = [
    "DhtBackend",
    "DhtModel",
    "DhtReadError",
    "DhtReading",
    "FilterCounts",
    "FilterVerdict",
    "GpioBackend",
    "GpioError",
    "HardwareError",
    "HardwareUnavailableError",
    "PinInUseError",
    "ReadingFilter",
    "Rejection",
    "SimulatedDhtBackend",
    "SimulatedGpioBackend",
    "create_dht_backend",
    "create_gpio_backend",
]
