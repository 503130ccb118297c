"""The unit a trend is shown in: the home's temperature unit, as its sensors are shown.

Samples, thresholds in the options and the analysis stay in the sensor's own unit (°C); only
what a user reads (states, attributes, the event, the options form) is converted. A slope
or a spread converts as an interval (x1.8 from °C to °F), a level such as a mean as a
temperature (x1.8 + 32).
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.util.unit_conversion import TemperatureConverter, TemperatureDeltaConverter


@dataclass(frozen=True, slots=True)
class DisplayUnit:
    """A unit to show, and how values in the analysed unit map into it."""

    unit: str
    scale: float = 1.0  # shown units per analysed unit: slopes, errors, spreads
    offset: float = 0.0  # added to levels: means, extremes, daily means

    def level(self, value: float) -> float:
        """A mean, extreme or intercept in the shown unit."""
        return value * self.scale + self.offset

    def rate(self, value: float) -> float:
        """A slope, standard error, spread or threshold in the shown unit."""
        return value * self.scale

    def analysed_rate(self, shown: float) -> float:
        """A rate typed in the shown unit (a threshold), back in the analysed unit."""
        return shown / self.scale


def display_unit(unit: str, temperature_unit: str) -> DisplayUnit:
    """How a quantity measured in `unit` is shown, given the home's temperature unit.

    Units that are no temperature are shown as they are.
    """
    valid = TemperatureConverter.VALID_UNITS
    if unit == temperature_unit or unit not in valid or temperature_unit not in valid:
        return DisplayUnit(unit=unit)
    return DisplayUnit(
        unit=temperature_unit,
        scale=TemperatureDeltaConverter.convert(1.0, unit, temperature_unit),
        offset=TemperatureConverter.convert(0.0, unit, temperature_unit),
    )


# Values shown as analysed (a view built without the home's units: benches, tests).
UNCONVERTED = DisplayUnit(unit="")
