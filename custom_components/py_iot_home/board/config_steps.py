"""The steps that add a board (its sensor, then LEDs), in the config and the subentry flow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import uuid4

from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowContext, FlowHandler, FlowResult

from ..const import (
    CONF_ADD_ANOTHER,
    CONF_ADD_LED,
    CONF_AREA,
    CONF_BACKEND,
    CONF_BOARD_ID,
    CONF_DHT_MODEL,
    CONF_DHT_PIN,
    CONF_FAILURE_THRESHOLD,
    CONF_LEDS,
    CONF_POLL_INTERVAL,
    DEFAULT_FAILURE_THRESHOLD,
    DEFAULT_POLL_INTERVAL,
    LOGGER,
)
from ..hardware.dht import DhtModel
from ..hardware.errors import HardwareUnavailableError
from ..hardware.names import BACKEND_SIMULATED, MIN_GPIO_PIN
from ..home.subentries import feature_titles
from ..name_check import invalid_name, name_taken
from .form import (
    area_name,
    async_default_hardware,
    board_schema,
    led_errors,
    led_schema,
    new_led,
)
from .pin_validation import (
    PinProblem,
    first_free_pin,
    form_pin,
    led_pins,
    pin_in_use_placeholders,
    pins_in_use,
    probe_dht,
    validate_pin,
)


async def async_check_board_pin(
    hass: HomeAssistant, model: str, pin: int, taken: Mapping[int, str], *, simulated: bool = False
) -> dict[str, str]:
    """Errors for the DHT pin field, including a test read of real hardware."""
    if problem := validate_pin(pin, taken):
        return {CONF_DHT_PIN: problem.value}
    if simulated:
        return {}
    try:
        readable = await hass.async_add_executor_job(probe_dht, DhtModel(model), pin)
    except HardwareUnavailableError:
        # The user chose a wired sensor; a simulation in its place would only show in a repair.
        return {CONF_BACKEND: "no_dht_library"}
    except Exception:
        LOGGER.exception("Unexpected error probing the DHT sensor on GPIO%s", pin)
        return {"base": "unknown"}
    return {} if readable else {CONF_DHT_PIN: PinProblem.UNREADABLE.value}


class BoardSteps[ContextT: FlowContext, ResultT: FlowResult[Any, Any], HandlerT](
    FlowHandler[ContextT, ResultT, HandlerT]
):
    """Ask for a new board's DHT sensor, then its LEDs; the flow says where the board goes."""

    def __init__(self) -> None:
        """Start with no board and no LEDs."""
        super().__init__()
        self._board: dict[str, Any] = {}
        self._leds: list[dict[str, Any]] = []

    async def _async_board_configured(
        self, title: str, unique_id: str, data: dict[str, Any]
    ) -> ResultT:
        """Add the board (a subentry of the home entry) and end the flow."""
        raise NotImplementedError

    def _asks_area(self) -> bool:
        """Whether the form asks for the area (else Home Assistant's own dialog does).

        That dialog places the devices of a new config entry, not of a subentry added to one.
        """
        return True

    async def async_step_board(self, user_input: dict[str, Any] | None = None) -> ResultT:
        """Ask for the DHT sensor of the new board, real or simulated."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            pin = form_pin(user_input[CONF_DHT_PIN])
            taken = pins_in_use(self.hass)
            errors = await async_check_board_pin(
                self.hass,
                user_input[CONF_DHT_MODEL],
                pin,
                taken,
                simulated=user_input[CONF_BACKEND] == BACKEND_SIMULATED,
            )
            placeholders = pin_in_use_placeholders(pin, taken)
            if invalid_name(user_input[CONF_NAME]):
                errors[CONF_NAME] = "invalid_name"
            elif name_taken(user_input[CONF_NAME], feature_titles(self.hass)):
                errors[CONF_NAME] = "name_in_use"
            if not errors:
                self._board = {
                    CONF_NAME: user_input[CONF_NAME],
                    CONF_AREA: area_name(self.hass, user_input.get(CONF_AREA)),
                    CONF_DHT_PIN: pin,
                    CONF_DHT_MODEL: user_input[CONF_DHT_MODEL],
                    CONF_BACKEND: user_input[CONF_BACKEND],
                }
                if user_input[CONF_ADD_LED]:
                    return await self.async_step_led()
                return await self._async_create_board()
        free_pin = first_free_pin(pins_in_use(self.hass))
        hardware = await async_default_hardware(self.hass, free_pin or MIN_GPIO_PIN)
        return self.async_show_form(
            step_id="board",
            data_schema=self.add_suggested_values_to_schema(
                board_schema(
                    dht_pin=free_pin,
                    hardware=hardware,
                    existing_names=feature_titles(self.hass),
                    with_area=self._asks_area(),
                ),
                user_input,
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_led(self, user_input: dict[str, Any] | None = None) -> ResultT:
        """Add an LED to the new board; repeat while the user asks for another."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        taken = pins_in_use(self.hass) | {self._board[CONF_DHT_PIN]: "this board's sensor"}
        taken |= led_pins(self._leds, board="this board")
        if user_input is not None:
            errors, placeholders = led_errors(
                user_input, taken, [led[CONF_NAME] for led in self._leds]
            )
            if not errors:
                self._leds.append(new_led(user_input))
                if not user_input[CONF_ADD_ANOTHER]:
                    return await self._async_create_board()
                taken |= led_pins(self._leds[-1:], board="this board")
                user_input = None
        return self._async_show_led_form(
            "led",
            board=self._board[CONF_NAME],
            leds=self._leds,
            taken=taken,
            with_add_another=True,
            user_input=user_input,
            errors=errors,
            placeholders=placeholders,
        )

    def _async_show_led_form(
        self,
        step_id: str,
        *,
        board: str,
        leds: list[dict[str, Any]],
        taken: Mapping[int, str],
        with_add_another: bool,
        user_input: dict[str, Any] | None,
        errors: dict[str, str],
        placeholders: dict[str, str],
    ) -> ResultT:
        """The form for one LED, for a new board or one already running."""
        schema = led_schema(
            board=board,
            taken=taken,
            existing_names=[led[CONF_NAME] for led in leds],
            with_add_another=with_add_another,
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_create_board(self) -> ResultT:
        board_id = uuid4().hex
        return await self._async_board_configured(
            self._board[CONF_NAME],
            board_id,
            {
                CONF_BOARD_ID: board_id,
                # The area's name, as a device's suggested area is: its new devices go there.
                **({CONF_AREA: area} if (area := self._board[CONF_AREA]) else {}),
                CONF_DHT_PIN: self._board[CONF_DHT_PIN],
                CONF_DHT_MODEL: self._board[CONF_DHT_MODEL],
                CONF_BACKEND: self._board[CONF_BACKEND],
                CONF_POLL_INTERVAL: DEFAULT_POLL_INTERVAL,
                CONF_FAILURE_THRESHOLD: DEFAULT_FAILURE_THRESHOLD,
                CONF_LEDS: self._leds,
            },
        )
