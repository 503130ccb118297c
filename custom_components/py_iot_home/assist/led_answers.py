"""What Assist says when it switches LEDs: plain words, no Home Assistant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .spoken import listed


@dataclass(frozen=True, slots=True)
class NamedLed:
    """An LED as Assist speaks of it: its name, and its area's name if it has one."""

    name: str
    area: str | None = None

    def spoken(self) -> str:
        """Its name and area as said: Desk LED in the Kitchen; Desk LED in no area.

        Without its "in no area", a list read "Garage Pi LED and Kitchen Pi LED in the
        Kitchen", as if both were in the Kitchen.
        """
        return f"{self.name} in the {self.area}" if self.area else f"{self.name} in no area"


def leds_switched_answer(*, area: str, leds: Sequence[str], on: bool) -> str:
    """Say what was switched: "Turned on the Desk LED in the Kitchen", or several by name."""
    turned = "Turned on" if on else "Turned off"
    if len(leds) == 1:
        return f"{turned} the {leds[0]} in the {area}."
    return f"{turned} {len(leds)} LEDs in the {area}: {listed(leds)}."


def device_leds_switched_answer(*, device: str, leds: Sequence[str], on: bool) -> str:
    """Say what a device's LEDs switched: "Turned on the Garage Pi LED", or several of it."""
    turned = "Turned on" if on else "Turned off"
    if len(leds) == 1:
        return f"{turned} the {leds[0]}."
    return f"{turned} {len(leds)} LEDs of {device}: {listed(leds)}."


def which_led_answer(*, area: str, leds: Sequence[str], on: bool) -> str:
    """Answer "the LED" of an area with several: name them, switch none."""
    verb = "turn on" if on else "turn off"
    return (
        f"The {area} has {len(leds)} LEDs: {listed(leds)}. Say which one, or "
        f'"{verb} the LEDs in the {area}" for all of them.'
    )


def home_leds_switched_answer(*, leds: Sequence[NamedLed], on: bool) -> str:
    """Say what "the LED" or "the LEDs" said in no area switched, each LED with its area."""
    turned = "Turned on" if on else "Turned off"
    if len(leds) == 1:
        (led,) = leds
        # Alone, an LED in no area needs no place to be told apart.
        return f"{turned} the {led.spoken() if led.area else led.name}."
    return f"{turned} {len(leds)} LEDs: {listed([led.spoken() for led in leds])}."


def which_home_led_answer(*, leds: Sequence[NamedLed], on: bool) -> str:
    """Answer "the LED" said in no area, in a home with several: name them, switch none."""
    verb = "turn on" if on else "turn off"
    return (
        f"There are {len(leds)} LEDs: {listed([led.spoken() for led in leds])}. Say which "
        f'one, or "{verb} all the LEDs".'
    )
