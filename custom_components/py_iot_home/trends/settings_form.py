"""The trend settings every board and node has: window, rising/falling thresholds, span."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import probatio
from homeassistant.const import PERCENTAGE, UnitOfPower, UnitOfTemperature
from homeassistant.helpers import selector

from ..const import (
    CONF_TREND_MIN_SPAN_HOURS,
    CONF_WINDOW_DAYS,
    DEFAULT_TREND_MIN_SPAN_HOURS,
    DEFAULT_TREND_THRESHOLDS,
    DEFAULT_WINDOW_DAYS,
    TREND_THRESHOLD_OPTIONS,
)
from ..stored_settings import StoredSetting
from .display_unit import DisplayUnit, display_unit

# The unit each threshold is stored and analysed in, per day; how fine a step its box takes
# (in the unit shown); the largest a threshold may be.
THRESHOLD_UNITS = {
    "temperature": UnitOfTemperature.CELSIUS,
    "humidity": PERCENTAGE,
    "power": UnitOfPower.WATT,
}
THRESHOLD_STEPS = {"temperature": 0.05, "humidity": 0.1, "power": 1.0}
THRESHOLD_MAXIMA = {"temperature": 50.0, "humidity": 100.0, "power": 100000.0}
SHOWN_DIGITS = 6  # a threshold shown in °F and stored in °C again comes back as it was
# Whole days and hours (and thresholds), checked by the flow rather than by the selectors: a
# selector's bound is refused above the form as "Value 0.5 is too small", a flow's error next
# to its field, in words.
WINDOW_DAYS_RANGE = (1, 30)
MIN_SPAN_HOURS_RANGE = (1, 48)
# The same bounds for settings read back (a backup of a release before these checks).
STORED_TREND_SETTINGS = {
    CONF_WINDOW_DAYS: StoredSetting(*WINDOW_DAYS_RANGE, DEFAULT_WINDOW_DAYS),
    CONF_TREND_MIN_SPAN_HOURS: StoredSetting(*MIN_SPAN_HOURS_RANGE, DEFAULT_TREND_MIN_SPAN_HOURS),
    **{
        option: StoredSetting(
            0.0, THRESHOLD_MAXIMA[quantity], DEFAULT_TREND_THRESHOLDS[quantity], whole=False
        )
        for quantity, option in TREND_THRESHOLD_OPTIONS.items()
    },
}


def trend_threshold(options: Mapping[str, Any], quantity: str) -> float:
    """The rising/falling threshold of a quantity, in its unit per day."""
    default = DEFAULT_TREND_THRESHOLDS.get(quantity, DEFAULT_TREND_THRESHOLDS["temperature"])
    option = TREND_THRESHOLD_OPTIONS.get(quantity)
    return float(options.get(option, default)) if option else default


def _shown(quantity: str, temperature_unit: str) -> DisplayUnit:
    """How a quantity's threshold is shown in a home whose temperatures are in that unit."""
    return display_unit(THRESHOLD_UNITS[quantity], temperature_unit)


def shown_trend_options(options: Mapping[str, Any], temperature_unit: str) -> dict[str, Any]:
    """Options with their thresholds in the shown units, to fill the form with."""
    return {
        **options,
        **{
            option: round(
                _shown(quantity, temperature_unit).rate(float(options[option])), SHOWN_DIGITS
            )
            for quantity, option in TREND_THRESHOLD_OPTIONS.items()
            if option in options
        },
    }


def _threshold_field(
    quantity: str, option: str, shown: DisplayUnit
) -> tuple[probatio.Required, selector.NumberSelector]:
    """A quantity's threshold box, in its shown unit per day."""
    default = round(shown.rate(DEFAULT_TREND_THRESHOLDS[quantity]), SHOWN_DIGITS)
    return probatio.Required(option, default=default), selector.NumberSelector(
        selector.NumberSelectorConfig(
            # Converted, 0.2 °C/d is 0.36 °F/d: off a 0.05 grid, which a browser marks as
            # invalid.
            step=THRESHOLD_STEPS[quantity] if shown.scale == 1.0 else "any",
            unit_of_measurement=f"{shown.unit}/d",
            mode=selector.NumberSelectorMode.BOX,
        )
    )


def trend_fields(quantities: Collection[str], temperature_unit: str) -> dict[Any, Any]:
    """Form fields: analysis window in days, a threshold per quantity, the minimum span.

    Thresholds are shown per day in the home's units (°F/d in a home set to °F).
    """
    thresholds = dict(
        _threshold_field(quantity, option, _shown(quantity, temperature_unit))
        for quantity, option in TREND_THRESHOLD_OPTIONS.items()
        if quantity in quantities
    )
    return {
        probatio.Required(CONF_WINDOW_DAYS, default=DEFAULT_WINDOW_DAYS): selector.NumberSelector(
            selector.NumberSelectorConfig(
                step=1, unit_of_measurement="d", mode=selector.NumberSelectorMode.BOX
            )
        ),
        **thresholds,
        probatio.Required(
            CONF_TREND_MIN_SPAN_HOURS, default=DEFAULT_TREND_MIN_SPAN_HOURS
        ): selector.NumberSelector(
            selector.NumberSelectorConfig(
                step=1, unit_of_measurement="h", mode=selector.NumberSelectorMode.BOX
            )
        ),
    }


def trend_field_errors(user_input: Mapping[str, Any], temperature_unit: str) -> dict[str, str]:
    """Errors for a window, span or threshold out of range, or a span the window cannot hold."""
    errors: dict[str, str] = {}
    for key, (low, high), error in (
        (CONF_WINDOW_DAYS, WINDOW_DAYS_RANGE, "window_days_out_of_range"),
        (CONF_TREND_MIN_SPAN_HOURS, MIN_SPAN_HOURS_RANGE, "min_span_out_of_range"),
    ):
        value = float(user_input[key])
        if not (low <= value <= high and value.is_integer()):
            errors[key] = error
    # The samples span at most the window (less a reading's gap): a longer minimum span never
    # ends, and the trend is never shown.
    if not errors and float(user_input[CONF_TREND_MIN_SPAN_HOURS]) >= 24.0 * float(
        user_input[CONF_WINDOW_DAYS]
    ):
        errors[CONF_TREND_MIN_SPAN_HOURS] = "min_span_not_within_window"
    for quantity, option in TREND_THRESHOLD_OPTIONS.items():
        if option in user_input and not 0 <= float(user_input[option]) <= _shown(
            quantity, temperature_unit
        ).rate(THRESHOLD_MAXIMA[quantity]):
            errors[option] = "threshold_out_of_range"
    return errors


def trend_values(user_input: dict[str, Any], temperature_unit: str) -> dict[str, Any]:
    """The trend settings from a submitted form, typed, thresholds in their stored units."""
    return {
        CONF_WINDOW_DAYS: int(user_input[CONF_WINDOW_DAYS]),
        **{
            option: round(
                _shown(quantity, temperature_unit).analysed_rate(float(user_input[option])),
                SHOWN_DIGITS,
            )
            for quantity, option in TREND_THRESHOLD_OPTIONS.items()
            if option in user_input
        },
        CONF_TREND_MIN_SPAN_HOURS: int(user_input[CONF_TREND_MIN_SPAN_HOURS]),
    }
