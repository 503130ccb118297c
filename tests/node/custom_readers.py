"""Custom sensor factories for the node tests (named in configurations as module:callable)."""

from __future__ import annotations

from collections.abc import Mapping


class ScriptedMeter:
    """Returns the readings queued in `options["readings"]`, one per read, then raises."""

    model: object = "Scripted test meter"

    def __init__(self, options: Mapping[str, object]) -> None:
        readings = options.get("readings", [])
        assert isinstance(readings, list)
        self.readings: list[object] = list(readings)
        self.model = options.get("model", self.model)
        self.closed = False

    def read(self) -> Mapping[str, object]:
        if not self.readings:
            raise OSError("meter unplugged")
        reading = self.readings.pop(0)
        assert isinstance(reading, Mapping)
        return reading

    def close(self) -> None:
        self.closed = True


def broken_factory(options: Mapping[str, object]) -> object:
    raise RuntimeError("no meter here")
