"""Diagnostics: which backends run, and what the sensor filter rejected."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.core import HomeAssistant

from .models import PyIotHomeConfigEntry


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a board entry."""
    runtime = entry.runtime_data
    board = runtime.board
    state = board.data
    return {
        "data": dict(entry.data),
        "options": dict(entry.options),
        "backends": {"dht": board.dht.name, "gpio": runtime.leds.gpio.name},
        "reading_filter": asdict(board.filter_counts),
        "available": state.available,
        "last_sample": asdict(state.sample) if state.sample else None,
        "led_states": dict(runtime.leds.states),
    }
