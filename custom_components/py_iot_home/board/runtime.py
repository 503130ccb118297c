"""A board's runtime data: its polling coordinator, its LEDs and its trends."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity

from ..feature_entry import FeatureEntry
from ..models import AddEntities, EntryHealth
from ..quantities import CLIMATE_SENSORS
from ..trends.coordinator import TrendCoordinator
from ..trends.entities import trend_binary_sensors, trend_sensors
from .coordinator import LocalBoardCoordinator
from .devices import board_device
from .entities import LedSwitch, LocalClimateSensor
from .led_devices import async_remove_led_devices
from .leds import LedBank, LedConfig

if TYPE_CHECKING:
    from ..forecast.coordinator import PredictorCoordinator


@dataclass(kw_only=True)
class BoardRuntimeData:
    """A DHT sensor board and its LEDs on the Home Assistant host."""

    entry: FeatureEntry
    board: LocalBoardCoordinator
    leds: LedBank
    trend: TrendCoordinator
    predictor: PredictorCoordinator | None = None
    add_switches: AddEntities | None = None
    new: bool = False
    """Set up for the first time (no device yet): its sensors are offered to its area."""

    def entities(self, platform: Platform) -> list[Entity]:
        """Climate sensors and trend sensors, rising trends, one switch per LED."""
        device = board_device(self.entry)
        match platform:
            case Platform.SENSOR:
                return [
                    *(
                        LocalClimateSensor(self.board, device, description)
                        for description in CLIMATE_SENSORS.values()
                    ),
                    *trend_sensors(self.trend, device),
                ]
            case Platform.BINARY_SENSOR:
                return list(trend_binary_sensors(self.trend, device))
            case Platform.SWITCH:
                return [LedSwitch(self.entry, self.leds, led) for led in self.leds.leds.values()]
        return []

    def platform_ready(self, platform: Platform, add_entities: AddEntities) -> None:
        """Keep the switch platform's adder: an LED can be added while the board runs."""
        if platform is Platform.SWITCH:
            self.add_switches = add_entities

    async def async_add_led(self, led: LedConfig) -> None:
        """Claim a new LED's pin and add its switch, without a reload (GpioError if refused).

        A reload would take the board's sensors away for a moment: a gap in their history
        and an "unavailable" in the logbook for every LED added or removed.
        """
        await self.leds.async_add(led)
        if self.add_switches is not None:
            self.add_switches([LedSwitch(self.entry, self.leds, led)])

    async def async_remove_leds(self, hass: HomeAssistant, led_ids: set[str]) -> None:
        """Give back the LEDs' pins; their devices and switches go, the rest stays as it is."""
        for led_id in led_ids:
            await self.leds.async_remove(led_id)
        async_remove_led_devices(hass, self.entry, led_ids)

    async def async_release(self, hass: HomeAssistant) -> None:
        """Give back this board's pins, and only them."""
        await self.leds.async_release()
        await hass.async_add_executor_job(self.board.dht.close)

    def diagnostics(self) -> dict[str, Any]:
        """Backends, the reading filter's counts, the last sample, the LEDs."""
        state = self.board.data
        return {
            "backends": {"dht": self.board.dht.name, "gpio": self.leds.gpio.name},
            "reading_filter": asdict(self.board.filter_counts),
            "available": self.board.has_reading,
            "last_sample": asdict(state.sample) if state.sample else None,
            "led_states": dict(self.leds.states),
        }

    def health(self) -> EntryHealth:
        """Counted among the boards, fine while its sensor gives readings."""
        return EntryHealth("boards_available", self.board.has_reading)
