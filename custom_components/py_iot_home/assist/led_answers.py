"""What Assist says when it switches the LEDs of an area: plain words, no Home Assistant."""

from __future__ import annotations

from collections.abc import Sequence


def _listed(names: Sequence[str]) -> str:
    """Names listed in words: "A", "A and B", "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def leds_switched_answer(*, area: str, leds: Sequence[str], on: bool) -> str:
    """Say what was switched: "Turned on the Desk LED in the Kitchen", or several by name."""
    turned = "Turned on" if on else "Turned off"
    if len(leds) == 1:
        return f"{turned} the {leds[0]} in the {area}."
    return f"{turned} {len(leds)} LEDs in the {area}: {_listed(leds)}."


def which_led_answer(*, area: str, leds: Sequence[str], on: bool) -> str:
    """Answer "the LED" of an area with several: name them, switch none."""
    verb = "turn on" if on else "turn off"
    return (
        f"The {area} has {len(leds)} LEDs: {_listed(leds)}. Say which one, or "
        f'"{verb} the LEDs in the {area}" for all of them.'
    )
