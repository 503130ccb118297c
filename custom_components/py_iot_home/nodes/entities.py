"""Entities of a remote node: climate sensors, LED switches, connectivity."""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.components.switch import SwitchEntity
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfPower, UnitOfTemperature
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ..const import DOMAIN
from ..protocol import NodeAnnouncement, Quantity, SensorInfo, SwitchInfo
from .coordinator import NodeCoordinator

QUANTITY_DEVICE_CLASS = {
    Quantity.TEMPERATURE: (SensorDeviceClass.TEMPERATURE, UnitOfTemperature.CELSIUS),
    Quantity.HUMIDITY: (SensorDeviceClass.HUMIDITY, PERCENTAGE),
    Quantity.POWER: (SensorDeviceClass.POWER, UnitOfPower.WATT),
}


def node_device(coordinator: NodeCoordinator) -> DeviceInfo:
    """The device of a remote node, from its announcement."""
    announcement = coordinator.data.announcement
    return DeviceInfo(
        identifiers={(DOMAIN, f"node_{coordinator.node_id}")},
        name=coordinator.config_entry.title,
        manufacturer="Raspberry Pi",
        model=announcement.model,
        sw_version=announcement.sw_version,
        serial_number=coordinator.node_id,
    )


def sensor_unique_id(node_id: str, sensor_key: str, quantity: str) -> str:
    """Unique id of one quantity of one announced sensor."""
    return f"node_{node_id}_{sensor_key}_{quantity}"


def switch_unique_id(node_id: str, switch_key: str) -> str:
    """Unique id of one announced switch."""
    return f"node_{node_id}_switch_{switch_key}"


def connectivity_unique_id(node_id: str) -> str:
    """Unique id of the node's connectivity sensor."""
    return f"node_{node_id}_connectivity"


def expected_unique_ids(node_id: str, announcement: NodeAnnouncement) -> set[str]:
    """Unique ids of every entity the announcement calls for (trend entities included)."""
    ids = {connectivity_unique_id(node_id)}
    for sensor in announcement.sensors:
        for quantity in sensor.quantities:
            base = sensor_unique_id(node_id, sensor.key, quantity)
            ids |= {base, f"{base}_trend", f"{base}_rising"}
    ids |= {switch_unique_id(node_id, switch.key) for switch in announcement.switches}
    return ids


class NodeEntity(CoordinatorEntity[NodeCoordinator]):
    """An entity of a remote node; unavailable while the node is offline."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: NodeCoordinator, unique_id: str) -> None:
        """Attach to the node's device."""
        super().__init__(coordinator)
        self._attr_unique_id = unique_id
        self._attr_device_info = node_device(coordinator)

    @property
    def available(self) -> bool:
        """Available while the node is online."""
        return super().available and self.coordinator.data.online


class NodeClimateSensor(NodeEntity, SensorEntity):
    """Temperature, humidity or power measured by a node."""

    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_suggested_display_precision = 1

    def __init__(
        self, coordinator: NodeCoordinator, sensor: SensorInfo, quantity: Quantity, *, named: bool
    ) -> None:
        """Describe one quantity; `named` adds the sensor's name when a node has several."""
        super().__init__(coordinator, sensor_unique_id(coordinator.node_id, sensor.key, quantity))
        self._sensor_key = sensor.key
        self._quantity = quantity
        self._attr_device_class, self._attr_native_unit_of_measurement = QUANTITY_DEVICE_CLASS[
            quantity
        ]
        if named:
            self._attr_translation_key = f"sensor_{quantity}"
            self._attr_translation_placeholders = {"sensor": sensor.name}
        else:
            self._attr_translation_key = str(quantity)

    @property
    def native_value(self) -> float | None:
        """The node's latest value."""
        sample = self.coordinator.data.sensors.get(self._sensor_key)
        if sample is None:
            return None
        value: float | None = getattr(sample, self._quantity)
        return value

    @property
    def available(self) -> bool:
        """Unavailable while the node is offline or its last read of this sensor failed."""
        return super().available and self.native_value is not None


class NodeLedSwitch(NodeEntity, SwitchEntity):
    """An LED on a node; its state is what the node reports, so commands are confirmed."""

    _attr_translation_key = "led"

    def __init__(self, coordinator: NodeCoordinator, switch: SwitchInfo) -> None:
        """Describe one announced switch."""
        super().__init__(coordinator, switch_unique_id(coordinator.node_id, switch.key))
        self._key = switch.key
        self._attr_name = switch.name

    @property
    def is_on(self) -> bool | None:
        """The state the node last reported."""
        return self.coordinator.data.switches.get(self._key)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Ask the node to switch on and wait for its confirmation."""
        await self.coordinator.async_switch(self._key, True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Ask the node to switch off and wait for its confirmation."""
        await self.coordinator.async_switch(self._key, False)


class NodeConnectivity(NodeEntity, BinarySensorEntity):
    """Whether the node is connected (follows its last will)."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, coordinator: NodeCoordinator) -> None:
        """One per node."""
        super().__init__(coordinator, connectivity_unique_id(coordinator.node_id))

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
