"""Fake ``RPi.GPIO``: records pin levels and what was cleaned up.

Constants, signatures and error messages follow RPi.GPIO 0.7: ``setup(channel, direction,
pull_up_down=PUD_OFF, initial=-1)``, ``output(channel, value)``, ``cleanup(chanlist=None)``
where a bare ``cleanup()`` resets every channel the process set up.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Any

BCM = 11
BOARD = 10
OUT = 0
IN = 1
HIGH = 1
LOW = 0
PUD_OFF = 20
PUD_DOWN = 21
PUD_UP = 22
BCM_CHANNELS = range(28)


def _channels(channel: int | Iterable[int]) -> list[int]:
    return [channel] if isinstance(channel, int) else list(channel)


class FakeRPiGpio:
    """State of the fake library."""

    def __init__(self) -> None:
        self.mode: int | None = None
        self.warnings = True
        self.directions: dict[int, int] = {}
        self.levels: dict[int, int] = {}
        self.cleanup_calls: list[list[int] | None] = []
        self.cleaned_pins: list[int] = []
        self.outputs: list[tuple[int, int]] = []
        # What ``setup`` raises instead of claiming a pin, as RPi.GPIO does without /dev/mem.
        self.setup_error: str | None = None

    @property
    def bare_cleanups(self) -> int:
        """How many times ``cleanup()`` was called without a channel."""
        return sum(1 for call in self.cleanup_calls if call is None)

    def setmode(self, mode: int) -> None:
        if self.mode is not None and mode != self.mode:
            raise ValueError("A different mode has already been set!")
        self.mode = mode

    def getmode(self) -> int | None:
        return self.mode

    def setwarnings(self, flag: bool) -> None:
        self.warnings = bool(flag)

    def _check(self, channel: int) -> None:
        if self.mode is None:
            raise RuntimeError(
                "Please set pin numbering mode using GPIO.setmode(GPIO.BOARD) or "
                "GPIO.setmode(GPIO.BCM)"
            )
        if channel not in BCM_CHANNELS:
            raise ValueError("The channel sent is invalid on a Raspberry Pi")

    def setup(
        self,
        channel: int | Iterable[int],
        direction: int,
        pull_up_down: int = PUD_OFF,
        initial: int = -1,
    ) -> None:
        for pin in _channels(channel):
            self._check(pin)
            if self.setup_error is not None:
                raise RuntimeError(self.setup_error)
            self.directions[pin] = direction
            if direction == OUT:
                self.levels[pin] = initial if initial != -1 else self.levels.get(pin, LOW)

    def output(self, channel: int | Iterable[int], value: int) -> None:
        for pin in _channels(channel):
            self._check(pin)
            if self.directions.get(pin) != OUT:
                raise RuntimeError("The GPIO channel has not been set up as an OUTPUT")
            self.levels[pin] = HIGH if value else LOW
            self.outputs.append((pin, self.levels[pin]))

    def input(self, channel: int) -> int:
        self._check(channel)
        return self.levels.get(channel, LOW)

    def cleanup(self, chanlist: int | Iterable[int] | None = None) -> None:
        pins = list(self.directions) if chanlist is None else _channels(chanlist)
        self.cleanup_calls.append(None if chanlist is None else pins)
        for pin in pins:
            if self.directions.pop(pin, None) is not None:
                self.levels.pop(pin, None)
                self.cleaned_pins.append(pin)

    def build_modules(self) -> dict[str, ModuleType]:
        """The ``RPi`` package and ``RPi.GPIO``, fresh."""
        gpio = ModuleType("RPi.GPIO")
        constants: dict[str, Any] = {
            "BCM": BCM,
            "BOARD": BOARD,
            "OUT": OUT,
            "IN": IN,
            "HIGH": HIGH,
            "LOW": LOW,
            "PUD_OFF": PUD_OFF,
            "PUD_DOWN": PUD_DOWN,
            "PUD_UP": PUD_UP,
            "VERSION": "0.7.1",
        }
        gpio.__dict__.update(constants)
        for name in ("setmode", "getmode", "setwarnings", "setup", "output", "input", "cleanup"):
            setattr(gpio, name, getattr(self, name))
        package = ModuleType("RPi")
        package.__path__ = []
        package.GPIO = gpio  # type: ignore[attr-defined]
        return {"RPi": package, "RPi.GPIO": gpio}
