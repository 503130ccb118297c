"""The form of a power forecast's sources, and its checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import probatio
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.components.weather import WeatherEntityFeature
from homeassistant.const import (
    ATTR_SUPPORTED_FEATURES,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    UnitOfEnergy,
    UnitOfPower,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_EXCLUDE_OUTLIERS,
    CONF_EXCLUDED_DAYS,
    CONF_HUMIDITY_ENTITY,
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
    CONF_WEATHER_ENTITY,
    DEFAULT_RETRAIN_HOURS,
    DEFAULT_TRAINING_DAYS,
    MIN_TRAINING_DAYS,
)
from ..number_field import number_field
from ..prediction.unusual_days import parse_days
from ..quantities import unit_of
from .recorder_history import async_load_export_hours

POWER_UNITS = {UnitOfPower.WATT, UnitOfPower.KILO_WATT}
ENERGY_UNITS = {UnitOfEnergy.WATT_HOUR, UnitOfEnergy.KILO_WATT_HOUR}
HOURLY_FORECAST = "weather.WeatherEntityFeature.FORECAST_HOURLY"


def _sensor(device_class: str | list[str]) -> selector.EntitySelector:
    return selector.EntitySelector(
        selector.EntitySelectorConfig(domain="sensor", device_class=device_class)
    )


def predictor_schema() -> probatio.Schema:
    """Sources and intervals of a predictor."""
    return probatio.Schema(
        {
            probatio.Required(CONF_POWER_ENTITY): _sensor(
                [SensorDeviceClass.POWER, SensorDeviceClass.ENERGY]
            ),
            probatio.Optional(CONF_TEMPERATURE_ENTITY): _sensor(SensorDeviceClass.TEMPERATURE),
            probatio.Optional(CONF_HUMIDITY_ENTITY): _sensor(SensorDeviceClass.HUMIDITY),
            probatio.Optional(CONF_WEATHER_ENTITY): selector.EntitySelector(
                selector.EntitySelectorConfig(
                    filter=selector.EntityWithDeviceFilterSelectorConfig(
                        domain="weather", supported_features=[HOURLY_FORECAST]
                    )
                )
            ),
            probatio.Required(CONF_TRAINING_DAYS, default=DEFAULT_TRAINING_DAYS): number_field(
                MIN_TRAINING_DAYS, 365, "d"
            ),
            probatio.Required(CONF_RETRAIN_HOURS, default=DEFAULT_RETRAIN_HOURS): number_field(
                1, 24 * 7, "h"
            ),
            probatio.Optional(CONF_EXCLUDED_DAYS): selector.TextSelector(
                selector.TextSelectorConfig(multiline=True)
            ),
            probatio.Optional(CONF_EXCLUDE_OUTLIERS, default=False): selector.BooleanSelector(),
        }
    )


def _unit_errors(hass: HomeAssistant, user_input: dict[str, Any]) -> dict[str, str]:
    """Errors for the power field (W/kW, or an energy meter that only grows) and the days."""
    try:
        parse_days(str(user_input.get(CONF_EXCLUDED_DAYS, "")))
    except ValueError:
        return {CONF_EXCLUDED_DAYS: "invalid_days"}
    if _without_hourly_forecast(hass, user_input.get(CONF_WEATHER_ENTITY)):
        return {CONF_WEATHER_ENTITY: "weather_not_hourly"}
    # A weather entity alone will do: many homes have one and no outdoor sensor.
    if not user_input.get(CONF_TEMPERATURE_ENTITY) and not user_input.get(CONF_WEATHER_ENTITY):
        return {CONF_TEMPERATURE_ENTITY: "no_temperature_source"}
    state = hass.states.get(user_input[CONF_POWER_ENTITY])
    if state is None:
        return {CONF_POWER_ENTITY: "entity_not_found"}
    unit = unit_of(state.attributes)
    if unit in POWER_UNITS:
        return {}
    if unit in ENERGY_UNITS and state.attributes.get("state_class") in (
        SensorStateClass.TOTAL_INCREASING,
        SensorStateClass.TOTAL,
    ):
        return {}
    return {CONF_POWER_ENTITY: "unsupported_power_unit"}


def _without_hourly_forecast(hass: HomeAssistant, entity_id: str | None) -> bool:
    """A weather entity that says it has no hourly forecast (a daily one only, say).

    The model would learn from each hour's temperature and then never get the coming
    hours'; one not loaded yet (no state, or unavailable) is given the benefit of the doubt.
    """
    if not entity_id or (state := hass.states.get(entity_id)) is None:
        return False
    if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        return False
    features = state.attributes.get(ATTR_SUPPORTED_FEATURES)
    return not isinstance(features, int) or not features & WeatherEntityFeature.FORECAST_HOURLY


async def async_predictor_source_errors(
    hass: HomeAssistant, user_input: dict[str, Any], *, check_export: bool = True
) -> tuple[dict[str, str], dict[str, str]]:
    """Errors keyed to their fields, and the placeholders their messages need.

    With `check_export`, the power sensor's statistics over the training window it would
    have are read in the recorder's executor: a sensor that exports (a net meter) cannot
    be forecast as consumption, and is refused here rather than forecast as 0 W at midday.
    """
    if errors := _unit_errors(hass, user_input):
        return errors, {}
    if not check_export or "recorder" not in hass.config.components:
        return {}, {}  # without the recorder, set-up says it is missing
    end = dt_util.utcnow()
    days = int(user_input.get(CONF_TRAINING_DAYS, DEFAULT_TRAINING_DAYS))
    export = await async_load_export_hours(
        hass, user_input[CONF_POWER_ENTITY], end - timedelta(days=days), end
    )
    if export.net_meter:
        return {CONF_POWER_ENTITY: "net_meter"}, {"percent": export.percent}
    return {}, {}
