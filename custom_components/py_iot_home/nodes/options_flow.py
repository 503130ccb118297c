"""A node's options: only its trend settings (the rest is configured on the node)."""

from __future__ import annotations

from typing import Any

import probatio
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload

from ..loaded import loaded_feature
from ..markdown_text import markdown_literal
from ..protocol import ProtocolError, Quantity
from ..trends.coordinator import running_trend
from ..trends.settings_form import (
    shown_trend_options,
    trend_field_errors,
    trend_fields,
    trend_values,
)
from .entries import stored_announcement


class NodeOptionsFlow(OptionsFlowWithReload):
    """A node's options: only its trend settings (the rest is configured on the node)."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form with the trend settings."""
        # Thresholds in the unit its temperature trends are shown in (else the home's).
        running = running_trend(loaded_feature(self.config_entry))
        shown = running.sensor_units.temperature_unit() if running is not None else None
        temperature_unit = shown or self.hass.config.units.temperature_unit
        errors = {} if user_input is None else trend_field_errors(user_input, temperature_unit)
        if user_input is not None and not errors:
            options = {**self.config_entry.options, **trend_values(user_input, temperature_unit)}
            trend = running_trend(loaded_feature(self.config_entry))
            if trend is not None and await trend.async_apply_options(options):
                # Taken while running: a reload would blink the node's entities unavailable.
                self.automatic_reload = False
            return self.async_create_entry(data=options)
        # A threshold for each quantity the node measures (°C, %, W per day); every one if
        # what it announced cannot be read any more (the node could not set up either).
        try:
            sensors = stored_announcement(self.config_entry).sensors
        except ProtocolError:
            quantities = {str(quantity) for quantity in Quantity}
        else:
            quantities = {str(quantity) for sensor in sensors for quantity in sensor.quantities}
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema(trend_fields(quantities, temperature_unit)),
                user_input or shown_trend_options(self.config_entry.options, temperature_unit),
            ),
            errors=errors,
            # Markdown: the title is the name the node announced, and may be anyone's.
            description_placeholders={"name": markdown_literal(self.config_entry.title)},
        )
