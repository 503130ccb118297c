"""A weather entity's hourly forecast as the temperature the power model expects."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from homeassistant.const import UnitOfTemperature
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import TemperatureConverter

if TYPE_CHECKING:
    import pandas as pd


def weather_frame(response: object, unit: object = None) -> pd.DataFrame | None:
    """Temperature (°C) and humidity per forecast hour from a `weather.get_forecasts` reply.

    `unit` is the weather entity's `temperature_unit`; values that are not finite numbers,
    times that do not parse, are dropped.
    """
    import pandas as pd

    points = response.get("forecast") if isinstance(response, dict) else None
    if not isinstance(points, list):
        return None
    rows: dict[pd.Timestamp, tuple[float, float]] = {}
    for point in points:
        if not isinstance(point, dict) or not isinstance(point.get("datetime"), str):
            continue
        moment = dt_util.parse_datetime(point["datetime"])
        if moment is None or moment.tzinfo is None:
            continue
        temperature = _finite(point.get("temperature"))
        if (
            math.isfinite(temperature)
            and unit in TemperatureConverter.VALID_UNITS
            and unit != UnitOfTemperature.CELSIUS
        ):
            temperature = TemperatureConverter.convert(
                temperature, str(unit), UnitOfTemperature.CELSIUS
            )
        # Points may carry different UTC offsets (a DST change inside the forecast).
        rows[pd.Timestamp(moment).tz_convert("UTC")] = (temperature, _finite(point.get("humidity")))
    if not rows:
        return None
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["temperature", "humidity"])
    frame.index = pd.DatetimeIndex(frame.index)
    return frame


def _finite(value: object) -> float:
    """A finite number as float, anything else as NaN."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return float("nan")
    number = float(value)
    return number if math.isfinite(number) else float("nan")
