"""Diagnostics: backends, filters, rejected messages; secrets redacted."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .analysis.window_stats import backend_name, native_library_path
from .const import CONF_ANNOUNCEMENT, CONF_SECRET
from .models import FeatureRuntime, PyIotHomeConfigEntry
from .nodes.discovery import DISCOVERY_REJECTIONS

# A signature lets anyone guess a weak secret offline, so it is as private as the secret.
TO_REDACT = {CONF_SECRET, "sig"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a node, or for the home entry with each board and forecast.

    An entry that did not start (its set-up failed, or is retried) has no runtime data: its
    download says so, with Home Assistant's reason, and what it stores.
    """
    started = entry.state is ConfigEntryState.LOADED
    features = entry.runtime_data.features if started else {}
    result: dict[str, Any] = {
        "started": started,
        "data": async_redact_data(_with_parsed_announcement(dict(entry.data)), TO_REDACT),
        "options": dict(entry.options),
        "discovery_rejections": dict(hass.data.get(DISCOVERY_REJECTIONS, {})),
    }
    if not started:
        result |= {"state": entry.state.value, "reason": entry.reason}
    if None in features:
        return result | _feature_diagnostics(features[None])
    if not entry.subentries:
        return result
    return result | {
        "subentries": {
            subentry_id: {
                "type": subentry.subentry_type,
                "title": subentry.title,
                "data": dict(subentry.data),
                "started": (feature := features.get(subentry_id)) is not None,
                **(_feature_diagnostics(feature) if feature is not None else {}),
            }
            for subentry_id, subentry in entry.subentries.items()
        }
    }


def _feature_diagnostics(runtime: FeatureRuntime) -> dict[str, Any]:
    """A node's, board's or forecast's trends and runtime."""
    result: dict[str, Any] = {}
    if (trend := runtime.trend) is not None:
        result["trends"] = {
            "backend": backend_name(),
            "native_library": native_library_path(),
            "window_days": trend.window_s / 86400,
            "samples": {key: len(trend.store.buffer(key).snapshot()[0]) for key in trend.sources},
            "memory_bytes": trend.store.memory_bytes(),
        }
    return result | runtime.diagnostics()


def _with_parsed_announcement(data: dict[str, Any]) -> dict[str, Any]:
    """The stored announcement as JSON, so a `sig` in it (older entries kept one) is redacted."""
    raw = data.get(CONF_ANNOUNCEMENT)
    if isinstance(raw, str):
        try:
            data[CONF_ANNOUNCEMENT] = json.loads(raw)
        except ValueError:
            data[CONF_ANNOUNCEMENT] = "**REDACTED**"
    return data
