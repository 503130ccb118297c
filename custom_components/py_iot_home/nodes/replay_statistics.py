"""Samples a node replays after an outage go into long-term statistics at their own hours."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial

import numpy as np
from homeassistant.components.recorder import is_entity_recorded
from homeassistant.components.recorder.models import StatisticData, StatisticMeanType
from homeassistant.components.recorder.statistics import (
    STATISTIC_UNIT_TO_UNIT_CONVERTER,
    async_import_statistics,
    get_metadata,
)
from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_call_later, async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from ..analysis.hourly import HourlyAggregate, hourly_aggregates
from ..const import DOMAIN, LOGGER
from ..storage.recorder_reads import async_recorder_read
from ..trends.coordinator import TrendCoordinator

HOUR_S = 3600
# The recorder compiles an hour shortly after it ends; importing later overwrites that.
COMPILE_MARGIN = timedelta(minutes=15)
# Batches arriving within this share one import per sensor: a node drains its backlog in many
# batches, and a flood of them must not outgrow the recorder's queue (it stops recording).
IMPORT_DELAY_S = 5.0
# An hour's import is repeated at most this often: replays spread over the trend's week (an
# unsigned node's, anyone's) re-imported every hour they touched at each IMPORT_DELAY_S,
# 2,740 rows a minute for one sensor. A node's own drain touches an hour once or twice.
REIMPORT_SPACING_S = 60.0


class ReplayStatistics:
    """Imports hourly mean/min/max of every hour a replay touched, live samples included."""

    def __init__(self, hass: HomeAssistant, trend: TrendCoordinator) -> None:
        """Use the trend store, which holds live and replayed samples in time order."""
        self._hass = hass
        self._trend = trend
        self._pending: dict[int, CALLBACK_TYPE] = {}
        # Complete hours waiting for the next import, by sensor key.
        self._due: dict[str, set[int]] = {}
        self._import_due: CALLBACK_TYPE | None = None
        self._import_due_at_s = 0.0
        # When each (sensor key, hour) was last imported, for REIMPORT_SPACING_S.
        self._imported_at: dict[tuple[str, int], float] = {}
        self.imported_hours = 0

    @callback
    def async_replayed(self, keys_and_times: Iterable[tuple[str, float]]) -> None:
        """Import the compiled hours shortly; the others once the recorder compiled them."""
        if "recorder" not in self._hass.config.components:
            return
        now_s = dt_util.utcnow().timestamp()
        # Only hours the trend's samples can still cover: older ones left its window (and
        # cannot be imported), and each hour costs a search at the import. Replayed samples
        # from every hour since 2000 made that loop take seconds on the event loop.
        oldest_s = int((now_s - self._trend.window_s) // HOUR_S) * HOUR_S
        hours_by_key: dict[str, set[int]] = {}
        for key, at in keys_and_times:
            if at >= oldest_s:
                hours_by_key.setdefault(key, set()).add(int(at // HOUR_S) * HOUR_S)
        # The recorder compiles each hour first: the one under way, and the one that just
        # ended until COMPILE_MARGIN after it (compiled at about :00:10). A replay a few
        # seconds after the hour imported its row first, and the recorder's compile of that
        # hour then failed on the duplicate (an ERROR with a traceback in the log).
        compiled_by = now_s - COMPILE_MARGIN.total_seconds() - HOUR_S
        for key, hours in hours_by_key.items():
            if complete := {hour for hour in hours if hour <= compiled_by}:
                self._due.setdefault(key, set()).update(complete)
            for hour in sorted(hours - complete):
                self._schedule(key, hour)
        if self._due:
            self._import_within(IMPORT_DELAY_S)

    def _import_within(self, delay_s: float) -> None:
        """Have the due hours imported within `delay_s`, or sooner if already planned."""
        at_s = dt_util.utcnow().timestamp() + delay_s
        if self._import_due is not None:
            if self._import_due_at_s <= at_s:
                return
            self._import_due()
        self._import_due_at_s = at_s
        self._import_due = async_call_later(self._hass, delay_s, self._import_due_hours)

    @callback
    def _import_due_hours(self, _: datetime) -> None:
        """Import the due hours; those imported within REIMPORT_SPACING_S wait their turn."""
        self._import_due = None
        now_s = dt_util.utcnow().timestamp()
        imported_at = {
            done: at for done, at in self._imported_at.items() if now_s - at < REIMPORT_SPACING_S
        }
        due, self._due = self._due, {}
        for key, hours in due.items():
            if waiting := {hour for hour in hours if (key, hour) in imported_at}:
                self._due[key] = waiting
            ready = sorted(hours - waiting)
            self._import(key, ready)
            imported_at.update(((key, hour), now_s) for hour in ready)
        self._imported_at = imported_at
        if self._due:
            first = min(imported_at[key, hour] for key, held in self._due.items() for hour in held)
            self._import_within(max(first + REIMPORT_SPACING_S - now_s, IMPORT_DELAY_S))

    def _schedule(self, key: str, hour: int) -> None:
        token = hash((key, hour))
        if token in self._pending:
            return
        when = datetime.fromtimestamp(hour + HOUR_S, UTC) + COMPILE_MARGIN

        @callback
        def _later(_: datetime) -> None:
            self._pending.pop(token, None)
            self._import(key, [hour])

        self._pending[token] = async_track_point_in_utc_time(self._hass, _later, when)

    @property
    def pending_hours(self) -> int:
        """Hours waiting for an import, over all sensors (diagnostics)."""
        return sum(len(hours) for hours in self._due.values()) + len(self._pending)

    @callback
    def async_cancel(self) -> None:
        """Forget scheduled imports (the entry unloads)."""
        for cancel in self._pending.values():
            cancel()
        self._pending.clear()
        if self._import_due is not None:
            self._import_due()
            self._import_due = None
        self._due.clear()
        self._imported_at.clear()

    def _import(self, key: str, hours: list[int]) -> None:
        source = self._trend.sources.get(key)
        if source is None or not hours:
            return
        registry = er.async_get(self._hass)
        entity_id = registry.async_get_entity_id(SENSOR_DOMAIN, DOMAIN, source.source_unique_id)
        if entity_id is None or not _recorded(self._hass, registry, entity_id):
            return
        times, values = self._trend.store.buffer(key).snapshot()
        aggregates = hourly_aggregates(
            np.asarray(times), np.asarray(values, dtype=np.float64), hours
        )
        if aggregates:
            self._trend.config_entry.async_create_task(
                self._hass,
                self._async_import(entity_id, source.unit, aggregates),
                f"import replayed hours of {entity_id}",
            )

    async def _async_import(
        self, entity_id: str, unit: str, aggregates: list[HourlyAggregate]
    ) -> None:
        """Import in the unit the sensor's statistics are kept in, converted from `unit`.

        A sensor shown in °F (a home set to US units, or its own setting) has them in °F;
        imported in °C, every hour compiled before was relabelled °C (71.6 °F read 160.9).
        """
        metadata = await async_recorder_read(
            self._hass, partial(get_metadata, self._hass, statistic_ids={entity_id})
        )
        kept = metadata[entity_id][1]["unit_of_measurement"] if entity_id in metadata else unit
        if (convert := _converter(unit, kept)) is None:
            LOGGER.debug(
                "Replayed hours of %s not imported: kept in %s, not %s", entity_id, kept, unit
            )
            return
        async_import_statistics(
            self._hass,
            {
                "mean_type": StatisticMeanType.ARITHMETIC,
                "has_sum": False,
                "name": None,
                "source": "recorder",
                "statistic_id": entity_id,
                # The unit class the recorder gives this unit when it compiles statistics.
                "unit_class": unit_class(kept),
                "unit_of_measurement": kept,
            },
            [_row(aggregate, convert) for aggregate in aggregates],
        )
        self.imported_hours += len(aggregates)
        LOGGER.debug("Imported %s replayed hours of %s", len(aggregates), entity_id)


def _recorded(hass: HomeAssistant, registry: er.EntityRegistry, entity_id: str) -> bool:
    """Whether the recorder keeps statistics of the sensor: not disabled, not left out.

    Its compile skips a sensor the user disabled or left out of the recorder; an import
    of replayed hours would give them statistics all the same.
    """
    entry = registry.async_get(entity_id)
    return entry is not None and not entry.disabled and is_entity_recorded(hass, entity_id)


def _converter(unit: str, kept: str | None) -> Callable[[float], float] | None:
    """From the samples' unit into the statistics' one; None when it does not convert."""
    if kept == unit:
        return lambda value: value
    converter = STATISTIC_UNIT_TO_UNIT_CONVERTER.get(unit)
    if converter is None or kept not in converter.VALID_UNITS:
        # Statistics of another quantity (the sensor changed its unit class): not ours.
        return None
    return converter.converter_factory(unit, kept)


def _row(aggregate: HourlyAggregate, convert: Callable[[float], float]) -> StatisticData:
    return StatisticData(
        start=datetime.fromtimestamp(aggregate.start_s, UTC),
        mean=convert(aggregate.mean),
        min=convert(aggregate.minimum),
        max=convert(aggregate.maximum),
    )


def unit_class(unit: str | None) -> str | None:
    """The recorder's unit class of `unit` ("unitless" for %), None when it has none."""
    converter = STATISTIC_UNIT_TO_UNIT_CONVERTER.get(unit)
    return None if converter is None else converter.UNIT_CLASS
