"""A weather entity's hourly forecast as the temperature the power model expects."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import numpy as np
from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import TemperatureConverter

from ..prediction.arrays import WeatherArrays
from ..prediction.history import PLAUSIBLE_HUMIDITY, PLAUSIBLE_TEMPERATURE_C
from ..protocol.fields import finite_number

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Nanoseconds since the epoch hold until 2262: a forecast for 2300 (or 9999) is no forecast.
LAST_TIME = datetime(2200, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
HOUR_NS = 3_600_000_000_000


def utc_ns(moment: datetime) -> int:
    """An aware moment as the arrays hold it: UTC nanoseconds (to the microsecond)."""
    return (moment - EPOCH) // MICROSECOND * 1000


def moment_of(time_ns: int | np.int64) -> datetime:
    """The UTC moment of an array's time (nanoseconds since the epoch)."""
    return EPOCH + timedelta(microseconds=int(time_ns) // 1000)


# `weather.get_forecasts` takes no timeout: a weather asking its cloud without one of its own
# held the forecast's refresh, and the home entry's set-up, for ever.
REPLY_TIMEOUT_S = 30


class HourlyWeather(NamedTuple):
    """A weather entity's hourly forecast as read: its arrays (°C), its size, its unit."""

    arrays: WeatherArrays | None
    hours_in_reply: int
    unit: str


async def async_hourly_weather(
    hass: HomeAssistant, entity_id: str, timeout_s: float = REPLY_TIMEOUT_S
) -> HourlyWeather:
    """Ask `entity_id` for its hourly forecast; raises what `weather.get_forecasts` raises.

    TimeoutError after `timeout_s` without a reply. The reply is read in the executor:
    another integration's may hold any number of points.
    """
    async with asyncio.timeout(timeout_s):
        response = await hass.services.async_call(
            "weather",
            "get_forecasts",
            {"entity_id": entity_id, "type": "hourly"},
            blocking=True,
            return_response=True,
        )
    unit = forecast_temperature_unit(hass, entity_id)
    reply = response.get(entity_id) if isinstance(response, dict) else None
    arrays = await hass.async_add_executor_job(weather_arrays, reply, unit)
    points = reply.get("forecast") if isinstance(reply, dict) else None
    return HourlyWeather(arrays, len(points) if isinstance(points, list) else 0, unit)


def forecast_temperature_unit(hass: HomeAssistant, entity_id: str) -> str:
    """The unit `weather.get_forecasts` answers in now: the entity's own, else the home's.

    Not the state's `temperature_unit`: that is the unit of the weather's last write, and a
    change of the home's units writes no state (10 °C forecast as 50 °F read as 50 °C).
    """
    entry = er.async_get(hass).async_get(entity_id)
    options = entry.options.get("weather") if entry is not None else None
    unit = options.get("temperature_unit") if isinstance(options, Mapping) else None
    if isinstance(unit, str) and unit in TemperatureConverter.VALID_UNITS:
        return unit
    return hass.config.units.temperature_unit


def weather_arrays(response: object, unit: object = None) -> WeatherArrays | None:
    """Temperature (°C) and humidity per forecast hour from a `weather.get_forecasts` reply.

    `unit` is the weather entity's `temperature_unit`; values that are not finite numbers
    or that no air has had (the training history's bounds), times that do not parse or
    name no real moment (Feb 30, the year 9999) are dropped; a time given twice keeps its
    last values.
    """
    points = response.get("forecast") if isinstance(response, dict) else None
    if not isinstance(points, list):
        return None
    rows: dict[int, tuple[float, float]] = {}
    for point in points:
        if not isinstance(point, dict) or not isinstance(point.get("datetime"), str):
            continue
        try:
            # A date that matches the pattern but is none (Feb 30, hour 25, +99:00) raises.
            moment = dt_util.parse_datetime(point["datetime"])
        except ValueError:
            continue
        if moment is None or moment.tzinfo is None or not EPOCH <= moment < LAST_TIME:
            continue
        temperature = _finite(point.get("temperature"))
        if (
            math.isfinite(temperature)
            # Another integration's attribute may be any JSON value: `in` of a list raises.
            and isinstance(unit, str)
            and unit in TemperatureConverter.VALID_UNITS
            and unit != UnitOfTemperature.CELSIUS
        ):
            temperature = TemperatureConverter.convert(temperature, unit, UnitOfTemperature.CELSIUS)
        # UTC nanoseconds: points may carry different offsets (a DST change in the forecast).
        at_ns = utc_ns(moment)
        # Bounded point by point: points of one hour are averaged, and 500 °C beside -460 °C
        # made a plausible 20 °C.
        rows[at_ns] = (
            _within(temperature, PLAUSIBLE_TEMPERATURE_C),
            _within(_finite(point.get("humidity")), PLAUSIBLE_HUMIDITY),
        )
    if not rows:
        return None
    values = np.array(list(rows.values()), dtype=np.float64)
    return WeatherArrays(
        time_ns=np.array(list(rows), dtype=np.int64),
        temperature=values[:, 0],
        humidity=values[:, 1],
    )


def hours_given(weather: WeatherArrays | None, start: datetime, hours: int) -> int:
    """How many of the `hours` hours from `start` (a UTC hour) have a forecast temperature."""
    if weather is None:
        return 0
    # Floored to the UTC hour, as the forecast places the points.
    slot = (weather.time_ns - utc_ns(start)) // HOUR_NS
    known = ~np.isnan(weather.temperature) & (slot >= 0) & (slot < hours)
    return int(np.unique(slot[known]).size)


def _within(value: float, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return value if low <= value <= high else math.nan


def _finite(value: object) -> float:
    """A finite number as float, anything else as NaN."""
    number = finite_number(value)
    return math.nan if number is None else number
