"""A predictor's trained model kept across restarts: a restart forecasts at once, no retrain.

Training reads 60 days of statistics and fits in a child process (seconds of CPU on a Pi),
and a model retrained at every start moved "Last trained" and the forecast with it. The
model is stored as the same checked `.npz` arrays the training process returns, with what
it was trained for (the entry's options and the integration's version): a model trained
for other sources or by another version is not used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.loader import async_get_integration
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from ..prediction.export import model_from_bytes, model_to_bytes
from ..prediction.model import PowerModel
from ..storage.read_back import async_read_back, kept_for_a_newer_release

STORAGE_VERSION = 1
# How training turns a history into a model's numbers. Raise it when the same history trains
# other numbers (its band, its methods): a model saved by other rules forecasts at the start
# and is trained again at once, where it showed its old band until its next training (a day).
# 2: the day ahead's band allows for the spread of its held-out weeks (2026-12-07).
# 3: the published rules leave out the days the home did not repeat (`odd_days.py`).
TRAINING_RULES = 3
# What a damaged or foreign file can raise on the way to a checked model.
_UNREADABLE = (ValueError, KeyError, TypeError, OSError, zipfile.BadZipFile, binascii.Error)


def model_storage_key(entry_id: str) -> str:
    """The file of one predictor's trained model."""
    return f"{DOMAIN}.predictor_model.{entry_id}"


async def async_training_fingerprint(hass: HomeAssistant, options: Mapping[str, Any]) -> str:
    """What a model was trained for: the entry's options, this version, the home's zone.

    The zone sets the hours of day and weekdays the model learnt.
    """
    integration = await async_get_integration(hass, DOMAIN)
    text = json.dumps(
        {
            "options": dict(options),
            "version": str(integration.version),
            "time_zone": hass.config.time_zone,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A saved model, and whether it was trained by other rules than this release's."""

    model: PowerModel
    outdated: bool


class SavedModel:
    """Loads and saves one predictor's model; encoding and decoding happen off the loop."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Keep the model of the predictor entry ``entry_id``."""
        self._hass = hass
        self._store: Store[dict[str, str | int]] = Store(
            hass, STORAGE_VERSION, model_storage_key(entry_id), serialize_in_event_loop=False
        )

    async def async_load(self, fingerprint: str) -> LoadedModel | None:
        """The stored model if it was trained for ``fingerprint`` and reads back checked."""
        data = await async_read_back(self._store)
        if not isinstance(data, dict) or data.get("fingerprint") != fingerprint:
            return None
        try:
            model = await self._hass.async_add_executor_job(_decode, data.get("model"))
            if model.trained_at > dt_util.utcnow():
                # Never due for retraining: it would forecast for good, whatever changed.
                raise ValueError(f"trained in the future, at {model.trained_at.isoformat()}")
        except _UNREADABLE as err:
            LOGGER.warning("Stored model %s is unreadable, retraining (%s)", self._store.key, err)
            return None
        rules = data.get("rules")
        # Saved before the rules were kept (no "rules"), by older ones, or by a newer release's.
        return LoadedModel(model, outdated=not (type(rules) is int and rules == TRAINING_RULES))

    async def async_save(self, model: PowerModel, fingerprint: str) -> None:
        """Keep ``model`` as trained for ``fingerprint``."""
        encoded = await self._hass.async_add_executor_job(_encode, model)
        await self._store.async_save(
            {"fingerprint": fingerprint, "model": encoded, "rules": TRAINING_RULES}
        )

    async def async_remove(self) -> None:
        """Delete the file (the entry is removed, or its model must not forecast).

        Not a newer release's (a downgrade): this release did not read it, nor forecast with it.
        """
        if not kept_for_a_newer_release(self._store):
            await self._store.async_remove()


def _encode(model: PowerModel) -> str:
    return base64.b64encode(model_to_bytes(model)).decode("ascii")


def _decode(text: object) -> PowerModel:
    if not isinstance(text, str):
        raise TypeError("no model in the file")
    return model_from_bytes(base64.b64decode(text, validate=True))
