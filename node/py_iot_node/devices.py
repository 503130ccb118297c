"""The node's sensors and switches, on the same hardware backends as the integration."""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable, Mapping, Sequence

from .config import NodeConfig, SensorConfig, SwitchConfig
from .custom_sensors import CustomSensorChannel, load_reader
from .hardware.dht import DhtBackend, create_dht_backend
from .hardware.gpio import GpioBackend, SimulatedGpioBackend, create_gpio_backend
from .hardware.outputs import OutputBank
from .hardware.reading_filter import ReadingFilter, read_filtered, stuck_after_for
from .protocol import SensorSample

_LOGGER = logging.getLogger(__name__)


def simulation_seed(node_id: str, key: str) -> int:
    """Seed a simulated sensor from the node id, so every run of a node reads the same."""
    return zlib.crc32(f"{node_id}/{key}".encode())


class SensorChannel:
    """One DHT sensor and its plausibility filter; a failed or implausible read gives None."""

    def __init__(
        self,
        config: SensorConfig,
        backend: DhtBackend,
        *,
        reading_filter: ReadingFilter | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.config = config
        self.backend = backend
        self.reading_filter = reading_filter or ReadingFilter()
        self._clock = clock or time.time

    def read(self) -> SensorSample:
        """Read once (blocking, up to a few seconds for a real DHT)."""
        reading = (result := read_filtered(self.backend, self.reading_filter, self._clock)).reading
        if reading is None:
            _LOGGER.debug("%s: %s", self.config.key, result.problem)
            return SensorSample()
        return SensorSample(
            temperature=round(reading.temperature, 2), humidity=round(reading.humidity, 2)
        )

    def close(self) -> None:
        """Release the sensor."""
        self.backend.close()


type Channel = SensorChannel | CustomSensorChannel


def open_sensors(config: NodeConfig) -> list[Channel]:
    """Open every configured sensor; HardwareUnavailableError when a library is missing."""
    channels: list[Channel] = []
    try:
        for sensor in config.sensors:
            seed = simulation_seed(config.node_id, sensor.key)
            backend = create_dht_backend(sensor.model, sensor.pin, config.dht_backend, seed=seed)
            reading_filter = ReadingFilter(stuck_after_s=stuck_after_for(sensor.model))
            channels.append(SensorChannel(sensor, backend, reading_filter=reading_filter))
        channels.extend(
            CustomSensorChannel(custom, load_reader(custom)) for custom in config.custom_sensors
        )
    except Exception:
        for channel in channels:
            channel.close()
        raise
    return channels


def read_all(channels: Sequence[Channel]) -> dict[str, SensorSample]:
    """Read every sensor in turn."""
    return {channel.config.key: channel.read() for channel in channels}


class SwitchBank(OutputBank):
    """The node's GPIO outputs by key (the integration's LEDs use the same bank)."""

    def __init__(self, gpio: GpioBackend, switches: Sequence[SwitchConfig]) -> None:
        super().__init__(gpio, {switch.key: switch for switch in switches})


def open_switches(config: NodeConfig, saved: Mapping[str, bool] | None = None) -> SwitchBank:
    """Open the GPIO backend and claim the configured outputs.

    A switch that restores takes its `saved` state (the one it had when the agent stopped);
    the others, and any without one, take their `initial_on`.
    """
    # A node without outputs (a meter) needs no GPIO library at all.
    gpio = create_gpio_backend(config.gpio_backend) if config.switches else SimulatedGpioBackend()
    bank = SwitchBank(gpio, config.switches)
    saved = saved or {}
    bank.setup({s.key: saved[s.key] for s in config.switches if s.restore and s.key in saved})
    return bank
