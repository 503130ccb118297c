"""A board's stored wiring read back: what no form stores stops that board, and says so.

A model, pin or LED of another kind (a backup of another release, a hand edit) raised out of
the board's set-up, which failed the home entry with every board and forecast in it; an LED's
``active_high`` of ``"false"`` read as true, and the LED was lit when shown off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_NAME

from ..const import (
    CONF_ACTIVE_HIGH,
    CONF_AREA,
    CONF_DHT_MODEL,
    CONF_DHT_PIN,
    CONF_INITIAL_ON,
    CONF_LED_ID,
    CONF_LEDS,
    CONF_PIN,
)
from ..hardware.dht import DhtModel
from ..hardware.names import MAX_GPIO_PIN, MIN_GPIO_PIN


def _pin(value: object) -> bool:
    # A whole float too: a number field gives one, and the set-up reads it with int().
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return MIN_GPIO_PIN <= value <= MAX_GPIO_PIN and float(value).is_integer()


def _led_problem(led: object) -> str | None:
    if not isinstance(led, dict):
        return "an LED that is no object"
    if not isinstance(led.get(CONF_LED_ID), str) or not isinstance(led.get(CONF_NAME), str):
        return "an LED without an id or a name"
    if not _pin(led.get(CONF_PIN)):
        return f"an LED {led[CONF_NAME][:40]!r} on pin {led.get(CONF_PIN)!r:.20}"
    if any(
        not isinstance(led.get(key, False), bool) for key in (CONF_ACTIVE_HIGH, CONF_INITIAL_ON)
    ):
        return f"an LED {led[CONF_NAME][:40]!r} with a level that is not true or false"
    return None


def wiring_problem(data: Mapping[str, Any]) -> str | None:
    """What in a board's stored wiring no form of this release stores, in words; or None."""
    if data.get(CONF_DHT_MODEL) not in set(DhtModel):
        return f"a sensor model {data.get(CONF_DHT_MODEL)!r:.40}"
    if not _pin(dht_pin := data.get(CONF_DHT_PIN)):
        return f"a sensor pin {dht_pin!r:.20}"
    if not isinstance(data.get(CONF_AREA, ""), str | None):
        return "an area that is no text"
    leds = data.get(CONF_LEDS, [])
    if not isinstance(leds, list):
        return "an LED list that is no list"
    pins, ids = {dht_pin}, set()
    for led in leds:
        if problem := _led_problem(led):
            return problem
        if led[CONF_PIN] in pins or led[CONF_LED_ID] in ids:
            return f"an LED {led[CONF_NAME][:40]!r} on a pin or with an id another part has"
        pins.add(led[CONF_PIN])
        ids.add(led[CONF_LED_ID])
    return None
