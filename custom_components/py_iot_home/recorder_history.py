"""Hourly history of the predictor's entities from the recorder's long-term statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from homeassistant.components.recorder.statistics import get_metadata, statistics_during_period
from homeassistant.const import UnitOfEnergy, UnitOfPower, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance

if TYPE_CHECKING:
    from .prediction.features import FloatArray, HourlyHistory

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


@dataclass(frozen=True, kw_only=True)
class LoadedHistory:
    """An hourly history and what was done to get it."""

    history: HourlyHistory
    power_kind: Literal["power", "energy"]
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
    # In the recorder's executor: pandas is imported only once a predictor reads history.
    import numpy as np
    import pandas as pd

    from .prediction.features import HourlyHistory

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
    tz = hass.config.time_zone
    return LoadedHistory(
        history=HourlyHistory(
            index=index.tz_convert(tz),
            power_w=power,
            temperature=series(sources.temperature, "mean"),
            humidity=series(sources.humidity, "mean"),
        ),
        power_kind=power_kind,
        missing_power_hours=int(np.isnan(power).sum()),
        converted_series=converted,
    )
