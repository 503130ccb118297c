"""Checks on a GPIO pin chosen in a flow: in range, free, and (for a DHT) readable."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from enum import StrEnum

from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant

from ..const import CONF_DHT_PIN, CONF_LEDS, CONF_PIN, SubentryKind
from ..hardware.dht import DhtModel, DhtReadError, create_dht_backend
from ..hardware.errors import HardwareUnavailableError
from ..hardware.names import BACKEND_AUTO, MAX_GPIO_PIN, MIN_GPIO_PIN
from ..home.subentries import home_subentries
from .stored_wiring import wiring_problem

PROBE_ATTEMPTS = 3
# The general-purpose pins first (docs/hardware.md): I2C, SPI and the serial console last.
PREFERRED_PINS = (4, 17, 27, 22, 5, 6, 13, 19, 26, 23, 24, 25, 12, 16, 20, 21, 18)
PIN_ORDER = PREFERRED_PINS + tuple(
    pin for pin in range(MIN_GPIO_PIN, MAX_GPIO_PIN + 1) if pin not in PREFERRED_PINS
)


class PinProblem(StrEnum):
    """Why a pin cannot be used; the values are the flow's error keys."""

    OUT_OF_RANGE = "pin_out_of_range"
    IN_USE = "pin_in_use"
    UNREADABLE = "pin_unreadable"


def form_pin(value: float) -> int:
    """The pin a form's number field gave; NaN, infinity or a fraction as -1 (out of range).

    The field takes text: "nan" and "inf" raised in int(), and 5.5 was cut to GPIO5.
    """
    return int(value) if math.isfinite(value) and float(value).is_integer() else -1


def validate_pin(pin: int, taken: Collection[int]) -> PinProblem | None:
    """Return what is wrong with a pin, or None."""
    if not MIN_GPIO_PIN <= pin <= MAX_GPIO_PIN:
        return PinProblem.OUT_OF_RANGE
    if pin in taken:
        return PinProblem.IN_USE
    return None


def first_free_pin(taken: Collection[int]) -> int | None:
    """The pin a form proposes: the first free one, general-purpose pins first."""
    return next((pin for pin in PIN_ORDER if pin not in taken), None)


def pins_in_use(hass: HomeAssistant, exclude_subentry_id: str | None = None) -> dict[int, str]:
    """Every GPIO pin claimed by a board of this integration, and by what, in words."""
    taken: dict[int, str] = {}
    for board in home_subentries(hass, SubentryKind.BOARD):
        # One whose stored wiring no form stores does not run (its repair says so), and
        # reading its pins raised: adding or changing any other board failed.
        if board.subentry_id == exclude_subentry_id or wiring_problem(board.data):
            continue
        taken[int(board.data[CONF_DHT_PIN])] = f"the sensor of {board.title}"
        taken |= led_pins(board.data.get(CONF_LEDS, []), board=board.title)
    return taken


def led_pins(leds: Collection[Mapping[str, object]], *, board: str) -> dict[int, str]:
    """The pins of a board's LEDs, each with the words that name its LED."""
    return {int(str(led[CONF_PIN])): f"{led[CONF_NAME]} on {board}" for led in leds}


def pin_in_use_placeholders(pin: int, taken: Mapping[int, str]) -> dict[str, str]:
    """What the ``pin_in_use`` error says: the pin, and what already uses it."""
    return {"pin": str(pin), "pin_user": taken.get(pin, "another sensor or LED")}


def dht_library_works(model: DhtModel, pin: int) -> bool:
    """Whether a DHT library can drive this host's pins (blocking)."""
    try:
        backend = create_dht_backend(model, pin, preference=BACKEND_AUTO)
    except HardwareUnavailableError:
        return False
    backend.close()
    return True


def probe_dht(model: DhtModel, pin: int) -> bool:
    """Try a few reads of a DHT sensor (blocking); HardwareUnavailableError off a Pi."""
    backend = create_dht_backend(model, pin, preference=BACKEND_AUTO)
    try:
        for _ in range(PROBE_ATTEMPTS):
            try:
                backend.read()
            except DhtReadError:
                continue
            return True
        return False
    finally:
        backend.close()
