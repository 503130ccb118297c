"""What a node's device page shows of it, from its announcement."""

from __future__ import annotations

from ..protocol import NodeAnnouncement

RASPBERRY_PI = "Raspberry Pi"


def node_device_identifier(node_id: str) -> str:
    """A node's device in the registry."""
    return f"node_{node_id}"


def node_manufacturer(announcement: NodeAnnouncement) -> str | None:
    """Who made the node: what it says, else a Pi by its model; None rather than a guess.

    The agent runs on any Linux board (the demo's nodes on a PC): a node before the
    `manufacturer` field says it only by a model named as a Pi's kernel names it
    ("Raspberry Pi 4 Model B Rev 1.4").
    """
    if announcement.manufacturer is not None:
        return announcement.manufacturer
    return RASPBERRY_PI if announcement.model.startswith(RASPBERRY_PI) else None


def device_fields(announcement: NodeAnnouncement) -> tuple[str | None, str, str]:
    """The announced fields the device page shows: manufacturer, model, software version."""
    return (node_manufacturer(announcement), announcement.model, announcement.sw_version)
