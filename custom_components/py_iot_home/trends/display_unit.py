"""The unit a trend is shown in: the unit its source sensor shows (°C, °F or K).

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


def display_unit(unit: str, shown_unit: str) -> DisplayUnit:
    """How a quantity measured in `unit` is shown where its temperatures are in `shown_unit`.

    Units that are no temperature are shown as they are: a power trend keeps whole watts a
    day (1 W/d is its resolution; in kW/d it would read 0).
    """
    valid = TemperatureConverter.VALID_UNITS
    if unit == shown_unit or unit not in valid or shown_unit not in valid:
        return DisplayUnit(unit=unit)
    return DisplayUnit(
        unit=shown_unit,
        scale=TemperatureDeltaConverter.convert(1.0, unit, shown_unit),
        offset=TemperatureConverter.convert(0.0, unit, shown_unit),
    )


# Values shown as analysed (a view built without the home's units: benches, tests).
UNCONVERTED = DisplayUnit(unit="")
