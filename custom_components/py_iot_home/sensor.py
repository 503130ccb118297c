"""Temperature and humidity sensors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import ATTR_HARDWARE
from .entity import LocalBoardEntity, local_board_device
from .local_board import ClimateSample, LocalBoardCoordinator
from .models import LocalRuntimeData, NodeRuntimeData, PyIotHomeConfigEntry
from .node_entities import node_device, node_sensors
from .predictor_entities import predictor_sensors
from .trend_entities import trend_sensors

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ClimateSensorDescription(SensorEntityDescription):
    """A quantity read from a DHT sensor."""

    value_fn: Callable[[ClimateSample], float]


CLIMATE_SENSORS: tuple[ClimateSensorDescription, ...] = (
    ClimateSensorDescription(
        key="temperature",
        translation_key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda sample: sample.temperature,
    ),
    ClimateSensorDescription(
        key="humidity",
        translation_key="humidity",
        device_class=SensorDeviceClass.HUMIDITY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda sample: sample.humidity,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PyIotHomeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the board's sensors."""
    runtime = entry.runtime_data
    if isinstance(runtime, LocalRuntimeData):
        async_add_entities(
            LocalClimateSensor(runtime.board, description) for description in CLIMATE_SENSORS
        )
        async_add_entities(
            trend_sensors(
                runtime.trend,
                local_board_device(entry, simulated=runtime.board.simulated),
                str(entry.unique_id),
            )
        )
    elif isinstance(runtime, NodeRuntimeData):
        node = runtime.node
        async_add_entities(node_sensors(node))
        async_add_entities(trend_sensors(runtime.trend, node_device(node), f"node_{node.node_id}"))
    else:
        async_add_entities(predictor_sensors(runtime.predictor))


class LocalClimateSensor(LocalBoardEntity, SensorEntity):
    """Temperature or humidity of the board on the host."""

    entity_description: ClimateSensorDescription

    def __init__(
        self, coordinator: LocalBoardCoordinator, description: ClimateSensorDescription
    ) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def available(self) -> bool:
        """Unavailable after too many failed reads in a row."""
        return super().available and self.coordinator.data.available

    @property
    def extra_state_attributes(self) -> dict[str, str]:
        """Which hardware gives the readings: "simulated" when nothing is measured."""
        return {ATTR_HARDWARE: self.coordinator.dht.name}

    @property
    def native_value(self) -> float | None:
        """The last good reading."""
        sample = self.coordinator.data.sample
        return self.entity_description.value_fn(sample) if sample else None
