"""Sensors read by the user's own Python code, next to the DHTs.

A custom sensor names a factory, `package.module:callable`, called once with the sensor's
`options` mapping; the object it returns has `read()` giving a value (or None) per quantity
and, optionally, `close()` and a `model` string. Whatever it returns is checked here against
the protocol's ranges, so a faulty plug-in can cost a reading, never the node.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from typing import Protocol, cast

from .config import CustomSensorConfig
from .protocol import QUANTITY_RANGES, ProtocolError, SensorSample
from .protocol.fields import finite_number, text

_LOGGER = logging.getLogger(__name__)
DEFAULT_MODEL = "Custom sensor"


class CustomReader(Protocol):
    """What a factory returns."""

    def read(self) -> Mapping[str, float | None]:
        """Return a value (or None) per quantity name; may block briefly."""
        ...


class CustomSensorError(RuntimeError):
    """The factory cannot be imported or called."""


def load_reader(config: CustomSensorConfig) -> CustomReader:
    """Import and call the configured factory."""
    module_name, _, attribute = config.factory.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
        return cast(CustomReader, factory(dict(config.options)))
    except Exception as err:
        raise CustomSensorError(f"{config.key}: cannot load {config.factory}: {err}") from err


class CustomSensorChannel:
    """One custom sensor; a failed read or a value out of range gives None for it."""

    def __init__(self, config: CustomSensorConfig, reader: CustomReader) -> None:
        self.config = config
        self.reader = reader
        self.model = _announceable(getattr(reader, "model", DEFAULT_MODEL))

    def read(self) -> SensorSample:
        """Read once and keep only announced quantities with plausible values."""
        try:
            raw = self.reader.read()
        except Exception:
            _LOGGER.exception("%s: read failed", self.config.key)
            return SensorSample()
        values: dict[str, float | None] = {}
        for quantity in self.config.quantities:
            value = raw.get(quantity.value) if isinstance(raw, Mapping) else None
            low, high = QUANTITY_RANGES[quantity]
            # finite_number: float() of a 400-digit integer raises, and would end the reader.
            number = finite_number(value)
            if number is not None and low <= number <= high:
                values[quantity.value] = round(number, 2)
                continue
            if value is not None:
                _LOGGER.debug("%s: dropped %s=%r", self.config.key, quantity, value)
            values[quantity.value] = None
        return SensorSample(**values)

    def close(self) -> None:
        """Let the reader release what it holds."""
        closer = getattr(self.reader, "close", None)
        if callable(closer):
            closer()


def _announceable(model: object) -> str:
    """The reader's model if Home Assistant takes it as announced text, else the default.

    Home Assistant refuses the whole announcement for one bad text (a control or invisible
    character, a blank): the node could not be discovered for its plug-in's model.
    """
    try:
        return text(model, "model")
    except ProtocolError:
        return DEFAULT_MODEL
