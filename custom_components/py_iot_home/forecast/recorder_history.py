"""Hourly history of the predictor's entities from the recorder's long-term statistics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import numpy as np
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.components.recorder.statistics import get_metadata, statistics_during_period
from homeassistant.components.sensor import ATTR_STATE_CLASS, SensorStateClass
from homeassistant.const import STATE_UNAVAILABLE, UnitOfEnergy, UnitOfPower, UnitOfTemperature
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.util.unit_conversion import TemperatureConverter

from ..prediction.arrays import HourlyArrays
from ..prediction.history import (
    PLAUSIBLE_HUMIDITY,
    PLAUSIBLE_POWER_W,
    PLAUSIBLE_TEMPERATURE_C,
    FloatArray,
    IntArray,
)
from ..prediction.net_meter import ExportHours, export_hours
from ..protocol.fields import finite_number
from ..storage.recorder_reads import async_recorder_read

# The recorder converts every statistic to these units, so a sensor whose unit changed
# (W to kW, °F to °C) still yields one consistent series.
UNITS: dict[str, str] = {
    "power": UnitOfPower.WATT,
    "energy": UnitOfEnergy.KILO_WATT_HOUR,
    "temperature": UnitOfTemperature.CELSIUS,
}
WATTS_PER_KWH_PER_HOUR = 1000.0
HOUR_S = 3600
# An hour's last five-minute statistics start this long after the hour starts.
LAST_FIVE_MINUTES_S = 55 * 60
FIVE_MINUTES_S = 5 * 60
# A meter that stood still in more of its five minutes than this counts in steps too coarse
# (a 10 Wh register, a reading every 15 minutes) for one five minutes to say anything.
COARSE_METER_STILL_SHARE = 0.25
NS_PER_S = 1_000_000_000
type Column = Literal["mean", "min", "max", "change"]


@dataclass(frozen=True, kw_only=True)
class HistorySources:
    """The statistic ids (entity ids) a predictor learns from."""

    power: str
    temperature: str | None = None  # with a weather entity, its recorded states will do
    humidity: str | None = None
    weather: str | None = None


@dataclass(frozen=True, kw_only=True)
class LoadedHistory:
    """An hourly history (plain arrays: pandas stays out of Home Assistant) and how it came."""

    history: HourlyArrays
    power_kind: Literal["power", "energy"]
    weather_hours: int = 0
    missing_power_hours: int
    converted_series: int
    export: ExportHours


async def async_load_hourly_history(
    hass: HomeAssistant, sources: HistorySources, start: datetime, end: datetime
) -> LoadedHistory:
    """Read hourly statistics in the recorder's executor; never with hand-written SQL."""
    only_increasing = _only_increasing(hass, sources.power)
    return await async_recorder_read(
        hass, _load_hourly_history, hass, sources, start, end, only_increasing
    )


async def async_load_export_hours(
    hass: HomeAssistant, power: str, start: datetime, end: datetime
) -> ExportHours:
    """How many recorded hours of `power` were export (a net meter), in the recorder's executor."""
    only_increasing = _only_increasing(hass, power)
    return await async_recorder_read(
        hass, _load_export_hours, hass, power, start, end, only_increasing
    )


def _only_increasing(hass: HomeAssistant, entity_id: str) -> bool:
    """Whether `entity_id` is a `total_increasing` meter (its state, else its registry entry)."""
    state = hass.states.get(entity_id)
    if state is not None and ATTR_STATE_CLASS in state.attributes:
        state_class = state.attributes[ATTR_STATE_CLASS]
    else:
        entry = er.async_get(hass).async_get(entity_id)
        state_class = (entry.capabilities or {}).get(ATTR_STATE_CLASS) if entry else None
    return bool(state_class == SensorStateClass.TOTAL_INCREASING)


def _load_export_hours(
    hass: HomeAssistant, power: str, start: datetime, end: datetime, only_increasing: bool
) -> ExportHours:
    start = start.replace(minute=0, second=0, microsecond=0)
    metadata = get_metadata(hass, statistic_ids={power})
    rows = _hourly_rows(hass, start, end, {power})
    hours = _hour_starts(start, end)
    return export_hours(_signed_power(power, metadata, rows, hours, only_increasing)[0])


def _hourly_rows(
    hass: HomeAssistant, start: datetime, end: datetime, ids: set[str]
) -> Mapping[str, list[Any]]:
    """Hourly statistics with each hour's min and max: what its mean alone hides."""
    return statistics_during_period(
        hass, start, end, ids, "hour", UNITS, {"mean", "min", "max", "change"}
    )


