"""GPIO-driven LEDs of one config entry: set up, switched and released in the executor."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant

from ..const import CONF_ACTIVE_HIGH, CONF_INITIAL_ON, CONF_LED_ID, CONF_LEDS, CONF_PIN
from ..hardware.gpio import GpioBackend
from ..hardware.outputs import OutputBank
from .led_states import LedStates


@dataclass(frozen=True, kw_only=True)
class LedConfig:
    """One LED as configured in its board's flows."""

    led_id: str
    name: str
    pin: int
    active_high: bool
    initial_on: bool

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> LedConfig:
        """Build from the stored options."""
        return cls(
            led_id=raw[CONF_LED_ID],
            name=raw["name"],
            pin=int(raw[CONF_PIN]),
            active_high=bool(raw.get(CONF_ACTIVE_HIGH, True)),
            initial_on=bool(raw.get(CONF_INITIAL_ON, False)),
        )


def leds_from_options(options: dict[str, Any]) -> list[LedConfig]:
    """Return the configured LEDs of an entry."""
    return [LedConfig.from_dict(raw) for raw in options.get(CONF_LEDS, [])]


class LedBank:
    """Drives the LEDs of one entry; releases only its own pins."""

    def __init__(
        self,
        hass: HomeAssistant,
        gpio: GpioBackend,
        leds: list[LedConfig],
        saved: LedStates,
    ) -> None:
        """Keep the backend and the LEDs; nothing touches hardware until set up."""
        self._hass = hass
        self.gpio = gpio
        self.leds = {led.led_id: led for led in leds}
        self._outputs = OutputBank(gpio, self.leds)
        self.saved = saved
        self.restored: frozenset[str] = frozenset()
        self._lock = asyncio.Lock()

    async def async_setup(self) -> None:
        """Claim every pin as an output at its saved level, or its configured one."""
        initial = await self.saved.async_load(self.leds)
        self.restored = frozenset(initial)
        await self._hass.async_add_executor_job(self._outputs.setup, initial)

    @property
    def states(self) -> Mapping[str, bool]:
        """On/off of every claimed LED, as last written to its pin."""
        return self._outputs.states

    async def async_set(self, led_id: str, on: bool) -> None:
        """Switch one LED (GpioError if its pin refuses); one write at a time per bank."""
        async with self._lock:
            await self._hass.async_add_executor_job(self._outputs.set, led_id, on)
            self.saved.remember(led_id, on)

    async def async_add(self, led: LedConfig) -> None:
        """Claim a new LED's pin at its initial level; GpioError if the pin refuses."""
        async with self._lock:
            await self._hass.async_add_executor_job(
                self._outputs.add, led.led_id, led, led.initial_on
            )
            self.leds[led.led_id] = led

    async def async_remove(self, led_id: str) -> None:
        """Give back one LED's pin and forget its level."""
        async with self._lock:
            await self._hass.async_add_executor_job(self._outputs.remove, led_id)
            self.leds.pop(led_id, None)
            self.saved.forget(led_id)

    async def async_release(self) -> None:
        """Release this entry's pins, and only them."""
        await self._hass.async_add_executor_job(self._release_all)

    def _release_all(self) -> None:
        self._outputs.release()
        self.gpio.close()
