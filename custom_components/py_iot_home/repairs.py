"""Repair issues that are not tied to one flow: the native library and offline nodes."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .analysis.window_stats import backend_name, expected_native_library
from .const import DOMAIN

NODE_OFFLINE_ISSUE_AFTER = timedelta(days=1)


@callback
def async_check_native_library(hass: HomeAssistant) -> None:
    """Raise an issue when a library for this machine exists but did not load."""
    path = expected_native_library()
    if path is not None and backend_name() == "numpy":
        ir.async_create_issue(
            hass,
            DOMAIN,
            "native_unusable",
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="native_unusable",
            translation_placeholders={"path": path},
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, "native_unusable")


def node_offline_issue_id(node_id: str) -> str:
    """Issue id of a node that has been offline for a day."""
    return f"node_offline_{node_id}"


@callback
def async_node_offline_too_long(hass: HomeAssistant, node_id: str, name: str) -> None:
    """The node's last will has stood for a day."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        node_offline_issue_id(node_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="node_offline",
        translation_placeholders={"name": name, "node_id": node_id},
    )


@callback
def async_node_back(hass: HomeAssistant, node_id: str) -> None:
    """The node is online again."""
    ir.async_delete_issue(hass, DOMAIN, node_offline_issue_id(node_id))
