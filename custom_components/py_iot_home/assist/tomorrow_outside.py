"""Assist: whether tomorrow will be warmer or colder outside than today.

The days are compared by their highs: tomorrow's from the weather's hourly forecast, as far as
it sees; today's from what the home's outdoor sensor recorded since midnight and what the
weather expects for the rest of the day. The high is what "a warmer day" is heard as.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant, split_entity_id
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from sqlalchemy.exc import SQLAlchemyError

from ..forecast.weather import moment_of, utc_ns
from ..quantities import unit_of
from ..storage.recorder_reads import async_recorder_read
from ..trends.recorded_samples import history_samples, numeric_samples
from .exposure import is_exposed
from .home_sources import outdoor_temperature_entities
from .spoken import spoken_unit, time_ahead
from .weather_outlook import async_exposed_forecast, in_weather_unit

# Closer than this, the days are "about as warm": a day-ahead forecast errs by more.
SAME_WITHIN_C = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class DayHighs:
    """Today's and tomorrow's highs (°C), and what each stands on."""

    name: str  # the weather entity's
    unit: str  # the weather's, in which they are said
    today_c: float
    # Today's high includes what the outdoor sensor recorded; else only the hours to come.
    today_recorded: bool
    tomorrow_c: float
    # The forecast's end, when it ends before tomorrow does.
    seen_to: datetime | None


def tomorrow_compared_answer(highs: DayHighs, asked: str, now: datetime) -> str:
    """The answer, yes or no first, to whether tomorrow looks `asked` ("warmer", "colder")."""
    difference = highs.tomorrow_c - highs.today_c
    if abs(difference) < SAME_WITHIN_C:
        lead = "About the same as today"
    else:
        way = "warmer" if difference > 0 else "colder"
        lead = f"{'Yes' if way == asked else 'No'}, tomorrow looks {way}"
    tomorrow, today = (
        spoken_unit(in_weather_unit(value, highs.unit), highs.unit)
        for value in (highs.tomorrow_c, highs.today_c)
    )
    reach = "" if highs.seen_to is None else f" (it sees up to {time_ahead(highs.seen_to, now)})"
    today_said = "today" if highs.today_recorded else "for the rest of today"
    return (
        f"{lead}: {highs.name}'s hourly forecast expects a high of {tomorrow} tomorrow{reach}, "
        f"against {today} {today_said}."
    )


async def async_tomorrow_compared(hass: HomeAssistant, assistant: str, asked: str) -> str:
    """Whether tomorrow looks `asked` ("warmer" or "colder") outside than today, and why."""
    now = dt_util.now()
    forecast = await async_exposed_forecast(hass, assistant)
    if forecast is None:
        return (
            "I cannot tell whether tomorrow will be warmer: no weather entity with an hourly "
            "forecast is set up and exposed. A power forecast's settings take one."
        )
    name, weather, unit = forecast
    midnight = dt_util.start_of_local_day(now + timedelta(days=1))
    day_after = dt_util.start_of_local_day(midnight + timedelta(days=1, hours=2))
    this_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    this_ns, midnight_ns, day_after_ns = (
        utc_ns(moment) for moment in (this_hour, midnight, day_after)
    )
    times, values = weather.time_ns, weather.temperature
    known = ~np.isnan(values)
    tomorrow = known & (times >= midnight_ns) & (times < day_after_ns)
    if not tomorrow.any():
        seen = known & (times >= this_ns)
        if not seen.any():
            return f"{name} has no hourly forecast now; ask again once it has one."
        seen_to = (moment_of(times[seen].max()) + timedelta(hours=1)).astimezone(now.tzinfo)
        return (
            f"{name}'s hourly forecast does not see tomorrow yet: up to "
            f"{time_ahead(seen_to, now)}; ask again once its forecast is updated."
        )
    rest_of_today = values[known & (times >= this_ns) & (times < midnight_ns)]
    recorded = await _async_recorded_today(hass, assistant, now)
    today = np.concatenate([rest_of_today, recorded])
    if today.size == 0:
        return f"{name} has no hourly forecast for the rest of today to compare tomorrow with."
    end = moment_of(times[tomorrow].max()) + timedelta(hours=1)
    highs = DayHighs(
        name=name,
        unit=unit,
        today_c=float(today.max()),
        today_recorded=recorded.size > 0,
        tomorrow_c=float(values[tomorrow].max()),
        seen_to=end.astimezone(now.tzinfo) if end < day_after else None,
    )
    return tomorrow_compared_answer(highs, asked, now)


async def _async_recorded_today(hass: HomeAssistant, assistant: str, now: datetime) -> np.ndarray:
    """What the home's first exposed outdoor temperature sensor read since midnight (°C)."""
    for entity_id in outdoor_temperature_entities(hass):
        if split_entity_id(entity_id)[0] != "sensor" or not is_exposed(hass, assistant, entity_id):
            continue
        state = hass.states.get(entity_id)
        record = [] if state is None else [(0.0, state.state, unit_of(state.attributes))]
        _, now_value = numeric_samples(record, UnitOfTemperature.CELSIUS)
        parts = [now_value]
        if "recorder" in hass.config.components:
            start = dt_util.start_of_local_day(now)
            try:
                _, recorded = await async_recorder_read(
                    hass, history_samples, hass, entity_id, start, UnitOfTemperature.CELSIUS
                )
            except (HomeAssistantError, SQLAlchemyError):
                # Unreadable history: today's high stands on the reading now and the forecast.
                pass
            else:
                parts.append(recorded)
        return np.concatenate(parts)
    return np.empty(0)
