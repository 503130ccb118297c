"""Assist: what the home's weather entity expects outside over the next hours.

Said beside an outdoor source that keeps no trend: a forecast, named as one, not a trend.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
from homeassistant.const import PERCENTAGE, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import TemperatureConverter

from ..forecast.weather import async_hourly_weather, moment_of, utc_ns
from ..prediction.arrays import WeatherArrays
from .climate_answers import weather_outlook_answer
from .exposure import is_exposed
from .home_sources import forecast_weather_entities
from .part_of_day import PartPlaced
from .power_part_answers import part_when
from .spoken import day_begins, shown, spoken_unit, time_ahead

# How far ahead "over the next hours" looks: far enough for a change to show.
OUTLOOK = timedelta(hours=6)


async def async_weather_outlook(hass: HomeAssistant, assistant: str, quantity: str) -> str | None:
    """The first exposed forecast weather entity's expectation `OUTLOOK` ahead, if it has one."""
    now = dt_util.now()
    for entity_id in forecast_weather_entities(hass):
        state = hass.states.get(entity_id)
        if state is None or not is_exposed(hass, assistant, entity_id):
            continue
        expected = await _async_expected(hass, entity_id, quantity, now)
        if expected is not None:
            number, unit, at = expected
            return weather_outlook_answer(
                name=state.name, number=number, unit=unit, at=dt_util.as_local(at), now=now
            )
    return None


async def _async_expected(
    hass: HomeAssistant, entity_id: str, quantity: str, now: datetime
) -> tuple[str, str, datetime] | None:
    """The last forecast hour up to `OUTLOOK` ahead with a value: as shown, its unit, its time."""
    try:
        weather, _, unit = await async_hourly_weather(hass, entity_id)
    except Exception:
        # Refused (unavailable), or another integration's forecast raised anything: the
        # answer goes without it.
        return None
    if weather is None:
        return None
    values = weather.temperature if quantity == "temperature" else weather.humidity
    start_ns, end_ns = utc_ns(now), utc_ns(now + OUTLOOK)
    ahead = np.flatnonzero((weather.time_ns > start_ns) & (weather.time_ns <= end_ns))
    ahead = ahead[~np.isnan(values[ahead])]
    if ahead.size == 0:
        return None
    last = ahead[np.argmax(weather.time_ns[ahead])]
    at = moment_of(weather.time_ns[last])
    value = float(values[last])
    if quantity != "temperature":
        return shown(str(value), 0) or "", "%", at
    return in_weather_unit(value, unit), unit, at


def in_weather_unit(celsius: float, unit: str) -> str:
    """A temperature of the arrays (°C) as shown in the unit the weather entity answers in.

    To the weather's own default precision, whole in °F: "46.0 °F" claimed a tenth that a
    forecast in whole degrees never had.
    """
    value = celsius
    if unit != UnitOfTemperature.CELSIUS and math.isfinite(value):
        value = TemperatureConverter.convert(value, UnitOfTemperature.CELSIUS, unit)
    return shown(str(value), 0 if unit == UnitOfTemperature.FAHRENHEIT else 1) or ""


async def async_weather_over(
    hass: HomeAssistant, assistant: str, part: PartPlaced, quantity: str, extreme: str
) -> str | None:
    """What the first exposed forecast weather entity expects of `quantity` outside over `part`.

    `extreme`: "low" (how cold), "high" (how warm), else both. A part past the forecast's
    end: how far it sees. None when no exposed weather entity forecasts any hour to come.
    """
    now = dt_util.now()
    for entity_id in forecast_weather_entities(hass):
        state = hass.states.get(entity_id)
        if state is None or not is_exposed(hass, assistant, entity_id):
            continue
        if (forecast := await _async_forecast(hass, entity_id)) is None:
            continue
        weather, unit = forecast
        # The hours of the part from the one under way: their start, as the arrays hold it.
        this_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        this_ns, start_ns, end_ns = (
            utc_ns(moment) for moment in (this_hour, max(part.start, this_hour), part.end)
        )
        times = weather.time_ns
        values = weather.temperature if quantity == "temperature" else weather.humidity
        known = (times >= this_ns) & ~np.isnan(values)
        over = np.flatnonzero(known & (times >= start_ns) & (times < end_ns))
        if over.size == 0:
            if not known.any():
                continue
            # A day or part past what it sees ("friday evening"): how far it sees, and when it
            # should see all of it, as far ahead as it sees now.
            seen_to = (moment_of(times[known].max()) + timedelta(hours=1)).astimezone(now.tzinfo)
            ask_from = (part.end - (seen_to - this_hour)).astimezone(now.tzinfo)
            ask = (
                f"ask again after {time_ahead(ask_from, now)}, when it should see all of it"
                if ask_from > now
                else "ask again once its forecast is updated"
            )
            return (
                f"{part_when(part, now)}, is past what {state.name}'s hourly forecast sees: up "
                f"to {time_ahead(seen_to, now)}; {ask}."
            )
        if quantity != "temperature":
            unit = PERCENTAGE
        low, high = (over[pick(values[over])] for pick in (np.argmin, np.argmax))
        # The hour under way's forecast is its mean, partly gone by: the reading said first
        # stands for it. Its high (low) above (below) that reading read as a contradiction;
        # the later hours' own is said, as what is to come after it.
        later = over[times[over] > this_ns]
        asked = {"low": low, "high": high}.get(extreme)
        after_this_hour = False
        if asked is not None and times[asked] == this_ns and later.size > 0:
            low, high = (later[pick(values[later])] for pick in (np.argmin, np.argmax))
            # A later hour shown the same is the high (low) to come, said as such.
            to_come = low if extreme == "low" else high
            after_this_hour = _shown(float(values[asked]), unit) != _shown(
                float(values[to_come]), unit
            )
        reach = moment_of(times[over].max()) + timedelta(hours=1)
        return weather_over_answer(
            name=state.name,
            when=part_when(part, now),
            low=(_shown(float(values[low]), unit), moment_of(times[low]).astimezone(now.tzinfo)),
            high=(_shown(float(values[high]), unit), moment_of(times[high]).astimezone(now.tzinfo)),
            unit=unit,
            extreme=extreme,
            reach=reach.astimezone(now.tzinfo) if reach < part.end else None,
            now=now,
            begins=part.start,
            after_this_hour=after_this_hour,
        )
    return None


