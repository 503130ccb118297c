"""System health: what runs the analysis, and how the boards, nodes and predictors are doing."""

from __future__ import annotations

from typing import Any

from homeassistant.components import system_health
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback

from .analysis.window_stats import backend_name, native_library_path
from .const import DOMAIN

# Shown even when no entry counts towards them, in this order.
HEALTH_LINES = ("boards_available", "nodes_online", "predictors_trained")


@callback
def async_register(hass: HomeAssistant, register: system_health.SystemHealthRegistration) -> None:
    """Register the info callback."""
    register.async_register_info(system_health_info)


async def system_health_info(hass: HomeAssistant) -> dict[str, Any]:
    """A few lines for Settings → System → Repairs → System information."""
    lines: dict[str, list[bool]] = {key: [] for key in HEALTH_LINES}
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            for feature in entry.runtime_data.features.values():
                health = feature.health()
                lines.setdefault(health.key, []).append(health.healthy)
    return {
        "analysis_backend": backend_name(),
        "native_library": native_library_path() or "-",
        **{key: f"{sum(states)}/{len(states)}" for key, states in lines.items()},
    }
