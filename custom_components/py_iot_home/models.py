"""Typed runtime data of the integration's config entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .leds import LedBank
    from .local_board import LocalBoardCoordinator
    from .node_connection import NodeCoordinator
    from .predictor import PredictorCoordinator
    from .trend_coordinator import TrendCoordinator


@dataclass(kw_only=True)
class LocalRuntimeData:
    """A DHT sensor board and its LEDs on the Home Assistant host."""

    board: LocalBoardCoordinator
    leds: LedBank
    trend: TrendCoordinator


@dataclass(kw_only=True)
class NodeRuntimeData:
    """A remote Raspberry Pi node reached over MQTT."""

    node: NodeCoordinator
    trend: TrendCoordinator


@dataclass(kw_only=True)
class PredictorRuntimeData:
    """A power predictor trained on recorder history."""

    predictor: PredictorCoordinator


type PyIotHomeRuntimeData = LocalRuntimeData | NodeRuntimeData | PredictorRuntimeData
type PyIotHomeConfigEntry = ConfigEntry[PyIotHomeRuntimeData]
