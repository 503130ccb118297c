"""Assist: what the home's weather entity expects outside over the next hours.

Said beside an outdoor source that keeps no trend: a forecast, named as one, not a trend.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import TemperatureConverter

from ..forecast.weather import EPOCH, MICROSECOND, async_hourly_weather
from .climate_answers import weather_outlook_answer
from .exposure import is_exposed
from .home_sources import forecast_weather_entities
from .spoken import shown

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
    start_ns, end_ns = ((moment - EPOCH) // MICROSECOND * 1000 for moment in (now, now + OUTLOOK))
    ahead = np.flatnonzero((weather.time_ns > start_ns) & (weather.time_ns <= end_ns))
    ahead = ahead[~np.isnan(values[ahead])]
    if ahead.size == 0:
        return None
    last = ahead[np.argmax(weather.time_ns[ahead])]
    at = EPOCH + timedelta(microseconds=int(weather.time_ns[last]) // 1000)
    value = float(values[last])
    if quantity != "temperature":
        return shown(str(value), 0) or "", "%", at
    # The arrays hold °C: said in the unit the weather entity answers in.
    if unit != UnitOfTemperature.CELSIUS and math.isfinite(value):
        value = TemperatureConverter.convert(value, UnitOfTemperature.CELSIUS, unit)
    return shown(str(value), 1) or "", unit, at
