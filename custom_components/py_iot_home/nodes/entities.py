"""Entities of a remote node: climate sensors, LED switches, connectivity."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, override

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory, UnitOfPower
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo

from ..entity import DeviceIdentity, PyIotHomeCoordinatorEntity, entity_unique_id
from ..errors import entity_action
from ..protocol import NodeAnnouncement, Quantity, SensorInfo, SensorSample, SwitchInfo
from ..quantities import CLIMATE_SENSORS, HomeUnitSensor, QuantitySensorDescription
from ..restored_reading import ReadingStoredData, RestoredReadingSensor
from .coordinator import NodeCoordinator
from .device import node_device_identifier, node_manufacturer
from .node_state import NodeState

NODE_SENSORS: Mapping[Quantity, QuantitySensorDescription[SensorSample]] = {
    **CLIMATE_SENSORS,
    Quantity.POWER: QuantitySensorDescription(
        key=Quantity.POWER,
        translation_key=str(Quantity.POWER),
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,  # whole watts, as meters show them
        value_fn=lambda sample: sample.power,
    ),
}


@dataclass(frozen=True, kw_only=True)
class NodeSwitchDescription(SwitchEntityDescription):
    """A switch a node announced, by its key."""

    is_on_fn: Callable[[NodeState, str], bool | None]


NODE_SWITCH = NodeSwitchDescription(
    key="switch",
    translation_key="led",
    is_on_fn=lambda state, key: state.switches.get(key),
)


@dataclass(frozen=True, kw_only=True)
class NodeBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor of the node as a whole."""

    is_on_fn: Callable[[NodeState], bool]


CONNECTIVITY = NodeBinarySensorDescription(
    key="connectivity",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
    is_on_fn=lambda state: state.online,
)


def node_device(coordinator: NodeCoordinator) -> DeviceIdentity:
    """The device of a remote node, from its announcement."""
    announcement = coordinator.data.announcement
    return DeviceIdentity.of(
        node_device_identifier(coordinator.node_id),
        DeviceInfo(
            name=coordinator.config_entry.title,
            manufacturer=node_manufacturer(announcement),
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


def sensor_unique_id(node_id: str, sensor: str, quantity: str) -> str:
    """Unique id of one quantity of one announced sensor."""
    return entity_unique_id(node_device_identifier(node_id), sensor_key(sensor, quantity))


def switch_unique_id(node_id: str, switch: str) -> str:
    """Unique id of one announced switch."""
    return entity_unique_id(node_device_identifier(node_id), switch_key(switch))


def connectivity_unique_id(node_id: str) -> str:
    """Unique id of the node's connectivity sensor."""
    return entity_unique_id(node_device_identifier(node_id), CONNECTIVITY.key)


def expected_unique_ids(node_id: str, announcement: NodeAnnouncement) -> set[str]:
    """Unique ids of every entity the announcement calls for (trend entities included)."""
    ids = {connectivity_unique_id(node_id)}
    for sensor in announcement.sensors:
        for quantity in sensor.quantities:
            base = sensor_unique_id(node_id, sensor.key, quantity)
            ids |= {base, f"{base}_trend", f"{base}_trend_status", f"{base}_rising"}
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


class NodeClimateSensor(NodeEntity, HomeUnitSensor, RestoredReadingSensor):
    """Temperature, humidity or power measured by a node.

    After a restart or reload it shows its last reading until the node reads again, while
    the node's rhythm calls that reading fresh (restored_reading).
    """

    entity_description: QuantitySensorDescription[SensorSample]
    _sample: SensorSample | None = None
    _sampled_at: datetime | None = None
    # When the restored reading shown was read, until the node sends a newer one.
    _restored_at: datetime | None = None

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

    @override
    async def async_added_to_hass(self) -> None:
        """Take the reading from before the restart if it is still fresh."""
        await super().async_added_to_hass()
        self._note_sample()
        restored_at = await self.async_restore_reading(self.coordinator.reading_grace_s())
        if restored_at is not None and (self._sampled_at is None or restored_at > self._sampled_at):
            # Newer than what the node's answer replayed (a reading it sent before, missed).
            self._restored_at = self._sampled_at = restored_at
        else:
            self._restored = None

    @override
    @callback
    def _handle_coordinator_update(self) -> None:
        self._note_sample()
        super()._handle_coordinator_update()

    def _note_sample(self) -> None:
        """The node's time of this sensor's latest sample (a state may leave a sensor out)."""
        sample = self.coordinator.data.sensors.get(self._sensor_key)
        if sample is not None and sample is not self._sample:
            self._sample = sample
            sampled_at = self.coordinator.data.sampled_at
            if self._restored_at is not None and (
                sampled_at is None or sampled_at <= self._restored_at
            ):
                return
            self._sampled_at = sampled_at
            self._restored = self._restored_at = None

    @property
    def native_value(self) -> float | None:
        """The node's latest value (its last one from before a restart, while fresh)."""
        if self._restored_at is not None:
            # None once its grace is over: what the node sent since is older still.
            return self._restored
        if self._sample is None:
            return None
        return self.entity_description.value_fn(self._sample)

    @property
    def extra_restore_state_data(self) -> ReadingStoredData:
        """The value shown and when the node read it, for the next start."""
        return ReadingStoredData(
            self.native_value,
            self.native_unit_of_measurement,
            self._sampled_at,
            self.coordinator.reading_grace_s(),
        )

    @property
    def available(self) -> bool:
        """Unavailable while the node is offline, silent, or its reads of it keep failing."""
        return (
            super().available
            and not self.coordinator.data.readings_stale
            and self.native_value is not None
        )


class NodeLedSwitch(NodeEntity, SwitchEntity):
    """An LED on a node; its state is what the node reports, so commands are confirmed."""

    entity_description: NodeSwitchDescription

    def __init__(self, coordinator: NodeCoordinator, switch: SwitchInfo) -> None:
        """Describe one announced switch."""
        super().__init__(coordinator, switch_key(switch.key))
        self.entity_description = NODE_SWITCH
        self._key = switch.key
        self._attr_name = switch.name

    @property
    def is_on(self) -> bool | None:
        """The state the node last reported."""
        return self.entity_description.is_on_fn(self.coordinator.data, self._key)

    @property
    def available(self) -> bool:
        """Unavailable while the node, asked as its entry subscribed, has not reported it yet.

        As ESPHome's entities stay unavailable until their device's first state: otherwise
        every restart and reload wrote "Unknown" for a moment, a row in the logbook. Not for
        longer (an older agent does not answer): "Unknown" still takes commands.
        """
        data = self.coordinator.data
        return super().available and (self.is_on is not None or not data.awaiting_switches)

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

    entity_description: NodeBinarySensorDescription

    def __init__(self, coordinator: NodeCoordinator) -> None:
        """One per node."""
        super().__init__(coordinator, CONNECTIVITY.key)
        self.entity_description = CONNECTIVITY

    @property
    def available(self) -> bool:
        """Available once the node's availability was heard through a connected broker.

        Until its retained availability arrives (set-up, a reload, the broker back), the
        node's state is not known: "Disconnected" then was a logbook row for a node online
        all along. Core's MQTT entities with an availability topic wait the same way.
        """
        data = self.coordinator.data
        return (
            self.coordinator.last_update_success
            and data.broker_connected
            and data.availability_known
        )

    @property
    def is_on(self) -> bool:
        """Online or not."""
        return self.entity_description.is_on_fn(self.coordinator.data)


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
