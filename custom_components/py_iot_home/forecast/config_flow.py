"""The form of a power forecast's sources, and its checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import probatio
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.components.weather import WeatherEntityFeature
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_SUPPORTED_FEATURES,
    PERCENTAGE,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant, split_entity_id, valid_entity_id
from homeassistant.helpers import entity_registry as er
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
    DOMAIN,
    MIN_TRAINING_DAYS,
    SubentryKind,
)
from ..feature_lookup import feature_entry
from ..number_field import bounded_errors, number_field
from ..prediction.unusual_days import parse_days
from ..quantities import unit_of
from .recorder_history import async_load_export_hours

POWER_UNITS = {UnitOfPower.WATT, UnitOfPower.KILO_WATT}
ENERGY_UNITS = {UnitOfEnergy.WATT_HOUR, UnitOfEnergy.KILO_WATT_HOUR}
TEMPERATURE_UNITS = {str(unit) for unit in UnitOfTemperature}
HOURLY_FORECAST = "weather.WeatherEntityFeature.FORECAST_HOURLY"
# What a user may type: days to train on (a year at most), hours between trainings (a week).
TRAINING_BOUNDS = {
    CONF_TRAINING_DAYS: (MIN_TRAINING_DAYS, 365, "training_days_out_of_range"),
    CONF_RETRAIN_HOURS: (1, 24 * 7, "retrain_hours_out_of_range"),
}


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
            probatio.Required(CONF_TRAINING_DAYS, default=DEFAULT_TRAINING_DAYS): number_field("d"),
            probatio.Required(CONF_RETRAIN_HOURS, default=DEFAULT_RETRAIN_HOURS): number_field("h"),
            probatio.Optional(CONF_EXCLUDED_DAYS): selector.TextSelector(
                selector.TextSelectorConfig(multiline=True)
            ),
            probatio.Optional(CONF_EXCLUDE_OUTLIERS, default=False): selector.BooleanSelector(),
        }
    )


@dataclass(frozen=True)
class _Kind:
    """What an entity says it measures: its device class and unit, when text."""

    device_class: str | None
    unit: str | None

    def is_a(self, device_class: str, units: set[str]) -> bool:
        """Its device class says so; without one, its unit does."""
        if self.device_class is not None:
            return self.device_class == device_class
        return self.unit in units


def _kind_of(hass: HomeAssistant, entity_id: str) -> _Kind | None:
    """Its kind from its state, or from the registry before it has one; None if no entity.

    The selectors filter the UI's pickers only: a form posted to the API, or kept open
    while entities changed, gave `weather.nope` as the weather and a humidity sensor as
    the outdoor temperature, and the forecast retrained with them.
    """
    if not valid_entity_id(entity_id):
        return None  # the selector also lets a registry id through
    if (state := hass.states.get(entity_id)) is not None:
        device_class = state.attributes.get(ATTR_DEVICE_CLASS)
        return _Kind(
            device_class if isinstance(device_class, str) else None, unit_of(state.attributes)
        )
    if (entry := er.async_get(hass).async_get(entity_id)) is None:
        return None
    return _Kind(entry.device_class or entry.original_device_class, entry.unit_of_measurement)


def _climate_errors(hass: HomeAssistant, user_input: dict[str, Any]) -> dict[str, str]:
    """Errors for the outdoor temperature, humidity and weather fields: the kinds they need."""
    errors: dict[str, str] = {}
    needs = (
        (
            CONF_TEMPERATURE_ENTITY,
            SensorDeviceClass.TEMPERATURE,
            TEMPERATURE_UNITS,
            "not_temperature",
        ),
        (CONF_HUMIDITY_ENTITY, SensorDeviceClass.HUMIDITY, {PERCENTAGE}, "not_humidity"),
    )
    for field, device_class, units, wrong_kind in needs:
        if not (entity_id := user_input.get(field)):
            continue
        if (kind := _kind_of(hass, entity_id)) is None:
            errors[field] = "unknown_entity"
        elif not kind.is_a(device_class, units):
            errors[field] = wrong_kind
    if weather := user_input.get(CONF_WEATHER_ENTITY):
        if not valid_entity_id(weather) or split_entity_id(weather)[0] != "weather":
            errors[CONF_WEATHER_ENTITY] = "not_weather_entity"
        elif _kind_of(hass, weather) is None:
            errors[CONF_WEATHER_ENTITY] = "unknown_entity"
        elif _without_hourly_forecast(hass, weather):
            errors[CONF_WEATHER_ENTITY] = "weather_not_hourly"
    return errors


def _power_error(hass: HomeAssistant, entity_id: str) -> str | None:
    """The power field's error: W/kW, or an energy meter that only grows; no forecast's."""
    if (kind := _kind_of(hass, entity_id)) is None:
        return "unknown_entity"
    if _of_a_forecast(hass, entity_id):
        return "power_is_a_forecast"
    if (state := hass.states.get(entity_id)) is None:
        return "entity_not_found"  # registered, not loaded yet: its unit is not known
    if kind.device_class not in (None, SensorDeviceClass.POWER, SensorDeviceClass.ENERGY):
        return "unsupported_power_unit"
    if kind.unit in POWER_UNITS:
        return None
    if kind.unit in ENERGY_UNITS and state.attributes.get("state_class") in (
        SensorStateClass.TOTAL_INCREASING,
        SensorStateClass.TOTAL,
    ):
        return None
    return "unsupported_power_unit"


def _of_a_forecast(hass: HomeAssistant, entity_id: str) -> bool:
    """Whether a power forecast's own sensor (its forecast, its error: in W like a meter)."""
    entry = er.async_get(hass).async_get(entity_id)
    if entry is None or entry.platform != DOMAIN:
        return False
    feature = feature_entry(hass, entry.config_entry_id, entry.config_subentry_id)
    subentry = feature.subentry if feature is not None else None
    return subentry is not None and subentry.subentry_type == SubentryKind.FORECAST


def _field_errors(hass: HomeAssistant, user_input: dict[str, Any]) -> dict[str, str]:
    """Each field's error, all at once: the days, the power and the climate sources."""
    errors = _climate_errors(hass, user_input)
    errors |= bounded_errors(user_input, TRAINING_BOUNDS)
    try:
        parse_days(str(user_input.get(CONF_EXCLUDED_DAYS, "")))
    except ValueError:
        errors[CONF_EXCLUDED_DAYS] = "invalid_days"
    # A weather entity alone will do: many homes have one and no outdoor sensor.
    if not user_input.get(CONF_TEMPERATURE_ENTITY) and not user_input.get(CONF_WEATHER_ENTITY):
        errors[CONF_TEMPERATURE_ENTITY] = "no_temperature_source"
    if power_error := _power_error(hass, user_input[CONF_POWER_ENTITY]):
        errors[CONF_POWER_ENTITY] = power_error
    return errors


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
    if errors := _field_errors(hass, user_input):
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
