"""The sensors of measured quantities, described once for a board's and a node's samples."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, PERCENTAGE, UnitOfTemperature

from .protocol import Quantity

# Contravariant, which type parameter syntax cannot say: a description that reads any
# climate sample also reads a node's sample.
SampleT_contra = TypeVar("SampleT_contra", contravariant=True)


class ClimateReading(Protocol):
    """What a board's and a node's samples both offer; None where a read failed."""

    @property
    def temperature(self) -> float | None:
        """Degrees Celsius."""

    @property
    def humidity(self) -> float | None:
        """Percent relative humidity."""


@dataclass(frozen=True, kw_only=True)
class QuantitySensorDescription(SensorEntityDescription, Generic[SampleT_contra]):  # noqa: UP046
    """A sensor of one quantity, read from a sample by ``value_fn``."""

    native_unit_of_measurement: str
    value_fn: Callable[[SampleT_contra], float | None]


def _climate(
    quantity: Quantity,
    device_class: SensorDeviceClass,
    unit: str,
    value_fn: Callable[[ClimateReading], float | None],
) -> QuantitySensorDescription[ClimateReading]:
    return QuantitySensorDescription(
        key=quantity,
        translation_key=str(quantity),
        device_class=device_class,
        native_unit_of_measurement=unit,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=value_fn,
    )


CLIMATE_SENSORS: Mapping[Quantity, QuantitySensorDescription[ClimateReading]] = {
    Quantity.TEMPERATURE: _climate(
        Quantity.TEMPERATURE,
        SensorDeviceClass.TEMPERATURE,
        UnitOfTemperature.CELSIUS,
        lambda sample: sample.temperature,
    ),
    Quantity.HUMIDITY: _climate(
        Quantity.HUMIDITY, SensorDeviceClass.HUMIDITY, PERCENTAGE, lambda sample: sample.humidity
    ),
}


class HomeUnitSensor(SensorEntity):
    """A sensor whose temperature stays in the home's unit after a restart."""

    @property
    def suggested_unit_of_measurement(self) -> str | None:
        """The home's temperature unit, for a temperature.

        Home Assistant shows a temperature in the home's unit without storing that unit: at
        the next start it kept the unit its registry had, and a home switched to °F read °C
        again. A suggested unit is stored, and made again when a switch updates sensors' units.
        """
        if self.device_class == SensorDeviceClass.TEMPERATURE:
            return self.hass.config.units.temperature_unit
        return super().suggested_unit_of_measurement


def unit_of(attributes: Mapping[str, object], name: str = ATTR_UNIT_OF_MEASUREMENT) -> str | None:
    """A state's unit if it is text, else None (as for no unit).

    Another integration's attributes may hold any JSON value: `unit in {...}` of a list raised.
    """
    unit = attributes.get(name)
    return unit if isinstance(unit, str) else None
