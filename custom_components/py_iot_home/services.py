"""Actions: analyze_trend, forecast_power and retrain, with response data."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import probatio
from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    State,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from .analysis.trend import TrendResult, analyze_trend
from .analysis.trend_estimate import TrendSettings, estimate_trend
from .analysis.trend_json import result_summary, rounded
from .const import DEFAULT_TREND_MIN_SPAN_HOURS, DEFAULT_WINDOW_DAYS, DOMAIN
from .feature_lookup import (
    device_feature,
    entity_feature,
    feature_by_id,
    predicted_power_entities,
)
from .forecast.coordinator import FORECAST_HOURS, PredictorCoordinator
from .forecast.snapshot import choices_at, percent_tenth, points_ahead, rounded_tenth
from .models import FeatureRuntime
from .quantities import unit_of
from .storage.recorder_reads import async_recorder_read
from .trends.coordinator import TrendCoordinator
from .trends.recorded_samples import recorded_history

SERVICE_ANALYZE_TREND = "analyze_trend"
SERVICE_FORECAST_POWER = "forecast_power"
SERVICE_RETRAIN = "retrain"
ATTR_DAYS = "days"
ATTR_HOURS = "hours"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"


def _days(value: Any) -> int | float:
    """1 to 90 days, a fraction allowed, kept as given: 2 stays 2, 2.5 stays 2.5.

    `days: 2.5` was cut to 2 by `Coerce(int)` and answered as 2 days.
    """
    if isinstance(value, bool):
        raise probatio.Invalid("days must be a number")
    days = probatio.Range(min=1, max=90)(probatio.Coerce(float)(value))  # NaN is out of range
    return int(days) if days.is_integer() else days


def _hours(value: Any) -> int:
    """1 to 24 whole hours of the forecast.

    `hours: 2.5` was cut to 2 by `Coerce(int)` and answered with 2 hours, saying nothing.
    """
    if isinstance(value, bool):
        raise probatio.Invalid("hours must be a whole number from 1 to 24")
    hours = probatio.Coerce(float)(value)
    if not hours.is_integer():  # NaN and infinity are not integers either
        raise probatio.Invalid(f"hours must be a whole number from 1 to 24, not {value!r:.20}")
    return int(probatio.Range(min=1, max=FORECAST_HOURS)(hours))


def _one[T](validate: Callable[[Any], T]) -> Callable[[Any], T]:
    """One id, as `data:` gives it or as `target:` does: a list of one.

    `target: {entity_id: sensor.x}`, as actions are written, was refused with "value should
    be a string at 'entity_id'".
    """

    def one(value: Any) -> T:
        if isinstance(value, list):
            if len(value) != 1:
                raise probatio.Invalid(
                    f"one, not {len(value)}: call the action once for each of"
                    f" {', '.join(map(str, value))}"[:200]
                )
            (value,) = value
        return validate(value)

    return one


ANALYZE_TREND_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_ENTITY_ID): _one(cv.entity_id),
        probatio.Optional(ATTR_DAYS, default=DEFAULT_WINDOW_DAYS): _days,
    }
)
# A forecast is named by its device or one of its sensors; an automation written before
# subentries names it by its entry id, which is now its subentry's id. Exactly one of them
# is checked by `_predictor`, not the schema: the schema's "at least one of ['device_id',
# ...] is required. Got {'type': 'execute_script', ...}" is what Developer tools showed.
PREDICTOR_FIELDS = (ATTR_DEVICE_ID, ATTR_ENTITY_ID, ATTR_CONFIG_ENTRY_ID)
PREDICTOR_TARGET = {
    probatio.Optional(ATTR_DEVICE_ID): _one(cv.string),
    probatio.Optional(ATTR_ENTITY_ID): _one(cv.entity_id),
    probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
}
FORECAST_SCHEMA = probatio.Schema(
    {
        **PREDICTOR_TARGET,
        probatio.Optional(ATTR_HOURS, default=FORECAST_HOURS): _hours,
    }
)
RETRAIN_SCHEMA = probatio.Schema(PREDICTOR_TARGET)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_ANALYZE_TREND,
        _async_analyze_trend,
        schema=ANALYZE_TREND_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_FORECAST_POWER,
        _async_forecast_power,
        schema=FORECAST_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_RETRAIN,
        _async_retrain,
        schema=RETRAIN_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


def _trend_response(result: TrendResult, settings: TrendSettings, now_s: float) -> dict[str, Any]:
    """Both definitions of the trend, the robust fit, and the trend a sensor would show.

    ``slope_per_day``/``intercept``: least squares over the samples, each weighed by the
    time it stood for as the mean is (intercept at the first sample);
    ``daily_means_slope_per_day``/``daily_means_intercept``: least squares over the daily
    means at their day numbers (intercept: the line on the first day with a mean).
    Those answer whatever the samples are: 37 minutes of a room gave -15 °C/d. So the
    response also says, as the trend sensors judge it, whether a slope means something yet
    (``trend_status``, ``trend_slope_per_day``) and over how many hours (``span_hours``).
    """
    estimate = estimate_trend(result, settings, now_s=now_s, was_published=False)
    return {
        "trend_status": "shown" if estimate.published else estimate.not_ready,
        "trend_slope_per_day": None
        if estimate.shown_slope is None
        else rounded(estimate.shown_slope),
        "span_hours": rounded(result.covered_s / 3600.0) if result.count else 0.0,
        "slope_per_day": rounded(result.slope_per_day),
        "daily_means_slope_per_day": rounded(result.daily_line.slope_per_day),
        "daily_means_intercept": rounded(result.daily_line.intercept),
        "robust_slope_per_day": rounded(result.robust.slope_per_day),
        "robust_standard_error": rounded(result.robust.standard_error),
        **result_summary(result),
    }


def _own_trend_source(hass: HomeAssistant, entity_id: str) -> tuple[TrendCoordinator, str] | None:
    """The trend coordinator and key that already hold this sensor's samples, if ours."""
    entity = er.async_get(hass).async_get(entity_id)
    feature = entity_feature(hass, entity) if entity is not None else None
    if entity is None or feature is None or (trend := feature.trend) is None:
        return None
    for key, source in trend.sources.items():
        if source.source_unique_id == entity.unique_id:
            return trend, key
    return None


