"""Typed runtime data of the integration's config entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .leds import LedBank
    from .local_board import LocalBoardCoordinator


@dataclass(kw_only=True)
class LocalRuntimeData:
    """A DHT sensor board and its LEDs on the Home Assistant host."""

    board: LocalBoardCoordinator
    leds: LedBank
    notes: dict[str, str] = field(default_factory=dict)


type PyIotHomeRuntimeData = LocalRuntimeData
type PyIotHomeConfigEntry = ConfigEntry[PyIotHomeRuntimeData]
