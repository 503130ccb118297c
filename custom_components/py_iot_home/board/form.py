"""The forms of a board and its LEDs, with defaults that pass their own checks."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from uuid import uuid4

import probatio
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import selector

from ..const import (
    CONF_ACTIVE_HIGH,
    CONF_ADD_ANOTHER,
    CONF_ADD_LED,
    CONF_AREA,
    CONF_BACKEND,
    CONF_DHT_MODEL,
    CONF_DHT_PIN,
    CONF_INITIAL_ON,
    CONF_LED_ID,
    CONF_PIN,
)
from ..hardware.dht import DhtModel
from ..hardware.names import BACKEND_AUTO, BACKEND_SIMULATED
from ..name_check import MAX_NAME_LENGTH, invalid_name, name_taken, unused_name
from .pin_validation import (
    dht_library_works,
    first_free_pin,
    form_pin,
    pin_in_use_placeholders,
    validate_pin,
)

DEFAULT_BOARD_NAME = "Climate sensor"
DEFAULT_LED_NAME = "LED"

MODEL_SELECTOR = selector.SelectSelector(
    selector.SelectSelectorConfig(
        options=[model.value for model in DhtModel],
        translation_key=CONF_DHT_MODEL,
        mode=selector.SelectSelectorMode.DROPDOWN,
    )
)
HARDWARE_SELECTOR = selector.SelectSelector(
    selector.SelectSelectorConfig(
        options=[BACKEND_AUTO, BACKEND_SIMULATED],
        translation_key=CONF_BACKEND,
        mode=selector.SelectSelectorMode.LIST,
    )
)
PIN_SELECTOR = selector.NumberSelector(
    selector.NumberSelectorConfig(mode=selector.NumberSelectorMode.BOX, step=1)
)


async def async_default_hardware(hass: HomeAssistant, pin: int) -> str:
    """The Pi's own sensor where a DHT library works here, otherwise the simulation."""
    works = await hass.async_add_executor_job(dht_library_works, DhtModel.DHT22, pin)
    return BACKEND_AUTO if works else BACKEND_SIMULATED


def board_schema(
    *, dht_pin: int | None, hardware: str, existing_names: list[str], with_area: bool = True
) -> probatio.Schema:
    """Name, area, DHT pin and model, real or simulated, and whether LEDs follow.

    The area is Home Assistant's own picker, asked once: here, unless the board comes with
    a new config entry, whose devices Home Assistant's own dialog places (it does not for a
    subentry). The LEDs follow the board (led_areas.py).
    """
    pin_field = (
        probatio.Required(CONF_DHT_PIN)
        if dht_pin is None
        else probatio.Required(CONF_DHT_PIN, default=dht_pin)
    )
    fields: dict[Any, Any] = {
        probatio.Required(CONF_NAME, default=unused_name(DEFAULT_BOARD_NAME, existing_names)): str
    }
    if with_area:
        fields[probatio.Optional(CONF_AREA)] = selector.AreaSelector()
    fields |= {
        pin_field: PIN_SELECTOR,
        probatio.Required(CONF_DHT_MODEL, default=DhtModel.DHT22.value): MODEL_SELECTOR,
        probatio.Required(CONF_BACKEND, default=hardware): HARDWARE_SELECTOR,
        probatio.Required(CONF_ADD_LED, default=False): bool,
    }
    return probatio.Schema(fields)


def area_name(hass: HomeAssistant, area_id: str | None) -> str | None:
    """The name of the area picked in the form; None for none, or one deleted meanwhile."""
    area = ar.async_get(hass).async_get_area(area_id) if area_id else None
    return area.name if area else None


def led_schema(
    *, board: str, taken: Collection[int], existing_names: list[str], with_add_another: bool
) -> probatio.Schema:
    """One LED; the proposed pin is the first free one, the name one not used yet.

    The name starts with the board's ("Hall sensor LED"): an LED is a device of its own,
    and two boards' "LED" could not be told apart in lists or by Assist.
    """
    pin = first_free_pin(taken)
    # Room for " LED 99" within a name's length, so that the default passes its own check.
    stem = board[: MAX_NAME_LENGTH - 10].rstrip()
    pin_field = (
        probatio.Required(CONF_PIN) if pin is None else probatio.Required(CONF_PIN, default=pin)
    )
    fields: dict[Any, Any] = {
        probatio.Required(
            CONF_NAME, default=unused_name(f"{stem} {DEFAULT_LED_NAME}", existing_names)
        ): str,
        pin_field: PIN_SELECTOR,
        probatio.Required(CONF_ACTIVE_HIGH, default=True): bool,
        probatio.Required(CONF_INITIAL_ON, default=False): bool,
    }
    if with_add_another:
        fields[probatio.Required(CONF_ADD_ANOTHER, default=False)] = bool
    return probatio.Schema(fields)


def new_led(user_input: dict[str, Any]) -> dict[str, Any]:
    """An LED as stored in the board's options, with a fresh id."""
    return {
        CONF_LED_ID: uuid4().hex[:8],
        CONF_NAME: user_input[CONF_NAME],
        CONF_PIN: form_pin(user_input[CONF_PIN]),
        CONF_ACTIVE_HIGH: user_input[CONF_ACTIVE_HIGH],
        CONF_INITIAL_ON: user_input[CONF_INITIAL_ON],
    }


def led_errors(
    user_input: dict[str, Any], taken: Mapping[int, str], board_leds: Collection[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """What is wrong with an LED form's pin or name (empty if nothing), and its placeholders.

    `board_leds` are the names of the board's other LEDs, which the proposed name avoids.
    """
    pin = form_pin(user_input[CONF_PIN])
    if problem := validate_pin(pin, taken):
        return {CONF_PIN: problem.value}, pin_in_use_placeholders(pin, taken)
    if invalid_name(user_input[CONF_NAME]):
        return {CONF_NAME: "invalid_name"}, {}
    if name_taken(user_input[CONF_NAME], board_leds):
        return {CONF_NAME: "name_in_use"}, {}
    return {}, {}


def led_label(led: dict[str, Any]) -> str:
    """How an LED is named in a list: its name and pin."""
    return f"{led[CONF_NAME]} (GPIO{led[CONF_PIN]})"