def _memory_answers(trend: TrendCoordinator, key: str, window_s: float) -> bool:
    """Whether the samples kept for the trend answer: the days fit, the unit is the shown one.

    Else the recorder's history answers (more days than the window; °C samples in a home
    set to °F).
    """
    return window_s <= trend.window_s and trend.shown_units[key].unit == trend.sources[key].unit


async def _async_analyze_trend(call: ServiceCall) -> ServiceResponse:
    """Daily means and least-squares slope of any numeric sensor over `days` days."""
    hass = call.hass
    entity_id: str = call.data[ATTR_ENTITY_ID]
    now_s = dt_util.utcnow().timestamp()
    window_s = call.data[ATTR_DAYS] * 86400.0
    own = _own_trend_source(hass, entity_id)
    # Another sensor's slope is judged by its span alone: how uncertain is too uncertain
    # depends on a quantity and unit we do not know.
    settings = TrendSettings(
        min_span_s=DEFAULT_TREND_MIN_SPAN_HOURS * 3600.0, max_standard_error=math.inf
    )
    extremes = (math.nan, math.nan)
    if own is not None and _memory_answers(*own, window_s):
        trend, key = own
        unit: str | None = trend.sources[key].unit
        times, values = trend.store.buffer(key).snapshot(now_s)
        settings = replace(trend.settings[key], window_s=window_s)
    else:
        if "recorder" not in hass.config.components or hass.states.get(entity_id) is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_history",
                translation_placeholders={"entity_id": entity_id},
            )
        unit = unit_of(hass.states.get(entity_id).attributes)  # type: ignore[union-attr]
        recorded = await async_recorder_read(
            hass,
            recorded_history,
            hass,
            entity_id,
            dt_util.utc_from_timestamp(now_s - window_s),
            unit or "",
        )
        times, values = recorded.times, recorded.values
        extremes = (recorded.lowest, recorded.highest)
    keep = times >= now_s - window_s
    result = await hass.async_add_executor_job(
        lambda: analyze_trend(times[keep], values[keep], tz=hass.config.time_zone, now_s=now_s)
    )
    if result.count == 0 and (state := hass.states.get(entity_id)) and _is_text(state):
        # A switch or a weather entity answered `no_samples`, as if it had yet to report.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_numeric",
            translation_placeholders={"entity_id": entity_id, "state": state.state},
        )
    # The hours the statistics stood in for count by their own extremes, not their means.
    result = replace(
        result,
        minimum=min(_known(result.minimum, extremes[0]), default=math.nan),
        maximum=max(_known(result.maximum, extremes[1]), default=math.nan),
    )
    response = _trend_response(result, settings, now_s)
    # The unit of the means and extremes (slopes per day): a template's words need it, and a
    # sensor shown in °F answers in °F.
    return {"entity_id": entity_id, "days": call.data[ATTR_DAYS], "unit": unit or None, **response}


