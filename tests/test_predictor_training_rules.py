"""A model saved by an older release's training rules is trained again at the start."""

from __future__ import annotations

import base64
import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util

from custom_components.py_iot_home.forecast.saved_model import TRAINING_RULES, model_storage_key
from custom_components.py_iot_home.prediction.export import model_from_bytes, model_to_bytes

from .imported_statistics import imported
from .test_predictor import (
    ENOUGH_DAYS,
    LAST_TRAINED,
    NOW,
    PREDICTED,
    _add_predictor,
    _home,
    _hourly_statistics,
    _seed,
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _band(state: State) -> list[tuple[float, float]]:
    return [(hour["low_w"], hour["high_w"]) for hour in state.attributes["forecast"]]


def _saved_by_an_older_release(hass_storage: dict[str, Any], entry_id: str) -> None:
    """The saved model as a release before the band's rules changed left it: no "rules",
    and its band narrower (the model's arrays are what it was trained with)."""
    stored = hass_storage[model_storage_key(entry_id)]
    model = model_from_bytes(base64.b64decode(stored["data"]["model"]))
    older = dataclasses.replace(model, band=model.band * 0.5, rule_band=model.rule_band * 0.5)
    encoded = base64.b64encode(model_to_bytes(older)).decode("ascii")
    stored["data"] = {"fingerprint": stored["data"]["fingerprint"], "model": encoded}


def _written(hass: HomeAssistant, entity_id: str) -> list[State]:
    written: list[State] = []

    @callback
    def _seen(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            written.append(state)

    async_track_state_change_event(hass, [entity_id], _seen)
    return written


@imported(_hourly_statistics, ENOUGH_DAYS)
async def test_a_model_saved_by_older_rules_forecasts_then_is_trained_again(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """After an update that computes the band otherwise, the saved model showed its old band
    for up to a day (until its next training). Now the start forecasts with it, never
    unavailable, and trains again at once: the band is this release's."""
    freezer.move_to(NOW)
    await _seed(hass, ENOUGH_DAYS)
    entry_id = await _add_predictor(hass)
    band = _band(hass.states.get(PREDICTED))
    trained_at = hass.states.get(LAST_TRAINED).state
    home = _home(hass)
    assert await hass.config_entries.async_unload(home.entry_id)
    await hass.async_block_till_done()
    _saved_by_an_older_release(hass_storage, entry_id)

    freezer.tick(timedelta(minutes=20))
    written = _written(hass, PREDICTED)
    assert await hass.config_entries.async_setup(home.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert STATE_UNAVAILABLE not in [state.state for state in written]
    # First the saved model's forecast, at once; then this release's band.
    assert _band(written[0]) != band
    assert _band(hass.states.get(PREDICTED)) == band
    assert hass.states.get(LAST_TRAINED).state == dt_util.utcnow().isoformat() != trained_at
    assert hass_storage[model_storage_key(entry_id)]["data"]["rules"] == TRAINING_RULES
