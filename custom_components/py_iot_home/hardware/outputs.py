"""A bank of GPIO outputs (LEDs, relays) by key: claimed together, switched, given back.

The one implementation behind a board's LEDs on the Home Assistant host and a node's switches.
Blocking: call it from an executor or the node's own threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from .gpio import GpioBackend


class Output(Protocol):
    """How one output is wired and where it starts."""

    @property
    def pin(self) -> int:
        """BCM number of the pin."""

    @property
    def active_high(self) -> bool:
        """Whether a high level means on."""

    @property
    def initial_on(self) -> bool:
        """The level when nothing better is known."""


class OutputBank:
    """Drives the outputs it was given, remembering what each was last set to."""

    def __init__(self, gpio: GpioBackend, outputs: Mapping[str, Output]) -> None:
        """Keep the backend and the outputs; nothing touches a pin until ``setup``."""
        self.gpio = gpio
        self._outputs = dict(outputs)
        self._states: dict[str, bool] = {}

    def setup(self, levels: Mapping[str, bool] | None = None) -> None:
        """Claim every pin at its given level (else its initial one); all or none."""
        try:
            for key, output in self._outputs.items():
                on = (levels or {}).get(key, output.initial_on)
                self.gpio.setup_output(output.pin, active_high=output.active_high, initial_on=on)
                self._states[key] = on
        except Exception:
            self.release()
            raise

    def add(self, key: str, output: Output, on: bool) -> None:
        """Claim one more output's pin at `on` (GpioError, and nothing kept, if it refuses)."""
        if key in self._outputs:
            raise ValueError(f"output {key!r} is already in the bank")
        self.gpio.setup_output(output.pin, active_high=output.active_high, initial_on=on)
        self._outputs[key] = output
        self._states[key] = on

    def remove(self, key: str) -> None:
        """Give back one output's pin and forget it; an unknown key is a no-op."""
        if key in self._states:
            self.gpio.release(self._outputs[key].pin)
            del self._states[key]
        self._outputs.pop(key, None)

    def __contains__(self, key: object) -> bool:
        """Return whether `key` names an output of this bank."""
        return key in self._outputs

    @property
    def states(self) -> Mapping[str, bool]:
        """On/off of every claimed output."""
        return dict(self._states)

    def set(self, key: str, on: bool) -> None:
        """Drive one output; GpioError when the pin refuses (its state is then unchanged)."""
        self.gpio.write(self._outputs[key].pin, on)
        self._states[key] = on

    def release(self) -> None:
        """Give back every pin this bank claimed, and only those."""
        for key in list(self._states):
            self.gpio.release(self._outputs[key].pin)
            del self._states[key]