def _is_text(state: State) -> bool:
    """A state that is no number, of an entity without a unit: it says nothing to average."""
    if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN) or unit_of(state.attributes):
        return False
    try:
        float(state.state)
    except ValueError:
        return True
    return False


def _known(*values: float) -> list[float]:
    return [value for value in values if not math.isnan(value)]


def _predicted_power_of_meter(hass: HomeAssistant, meter: str) -> str | None:
    """The Predicted power sensor of a forecast that learns `meter`, if one does."""
    for entity in predicted_power_entities(hass):
        runtime = entity_feature(hass, entity)
        predictor = runtime.predictor if runtime is not None else None
        if predictor is not None and predictor.sources.power == meter:
            return entity.entity_id
    return None


def _predictor(hass: HomeAssistant, data: Mapping[str, Any]) -> PredictorCoordinator:
    """The forecast the call names, by its device, one of its sensors, or its id."""
    if sum(field in data for field in PREDICTOR_FIELDS) != 1:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="name_one_predictor"
        )
    feature: FeatureRuntime | None
    if device_id := data.get(ATTR_DEVICE_ID):
        device = dr.async_get(hass).async_get(device_id)
        # By its name where it is a device: its id is a hex string nobody recognises.
        named = (device.name_by_user or device.name or device_id) if device else device_id
        feature = device_feature(hass, device_id)
    elif entity_id := data.get(ATTR_ENTITY_ID):
        entity = er.async_get(hass).async_get(entity_id)
        named, feature = entity_id, entity_feature(hass, entity) if entity else None
    else:
        named = data[ATTR_CONFIG_ENTRY_ID]
        feature = feature_by_id(hass, named)
    if feature is None or (predictor := feature.predictor) is None:
        meter = data.get(ATTR_ENTITY_ID)
        if meter and (predicted := _predicted_power_of_meter(hass, meter)):
            # The meter a forecast learns, named where the forecast was meant.
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="meter_not_forecast",
                translation_placeholders={"target": meter, "predicted": predicted},
            )
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_forecast",
            translation_placeholders={"target": named},
        )
    return predictor


async def _async_forecast_power(call: ServiceCall) -> ServiceResponse:
    """The next hours of a predictor's forecast."""
    predictor = _predictor(call.hass, call.data)
    snapshot = predictor.data
    now = dt_util.utcnow()
    forecast = points_ahead(snapshot.forecast, now)
    if not forecast and snapshot.absence == "net_meter":
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_forecast_net_meter",
            translation_placeholders={
                "entity": predictor.sources.power,
                "percent": str(snapshot.export_percent),
            },
        )
    if not forecast and snapshot.absence == "too_many_days_left_out":
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_forecast_days_left_out",
            translation_placeholders={
                "days": str(predictor.training_days),
                "hours": str(snapshot.hours_needed),
            },
        )
    if not forecast and snapshot.absence == "needs_history":
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_forecast",
            translation_placeholders={"hours": str(snapshot.hours_needed)},
        )
    if not forecast:
        # Not for want of history: a silent meter (its repair says so), or no model yet.
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_forecast_now")
    return {
        "forecast": [point.as_dict() for point in forecast[: call.data[ATTR_HOURS]]],
        "mae_w": rounded_tenth(predictor.data.mae_w),
        "skill_percent": percent_tenth(predictor.data.skill),
        "methods": {name: choice.as_dict() for name, choice in choices_at(snapshot, now).items()},
    }


async def _async_retrain(call: ServiceCall) -> ServiceResponse:
    """Retrain a predictor now; respond with its new held-out scores."""
    predictor = _predictor(call.hass, call.data)
    await predictor.async_retrain()
    data = predictor.data
    return {
        "trained": predictor.model is not None,
        "mae_w": rounded_tenth(data.mae_w),
        "skill_percent": percent_tenth(data.skill),
        "method": data.choices["day_ahead"].method if data.choices else None,
        "training_rows": data.training_rows,
        "excluded_days": data.excluded_days,
        "hours_needed": data.hours_needed,
        # In the home's zone, as forecast_power's hours are: Developer tools showed this one
        # in UTC, to the microsecond, beside them.
        "trained_at": (
            dt_util.as_local(data.trained_at).isoformat(timespec="seconds")
            if data.trained_at
            else None
        ),
    }