def _shown(value: float, unit: str) -> str:
    """A temperature (°C in the arrays) in `unit`, a humidity in whole percent, as shown."""
    return shown(str(value), 0) or "" if unit == PERCENTAGE else in_weather_unit(value, unit)


async def async_exposed_forecast(
    hass: HomeAssistant, assistant: str
) -> tuple[str, WeatherArrays, str] | None:
    """The first exposed forecast weather entity's name, hourly arrays and unit, if any."""
    for entity_id in forecast_weather_entities(hass):
        state = hass.states.get(entity_id)
        if state is None or not is_exposed(hass, assistant, entity_id):
            continue
        if (forecast := await _async_forecast(hass, entity_id)) is not None:
            return state.name, *forecast
    return None


async def _async_forecast(hass: HomeAssistant, entity_id: str) -> tuple[WeatherArrays, str] | None:
    """The weather entity's hourly arrays and their unit, or None when it has none."""
    try:
        weather, _, unit = await async_hourly_weather(hass, entity_id)
    except Exception:
        # Refused (unavailable), or another integration's forecast raised anything: the
        # answer goes without it.
        return None
    return None if weather is None else (weather, unit)


def weather_over_answer(
    *,
    name: str,
    when: str,
    low: tuple[str, datetime],
    high: tuple[str, datetime],
    unit: str,
    extreme: str,
    reach: datetime | None,
    now: datetime,
    begins: datetime | None = None,
    after_this_hour: bool = False,
) -> str:
    """What a weather entity's hourly forecast expects over a part of the day, said of it.

    "Tonight, from 5:00 PM to 6:00 AM, Outdoor's hourly forecast expects a low of 1.5 °C at
    5:00 AM tomorrow." (a high, or both); `reach` when it does not see the part to its end.
    An hour at `begins`, the part's start, that is a midnight begins its day ("tomorrow").
    `after_this_hour`: the low or high is of the hours after the one under way, which would
    have been it: "no warmer than 4.7 °C after this hour (at 5:00 PM today)".
    """

    def at(said: tuple[str, datetime]) -> str:
        number, moment = said
        # The hour under way began before now: "at 5:00 AM today" read as gone by at 5:56.
        when = "this hour" if moment <= now else f"at {time_ahead(moment, now)}"
        if moment == begins and not (moment.hour or moment.minute):
            when = f"at {day_begins(moment, now)}"
        return f"{spoken_unit(number, unit)} {when}"

    if after_this_hour:
        number, moment = low if extreme == "low" else high
        # A low or a high is asked of the temperature only ("how cold", "how warm").
        way = "colder" if extreme == "low" else "warmer"
        expects = (
            f"no {way} than {spoken_unit(number, unit)} after this hour "
            f"(at {time_ahead(moment, now)})"
        )
    elif extreme == "low":
        expects = f"a low of {at(low)}"
    elif extreme == "high":
        expects = f"a high of {at(high)}"
    elif low[0] == high[0]:
        # One hour left of the part, or a flat forecast: not "between 69 percent and 69 percent".
        expects = spoken_unit(low[0], unit)
    else:
        expects = f"between {spoken_unit(low[0], unit)} and {spoken_unit(high[0], unit)}"
    if reach is not None:
        expects += f" (it sees up to {time_ahead(reach, now)})"
    return f"{when}, {name}'s hourly forecast expects {expects}."
