"""The trend settings every board and node has: window and rising/falling threshold."""

from __future__ import annotations

from typing import Any

import probatio
from homeassistant.helpers import selector

from ..const import (
    CONF_TREND_MIN_SPAN_HOURS,
    CONF_TREND_THRESHOLD,
    CONF_WINDOW_DAYS,
    DEFAULT_TREND_MIN_SPAN_HOURS,
    DEFAULT_TREND_THRESHOLD,
    DEFAULT_WINDOW_DAYS,
)


def trend_fields() -> dict[Any, Any]:
    """Form fields: analysis window in days, the threshold per day, the minimum span."""
    return {
        probatio.Required(CONF_WINDOW_DAYS, default=DEFAULT_WINDOW_DAYS): selector.NumberSelector(
            selector.NumberSelectorConfig(
                min=1, max=30, step=1, unit_of_measurement="d", mode=selector.NumberSelectorMode.BOX
            )
        ),
        probatio.Required(
            CONF_TREND_THRESHOLD, default=DEFAULT_TREND_THRESHOLD
        ): selector.NumberSelector(
            selector.NumberSelectorConfig(
                min=0, max=50, step=0.05, mode=selector.NumberSelectorMode.BOX
            )
        ),
        probatio.Required(
            CONF_TREND_MIN_SPAN_HOURS, default=DEFAULT_TREND_MIN_SPAN_HOURS
        ): selector.NumberSelector(
            selector.NumberSelectorConfig(
                min=1, max=48, step=1, unit_of_measurement="h", mode=selector.NumberSelectorMode.BOX
            )
        ),
    }


def trend_values(user_input: dict[str, Any]) -> dict[str, Any]:
    """The trend settings from a submitted form, typed."""
    return {
        CONF_WINDOW_DAYS: int(user_input[CONF_WINDOW_DAYS]),
        CONF_TREND_THRESHOLD: float(user_input[CONF_TREND_THRESHOLD]),
        CONF_TREND_MIN_SPAN_HOURS: int(user_input[CONF_TREND_MIN_SPAN_HOURS]),
    }
