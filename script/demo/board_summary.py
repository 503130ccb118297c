"""What script/develop's banner says of each board: what is set up, read from Home Assistant.

A board's device names the hardware it is set to; its sensors' ``hardware`` attribute names
what they run on (written while they have a reading); a board that did not start has no
entities running, only the states Home Assistant restores for them (``restored``), or none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

HARDWARE = "hardware"
SIMULATED = "simulated"


class HomeAssistantApi(Protocol):
    """The two calls the summary makes (HomeAssistantClient has them)."""

    async def rest(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        """Call the REST API."""

    async def ws(self, command: str, **fields: Any) -> Any:
        """Send one websocket command."""


def board_line(
    title: str, area: str | None, model: str | None, states: list[Mapping[str, Any]]
) -> str:
    """One board as the banner says it: its name, area, and what it runs on, if anything."""
    place = f" ({area})" if area else ""
    sensor = model or "its sensor"
    hardware = next(
        (str(state["attributes"][HARDWARE]) for state in states if HARDWARE in state["attributes"]),
        None,
    )
    if hardware == SIMULATED and sensor.startswith("Simulated"):
        running = "simulated"
    elif hardware == SIMULATED:
        running = f"{sensor} chosen, simulated for want of a library (see Repairs)"
    elif hardware is not None:
        running = f"{sensor} read through {hardware}"
    elif any(not state["attributes"].get("restored") for state in states):
        running = f"{sensor}, no reading yet"
    else:
        running = "not running (Settings > System > Repairs says why)"
    return f'"{title}"{place}: {running}'


async def board_lines(client: HomeAssistantApi, boards: Mapping[str, str]) -> list[str]:
    """A line per board (title -> subentry id), from the registries and the states."""
    entities = await client.ws("config/entity_registry/list")
    devices = {device["id"]: device for device in await client.ws("config/device_registry/list")}
    areas = {area["area_id"]: area["name"] for area in await client.ws("config/area_registry/list")}
    states = {state["entity_id"]: state for state in await client.rest("GET", "/api/states")}
    lines = []
    for title, subentry_id in sorted(boards.items()):
        sensors = [
            entity
            for entity in entities
            if entity.get("config_subentry_id") == subentry_id
            and entity["entity_id"].startswith("sensor.")
            and entity.get("device_id") in devices
        ]
        device = devices[sensors[0]["device_id"]] if sensors else None
        area = areas.get(device["area_id"]) if device and device.get("area_id") else None
        ids = [sensor["entity_id"] for sensor in sensors]
        shown = [states[entity_id] for entity_id in ids if entity_id in states]
        lines.append(board_line(title, area, device.get("model") if device else None, shown))
    return lines
