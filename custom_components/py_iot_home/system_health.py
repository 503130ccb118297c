"""System health: what runs the analysis, and how the boards, nodes and predictors are doing."""

from __future__ import annotations

from typing import Any

from homeassistant.components import system_health
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback

from .analysis.window_stats import backend_name, native_library_path
from .const import DOMAIN
from .models import LocalRuntimeData, NodeRuntimeData, PredictorRuntimeData


@callback
def async_register(hass: HomeAssistant, register: system_health.SystemHealthRegistration) -> None:
    """Register the info callback."""
    register.async_register_info(system_health_info)


async def system_health_info(hass: HomeAssistant) -> dict[str, Any]:
    """A few lines for Settings → System → Repairs → System information."""
    boards = nodes = nodes_online = predictors = trained = 0
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is not ConfigEntryState.LOADED:
            continue
        runtime = entry.runtime_data
        if isinstance(runtime, LocalRuntimeData):
            boards += 1
        elif isinstance(runtime, NodeRuntimeData):
            nodes += 1
            nodes_online += runtime.node.data.online
        elif isinstance(runtime, PredictorRuntimeData):
            predictors += 1
            trained += runtime.predictor.model is not None
    return {
        "analysis_backend": backend_name(),
        "native_library": native_library_path() or "-",
        "boards": boards,
        "nodes_online": f"{nodes_online}/{nodes}",
        "predictors_trained": f"{trained}/{predictors}",
    }