def _load_hourly_history(
    hass: HomeAssistant,
    sources: HistorySources,
    start: datetime,
    end: datetime,
    only_increasing: bool,
) -> LoadedHistory:
    start = start.replace(minute=0, second=0, microsecond=0)
    ids = {sources.power} | {
        statistic for statistic in (sources.temperature, sources.humidity) if statistic
    }
    metadata = get_metadata(hass, statistic_ids=ids)
    rows = _hourly_rows(hass, start, end, ids)
    hours = _hour_starts(start, end)

    power, power_kind = _signed_power(sources.power, metadata, rows, hours, only_increasing)
    # Counted before an energy meter's negative changes go: hour after hour of them is a
    # `total` meter counting export.
    export = export_hours(power)
    if power_kind == "energy":
        # A `total` meter's fall (its export, or a reset) is no consumption.
        power[power < 0] = np.nan
    converted = sum(
        1
        for _, meta in metadata.values()
        if meta["unit_of_measurement"] not in {*UNITS.values(), "%", None}
    )
    end_power = _end_power(hass, sources.power, start, end, hours, power_kind=power_kind)
    temperature = _plausible_means(hours, rows, sources.temperature, PLAUSIBLE_TEMPERATURE_C)
    weather_hours = 0
    if sources.weather:
        # The weather entity's own past temperatures: the kind of value its forecast gives.
        recorded = _weather_temperature(hass, sources.weather, start, end, hours)
        weather_hours = int(np.count_nonzero(~np.isnan(recorded)))
        temperature = np.where(np.isnan(recorded), temperature, recorded)
    return LoadedHistory(
        history=HourlyArrays(
            time_ns=hours * NS_PER_S,
            time_zone=hass.config.time_zone,
            power_w=power,
            temperature=temperature,
            humidity=_plausible_means(hours, rows, sources.humidity, PLAUSIBLE_HUMIDITY),
            power_end_w=end_power,
        ),
        power_kind=power_kind,
        weather_hours=weather_hours,
        missing_power_hours=int(np.isnan(power).sum()),
        converted_series=converted,
        export=export,
    )


def _end_power(
    hass: HomeAssistant,
    power_id: str,
    start: datetime,
    end: datetime,
    hours: IntArray,
    *,
    power_kind: Literal["power", "energy"],
) -> FloatArray | None:
    """Each hour's last five minutes' mean power (W), from the short-term statistics.

    A power sensor's is their mean; an energy meter's, their change over five minutes.
    The recorder keeps those as long as its states (10 days by default): older hours are NaN.
    """
    column: Literal["mean", "change"] = "change" if power_kind == "energy" else "mean"
    rows = statistics_during_period(hass, start, end, {power_id}, "5minute", UNITS, {column})
    watts = _column(rows, power_id, column)
    if power_kind == "energy":
        watts = _meter_watts(list(watts))
        if not watts:
            return None
    # Each row moved back to its hour's start; rows of the hour's other minutes fall off
    # the hour grid and are not placed.
    shifted = ((float(row_start) - LAST_FIVE_MINUTES_S, value) for row_start, value in watts)
    return _on_hours(hours, shifted)


