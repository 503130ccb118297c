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
        case "too_many_days_left_out" if snapshot.hours_needed:
            return (
                f"{name} has no forecast: without the days it leaves out, its "
                f"{predictor.training_days}-day training window is "
                f"{_hours_heard(snapshot.hours_needed)} short; widen the window or leave out "
                "fewer days in its options."
            )
        case "needs_history" if snapshot.hours_needed:
            return (
                f"{name} has no forecast yet: it needs "
                f"{_hours_heard(snapshot.hours_needed, more=True)} of history."
            )
    return f"{name} has no forecast yet."


def _hours_heard(hours: int, *, more: bool = False) -> str:
    """A count of hours in days from two days on: "9 (more) days", not "216 hours".

    A count of hours was heard as a number to work out, not as a wait.
    """
    extra = "more " if more else ""
    if hours < 48:
        return f"1 {extra}hour" if hours == 1 else f"{hours} {extra}hours"
    days, rest = divmod(hours, 24)
    return f"about {round(hours / 24)} {extra}days" if rest else f"{days} {extra}days"
