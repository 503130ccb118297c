"""Diagnostics: backends, filters, rejected messages; secrets redacted."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .analysis.window_stats import backend_name, native_library_path
from .const import CONF_ANNOUNCEMENT, CONF_SECRET
from .discovery import DISCOVERY_REJECTIONS
from .models import LocalRuntimeData, NodeRuntimeData, PyIotHomeConfigEntry

# A signature lets anyone guess a weak secret offline, so it is as private as the secret.
TO_REDACT = {CONF_SECRET, "sig"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a board or node entry."""
    runtime = entry.runtime_data
    result: dict[str, Any] = {
        "data": async_redact_data(_with_parsed_announcement(dict(entry.data)), TO_REDACT),
        "options": dict(entry.options),
        "discovery_rejections": dict(hass.data.get(DISCOVERY_REJECTIONS, {})),
    }
    if isinstance(runtime, LocalRuntimeData | NodeRuntimeData):
        trend = runtime.trend
        result["trends"] = {
            "backend": backend_name(),
            "native_library": native_library_path(),
            "window_days": trend.window_s / 86400,
            "samples": {key: len(trend.store.buffer(key).snapshot()[0]) for key in trend.sources},
            "memory_bytes": trend.store.memory_bytes(),
        }
    if isinstance(runtime, LocalRuntimeData):
        board = runtime.board
        state = board.data
        result |= {
            "backends": {"dht": board.dht.name, "gpio": runtime.leds.gpio.name},
            "reading_filter": asdict(board.filter_counts),
            "available": state.available,
            "last_sample": asdict(state.sample) if state.sample else None,
            "led_states": dict(runtime.leds.states),
        }
    elif isinstance(runtime, NodeRuntimeData):
        node = runtime.node
        result |= {
            "online": node.data.online,
            "signed": CONF_SECRET in entry.data and bool(entry.data[CONF_SECRET]),
            "messages_accepted": dict(node.messages_accepted),
            "messages_rejected": dict(node.rejections.counts),
            "replayed_samples": node.replayed_samples,
            "resend": {
                "requests_sent": node.resend.requests_sent,
                "last_seen_seq": node.resend.last_seen_seq,
                "owed_since": node.resend.owed_since,
            },
            "sensors": {key: asdict(sample) for key, sample in node.data.sensors.items()},
            "switches": dict(node.data.switches),
        }
    else:
        snapshot = runtime.predictor.data
        result |= {
            "sources": asdict(runtime.predictor.sources),
            "model": {
                "mae_w": snapshot.mae_w,
                "skill": snapshot.skill,
                "methods": {name: c.as_dict() for name, c in snapshot.choices.items()},
                "training_rows": snapshot.training_rows,
                "trained_at": snapshot.trained_at,
                "hours_needed": snapshot.hours_needed,
            },
            "missing_power_hours": snapshot.missing_power_hours,
            "converted_series": snapshot.converted_series,
            "forecast_hours": len(snapshot.forecast),
        }
    return result


def _with_parsed_announcement(data: dict[str, Any]) -> dict[str, Any]:
    """The stored announcement as JSON, so a `sig` in it (older entries kept one) is redacted."""
    raw = data.get(CONF_ANNOUNCEMENT)
    if isinstance(raw, str):
        try:
            data[CONF_ANNOUNCEMENT] = json.loads(raw)
        except ValueError:
            data[CONF_ANNOUNCEMENT] = "**REDACTED**"
    return data