def _meter_watts(changes: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """An energy meter's five-minute (start, kWh) changes as (start, W); none if too coarse.

    A negative change (a reset, or a net meter's export) is not a consumption: dropped.
    """
    counted = [change for _, change in changes if change is not None]
    still = sum(1 for change in counted if change == 0)
    if not counted or still > COARSE_METER_STILL_SHARE * len(counted):
        return []
    watts_per_kwh = WATTS_PER_KWH_PER_HOUR * HOUR_S / FIVE_MINUTES_S
    return [
        (row_start, None if change is None or change < 0 else change * watts_per_kwh)
        for row_start, change in changes
    ]


def _hour_starts(start: datetime, end: datetime) -> IntArray:
    """Every hour start in [start, end), UTC seconds (`start` on the hour)."""
    return np.arange(int(start.timestamp()), end.timestamp(), HOUR_S, dtype=np.int64)


def _column(
    rows: Mapping[str, list[Any]], statistic_id: str | None, column: Column
) -> Iterable[tuple[Any, Any]]:
    found = rows.get(statistic_id, []) if statistic_id else []
    return ((row["start"], row.get(column)) for row in found)


def _plausible_means(
    hours: IntArray,
    rows: Mapping[str, list[Any]],
    statistic_id: str | None,
    bounds: tuple[float, float],
) -> FloatArray:
    """Each hour's mean, NaN where the hour's mean, min or max lies outside `bounds`.

    The recorder weights each state by the seconds it held: 1e308 and -1e308 a second each
    cancel out into a plausible mean, which only the hour's min and max give away.
    """
    low, high = bounds
    means = _on_hours(hours, _column(rows, statistic_id, "mean"))
    lowest = _on_hours(hours, _column(rows, statistic_id, "min"))
    highest = _on_hours(hours, _column(rows, statistic_id, "max"))
    with np.errstate(invalid="ignore"):
        beyond = (lowest < low) | (highest > high) | (means < low) | (means > high)
    means[beyond] = np.nan
    return means


def _signed_power(
    power_id: str,
    metadata: Mapping[str, tuple[int, Any]],
    rows: Mapping[str, list[Any]],
    hours: IntArray,
    only_increasing: bool,
) -> tuple[FloatArray, Literal["power", "energy"]]:
    """The hourly power (W) of `power_id`, negative where it went out, and its kind.

    An hour no home can have (``PLAUSIBLE_POWER_W``) is missing, and so is a fall of a
    `total_increasing` meter: Home Assistant counts a drop below 90 % as a new cycle and
    skips negative readings, so what remains of a fall is a dip a meter cannot make, not
    export.
    """
    power_meta = metadata.get(power_id, (0, None))[1]
    if power_meta is None or not power_meta["has_sum"]:
        return _plausible_means(hours, rows, power_id, PLAUSIBLE_POWER_W), "power"
    change = _on_hours(hours, _column(rows, power_id, "change"))
    power = change * WATTS_PER_KWH_PER_HOUR
    low, high = PLAUSIBLE_POWER_W
    with np.errstate(invalid="ignore"):
        impossible = (power < (0.0 if only_increasing else low)) | (power > high)
    power[impossible] = np.nan
    return power, "energy"


def _on_hours(hours: IntArray, rows: Iterable[tuple[Any, Any]]) -> FloatArray:
    """(start in UTC seconds, value) rows placed on their hours; NaN where none is.

    A row off the hour grid is not placed; a missing value is NaN; a later row wins.
    """
    values = np.full(len(hours), np.nan)
    for row_start, value in rows:
        offset = float(row_start) - float(hours[0]) if len(hours) else -1.0
        position = int(offset // HOUR_S)
        if offset % HOUR_S == 0 and 0 <= position < len(hours):
            values[position] = np.nan if value is None else float(value)
    return values


def _weather_temperature(
    hass: HomeAssistant, entity_id: str, start: datetime, end: datetime, hours: IntArray
) -> FloatArray:
    """Hourly outdoor temperature (°C) from a weather entity's recorded states.

    Each hour gets the mean of the values reported in it, or else the last value reported
    in an earlier hour, unless the weather was unavailable or had no temperature since.
    """
    # Every update, not only state changes: the temperature is an attribute.
    updates: Mapping[str, list[Any]] = get_significant_states(
        hass, start, end, [entity_id], significant_changes_only=False
    )
    readings = [
        (int(state.last_updated.timestamp()) // HOUR_S * HOUR_S, value)
        for state in updates.get(entity_id, [])
        if isinstance(state, State) and (value := _weather_reading(state)) is not None
    ]
    if not readings:
        return np.full(len(hours), np.nan)
    reported = np.array([hour for hour, _ in readings], dtype=np.int64)
    values = np.array([value for _, value in readings], dtype=np.float64)
    known = ~np.isnan(values)
    hour_of, slot = np.unique(reported, return_inverse=True)
    counts = np.bincount(slot, weights=known)
    with np.errstate(invalid="ignore"):
        means = np.bincount(slot, weights=np.where(known, values, 0.0)) / counts
    # The last reading of each hour: readings come in the order they were recorded.
    last = np.zeros(len(hour_of), dtype=np.int64)
    np.maximum.at(last, slot, np.arange(len(values)))
    lasts = values[last]
    position = np.searchsorted(hour_of, hours)
    within = np.minimum(position, len(hour_of) - 1)
    exact = (position < len(hour_of)) & (hour_of[within] == hours) & (counts[within] > 0)
    earlier = position - 1
    carried = np.where(earlier >= 0, lasts[np.maximum(earlier, 0)], np.nan)
    return np.where(exact, means[within], carried)


def _weather_reading(state: State) -> float | None:
    """A recorded state's temperature (°C); NaN where the weather knew none; None to skip.

    Unavailable for days, its last temperature was carried through them.
    """
    if state.state == STATE_UNAVAILABLE or state.attributes.get("temperature") is None:
        return np.nan
    # One no air has had is skipped: the last plausible one goes on.
    return weather_celsius(state)


def weather_celsius(state: State) -> float | None:
    """The state's `temperature` attribute in °C; None unless a temperature air has had."""
    value = finite_number(state.attributes.get("temperature"))
    unit = state.attributes.get("temperature_unit", UnitOfTemperature.CELSIUS)
    # Any JSON value may be an attribute: `in` of a list raised, and failed the whole load.
    if value is None or not isinstance(unit, str) or unit not in TemperatureConverter.VALID_UNITS:
        return None
    celsius = float(TemperatureConverter.convert(value, unit, UnitOfTemperature.CELSIUS))
    # Bounded before an hour's readings are averaged: 500 °C and -460 °C made 20 °C.
    low, high = PLAUSIBLE_TEMPERATURE_C
    return celsius if low <= celsius <= high else None
