"""Repair issues not tied to one flow: native library, nodes in trouble, missing sensor library."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers import system_info

from .analysis.window_stats import backend_name, expected_native_library
from .const import DOMAIN
from .markdown_text import with_unit

NODE_OFFLINE_ISSUE_AFTER = timedelta(days=1)
HARDWARE_DOCS_URL = (
    "https://github.com/py-iot-home/py_iot_home/blob/main/docs/hardware.md"
    "#when-the-board-shows-simulated-values"
)
SIGNATURES_DOCS_URL = (
    "https://github.com/py-iot-home/py_iot_home/blob/main/docs/protocol.md#signatures-optional"
)
# Only a Core install (a Python venv the user manages) can take another package.
CORE_INSTALLATION = "Home Assistant Core"


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


def settings_unreadable_issue_id(subentry_id: str) -> str:
    """Issue id of a board or forecast whose stored settings no form of this release stores."""
    return f"settings_unreadable_{subentry_id}"


@callback
def async_settings_unreadable(
    hass: HomeAssistant, subentry_id: str, name: str, problem: str
) -> None:
    """A board or forecast does not start: its stored settings hold ``problem``."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        settings_unreadable_issue_id(subentry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="settings_unreadable",
        translation_placeholders={"name": name, "problem": problem},
    )


@callback
def async_settings_readable(hass: HomeAssistant, subentry_id: str) -> None:
    """It started, or it was deleted."""
    ir.async_delete_issue(hass, DOMAIN, settings_unreadable_issue_id(subentry_id))


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


@callback
def async_node_deleted(hass: HomeAssistant, node_id: str) -> None:
    """A deleted node's repairs go with it: they name a node that no longer exists."""
    for issue_id in (
        node_offline_issue_id(node_id),
        node_clock_issue_id(node_id),
        node_id_shared_issue_id(node_id),
        node_signs_without_secret_issue_id(node_id),
    ):
        ir.async_delete_issue(hass, DOMAIN, issue_id)


def node_clock_issue_id(node_id: str) -> str:
    """Issue id of a node whose clock is off."""
    return f"node_clock_off_{node_id}"


@callback
def async_node_clock_off(hass: HomeAssistant, node_id: str, name: str, offset_s: float) -> None:
    """The node dates its samples `offset_s` seconds ahead of (negative: behind) ours."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        node_clock_issue_id(node_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="node_clock_off",
        translation_placeholders={
            "name": name,
            "node_id": node_id,
            "offset": _duration(abs(offset_s)),
            "direction": "ahead of" if offset_s > 0 else "behind",
        },
    )


def hardware_missing_issue_id(entry_id: str) -> str:
    """Issue id of a board whose sensor library is missing."""
    return f"hardware_missing_{entry_id}"


async def async_hardware_missing(hass: HomeAssistant, entry_id: str, name: str) -> None:
    """The Pi's own sensor was chosen but no library works: say what to do on this install.

    Home Assistant OS and containers cannot take a Python package: they are pointed to a
    node agent on the Pi; a Core install is told which packages to install.
    """
    info = await system_info.async_get_system_info(hass)
    installation = str(info.get("installation_type", "Unknown"))
    core = installation == CORE_INSTALLATION
    ir.async_create_issue(
        hass,
        DOMAIN,
        hardware_missing_issue_id(entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        learn_more_url=HARDWARE_DOCS_URL,
        translation_key="hardware_missing_core" if core else "hardware_missing_remote",
        translation_placeholders={"name": name, "installation": installation},
    )


@callback
def async_node_clock_ok(hass: HomeAssistant, node_id: str) -> None:
    """The node's samples carry the right time again."""
    ir.async_delete_issue(hass, DOMAIN, node_clock_issue_id(node_id))


def _duration(seconds: float) -> str:
    """`seconds` in the largest unit that keeps it above 1, e.g. 3 h 20 min or 95 s."""
    if seconds < 120:
        return with_unit(f"{seconds:.0f}", "s")
    minutes = round(seconds / 60)
    if minutes < 120:
        return with_unit(str(minutes), "min")
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{with_unit(str(hours), 'h')} {with_unit(str(minutes), 'min')}"
    return with_unit(f"{hours / 24:.1f}", "days")


def node_id_shared_issue_id(node_id: str) -> str:
    """Issue id of a node id that more than one machine uses."""
    return f"node_id_shared_{node_id}"


@callback
def async_node_id_shared(hass: HomeAssistant, node_id: str, name: str, *, signed: bool) -> None:
    """Messages under one node id come from two machines.

    Without a secret anyone on the broker can publish as the node, so the issue must not
    claim it is surely a second node of the user's: it says so and points to signatures.
    """
    ir.async_create_issue(
        hass,
        DOMAIN,
        node_id_shared_issue_id(node_id),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="node_id_shared" if signed else "node_id_shared_unsigned",
        translation_placeholders={"name": name, "node_id": node_id},
        learn_more_url=None if signed else SIGNATURES_DOCS_URL,
    )


def node_signs_without_secret_issue_id(node_id: str) -> str:
    """Issue id of a node that signs its messages, added without its secret."""
    return f"node_signs_without_secret_{node_id}"


@callback
def async_node_signs_without_secret(hass: HomeAssistant, node_id: str, name: str) -> None:
    """The node's announcement is signed, but its entry has no secret to check it with.

    A secret given to the node after it was added: its messages go unchecked (anyone on the
    broker may speak for it), and it refuses Home Assistant's unsigned commands. A stranger
    may send a signature too: the issue says so.
    """
    ir.async_create_issue(
        hass,
        DOMAIN,
        node_signs_without_secret_issue_id(node_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="node_signs_without_secret",
        translation_placeholders={"name": name, "node_id": node_id},
        learn_more_url=SIGNATURES_DOCS_URL,
    )


@callback
def async_clear_hardware_missing(hass: HomeAssistant, entry_id: str) -> None:
    """The board reads real hardware, simulates on purpose, or is gone."""
    ir.async_delete_issue(hass, DOMAIN, hardware_missing_issue_id(entry_id))
