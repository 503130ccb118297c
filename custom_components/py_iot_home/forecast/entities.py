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
from homeassistant.const import (
    EVENT_CORE_CONFIG_UPDATE,
    PERCENTAGE,
    EntityCategory,
    UnitOfPower,
)
from homeassistant.core import Event, callback
from homeassistant.helpers.event import async_track_utc_time_change
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.util import dt as dt_util

from ..entity import PyIotHomeCoordinatorEntity
from ..prediction.walk_forward import METHODS
from .coordinator import PredictorCoordinator
from .device import predictor_device
from .outdoor_temperature import WeatherTemperatureSensor
from .snapshot import (
    PredictionSnapshot,
    choices_at,
    percent_tenth,
    points_ahead,
    points_shown,
    rounded_tenth,
)


@dataclass(frozen=True, kw_only=True)
class PredictorSensorDescription(SensorEntityDescription):
    """A value of the predictor."""

    value_fn: Callable[[PredictionSnapshot], float | int | str | datetime | None]
    attributes_fn: Callable[[PredictionSnapshot], dict[str, Any]] | None = None
    # Its attributes give times in the home's zone: written again when the zone changes.
    local_times: bool = False


def _forecast_attributes(snap: PredictionSnapshot) -> dict[str, Any]:
    """The hours ahead with their 10-90 % band, in the home's time zone, from the one under way.

    And where their temperature came from: the weather entity's forecast, or yesterday's.
    """
    attributes: dict[str, Any] = {
        "forecast": [point.as_dict() for point in points_ahead(snap.forecast, dt_util.utcnow())]
    }
    if snap.temperature_ahead is not None:
        attributes["temperature_ahead"] = snap.temperature_ahead
    return attributes


def _power_this_hour(snap: PredictionSnapshot, now: datetime) -> float | None:
    """The forecast of the hour under way (not the first point, should that have ended)."""
    ahead = points_ahead(snap.forecast, now)
    return rounded_tenth(ahead[0].power_w) if ahead else None


def _choice_attributes(snap: PredictionSnapshot) -> dict[str, Any]:
    """Why each horizon uses its method: its held-out MAE next to the best rule's.

    Flat (``day_ahead_method``, ``day_ahead_mae_w``, ...): Home Assistant translates the
    name and the value of a flat attribute, never what is nested in one. One without a
    value (no second rule beside a single method) is left out: the frontend read "Unknown".
    As of the hour under way, which Predicted power shows.
    """
    return {
        f"{group}_{name}": value
        for group, choice in choices_at(snap, dt_util.utcnow()).items()
        for name, value in choice.as_dict().items()
        if value is not None
    }


def _training_attributes(snap: PredictionSnapshot) -> dict[str, Any]:
    """How many days the training left out: marked, or found unusual when asked."""
    return {} if snap.excluded_days is None else {"excluded_days": snap.excluded_days}


def _day_ahead_method(snap: PredictionSnapshot) -> str | None:
    choice = snap.choices.get("day_ahead")
    return choice.in_use if choice else None


PREDICTED_POWER = PredictorSensorDescription(
    key="predicted_power",
    translation_key="predicted_power",
    device_class=SensorDeviceClass.POWER,
    native_unit_of_measurement=UnitOfPower.WATT,
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
    value_fn=lambda snap: _power_this_hour(snap, dt_util.utcnow()),
    attributes_fn=_forecast_attributes,
    local_times=True,
)

PREDICTOR_SENSORS: tuple[PredictorSensorDescription, ...] = (
    PREDICTED_POWER,
    PredictorSensorDescription(
        key="forecast_method",
        translation_key="forecast_method",
        device_class=SensorDeviceClass.ENUM,
        options=list(METHODS),
        value_fn=_day_ahead_method,
        attributes_fn=_choice_attributes,
    ),
    PredictorSensorDescription(
        key="forecast_skill",
        translation_key="forecast_skill",
        native_unit_of_measurement=PERCENTAGE,
        entity_category=EntityCategory.DIAGNOSTIC,
        suggested_display_precision=1,  # as the value, and the dashboard card, give it
        value_fn=lambda snap: percent_tenth(snap.skill),
        attributes_fn=_choice_attributes,
    ),
    PredictorSensorDescription(
        key="model_mae",
        translation_key="model_mae",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        suggested_display_precision=0,
        value_fn=lambda snap: rounded_tenth(snap.mae_w),
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
        attributes_fn=_training_attributes,
    ),
)


class PredictorSensor(PyIotHomeCoordinatorEntity[PredictorCoordinator], SensorEntity):
    """One value of the power predictor."""

    entity_description: PredictorSensorDescription
    # 24 hours of points change every hour: the recorder would keep a new row of them each
    # time, and the state itself always has the latest.
    _unrecorded_attributes = frozenset({"forecast"})

    def __init__(
        self, coordinator: PredictorCoordinator, description: PredictorSensorDescription
    ) -> None:
        """Attach to the predictor's service device."""
        super().__init__(coordinator, predictor_device(coordinator.entry), description.key)
        self.entity_description = description

    async def async_added_to_hass(self) -> None:
        """Follow the home's time zone and the clock.

        Without the zone, the forecast's hours kept the old one an hour. Without the clock,
        from the hour to the forecast's remake a minute later, Predicted power's state was the
        hour that had ended, and Forecast method named that hour's method; the forecast made
        an hour before has the new hour.
        """
        await super().async_added_to_hass()
        if self.entity_description.local_times:
            self.async_on_remove(
                self.hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, self._async_write_again)
            )
        self.async_on_remove(
            async_track_utc_time_change(self.hass, self._async_write_again, minute=0, second=0)
        )

    @callback
    def _async_write_again(self, _event: Event | datetime) -> None:
        self.async_write_ha_state()

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
        """The described attributes, if any."""
        attributes_fn = self.entity_description.attributes_fn
        return None if attributes_fn is None else attributes_fn(self.coordinator.data)


class PredictedPowerSensor(PredictorSensor, RestoreEntity):
    """The forecast of the hour under way; at a start, hands the one shown before it over.

    The forecast waits for the weather entity at a start (seconds on the demo): Predicted
    power showed unavailable meanwhile, while the other sensors showed the saved model's
    figures at once. The coordinator shows the forecast from before the restart until the
    new one, unless the outage outlasted it: then none, never an hour that has ended.
    """

    async def async_added_to_hass(self) -> None:
        """Hand over the forecast shown before the restart (or the reload).

        The coordinator shows it until the new forecast.
        """
        if (last := await self.async_get_last_state()) is not None:
            source = last.attributes.get("temperature_ahead")
            # Its own attribute, in W: the state may be in the unit the user chose.
            self.coordinator.async_show_until_weather(
                points_shown(last.attributes.get("forecast")),
                source if isinstance(source, str) else None,
            )
        await super().async_added_to_hass()


def predictor_sensors(coordinator: PredictorCoordinator) -> list[SensorEntity]:
    """Every sensor of a predictor; with a weather entity and no outdoor sensor, its mirror."""
    sensors: list[SensorEntity] = [
        (PredictedPowerSensor if description is PREDICTED_POWER else PredictorSensor)(
            coordinator, description
        )
        for description in PREDICTOR_SENSORS
    ]
    if coordinator.weather_mirrored:
        device = predictor_device(coordinator.entry)
        sensors.append(WeatherTemperatureSensor(device, str(coordinator.weather_entity)))
    return sensors
