"""A board's options: polling, failure threshold, its LEDs and trend settings."""

from __future__ import annotations

from typing import Any

import probatio
from homeassistant.config_entries import (
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_NAME
from homeassistant.helpers import selector

from ..const import (
    CONF_FAILURE_THRESHOLD,
    CONF_LED_ID,
    CONF_LEDS,
    CONF_PIN,
    CONF_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
)
from ..hardware.gpio import GpioError
from ..quantities import CLIMATE_SENSORS
from ..trends.coordinator import running_trend
from ..trends.settings_form import (
    shown_trend_options,
    trend_field_errors,
    trend_fields,
    trend_values,
)
from .form import (
    led_label,
    led_schema,
    new_led,
)
from .led_changes import running_board
from .leds import LedConfig
from .pin_validation import pin_in_use_placeholders, pins_in_use, validate_pin


class LocalBoardOptionsFlow(OptionsFlowWithReload):
    """Poll interval, failure threshold and the LED list of a board.

    New settings reload the board. LEDs are added and removed on the running board instead
    (``led_changes``), so its sensors carry on; a board that is not running is reloaded.
    """

    def __init__(self) -> None:
        """Nothing chosen for removal yet."""
        self._removing: list[dict[str, Any]] = []

    @property
    def _temperature_unit(self) -> str:
        """The home's temperature unit: trend thresholds are shown in it per day."""
        return self.hass.config.units.temperature_unit

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Start at the board's menu."""
        return await self.async_step_board()

    async def async_step_board(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose what to change."""
        menu = ["settings", "add_led"]
        if self.config_entry.options.get(CONF_LEDS):
            menu.append("remove_led")
        # Not "init", which the node and forecast options share as forms: the frontend fills
        # a menu's description with placeholders, never its title, so the board is named
        # in the description ("Options of {name}" as a menu title showed a formatjs error).
        return self.async_show_menu(
            step_id="board",
            menu_options=menu,
            description_placeholders={"name": self.config_entry.title},
        )

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Poll interval and how many failed reads make the sensor unavailable."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = trend_field_errors(user_input, self._temperature_unit)
            # Checked here, not by the selector's minimum: a schema error shows as a generic
            # message above the form, a step error next to the field, in words.
            if int(user_input[CONF_POLL_INTERVAL]) < MIN_POLL_INTERVAL:
                errors[CONF_POLL_INTERVAL] = "poll_interval_too_short"
        if user_input is not None and not errors:
            options = {
                **self.config_entry.options,
                CONF_POLL_INTERVAL: int(user_input[CONF_POLL_INTERVAL]),
                CONF_FAILURE_THRESHOLD: int(user_input[CONF_FAILURE_THRESHOLD]),
                **trend_values(user_input, self._temperature_unit),
            }
            reading_unchanged = all(
                options.get(key) == self.config_entry.options.get(key)
                for key in (CONF_POLL_INTERVAL, CONF_FAILURE_THRESHOLD)
            )
            trend = running_trend(self.config_entry)
            if reading_unchanged and trend is not None and await trend.async_apply_options(options):
                # Only trend settings changed, taken while running: no reload, no gap.
                self.automatic_reload = False
            return self.async_create_entry(data=options)
        schema = probatio.Schema(
            {
                probatio.Required(CONF_POLL_INTERVAL): selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=1,
                        max=3600,
                        step=1,
                        unit_of_measurement="s",
                        mode=selector.NumberSelectorMode.BOX,
                    )
                ),
                probatio.Required(CONF_FAILURE_THRESHOLD): selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=1, max=100, step=1, mode=selector.NumberSelectorMode.BOX
                    )
                ),
                **trend_fields(CLIMATE_SENSORS, self._temperature_unit),
            }
        )
        return self.async_show_form(
            step_id="settings",
            data_schema=self.add_suggested_values_to_schema(
                schema,
                user_input
                or shown_trend_options(self.config_entry.options, self._temperature_unit),
            ),
            errors=errors,
            description_placeholders={"name": self.config_entry.title},
        )

    async def async_step_add_led(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add one LED to the board."""
        errors: dict[str, str] = {}
        leds: list[dict[str, Any]] = list(self.config_entry.options.get(CONF_LEDS, []))
        taken = pins_in_use(self.hass)
        placeholders: dict[str, str] = {}
        if user_input is not None:
            pin = int(user_input[CONF_PIN])
            if problem := validate_pin(pin, taken):
                errors[CONF_PIN] = problem.value
                placeholders = pin_in_use_placeholders(pin, taken)
            else:
                led = new_led(user_input)
                if (board := running_board(self.config_entry)) is not None:
                    try:
                        await board.async_add_led(LedConfig.from_dict(led))
                    except GpioError:
                        # Another program holds the pin: say so here, not as a failed board.
                        errors[CONF_PIN] = "pin_refused"
                    else:
                        self.automatic_reload = False
                if not errors:
                    return self.async_create_entry(
                        data={**self.config_entry.options, CONF_LEDS: [*leds, led]}
                    )
        schema = led_schema(
            board=self.config_entry.title,
            taken=taken,
            existing_names=[led[CONF_NAME] for led in leds],
            with_add_another=False,
        )
        return self.async_show_form(
            step_id="add_led",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_remove_led(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Tick the LEDs to remove; nothing is ticked at first, and nothing goes unconfirmed."""
        leds: list[dict[str, Any]] = list(self.config_entry.options.get(CONF_LEDS, []))
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
            description_placeholders={"name": self.config_entry.title},
        )

    async def async_step_remove_led_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Name what goes (each LED with its device and switch) before removing it."""
        if user_input is not None:
            removed = {led[CONF_LED_ID] for led in self._removing}
            leds = self.config_entry.options.get(CONF_LEDS, [])
            if (board := running_board(self.config_entry)) is not None:
                await board.async_remove_leds(self.hass, removed)
                self.automatic_reload = False
            return self.async_create_entry(
                data={
                    **self.config_entry.options,
                    CONF_LEDS: [led for led in leds if led[CONF_LED_ID] not in removed],
                }
            )
        return self.async_show_form(
            step_id="remove_led_confirm",
            description_placeholders={
                "name": self.config_entry.title,
                "leds": "\n".join(f"- {led_label(led)}" for led in self._removing),
            },
        )
