"""A node's runtime data: its MQTT coordinator and its trends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..const import CONF_SECRET
from ..models import AddEntities, EntryHealth, FeatureRuntime
from ..trends.coordinator import TrendCoordinator
from ..trends.entities import trend_binary_sensors, trend_sensors
from .coordinator import NodeCoordinator
from .entities import NodeConnectivity, node_device, node_sensors, node_switches
from .replay_statistics import ReplayStatistics

if TYPE_CHECKING:
    from ..forecast.coordinator import PredictorCoordinator


@dataclass(kw_only=True)
class NodeRuntimeData:
    """A remote Raspberry Pi node reached over MQTT."""

    node: NodeCoordinator
    trend: TrendCoordinator
    replay_statistics: ReplayStatistics
    predictor: PredictorCoordinator | None = None

    @property
    def features(self) -> Mapping[str | None, FeatureRuntime]:
        """A node is one feature, its entry's own."""
        return {None: self}

    def entities(self, platform: Platform) -> list[Entity]:
        """The announced sensors and switches, connectivity, trends."""
        node = self.node
        match platform:
            case Platform.SENSOR:
                return [*node_sensors(node), *trend_sensors(self.trend, node_device(node))]
            case Platform.BINARY_SENSOR:
                return [
                    NodeConnectivity(node),
                    *trend_binary_sensors(self.trend, node_device(node)),
                ]
            case Platform.SWITCH:
                return list(node_switches(node))
        return []

    def platform_ready(self, platform: Platform, add_entities: AddEntities) -> None:
        """Nothing is added while a node runs: other hardware reloads the entry."""

    def keep_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """A node is one feature, started with its entry."""

    async def async_release(self, hass: HomeAssistant) -> None:
        """Nothing to give back: subscriptions and timers end with the entry's unload."""

    def diagnostics(self) -> dict[str, Any]:
        """Connection, signing, message counts, resends, the last values."""
        node = self.node
        entry = node.config_entry
        return {
            "online": node.data.online,
            "signed": CONF_SECRET in entry.data and bool(entry.data[CONF_SECRET]),
            "messages_accepted": dict(node.messages_accepted),
            "messages_rejected": dict(node.rejections.counts),
            "replayed_samples": node.replayed_samples,
            "replayed_hours": {
                "imported": self.replay_statistics.imported_hours,
                "pending": self.replay_statistics.pending_hours,
            },
            "resend": {
                "requests_sent": node.resend.requests_sent,
                "last_seen_seq": node.resend.last_seen_seq,
                "owed_since": node.resend.owed_since,
                "gaps_seen": node.resend.gaps_seen,
                "open_gap": node.resend.open_gap and asdict(node.resend.open_gap),
            },
            "sensors": {key: asdict(sample) for key, sample in node.data.sensors.items()},
            "switches": dict(node.data.switches),
        }

    def health(self) -> EntryHealth:
        """Counted among the nodes, fine while online."""
        return EntryHealth("nodes_online", self.node.data.online)
