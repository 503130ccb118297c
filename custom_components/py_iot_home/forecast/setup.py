"""Setting up and forgetting a power forecast, a subentry of the home entry."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir

from ..const import DOMAIN
from ..feature_entry import FeatureEntry
from ..first_refresh import async_first_refresh
from .coordinator import PredictorCoordinator, predictor_issue_ids
from .end_power_record import EndPowerRecord
from .outdoor_temperature import KEY as MIRROR_KEY
from .outdoor_temperature import weather_mirrored
from .runtime import PredictorRuntimeData
from .saved_model import SavedModel

PREDICTOR_PLATFORMS = (Platform.SENSOR,)
# Sensors older versions made and this one no longer does (the bare R² went in 2026.12).
RETIRED_SENSOR_KEYS = ("model_r2",)


async def async_setup_predictor(hass: HomeAssistant, entry: FeatureEntry) -> PredictorRuntimeData:
    """Train (in the executor) and forecast; entities wait for enough history."""
    if "recorder" not in hass.config.components:
        raise ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="recorder_missing")
    registry = er.async_get(hass)
    retired = list(RETIRED_SENSOR_KEYS)
    if not weather_mirrored({**entry.data, **entry.options}):
        # Given an outdoor sensor (or no weather) since: its mirror is not shown unavailable.
        retired.append(MIRROR_KEY)
    for key in retired:
        if entity_id := registry.async_get_entity_id("sensor", DOMAIN, f"{entry.unique_id}_{key}"):
            registry.async_remove(entity_id)
    predictor = PredictorCoordinator(hass, entry)
    await async_first_refresh(predictor)
    if predictor.model_outdated:
        # Its band computed by an older release's rules: trained again now, not a day later,
        # while it forecasts (training takes seconds of a Pi's CPU; the start does not wait).
        entry.async_create_background_task(
            hass, predictor.async_refresh(), f"{predictor.name} retrain by this release's rules"
        )
    entry.async_on_unload(predictor.async_refresh_hourly())
    return PredictorRuntimeData(predictor=predictor)


async def async_forget_predictor(hass: HomeAssistant, entry_id: str) -> None:
    """A deleted forecast's trained model, recorded end powers and repairs go with it."""
    await SavedModel(hass, entry_id).async_remove()
    await EndPowerRecord(hass, entry_id).async_remove()
    for issue_id in predictor_issue_ids(entry_id):
        ir.async_delete_issue(hass, DOMAIN, issue_id)
