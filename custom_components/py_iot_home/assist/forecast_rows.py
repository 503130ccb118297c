"""The power forecasts Assist reads: their rows, and why there are none."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from ..feature_lookup import entity_feature
from ..markdown_text import with_unit
from .power_answers import ForecastHour


def forecast_hours(points: object) -> list[ForecastHour]:
    """The `forecast` attribute's hours, in the home's time zone; malformed points left out."""
    hours: list[ForecastHour] = []
    for point in points if isinstance(points, list) else []:
        try:
            start = dt_util.parse_datetime(str(point["datetime"]))
            values = [float(point[key]) for key in ("power_w", "low_w", "high_w")]
        except (KeyError, TypeError, ValueError):
            continue
        if start is not None and start.tzinfo is not None:
            hours.append(
                ForecastHour(
                    start=dt_util.as_local(start),
                    power_w=values[0],
                    low_w=values[1],
                    high_w=values[2],
                )
            )
    return hours


def why_no_forecast(hass: HomeAssistant, name: str, entity: er.RegistryEntry) -> str:
    """No forecast: why, in a few words, as the predictor's `forecast_power` action says it."""
    runtime = entity_feature(hass, entity)
    predictor = runtime.predictor if runtime is not None else None
    if predictor is None or predictor.data is None:
        return f"{name} has no forecast yet."
    snapshot = predictor.data
    match snapshot.absence:
        case "power_silent":
            return f"{name} has no forecast: its power sensor recorded nothing for weeks."
        case "net_meter":
            return (
                f"{name} has no forecast: its power sensor went below zero in "
                f"{with_unit(str(snapshot.export_percent), 'percent')} of its hours, like a net "
                "meter; choose a consumption sensor in its options."
            )
        case "too_many_days_left_out":
            return (
                f"{name} has no forecast: without the days it leaves out, its "
                f"{predictor.training_days}-day training window is {snapshot.hours_needed} "
                "hours short; widen the window or leave out fewer days in its options."
            )
        case "needs_history":
            return (
                f"{name} has no forecast yet: it needs {snapshot.hours_needed} more hours "
                "of history."
            )
    return f"{name} has no forecast yet."
