"""Recorded history of a sensor as trend samples: numeric states, in the sensor's own unit."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime

import numpy as np
from homeassistant.components.recorder import history
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.util.unit_conversion import (
    BaseUnitConverter,
    PowerConverter,
    TemperatureConverter,
)

from ..analysis.sample_store import SampleArrays
from ..const import LOGGER

# The units a user may switch a measured quantity to (humidity has only %).
CONVERTERS: tuple[type[BaseUnitConverter], ...] = (TemperatureConverter, PowerConverter)


def history_samples(
    hass: HomeAssistant, entity_id: str, start: datetime, unit: str
) -> SampleArrays:
    """The recorded numeric states of an entity since `start`, in `unit` (recorder executor)."""
    states = history.state_changes_during_period(
        hass, start, entity_id=entity_id, include_start_time_state=False
    ).get(entity_id, [])
    records = (
        (state.last_updated_timestamp, state.state, state.attributes.get(ATTR_UNIT_OF_MEASUREMENT))
        for state in states
    )
    return numeric_samples(records, unit)


def numeric_samples(records: Iterable[tuple[float, str, str | None]], unit: str) -> SampleArrays:
    """Turn (time, state, unit of the state) records into samples in ``unit``.

    States that are not finite numbers are skipped, and so are states in a unit that
    cannot be converted: the recorder keeps what was shown, which follows the user's unit
    system and entity settings (degrees Fahrenheit, say), not the sensor's own unit.
    """
    converters: dict[str | None, Callable[[float], float] | None] = {unit: _unchanged}
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
        if math.isfinite(value):
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
