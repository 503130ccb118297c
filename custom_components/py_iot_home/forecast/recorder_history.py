"""Hourly history of the predictor's entities from the recorder's long-term statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

import numpy as np
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.components.recorder.statistics import get_metadata, statistics_during_period
from homeassistant.const import UnitOfEnergy, UnitOfPower, UnitOfTemperature
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.unit_conversion import TemperatureConverter

from ..prediction.history import FloatArray, HourlyHistory

if TYPE_CHECKING:
    import pandas as pd

# The recorder converts every statistic to these units, so a sensor whose unit changed
# (W to kW, °F to °C) still yields one consistent series.
UNITS: dict[str, str] = {
    "power": UnitOfPower.WATT,
    "energy": UnitOfEnergy.KILO_WATT_HOUR,
    "temperature": UnitOfTemperature.CELSIUS,
}
WATTS_PER_KWH_PER_HOUR = 1000.0


@dataclass(frozen=True, kw_only=True)
class HistorySources:
    """The statistic ids (entity ids) a predictor learns from."""

    power: str
    temperature: str
    humidity: str | None = None
    weather: str | None = None


@dataclass(frozen=True, kw_only=True)
class LoadedHistory:
    """An hourly history and what was done to get it."""

    history: HourlyHistory
    power_kind: Literal["power", "energy"]
    weather_hours: int = 0
    missing_power_hours: int
    converted_series: int


async def async_load_hourly_history(
    hass: HomeAssistant, sources: HistorySources, start: datetime, end: datetime
) -> LoadedHistory:
    """Read hourly statistics in the recorder's executor; never with hand-written SQL."""
    return await get_instance(hass).async_add_executor_job(
        _load_hourly_history, hass, sources, start, end
    )


def _load_hourly_history(
    hass: HomeAssistant, sources: HistorySources, start: datetime, end: datetime
) -> LoadedHistory:
    import pandas as pd

    start = start.replace(minute=0, second=0, microsecond=0)
    ids = {sources.power, sources.temperature} | ({sources.humidity} if sources.humidity else set())
    metadata = get_metadata(hass, statistic_ids=ids)
    power_meta = metadata.get(sources.power, (0, None))[1]
    power_kind: Literal["power", "energy"] = (
        "energy" if power_meta is not None and power_meta["has_sum"] else "power"
    )
    rows = statistics_during_period(hass, start, end, ids, "hour", UNITS, {"mean", "change"})
    index = pd.date_range(start, end, freq="h", inclusive="left", tz="UTC")

    def series(statistic_id: str | None, column: Literal["mean", "change"]) -> FloatArray:
        import pandas as pd

        by_start = {
            pd.Timestamp(row["start"], unit="s", tz="UTC"): row.get(column)
            for row in (rows.get(statistic_id, []) if statistic_id else [])
        }
        known = pd.Series(by_start, dtype="float64")
        values: FloatArray = np.asarray(known.reindex(index), dtype=np.float64)
        return values

    if power_kind == "energy":
        power = series(sources.power, "change") * WATTS_PER_KWH_PER_HOUR
        # A meter reset shows as a negative change: not a measurement.
        power[power < 0] = np.nan
    else:
        power = series(sources.power, "mean")
    converted = sum(
        1
        for _, meta in metadata.values()
        if meta["unit_of_measurement"] not in {*UNITS.values(), "%", None}
    )
    temperature = series(sources.temperature, "mean")
    weather_hours = 0
    if sources.weather:
        # The weather entity's own past temperatures: the kind of value its forecast gives.
        recorded = _weather_temperature(hass, sources.weather, start, end, index)
        weather_hours = int(np.count_nonzero(~np.isnan(recorded)))
        temperature = np.where(np.isnan(recorded), temperature, recorded)
    tz = hass.config.time_zone
    return LoadedHistory(
        history=HourlyHistory(
            index=index.tz_convert(tz),
            power_w=power,
            temperature=temperature,
            humidity=series(sources.humidity, "mean"),
        ),
        power_kind=power_kind,
        weather_hours=weather_hours,
        missing_power_hours=int(np.isnan(power).sum()),
        converted_series=converted,
    )


def _weather_temperature(
    hass: HomeAssistant, entity_id: str, start: datetime, end: datetime, index: pd.DatetimeIndex
) -> FloatArray:
    """Hourly outdoor temperature (°C) from a weather entity's recorded states.

    Each hour gets the mean of the values reported in it, or the value in force then.
    """
    # Every update, not only state changes: the temperature is an attribute.
    import pandas as pd

    updates = get_significant_states(
        hass, start, end, [entity_id], significant_changes_only=False
    ).get(entity_id, [])
    readings = [
        (pd.Timestamp(state.last_updated).tz_convert("UTC").floor("h"), value)
        for state in updates
        if isinstance(state, State) and (value := _celsius(state)) is not None
    ]
    if not readings:
        return np.full(len(index), np.nan)
    by_hour = pd.DataFrame(readings, columns=["hour", "value"]).groupby("hour")["value"]
    means, lasts = by_hour.mean(), by_hour.last()
    hours = index.union(pd.DatetimeIndex(means.index))
    # An hour without a report keeps the last value reported before it.
    carried = lasts.reindex(hours).ffill().shift(1)
    hourly = means.reindex(hours).fillna(carried).reindex(index)
    return np.asarray(hourly.to_numpy(np.float64), dtype=np.float64)


def _celsius(state: State) -> float | None:
    """The state's `temperature` attribute in °C, or None when it is not a finite number."""
    value = state.attributes.get("temperature")
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        return None
    unit = state.attributes.get("temperature_unit", UnitOfTemperature.CELSIUS)
    if unit not in TemperatureConverter.VALID_UNITS:
        return None
    return float(TemperatureConverter.convert(float(value), unit, UnitOfTemperature.CELSIUS))
