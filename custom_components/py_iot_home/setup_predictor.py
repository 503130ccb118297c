"""Setting up and unloading a power predictor entry."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady

from .const import DOMAIN
from .models import PredictorRuntimeData, PyIotHomeConfigEntry
from .predictor import PredictorCoordinator

PREDICTOR_PLATFORMS = [Platform.SENSOR]


async def async_setup_predictor(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Train (in the executor) and forecast; entities wait for enough history."""
    if "recorder" not in hass.config.components:
        raise ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="recorder_missing")
    predictor = PredictorCoordinator(hass, entry)
    await predictor.async_config_entry_first_refresh()
    entry.runtime_data = PredictorRuntimeData(predictor=predictor)
    await hass.config_entries.async_forward_entry_setups(entry, PREDICTOR_PLATFORMS)


async def async_unload_predictor(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> bool:
    """Unload the predictor's sensors."""
    return await hass.config_entries.async_unload_platforms(entry, PREDICTOR_PLATFORMS)
