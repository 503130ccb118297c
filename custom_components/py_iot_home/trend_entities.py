"""Trend entities: the slope per day of each source, and whether it is rising."""

from __future__ import annotations

import math
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.sensor import SensorEntity, SensorStateClass
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .analysis.trend import TrendResult
from .trend_coordinator import TrendCoordinator, TrendSnapshot, TrendSource

ATTR_DAILY_MEANS = "daily_means"
ATTR_DIRECTION = "direction"
ATTR_THRESHOLD = "threshold"
# Every refresh changes these; keeping them out of the recorder saves a row per refresh.
_CHANGING_ATTRIBUTES = frozenset(
    {ATTR_DAILY_MEANS, "minimum", "maximum", "mean", "std", "samples", "intercept"}
)
_DIGITS = 3


def trend_sensors(
    coordinator: TrendCoordinator, device_info: DeviceInfo, unique_id_prefix: str
) -> list[SensorEntity]:
    """One slope sensor per source of the coordinator."""
    return [
        TrendSensor(coordinator, source, device_info, unique_id_prefix)
        for source in coordinator.sources.values()
    ]


def trend_binary_sensors(
    coordinator: TrendCoordinator, device_info: DeviceInfo, unique_id_prefix: str
) -> list[BinarySensorEntity]:
    """One "rising" binary sensor per source of the coordinator."""
    return [
        TrendRisingBinarySensor(coordinator, source, device_info, unique_id_prefix)
        for source in coordinator.sources.values()
    ]


class TrendEntity(CoordinatorEntity[TrendCoordinator]):
    """An entity that shows one source's trend."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: TrendCoordinator,
        source: TrendSource,
        device_info: DeviceInfo,
        unique_id_prefix: str,
        suffix: str,
    ) -> None:
        """Name the entity after its quantity, and its sensor when the device has several."""
        super().__init__(coordinator)
        self.source = source
        self._attr_unique_id = f"{unique_id_prefix}_{source.key}_{suffix}"
        self._attr_device_info = device_info
        if source.sensor_name:
            self._attr_translation_key = f"sensor_{source.quantity}_{suffix}"
            self._attr_translation_placeholders = {"sensor": source.sensor_name}
        else:
            self._attr_translation_key = f"{source.quantity}_{suffix}"

    @property
    def result(self) -> TrendResult | None:
        """The source's latest analysis, if any yet."""
        # None until the first refresh succeeds, whatever the generic type says.
        data: TrendSnapshot | None = self.coordinator.data
        return None if data is None else data.results.get(self.source.key)

    @property
    def available(self) -> bool:
        """Unavailable until the window holds two samples."""
        result = self.result
        return super().available and result is not None and result.count >= 2


class TrendSensor(TrendEntity, SensorEntity):
    """Least-squares slope of a source over the window, in its unit per day."""

    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_suggested_display_precision = 2
    _unrecorded_attributes = _CHANGING_ATTRIBUTES

    def __init__(
        self,
        coordinator: TrendCoordinator,
        source: TrendSource,
        device_info: DeviceInfo,
        unique_id_prefix: str,
    ) -> None:
        """Show the slope in the source's unit per day."""
        super().__init__(coordinator, source, device_info, unique_id_prefix, "trend")
        self._attr_native_unit_of_measurement = f"{source.unit}/d"

    @property
    def native_value(self) -> float | None:
        """Slope per day; None while all samples share one time."""
        return _rounded(self.result.slope_per_day) if self.result else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Daily means and window statistics behind the slope."""
        if (result := self.result) is None:
            return None
        return {
            ATTR_DAILY_MEANS: [
                {"date": day.date.isoformat(), "mean": _rounded(day.mean), "count": day.count}
                for day in result.daily_means
            ],
            "minimum": _rounded(result.minimum),
            "maximum": _rounded(result.maximum),
            "mean": _rounded(result.mean),
            "std": _rounded(result.std),
            "samples": result.count,
            "intercept": _rounded(result.intercept),
            "backend": result.backend,
        }


class TrendRisingBinarySensor(TrendEntity, BinarySensorEntity):
    """On while a source rises faster than the trend threshold."""

    def __init__(
        self,
        coordinator: TrendCoordinator,
        source: TrendSource,
        device_info: DeviceInfo,
        unique_id_prefix: str,
    ) -> None:
        """Describe the binary sensor."""
        super().__init__(coordinator, source, device_info, unique_id_prefix, "rising")

    @property
    def is_on(self) -> bool | None:
        """Whether the slope is above the threshold; None while there is no slope."""
        direction = self.coordinator.data.directions.get(self.source.key)
        return None if direction is None else direction == "rising"

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Rising, falling or steady, and the threshold that separates them."""
        return {
            ATTR_DIRECTION: self.coordinator.data.directions.get(self.source.key),
            ATTR_THRESHOLD: self.coordinator.data.threshold,
        }


def _rounded(value: float) -> float | None:
    """Round for display and storage; NaN (no data) becomes None, which JSON can carry."""
    return None if math.isnan(value) else round(value, _DIGITS)
