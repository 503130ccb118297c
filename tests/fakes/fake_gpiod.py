"""Fake ``gpiod`` 2.x (libgpiod v2 Python bindings).

Follows bindings/python/gpiod: ``Chip(path)`` with ``get_info().label``, ``LineSettings``
dataclass, ``request_lines(path, consumer=..., config={offset: LineSettings})`` raising
``OSError(EBUSY)`` when a line is already requested, ``LineRequest.set_value/release``.
Chips are keyed by path; values are logical, ``level`` gives the electrical one.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from types import ModuleType
from typing import Any


class Value(Enum):
    INACTIVE = 0
    ACTIVE = 1


class Direction(Enum):
    AS_IS = 1
    INPUT = 2
    OUTPUT = 3


class Bias(Enum):
    AS_IS = 1
    UNKNOWN = 2
    DISABLED = 3
    PULL_UP = 4
    PULL_DOWN = 5


class Drive(Enum):
    PUSH_PULL = 1
    OPEN_DRAIN = 2
    OPEN_SOURCE = 3


class Edge(Enum):
    NONE = 1
    RISING = 2
    FALLING = 3
    BOTH = 4


class Clock(Enum):
    MONOTONIC = 1
    REALTIME = 2
    HTE = 3


@dataclass
class LineSettings:
    direction: Direction = Direction.AS_IS
    edge_detection: Edge = Edge.NONE
    bias: Bias = Bias.AS_IS
    drive: Drive = Drive.PUSH_PULL
    active_low: bool = False
    debounce_period: timedelta = field(default_factory=timedelta)
    event_clock: Clock = Clock.MONOTONIC
    output_value: Value = Value.INACTIVE


@dataclass(frozen=True)
class ChipInfo:
    name: str
    label: str
    num_lines: int


class ChipClosedError(Exception):
    pass


class RequestReleasedError(Exception):
    pass


@dataclass
class FakeLine:
    consumer: str
    settings: LineSettings
    value: Value


@dataclass
class FakeChip:
    path: str
    label: str
    num_lines: int = 54
    permission_denied: bool = False
    lines: dict[int, FakeLine] = field(default_factory=dict)


class FakeGpiod:
    """State of the fake library: the chips of one board."""

    def __init__(self, chips: Mapping[str, str]) -> None:
        self.chips = {path: FakeChip(path, label) for path, label in chips.items()}
        self.requests: list[FakeLineRequest] = []

    def claim(self, path: str, offset: int, consumer: str = "another-program") -> None:
        """Hold a line as if another process had requested it."""
        self.chips[path].lines[offset] = FakeLine(consumer, LineSettings(), Value.INACTIVE)

    def line(self, path: str, offset: int) -> FakeLine | None:
        return self.chips[path].lines.get(offset)

    def level(self, path: str, offset: int) -> bool:
        """Electrical level of a requested line (True = high)."""
        line = self.chips[path].lines[offset]
        return (line.value is Value.ACTIVE) != line.settings.active_low

    def chip_paths(self) -> list[str]:
        return sorted(self.chips, key=lambda path: int(path.rsplit("gpiochip", 1)[1]))

    def build_modules(self) -> dict[str, ModuleType]:
        """``gpiod`` and ``gpiod.line``, fresh."""
        fake = self

        class Chip:
            def __init__(self, path: str) -> None:
                chip = fake.chips.get(path)
                if chip is None:
                    raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
                if chip.permission_denied:
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
                self._chip: FakeChip | None = chip

            def __enter__(self) -> Chip:
                self._check()
                return self

            def __exit__(self, *exc: object) -> None:
                self.close()

            def _check(self) -> FakeChip:
                if self._chip is None:
                    raise ChipClosedError()
                return self._chip

            def close(self) -> None:
                self._check()
                self._chip = None

            def get_info(self) -> ChipInfo:
                chip = self._check()
                return ChipInfo(os.path.basename(chip.path), chip.label, chip.num_lines)

            def request_lines(
                self,
                config: Mapping[Any, LineSettings | None],
                consumer: str | None = None,
                event_buffer_size: int | None = None,
                output_values: Mapping[int, Value] | None = None,
            ) -> FakeLineRequest:
                chip = self._check()
                wanted: dict[int, LineSettings] = {}
                for key, settings in config.items():
                    offsets: Iterable[int] = [key] if isinstance(key, int) else key
                    for offset in offsets:
                        if offset >= chip.num_lines:
                            raise ValueError("line offset of out range")
                        if offset in wanted:
                            raise ValueError(
                                f"line must be configured exactly once - offset {offset} repeats"
                            )
                        wanted[offset] = settings or LineSettings()
                if any(offset in chip.lines for offset in wanted):
                    raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
                for offset, settings in wanted.items():
                    chip.lines[offset] = FakeLine(consumer or "?", settings, settings.output_value)
                request = FakeLineRequest(chip, list(wanted))
                fake.requests.append(request)
                return request

        def request_lines(path: str, *args: Any, **kwargs: Any) -> FakeLineRequest:
            with Chip(path) as chip:
                return chip.request_lines(*args, **kwargs)

        line = ModuleType("gpiod.line")
        for enum in (Value, Direction, Bias, Drive, Edge, Clock):
            setattr(line, enum.__name__, enum)
        gpiod = ModuleType("gpiod")
        gpiod.__path__ = []
        gpiod.__dict__.update(
            __version__="2.2.1",
            api_version="2.2.1",
            line=line,
            Chip=Chip,
            ChipInfo=ChipInfo,
            LineSettings=LineSettings,
            LineRequest=FakeLineRequest,
            ChipClosedError=ChipClosedError,
            RequestReleasedError=RequestReleasedError,
            request_lines=request_lines,
            is_gpiochip_device=lambda path: path in fake.chips,
        )
        return {"gpiod": gpiod, "gpiod.line": line}


class FakeLineRequest:
    """``gpiod.LineRequest`` over a fake chip."""

    def __init__(self, chip: FakeChip, offsets: list[int]) -> None:
        self._chip: FakeChip | None = chip
        self._offsets = offsets

    def __bool__(self) -> bool:
        return self._chip is not None

    def _check(self) -> FakeChip:
        if self._chip is None:
            raise RequestReleasedError()
        return self._chip

    @property
    def offsets(self) -> list[int]:
        self._check()
        return self._offsets

    def set_value(self, line: int, value: Value) -> None:
        chip = self._check()
        if line not in self._offsets:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        chip.lines[line].value = value

    def get_value(self, line: int) -> Value:
        chip = self._check()
        return chip.lines[line].value

    def release(self) -> None:
        chip = self._check()
        for offset in self._offsets:
            chip.lines.pop(offset, None)
        self._chip = None
