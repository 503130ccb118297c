"""Entities of a remote node: climate sensors, LED switches, connectivity."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.components.switch import SwitchEntity
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfPower, UnitOfTemperature
from homeassistant.helpers.device_registry import DeviceInfo

from ..entity import DeviceIdentity, PyIotHomeCoordinatorEntity, entity_unique_id
from ..errors import entity_action
from ..protocol import NodeAnnouncement, Quantity, SensorInfo, SensorSample, SwitchInfo
from .coordinator import NodeCoordinator


@dataclass(frozen=True, kw_only=True)
class NodeSensorDescription(SensorEntityDescription):
    """One quantity a node's sensor can measure."""

    native_unit_of_measurement: str
    value_fn: Callable[[SensorSample], float | None]


NODE_SENSORS: Mapping[Quantity, NodeSensorDescription] = {
    Quantity.TEMPERATURE: NodeSensorDescription(
        key=Quantity.TEMPERATURE,
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda sample: sample.temperature,
    ),
    Quantity.HUMIDITY: NodeSensorDescription(
        key=Quantity.HUMIDITY,
        device_class=SensorDeviceClass.HUMIDITY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda sample: sample.humidity,
    ),
    Quantity.POWER: NodeSensorDescription(
        key=Quantity.POWER,
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda sample: sample.power,
    ),
}


def node_device_identifier(node_id: str) -> str:
    """A node's device in the registry."""
    return f"node_{node_id}"


def node_device(coordinator: NodeCoordinator) -> DeviceIdentity:
    """The device of a remote node, from its announcement."""
    announcement = coordinator.data.announcement
    return DeviceIdentity.of(
        node_device_identifier(coordinator.node_id),
        DeviceInfo(
            name=coordinator.config_entry.title,
            manufacturer="Raspberry Pi",
            model=announcement.model,
            sw_version=announcement.sw_version,
            serial_number=coordinator.node_id,
        ),
    )


def sensor_key(sensor: str, quantity: str) -> str:
    """Key of one quantity of one announced sensor."""
    return f"{sensor}_{quantity}"


def switch_key(switch: str) -> str:
    """Key of one announced switch."""
    return f"switch_{switch}"


CONNECTIVITY_KEY = "connectivity"


def sensor_unique_id(node_id: str, sensor: str, quantity: str) -> str:
    """Unique id of one quantity of one announced sensor."""
    return entity_unique_id(node_device_identifier(node_id), sensor_key(sensor, quantity))


def switch_unique_id(node_id: str, switch: str) -> str:
    """Unique id of one announced switch."""
    return entity_unique_id(node_device_identifier(node_id), switch_key(switch))


def connectivity_unique_id(node_id: str) -> str:
    """Unique id of the node's connectivity sensor."""
    return entity_unique_id(node_device_identifier(node_id), CONNECTIVITY_KEY)


def expected_unique_ids(node_id: str, announcement: NodeAnnouncement) -> set[str]:
    """Unique ids of every entity the announcement calls for (trend entities included)."""
    ids = {connectivity_unique_id(node_id)}
    for sensor in announcement.sensors:
        for quantity in sensor.quantities:
            base = sensor_unique_id(node_id, sensor.key, quantity)
            ids |= {base, f"{base}_trend", f"{base}_rising"}
    ids |= {switch_unique_id(node_id, switch.key) for switch in announcement.switches}
    return ids


class NodeEntity(PyIotHomeCoordinatorEntity[NodeCoordinator]):
    """An entity of a remote node; unavailable while the node is offline."""

    def __init__(self, coordinator: NodeCoordinator, key: str) -> None:
        """Attach to the node's device."""
        super().__init__(coordinator, node_device(coordinator), key)

    @property
    def available(self) -> bool:
        """Available while the node is online."""
        return super().available and self.coordinator.data.online


class NodeClimateSensor(NodeEntity, SensorEntity):
    """Temperature, humidity or power measured by a node."""

    entity_description: NodeSensorDescription

    def __init__(
        self, coordinator: NodeCoordinator, sensor: SensorInfo, quantity: Quantity, *, named: bool
    ) -> None:
        """Describe one quantity; `named` adds the sensor's name when a node has several."""
        super().__init__(coordinator, sensor_key(sensor.key, quantity))
        self._sensor_key = sensor.key
        self.entity_description = NODE_SENSORS[quantity]
        if named:
            self._attr_translation_key = f"sensor_{quantity}"
            self._attr_translation_placeholders = {"sensor": sensor.name}
        else:
            self._attr_translation_key = str(quantity)

    @property
    def native_value(self) -> float | None:
        """The node's latest value."""
        sample = self.coordinator.data.sensors.get(self._sensor_key)
        return None if sample is None else self.entity_description.value_fn(sample)

    @property
    def available(self) -> bool:
        """Unavailable while the node is offline or its last read of this sensor failed."""
        return super().available and self.native_value is not None


class NodeLedSwitch(NodeEntity, SwitchEntity):
    """An LED on a node; its state is what the node reports, so commands are confirmed."""

    _attr_translation_key = "led"

    def __init__(self, coordinator: NodeCoordinator, switch: SwitchInfo) -> None:
        """Describe one announced switch."""
        super().__init__(coordinator, switch_key(switch.key))
        self._key = switch.key
        self._attr_name = switch.name

    @property
    def is_on(self) -> bool | None:
        """The state the node last reported."""
        return self.coordinator.data.switches.get(self._key)

    @entity_action
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Ask the node to switch on and wait for its confirmation."""
        await self.coordinator.async_switch(self._key, True)

    @entity_action
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Ask the node to switch off and wait for its confirmation."""
        await self.coordinator.async_switch(self._key, False)


class NodeConnectivity(NodeEntity, BinarySensorEntity):
    """Whether the node is connected (follows its last will)."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, coordinator: NodeCoordinator) -> None:
        """One per node."""
        super().__init__(coordinator, CONNECTIVITY_KEY)

    @property
    def available(self) -> bool:
        """Always available: it is the one entity that says the node is offline."""
        return self.coordinator.last_update_success

    @property
    def is_on(self) -> bool:
        """Online or not."""
        return self.coordinator.data.online


def node_sensors(coordinator: NodeCoordinator) -> list[NodeClimateSensor]:
    """A sensor per announced quantity."""
    sensors = coordinator.data.announcement.sensors
    return [
        NodeClimateSensor(coordinator, sensor, quantity, named=len(sensors) > 1)
        for sensor in sensors
        for quantity in sensor.quantities
    ]


def node_switches(coordinator: NodeCoordinator) -> list[NodeLedSwitch]:
    """A switch per announced LED."""
    return [NodeLedSwitch(coordinator, switch) for switch in coordinator.data.announcement.switches]
