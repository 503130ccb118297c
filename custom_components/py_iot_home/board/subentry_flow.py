"""A board, a subentry of the home entry: added, then its polling, LEDs, trends and wiring."""

from __future__ import annotations

from typing import Any

import probatio
from homeassistant.config_entries import (
    SubentryFlowContext,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME
from homeassistant.helpers import selector

from ..const import (
    CONF_BACKEND,
    CONF_DHT_MODEL,
    CONF_DHT_PIN,
    CONF_FAILURE_THRESHOLD,
    CONF_LED_ID,
    CONF_LEDS,
    CONF_PIN,
    CONF_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
)
from ..hardware.gpio import GpioError
from ..hardware.names import BACKEND_AUTO, BACKEND_SIMULATED
from ..home.subentry_flow import HomeSubentryFlow
from ..number_field import bounded_errors, number_field
from ..quantities import CLIMATE_SENSORS
from ..trends.settings_form import (
    shown_trend_options,
    trend_field_errors,
    trend_fields,
    trend_values,
)
from .config_steps import BoardSteps, async_check_board_pin
from .form import (
    HARDWARE_SELECTOR,
    MODEL_SELECTOR,
    PIN_SELECTOR,
    led_errors,
    led_label,
    new_led,
)
from .led_changes import running_board
from .leds import LedConfig
from .pin_validation import (
    form_pin,
    led_pins,
    pin_in_use_placeholders,
    pins_in_use,
)

# What a user may type for the reads: seconds between them, failed ones before unavailable.
READING_BOUNDS = {
    CONF_POLL_INTERVAL: (MIN_POLL_INTERVAL, 3600, "poll_interval_out_of_range"),
    CONF_FAILURE_THRESHOLD: (1, 100, "failure_threshold_out_of_range"),
}


class BoardSubentryFlow(
    BoardSteps[SubentryFlowContext, SubentryFlowResult, tuple[str, str]], HomeSubentryFlow
):
    """Add a board; then change its poll interval, failure threshold, LEDs, trends or wiring.

    New wiring reloads the home entry. LEDs are added and removed on the running board
    instead (``led_changes``), and its polling and trend settings taken by it, so its sensors
    and the entry's other boards and forecasts carry on; a board that is not running, or a
    new trend window (a store of another length), is reloaded.
    """

    def __init__(self) -> None:
        """Nothing chosen for removal yet."""
        super().__init__()
        self._removing: list[dict[str, Any]] = []

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Start with the board's sensor."""
        return await self.async_step_board()

    async def _async_board_configured(
        self, title: str, unique_id: str, data: dict[str, Any]
    ) -> SubentryFlowResult:
        return self.async_create_entry(title=title, data=data, unique_id=unique_id)

    @property
    def _settings(self) -> dict[str, Any]:
        return dict(self._get_reconfigure_subentry().data)

    @property
    def _name(self) -> str:
        return self._get_reconfigure_subentry().title

    @property
    def _temperature_unit(self) -> str:
        """The unit its temperature trend is shown in (else the home's): thresholds are too."""
        board = running_board(self._reconfigured)
        shown = board.trend.sensor_units.temperature_unit() if board is not None else None
        return shown or self.hass.config.units.temperature_unit

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Choose what to change."""
        menu = ["settings", "add_led"]
        if self._settings.get(CONF_LEDS):
            menu.append("remove_led")
        menu.append("wiring")
        # The frontend fills a menu's description with placeholders, never its title, so the
        # board is named in the description ("{name}" in a menu title showed a formatjs error).
        return self.async_show_menu(
            step_id="reconfigure",
            menu_options=menu,
            description_placeholders={"name": self._name},
        )

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Poll interval and how many failed reads make the sensor unavailable."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = trend_field_errors(user_input, self._temperature_unit)
            # Checked here, not by the selector's bounds: a schema error shows as a generic
            # message above the form, a step error next to the field, in words.
            errors |= bounded_errors(user_input, READING_BOUNDS)
        if user_input is not None and not errors:
            options = {
                **self._settings,
                CONF_POLL_INTERVAL: int(user_input[CONF_POLL_INTERVAL]),
                CONF_FAILURE_THRESHOLD: int(user_input[CONF_FAILURE_THRESHOLD]),
                **trend_values(user_input, self._temperature_unit),
            }
            # Taken while running: a reload took every board and forecast of the home entry
            # away for a moment (unavailable, then unknown, in their history and logbook).
            board = running_board(self._reconfigured)
            live = board is not None and await board.trend.async_apply_options(options)
            if live and board is not None:
                await board.board.async_take_reading_settings(
                    options[CONF_POLL_INTERVAL], options[CONF_FAILURE_THRESHOLD]
                )
            return self._async_store_settings(options, live=live)
        schema = probatio.Schema(
            {
                probatio.Required(CONF_POLL_INTERVAL): number_field("s"),
                probatio.Required(CONF_FAILURE_THRESHOLD): number_field(),
                **trend_fields(CLIMATE_SENSORS, self._temperature_unit),
            }
        )
        return self.async_show_form(
            step_id="settings",
            data_schema=self.add_suggested_values_to_schema(
                schema,
                user_input or shown_trend_options(self._settings, self._temperature_unit),
            ),
            errors=errors,
            description_placeholders={"name": self._name},
        )

    async def async_step_add_led(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add one LED to the board."""
        errors: dict[str, str] = {}
        leds: list[dict[str, Any]] = list(self._settings.get(CONF_LEDS, []))
        taken = pins_in_use(self.hass)
        placeholders: dict[str, str] = {}
        if user_input is not None:
            errors, placeholders = led_errors(user_input, taken, [led[CONF_NAME] for led in leds])
            if not errors:
                led = new_led(user_input)
                live = False
                if (board := running_board(self._reconfigured)) is not None:
                    try:
                        await board.async_add_led(LedConfig.from_dict(led))
                    except GpioError:
                        # Another program holds the pin: say so here, not as a failed board.
                        errors[CONF_PIN] = "pin_refused"
                    else:
                        live = True
                if not errors:
                    return self._async_store_settings(
                        {**self._settings, CONF_LEDS: [*leds, led]}, live=live
                    )
        return self._async_show_led_form(
            "add_led",
            board=self._name,
            leds=leds,
            taken=taken,
            with_add_another=False,
            user_input=user_input,
            errors=errors,
            placeholders=placeholders,
        )

    async def async_step_remove_led(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Tick the LEDs to remove; nothing is ticked at first, and nothing goes unconfirmed."""
        leds: list[dict[str, Any]] = list(self._settings.get(CONF_LEDS, []))
        if user_input is not None:
            self._removing = [led for led in leds if led[CONF_LED_ID] in user_input[CONF_LEDS]]
            if not self._removing:
                return self.async_abort(reason="nothing_removed")
            return await self.async_step_remove_led_confirm()
        options = [
            selector.SelectOptionDict(value=led[CONF_LED_ID], label=led_label(led)) for led in leds
        ]
        return self.async_show_form(
            step_id="remove_led",
            data_schema=probatio.Schema(
                {
                    probatio.Optional(CONF_LEDS, default=[]): selector.SelectSelector(
                        selector.SelectSelectorConfig(
                            options=options,
                            multiple=True,
                            mode=selector.SelectSelectorMode.LIST,
                        )
                    )
                }
            ),
            description_placeholders={"name": self._name},
        )

    async def async_step_remove_led_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Name what goes (each LED with its device and switch) before removing it."""
        if user_input is not None:
            removed = {led[CONF_LED_ID] for led in self._removing}
            leds = self._settings.get(CONF_LEDS, [])
            live = False
            if (board := running_board(self._reconfigured)) is not None:
                await board.async_remove_leds(self.hass, removed)
                live = True
            return self._async_store_settings(
                {
                    **self._settings,
                    CONF_LEDS: [led for led in leds if led[CONF_LED_ID] not in removed],
                },
                live=live,
            )
        return self.async_show_form(
            step_id="remove_led_confirm",
            description_placeholders={
                "name": self._name,
                "leds": "\n".join(f"- {led_label(led)}" for led in self._removing),
            },
        )

    async def async_step_wiring(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Move the DHT sensor to another pin, or change its model; the board reloads."""
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            pin = form_pin(user_input[CONF_DHT_PIN])
            taken = pins_in_use(self.hass, exclude_subentry_id=subentry.subentry_id)
            taken |= led_pins(subentry.data.get(CONF_LEDS, []), board="this board")
            hardware = user_input.get(CONF_BACKEND, BACKEND_AUTO)
            errors = await async_check_board_pin(
                self.hass,
                user_input[CONF_DHT_MODEL],
                pin,
                taken,
                simulated=hardware == BACKEND_SIMULATED,
            )
            placeholders = pin_in_use_placeholders(pin, taken)
            if not errors:
                data = {
                    **subentry.data,
                    CONF_DHT_PIN: pin,
                    CONF_DHT_MODEL: user_input[CONF_DHT_MODEL],
                    CONF_BACKEND: hardware,
                }
                return self._async_store_settings(data, live=False)
        schema = probatio.Schema(
            {
                probatio.Required(CONF_DHT_PIN): PIN_SELECTOR,
                probatio.Required(CONF_DHT_MODEL): MODEL_SELECTOR,
                probatio.Required(CONF_BACKEND, default=BACKEND_AUTO): HARDWARE_SELECTOR,
            }
        )
        return self.async_show_form(
            step_id="wiring",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or subentry.data),
            errors=errors,
            description_placeholders={"name": subentry.title, **placeholders},
        )
