"""A node's options: only its trend settings (the rest is configured on the node)."""

from __future__ import annotations

from typing import Any

import probatio
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload

from ..trends.settings_form import trend_fields, trend_values
from .entries import stored_announcement


class NodeOptionsFlow(OptionsFlowWithReload):
    """A node's options: only its trend settings (the rest is configured on the node)."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form with the trend settings."""
        if user_input is not None:
            return self.async_create_entry(
                data={**self.config_entry.options, **trend_values(user_input)}
            )
        # A threshold for each quantity the node measures (°C, %, W per day).
        quantities = {
            str(quantity)
            for sensor in stored_announcement(self.config_entry).sensors
            for quantity in sensor.quantities
        }
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema(trend_fields(quantities)), self.config_entry.options
            ),
            description_placeholders={"name": self.config_entry.title},
        )
