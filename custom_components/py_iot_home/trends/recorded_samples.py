"""Recorded history of a sensor as trend samples, in the sensor's own unit.

The recorder keeps a sensor's states for its purge window (10 days by default) and its
hourly statistics for good: before the first recorded state, the hourly means stand in (one
sample at the middle of each hour), so a sensor whose statistics reach back (imported, or
kept longer than its states) has a trend at once instead of hours of "unknown".

The recorder keeps a state when it *changes*: a steady sensor has hours without a record,
though it showed its value all along. So each state is held, as a sample every half hour
until the next record (whatever its state) or now, for at most ``MAX_HOLD_S``: otherwise
the trend took a steady night for a silent source, and each hour counted in the daily
means only when the value changed in it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Literal, NamedTuple

import numpy as np
from homeassistant.components.recorder import history
from homeassistant.components.recorder.statistics import get_metadata, statistics_during_period
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import (
    BaseUnitConverter,
    PowerConverter,
    TemperatureConverter,
)
from numpy.typing import NDArray

from ..analysis.ring_buffer import SampleArrays
from ..const import LOGGER
from ..quantities import unit_of

# The units a user may switch a measured quantity to (humidity has only %).
CONVERTERS: tuple[type[BaseUnitConverter], ...] = (TemperatureConverter, PowerConverter)


HOUR = timedelta(hours=1)
# A sample in every clock hour of a held state, and no gap near the trend's silence rule.
HOLD_STEP_S = 1800.0
# A sensor of whole degrees in a steady room may not change for half a day. Home Assistant
# stopped records nothing, not even that it stopped (its start does record every state):
# a state is not held further than a day into what may have been a stop.
MAX_HOLD_S = 24 * 3600.0
# Samples are kept as float32: a larger finite state (1e39) became an infinite sample.
_LARGEST_SAMPLE = float(np.finfo(np.float32).max)


class RecordedHistory(NamedTuple):
    """A sensor's recorded samples, and the extremes of the hours its statistics stood in for.

    An hourly mean hides its hour's lowest and highest value; the statistics keep them.
    NaN where no statistics stood in.
    """

    times: NDArray[np.float64]
    values: NDArray[np.float32]
    lowest: float
    highest: float


@callback
def own_history_start(registry: er.EntityRegistry, entity: er.RegistryEntry) -> datetime | None:
    """When the entity's id last left another entity, whose history it is until then.

    The recorder keeps history by entity id: a board deleted and added again gets its
    sensors' old ids, and what they recorded before were the deleted board's readings. The
    registry remembers a deleted entity (``modified_at``: when it was deleted) until its id
    is re-created under the same unique id, which keeps its history, as a re-added node does.
    History recorded for the id before the entity existed, with no other owner (statistics
    imported for a sensor to come), is its own.
    """
    left = [
        deleted.modified_at
        for deleted in registry.deleted_entities.values()
        if deleted.entity_id == entity.entity_id and deleted.id != entity.id
    ]
    return max(left, default=None)


def history_samples(
    hass: HomeAssistant, entity_id: str, start: datetime, unit: str
) -> SampleArrays:
    """The entity's history since `start`, in `unit` (recorder executor; see `recorded_history`)."""
    recorded = recorded_history(hass, entity_id, start, unit)
    return recorded.times, recorded.values


def recorded_history(
    hass: HomeAssistant, entity_id: str, start: datetime, unit: str
) -> RecordedHistory:
    """The entity's history since `start`, in `unit` (recorder executor).

    Its recorded numeric states; before the first of them, its hourly statistics' means.
    """
    states = history.state_changes_during_period(
        hass, start, entity_id=entity_id, include_start_time_state=False
    ).get(entity_id, [])
    records = [
        (state.last_updated_timestamp, state.state, unit_of(state.attributes)) for state in states
    ]
    times, values = held_samples(
        *numeric_samples(records, unit),
        record_times=np.array([record[0] for record in records], dtype=np.float64),
        end_s=dt_util.utcnow().timestamp(),
    )
    # Only whole hours before the first state: an hour's mean and its states never overlap.
    first_state = datetime.fromtimestamp(times[0], start.tzinfo) if times.size else None
    end = (first_state or dt_util.utcnow()).replace(minute=0, second=0, microsecond=0)
    hour_start = start.replace(minute=0, second=0, microsecond=0)
    if hour_start < start:
        hour_start += HOUR
    if end - hour_start < HOUR:
        return RecordedHistory(times, values, math.nan, math.nan)
    early = statistics_samples(hass, entity_id, hour_start, end, unit)
    return RecordedHistory(
        np.concatenate([early.times, times]),
        np.concatenate([early.values, values]),
        early.lowest,
        early.highest,
    )


