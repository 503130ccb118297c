"""The node the network benchmarks simulate: one DHT22 ("climate") and one LED ("led")."""

from __future__ import annotations

from py_iot_node.protocol import NodeAnnouncement, Quantity, SensorInfo, SwitchInfo


def climate_node(
    node_id: str, name: str, *, interval_s: float = 30, signed: bool = False
) -> NodeAnnouncement:
    """A node with a DHT22 and an LED; a signed node's announcement carries a counter."""
    return NodeAnnouncement(
        node_id=node_id,
        name=name,
        model="Raspberry Pi 4",
        sw_version="0.1.0",
        sensors=(
            SensorInfo(
                key="climate",
                name="Climate",
                quantities=(Quantity.TEMPERATURE, Quantity.HUMIDITY),
                model="DHT22",
            ),
        ),
        switches=(SwitchInfo(key="led", name="LED"),),
        interval_s=interval_s,
        seq=1 if signed else None,
    )
