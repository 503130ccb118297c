"""Setting up and unloading a remote node entry."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.components import mqtt
from homeassistant.const import Platform
from homeassistant.core import CoreState, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from ..const import (
    CONF_ANNOUNCEMENT,
    CONF_NODE_ID,
    CONF_PREFIX,
    CONF_WINDOW_DAYS,
    DEFAULT_WINDOW_DAYS,
    DOMAIN,
    LOGGER,
)
from ..feature_entry import FeatureEntry
from ..models import PyIotHomeConfigEntry
from ..protocol import (
    NodeAnnouncement,
    ProtocolError,
    StateMessage,
    TopicKind,
    build_announcement,
    has_visible_character,
    readable_text,
)
from ..repairs import async_node_deleted
from ..stored_settings import put_right
from ..trends.coordinator import (
    TrendCoordinator,
)
from ..trends.persistence import async_remove_trend_samples
from ..trends.settings_form import STORED_TREND_SETTINGS
from ..trends.snapshot import (
    TrendSource,
)
from .coordinator import COLLISION_WATCHES, NodeCoordinator
from .counter_store import async_remove_counters
from .device import device_fields, node_device_identifier
from .entities import NODE_SENSORS, expected_unique_ids, sensor_unique_id
from .entries import stored_announcement, stored_secret
from .identity_clash import other_nodes, unique_id_clashes
from .node_state import RefusalKind
from .replay_statistics import ReplayStatistics
from .resend_positions import async_get_resend_positions
from .runtime import NodeRuntimeData

NODE_PLATFORMS = (Platform.BINARY_SENSOR, Platform.SENSOR, Platform.SWITCH)


def announcement_payload(announcement: NodeAnnouncement, prefix: str) -> str:
    """How an announcement is kept in the entry's data."""
    return build_announcement(announcement, prefix=prefix).payload.decode()


async def async_setup_node(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """Subscribe to the node and create its entities from its announcement."""
    if not await mqtt.async_wait_for_mqtt_client(hass):
        raise ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="mqtt_unavailable")
    if (options := put_right(entry.title, entry.options, STORED_TREND_SETTINGS)) is not None:
        hass.config_entries.async_update_entry(entry, options=options)
    if (title := readable_text(entry.title)) != entry.title and has_visible_character(title):
        # Named before markup was refused: the device, Assist and repairs show it as Markdown.
        hass.config_entries.async_update_entry(entry, title=title)
    try:
        announcement = stored_announcement(entry)
        stored_secret(entry)
    except ProtocolError as err:
        # Nothing to run it on: only a new confirmation gives the node's entry its data again.
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="node_entry_unreadable",
            translation_placeholders={"error": str(err)[:200]},
        ) from err

    @callback
    def _announcement_changed(new: NodeAnnouncement) -> bool:
        if clashes := unique_id_clashes(new, other_nodes(hass, entry.entry_id)):
            node.rejections.refuse(
                node.topic(TopicKind.ANNOUNCE),
                RefusalKind.UNIQUE_ID_CLASH,
                f"its new sensors would take entities of another node: {sorted(clashes)[:3]}",
            )
            return False
        LOGGER.info("Node %s announced other sensors or switches; reloading it", entry.title)
        # One reload: the entry has no update listener (options flows reload by themselves).
        hass.config_entries.async_update_entry(
            entry,
            data={
                **entry.data,
                CONF_ANNOUNCEMENT: announcement_payload(new, entry.data[CONF_PREFIX]),
            },
        )
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return True

    @callback
    def _device_changed(new: NodeAnnouncement) -> None:
        # Kept too: the entities' device info, from the kept announcement, would set the old
        # values again at the next start.
        hass.config_entries.async_update_entry(
            entry,
            data={
                **entry.data,
                CONF_ANNOUNCEMENT: announcement_payload(new, entry.data[CONF_PREFIX]),
            },
        )
        registry = dr.async_get(hass)
        identifier = (DOMAIN, node_device_identifier(entry.data[CONF_NODE_ID]))
        if device := registry.async_get_device_by_identifier(identifier, entry.entry_id):
            manufacturer, model, sw_version = device_fields(new)
            registry.async_update_device(
                device.id, manufacturer=manufacturer, model=model, sw_version=sw_version
            )

    node = NodeCoordinator(hass, entry, announcement, _announcement_changed, _device_changed)
    trend = TrendCoordinator(
        hass,
        FeatureEntry(entry),
        node_trend_sources(entry.data[CONF_NODE_ID], announcement),
        window_days=int(entry.options.get(CONF_WINDOW_DAYS, DEFAULT_WINDOW_DAYS)),
    )
    replay_statistics = ReplayStatistics(hass, trend)
    entry.runtime_data = NodeRuntimeData(
        node=node, trend=trend, replay_statistics=replay_statistics
    )
    await trend.async_config_entry_first_refresh()
    entry.async_on_unload(replay_statistics.async_cancel)
    entry.async_on_unload(node.async_add_samples_listener(_sample_feeder(trend, replay_statistics)))
    await node.async_start()
    if hass.state is not CoreState.running:
        # A start: entities added before the node answers wrote "unavailable", then its state.
        await node.async_wait_for_first_report()
    _remove_stale_entities(hass, entry, announcement)
    await hass.config_entries.async_forward_entry_setups(entry, NODE_PLATFORMS)
    # Sensors registered just now (a new or re-added entry) may have recorded history.
    if await trend.async_seed_from_recorder():
        await trend.async_refresh()