def held_samples(
    times: NDArray[np.float64],
    values: NDArray[np.float32],
    *,
    record_times: NDArray[np.float64],
    end_s: float,
) -> SampleArrays:
    """Each numeric state repeated every ``HOLD_STEP_S`` while it held (see the module).

    ``record_times`` are the times of every record, numeric or not (sorted): an
    "unavailable" ends the state before it.
    """
    if times.size == 0:
        return times, values
    following = np.searchsorted(record_times, times, side="right")
    next_record = np.append(record_times, end_s)[np.minimum(following, record_times.size)]
    held_until = np.minimum(np.minimum(next_record, end_s), times + MAX_HOLD_S)
    repeats = np.maximum(np.ceil((held_until - times) / HOLD_STEP_S), 1.0).astype(np.intp)
    starts = np.repeat(times, repeats)
    steps = np.arange(starts.size) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    return starts + steps * HOLD_STEP_S, np.repeat(values, repeats)


def statistics_samples(
    hass: HomeAssistant, entity_id: str, start: datetime, end: datetime, unit: str
) -> RecordedHistory:
    """The hourly means of the entity's statistics in [start, end), at each hour's middle.

    With the lowest and highest value those hours held (their statistics' min and max).
    """
    metadata = get_metadata(hass, statistic_ids={entity_id})
    none = RecordedHistory(*numeric_samples((), unit), math.nan, math.nan)
    if entity_id not in metadata:
        return none
    # The recorder converts to the unit asked for; a unit of no class (%) comes as stored.
    stored_unit = metadata[entity_id][1]["unit_of_measurement"]
    converter = next((c for c in CONVERTERS if unit in c.VALID_UNITS), None)
    if converter is not None and stored_unit not in converter.VALID_UNITS:
        # Statistics of another quantity (the sensor changed its unit class): not ours.
        return none
    units = {converter.UNIT_CLASS: unit} if converter else None
    row_unit = unit if converter else stored_unit
    rows = statistics_during_period(
        hass, start, end, {entity_id}, "hour", units, {"mean", "min", "max"}
    ).get(entity_id, [])

    def column(name: Literal["mean", "min", "max"]) -> SampleArrays:
        return numeric_samples(
            (
                (float(row["start"]) + HOUR.total_seconds() / 2, str(row.get(name)), row_unit)
                for row in rows
                if row.get(name) is not None
            ),
            unit,
        )

    times, values = column("mean")
    lowest, highest = column("min")[1], column("max")[1]
    return RecordedHistory(
        times,
        values,
        float(lowest.min()) if lowest.size else math.nan,
        float(highest.max()) if highest.size else math.nan,
    )


def numeric_samples(records: Iterable[tuple[float, str, str | None]], unit: str) -> SampleArrays:
    """Turn (time, state, unit of the state) records into samples in ``unit``.

    States that are no finite float32 numbers are skipped, and so are states in a unit that
    cannot be converted: the recorder keeps what was shown, which follows the user's unit
    system and entity settings (degrees Fahrenheit, say), not the sensor's own unit.
    """
    converters: dict[str | None, Callable[[float], float] | None] = {unit: _unchanged}
    if not unit:
        # A sensor without a unit: its states have none (None), whichever way it is said.
        converters.update({None: _unchanged, "": _unchanged})
    times: list[float] = []
    values: list[float] = []
    for time_s, state, state_unit in records:
        if state_unit not in converters:
            converters[state_unit] = _converter(state_unit, unit)
        if (convert := converters[state_unit]) is None:
            continue
        try:
            value = convert(float(state))
        except ValueError:
            continue
        if abs(value) <= _LARGEST_SAMPLE:  # NaN and infinities fail it too
            times.append(time_s)
            values.append(value)
    return np.array(times, dtype=np.float64), np.array(values, dtype=np.float32)


def _unchanged(value: float) -> float:
    return value


def _converter(from_unit: str | None, to_unit: str) -> Callable[[float], float] | None:
    for converter in CONVERTERS:
        if from_unit in converter.VALID_UNITS and to_unit in converter.VALID_UNITS:
            return converter.converter_factory(from_unit, to_unit)
    LOGGER.debug("History in %s cannot be turned into %s; skipping it", from_unit, to_unit)
    return None
