"""Entities of a power predictor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfPower
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .predictor import PredictionSnapshot, PredictorCoordinator


@dataclass(frozen=True, kw_only=True)
class PredictorSensorDescription(SensorEntityDescription):
    """A value of the predictor."""

    value_fn: Callable[[PredictionSnapshot], float | int | datetime | None]


PREDICTOR_SENSORS: tuple[PredictorSensorDescription, ...] = (
    PredictorSensorDescription(
        key="predicted_power",
        translation_key="predicted_power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda snap: snap.forecast[0].power_w if snap.forecast else None,
    ),
    PredictorSensorDescription(
        key="model_mae",
        translation_key="model_mae",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        suggested_display_precision=0,
        value_fn=lambda snap: snap.mae_w,
    ),
    PredictorSensorDescription(
        key="model_r2",
        translation_key="model_r2",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        suggested_display_precision=2,
        value_fn=lambda snap: None if snap.r2 is None else round(snap.r2, 3),
    ),
    PredictorSensorDescription(
        key="training_rows",
        translation_key="training_rows",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda snap: snap.training_rows,
    ),
    PredictorSensorDescription(
        key="last_trained",
        translation_key="last_trained",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda snap: snap.trained_at,
    ),
)


class PredictorSensor(CoordinatorEntity[PredictorCoordinator], SensorEntity):
    """One value of the power predictor."""

    _attr_has_entity_name = True
    entity_description: PredictorSensorDescription

    def __init__(
        self, coordinator: PredictorCoordinator, description: PredictorSensorDescription
    ) -> None:
        """Attach to the predictor's service device."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self.entity_description = description
        self._attr_unique_id = f"{entry.unique_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, str(entry.unique_id))},
            name=entry.title,
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Py IoT Home",
            model="Power predictor",
        )

    @property
    def available(self) -> bool:
        """Unavailable until a model could be trained."""
        return super().available and self.native_value is not None

    @property
    def native_value(self) -> Any:
        """The described value."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The next 24 hours, on the predicted-power sensor."""
        if self.entity_description.key != "predicted_power":
            return None
        return {
            "forecast": [
                {"datetime": point.start.isoformat(), "power_w": round(point.power_w, 1)}
                for point in self.coordinator.data.forecast
            ]
        }


def predictor_sensors(coordinator: PredictorCoordinator) -> list[PredictorSensor]:
    """Every sensor of a predictor."""
    return [PredictorSensor(coordinator, description) for description in PREDICTOR_SENSORS]