async def async_forget_node(hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
    """A deleted node's trend samples, counter, resend position and repairs go with it."""
    if isinstance(node_id := entry.data.get(CONF_NODE_ID), str):  # no text: a hand edit
        async_node_deleted(hass, node_id)
    await async_remove_trend_samples(hass, entry.entry_id)
    await async_remove_counters(hass, entry.entry_id)
    (await async_get_resend_positions(hass)).remove(entry.entry_id)
    hass.data.get(COLLISION_WATCHES, {}).pop(entry.entry_id, None)


def node_trend_sources(node_id: str, announcement: NodeAnnouncement) -> list[TrendSource]:
    """Every announced quantity of every sensor of the node."""
    several = len(announcement.sensors) > 1
    return [
        TrendSource(
            key=f"{sensor.key}_{quantity}",
            quantity=str(quantity),
            unit=NODE_SENSORS[quantity].native_unit_of_measurement,
            source_unique_id=sensor_unique_id(node_id, sensor.key, quantity),
            sensor_name=sensor.name if several else None,
        )
        for sensor in announcement.sensors
        for quantity in sensor.quantities
    ]


def _sample_feeder(
    trend: TrendCoordinator, replay_statistics: ReplayStatistics
) -> Callable[[list[StateMessage], bool], None]:
    """Pass every accepted sample to the trends; replayed ones also to the statistics."""

    @callback
    def feed(states: list[StateMessage], replayed: bool) -> None:
        series: dict[str, tuple[list[float], list[float]]] = {}
        for state in states:
            for sensor_key, sample in state.sensors.items():
                for quantity, description in NODE_SENSORS.items():
                    value = description.value_fn(sample)
                    if value is not None:
                        times, values = series.setdefault(f"{sensor_key}_{quantity}", ([], []))
                        times.append(state.ts)
                        values.append(value)
        for key, (times, values) in series.items():
            if replayed:
                changed = trend.add_samples(key, times, values)
                replay_statistics.async_replayed((key, float(at)) for at in changed)
            else:
                for at, value in zip(times, values, strict=True):
                    trend.add_sample(key, at, value)

    return feed


def _remove_stale_entities(
    hass: HomeAssistant, entry: PyIotHomeConfigEntry, announcement: NodeAnnouncement
) -> None:
    """Drop entities of sensors or switches the node no longer announces."""
    registry = er.async_get(hass)
    keep = expected_unique_ids(entry.data[CONF_NODE_ID], announcement)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.unique_id not in keep:
            registry.async_remove(entity.entity_id)
