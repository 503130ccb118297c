"""Trend entities: each source's slope per day, whether it rises, and why it is not shown."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import callback
from homeassistant.helpers.entity import EntityDescription
from homeassistant.util import dt as dt_util

from ..entity import DeviceIdentity, PyIotHomeCoordinatorEntity
from .coordinator import (
    TrendCoordinator,
)
from .snapshot import (
    ATTR_DAILY_MEANS,
    ATTR_LAST_SAMPLE_AT,
    ATTR_READY_AT,
    ATTR_SPAN_HOURS,
    ATTR_STANDARD_ERROR,
    EXPECTED,
    RISING,
    STATUS,
    STATUS_OPTIONS,
    TREND,
    EntityView,
    TrendSnapshot,
    TrendSource,
)

# Every refresh changes these; keeping them out of the recorder saves a row per refresh.
_CHANGING_ATTRIBUTES = frozenset(
    {
        ATTR_DAILY_MEANS,
        ATTR_LAST_SAMPLE_AT,
        ATTR_READY_AT,
        ATTR_SPAN_HOURS,
        ATTR_STANDARD_ERROR,
        "minimum",
        "maximum",
        "mean",
        "std",
        "samples",
        "intercept",
    }
)


@dataclass(frozen=True, kw_only=True)
class TrendSensorDescription(SensorEntityDescription):
    """The slope of a source, or its status, read from the view the coordinator built."""

    value_fn: Callable[[EntityView], float | str | datetime | None]


@dataclass(frozen=True, kw_only=True)
class TrendBinarySensorDescription(BinarySensorEntityDescription):
    """Whether a source rises, read from the view the coordinator built."""

    is_on_fn: Callable[[EntityView], bool | None]


TREND_SENSOR = TrendSensorDescription(
    key=TREND,
    state_class=SensorStateClass.MEASUREMENT,
    value_fn=lambda view: None if view.value is None else float(view.value),
)
# On the device page, in sight: a trend shown as "Unknown" says why there, not three clicks
# into its attributes.
STATUS_SENSOR = TrendSensorDescription(
    key=STATUS,
    device_class=SensorDeviceClass.ENUM,
    options=STATUS_OPTIONS,
    entity_category=EntityCategory.DIAGNOSTIC,
    value_fn=lambda view: None if view.value is None else str(view.value),
)
# Beside the status, when the trend should come, as the device page shows a time: "in 3
# hours" (unknown while there is a trend, or no time can be promised).
EXPECTED_SENSOR = TrendSensorDescription(
    key=EXPECTED,
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
    value_fn=lambda view: (
        None if view.value is None else dt_util.utc_from_timestamp(float(view.value))
    ),
)
RISING_SENSOR = TrendBinarySensorDescription(
    key=RISING,
    is_on_fn=lambda view: None if view.value is None else bool(view.value),
)


def trend_sensors(coordinator: TrendCoordinator, device: DeviceIdentity) -> list[SensorEntity]:
    """A slope sensor, its status and when it is expected per source, on the sources' device."""
    return [
        entity
        for source in coordinator.sources.values()
        for entity in (
            TrendSensor(
                coordinator,
                source,
                device,
                replace(
                    TREND_SENSOR,
                    native_unit_of_measurement=f"{coordinator.shown_units[source.key].unit}/d",
                    suggested_display_precision=source.slope_digits,
                ),
            ),
            TrendSensor(coordinator, source, device, STATUS_SENSOR),
            TrendSensor(coordinator, source, device, EXPECTED_SENSOR),
        )
    ]


def trend_binary_sensors(
    coordinator: TrendCoordinator, device: DeviceIdentity
) -> list[BinarySensorEntity]:
    """One "rising" binary sensor per source of the coordinator, on the sources' device."""
    return [
        TrendRisingBinarySensor(coordinator, source, device, RISING_SENSOR)
        for source in coordinator.sources.values()
    ]


class TrendEntity(PyIotHomeCoordinatorEntity[TrendCoordinator]):
    """An entity that shows one source's trend, as a view the coordinator built."""

    _shown_view: EntityView | None = None
    _shown_available = False

    def __init__(
        self,
        coordinator: TrendCoordinator,
        source: TrendSource,
        device: DeviceIdentity,
        description: EntityDescription,
    ) -> None:
        """Name the entity after its quantity, and its sensor when the device has several."""
        suffix = description.key
        super().__init__(coordinator, device, f"{source.key}_{suffix}")
        self.entity_description = description
        self.source = source
        self._view_key = (source.key, suffix)
        if source.sensor_name:
            self._attr_translation_key = f"sensor_{source.quantity}_{suffix}"
            self._attr_translation_placeholders = {"sensor": source.sensor_name}
        else:
            self._attr_translation_key = f"{source.quantity}_{suffix}"

    @property
    def available(self) -> bool:
        """Available once analysed; an unpublished trend is unknown, with its reason shown."""
        return self._shown_available

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The view's attributes."""
        return None if (view := self._shown_view) is None else view.attributes

    def _latest(self) -> tuple[EntityView | None, bool]:
        """The latest analysis's view for this entity, and whether it is available."""
        # None until the first refresh succeeds, whatever the generic type says.
        data: TrendSnapshot | None = self.coordinator.data
        if data is None:
            return None, False
        available = self.coordinator.last_update_success and self.source.key in data.results
        return data.views.get(self._view_key), available

    async def async_added_to_hass(self) -> None:
        """Show the latest view in the state written when the entity is added."""
        await super().async_added_to_hass()
        self._shown_view, self._shown_available = self._latest()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the state only when the view or the availability changed.

        Most refreshes leave the rising sensors as they were, and writing an unchanged
        state still costs the loop ~10 us per entity. The state properties read what was
        taken here, so a write computes nothing twice.
        """
        view, available = self._latest()
        if view is self._shown_view and available == self._shown_available:
            return
        self._shown_view, self._shown_available = view, available
        self._write_state()

    @callback
    def _write_state(self) -> None:
        self.async_write_ha_state()


class TrendSensor(TrendEntity, SensorEntity):
    """A source's published trend in its unit per day (unknown until shown), or its status."""

    entity_description: TrendSensorDescription
    _unrecorded_attributes = _CHANGING_ATTRIBUTES

    @property
    def native_unit_of_measurement(self) -> str | None:
        """A slope's unit per day as its view was built: it follows its source's sensor."""
        if (view := self._shown_view) is not None and view.unit is not None:
            return view.unit
        return self.entity_description.native_unit_of_measurement

    @property
    def native_value(self) -> float | str | datetime | None:
        """The slope per day (shown decimals), the status, or when the trend is expected."""
        view = self._shown_view
        return None if view is None else self.entity_description.value_fn(view)


class TrendRisingBinarySensor(TrendEntity, BinarySensorEntity):
    """On while a source rises faster than the trend threshold."""

    entity_description: TrendBinarySensorDescription

    @callback
    def _write_state(self) -> None:
        """After the trend sensor of the same analysis (see the coordinator)."""
        self.coordinator.async_write_after_trends(self.async_write_ha_state)

    @property
    def is_on(self) -> bool | None:
        """Whether the trend is rising (see ``analysis.trend_direction``); None while unknown."""
        view = self._shown_view
        return None if view is None else self.entity_description.is_on_fn(view)
