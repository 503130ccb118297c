"""Trends of the measured quantities: samples kept in memory, analysed every few minutes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util
from numpy.typing import ArrayLike
from sqlalchemy.exc import SQLAlchemyError

from ..analysis.ring_buffer import RingBuffer
from ..analysis.sample_store import SampleStore
from ..analysis.trend import TrendDirection
from ..analysis.trend_estimate import (
    TrendSettings,
)
from ..const import (
    CONF_TREND_MIN_SPAN_HOURS,
    CONF_WINDOW_DAYS,
    DEFAULT_TREND_MIN_SPAN_HOURS,
    DEFAULT_WINDOW_DAYS,
    DOMAIN,
    LOGGER,
    TREND_REFRESH_INTERVAL,
)
from ..feature_entry import FeatureEntry
from ..storage.recorder_reads import async_recorder_read
from .display_unit import DisplayUnit
from .judgements import Judgement, judgements_from_json, judgements_to_json
from .persistence import TrendSamplesStorage
from .recorded_samples import history_samples, own_history_start
from .sensor_units import SensorUnits
from .settings_form import trend_threshold
from .snapshot import (
    TrendSnapshot,
    TrendSource,
    analyze_snapshot,
    direction_numbers,
    in_time_zone,
    in_units,
)

TREND_CHANGED_EVENT = f"{DOMAIN}_trend_changed"


class TrendCoordinator(DataUpdateCoordinator[TrendSnapshot]):
    """Collects the samples of its sources and analyses them in the executor.

    Samples arrive through ``add_sample`` / ``add_samples`` from the board and node
    coordinators; ``_async_setup`` first fills the window with the samples stored before the
    last stop, or else the recorder's history, and they are stored again as they come. Each
    refresh fires ``TREND_CHANGED_EVENT`` for every source whose direction changed since the
    last one known; directions change only as ``analysis.trend_direction`` allows.
    """

    config_entry: ConfigEntry[Any]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FeatureEntry,
        sources: Sequence[TrendSource],
        *,
        window_days: int = DEFAULT_WINDOW_DAYS,
        store: SampleStore | None = None,
    ) -> None:
        """Create one buffer per source; ``store`` must not be shared with other coordinators."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry.config_entry,
            name=f"{DOMAIN} trends {entry.title}",
            update_interval=TREND_REFRESH_INTERVAL,
        )
        self.feature = entry
        self.sources: dict[str, TrendSource] = {source.key: source for source in sources}
        if len(self.sources) != len(sources):
            raise ValueError(f"trend source keys are not unique: {[s.key for s in sources]}")
        self.window_s = window_days * 86400.0
        self.store = store if store is not None else SampleStore(window_s=self.window_s)
        self.thresholds: dict[str, float] = {}
        self.settings: dict[str, TrendSettings] = {}
        self._take_settings(entry.options)
        self._buffers: dict[str, RingBuffer] = {key: self.store.buffer(key) for key in self.sources}
        self._known_directions: dict[str, TrendDirection] = {}
        self._seeded: set[str] = set()
        self._warned_future: set[str] = set()
        # What users read is in the unit each source's sensor shows; the analysis stays in the
        # sources' own (°C).
        self.sensor_units = SensorUnits(hass, self.sources, self._units_changed)
        self.storage = TrendSamplesStorage(
            hass, entry.entry_id, self.store, judgements=self._judgements_to_store
        )
        # What the trends had judged before the last stop, for the first analysis only.
        self._carried: dict[str, Judgement] = {}
        self._storage_loaded = False
        self._retired: TrendSnapshot | None = None
        self._first_trend_requested = False
        self._rising_writes: list[CALLBACK_TYPE] = []
        self._shut_down = False
        # Home Assistant shuts it down at the entry's unload; a deleted subentry's, before.
        entry.async_on_unload(self.async_shutdown)

    def _take_settings(self, options: Mapping[str, Any]) -> None:
        """Each source's rising/falling threshold and when its slope is shown, from options."""
        self.thresholds = {
            key: trend_threshold(options, source.quantity) for key, source in self.sources.items()
        }
        asked_s = 3600.0 * float(
            options.get(CONF_TREND_MIN_SPAN_HOURS, DEFAULT_TREND_MIN_SPAN_HOURS)
        )
        # Set before the forms refused it, a span the window cannot hold kept a trend
        # "Collecting readings" for good, its ready time always a day ahead: the longest
        # span the forms take for the window is used instead.
        min_span_s = min(asked_s, self.window_s - 3600.0)
        if min_span_s < asked_s:
            LOGGER.warning(
                "%s: a minimum span of %.0f h is more than a %.0f-day window holds; %.0f h is"
                " used until the trend settings are changed",
                self.name,
                asked_s / 3600.0,
                self.window_s / 86400.0,
                min_span_s / 3600.0,
            )
        self.settings = {
            key: TrendSettings(
                min_span_s=min_span_s,
                max_standard_error=source.max_standard_error,
                window_s=self.window_s,
            )
            for key, source in self.sources.items()
        }

    async def async_apply_options(self, options: Mapping[str, Any]) -> bool:
        """Take new trend settings while running, with a refresh; False if a reload must.

        Thresholds and the minimum span apply at the next analysis, so a setting changed
        leaves the entry's entities as they are (no reload, no gap in their history). Another
        window needs a store of another length: that takes a reload.
        """
        if int(options.get(CONF_WINDOW_DAYS, DEFAULT_WINDOW_DAYS)) * 86400.0 != self.window_s:
            return False
        self._take_settings(options)
        await self.async_refresh()
        return True

    async def _async_setup(self) -> None:
        await self.async_fill_windows()

    async def async_fill_windows(self) -> None:
        """Fill each source's window: the stored samples, else the recorder's history."""
        self.feature.async_on_unload(self.sensor_units.async_start())
        self.feature.async_on_unload(self.async_follow_time_zone())
        await self._async_restore_samples()
        await self.async_seed_from_recorder()

    @property
    def shown_units(self) -> dict[str, DisplayUnit]:
        """Each source's unit as its sensor shows it (``sensor_units``)."""
        return self.sensor_units.units

    def _units_changed(self) -> None:
        """Views built in a unit a sensor no longer shows are rebuilt, on the loop, now.

        Not after a failed refresh: that would mark it a success; the next one takes them.
        """
        if self.data is not None and self.last_update_success:
            digits = {key: source.slope_digits for key, source in self.sources.items()}
            self.async_set_updated_data(in_units(self.data, self.shown_units, digits))

    @callback
    def async_follow_time_zone(self) -> CALLBACK_TYPE:
        """Show times and days in the home's time zone as it changes; return the unsubscribe."""
        return self.hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, self._core_config_updated)

    @callback
    def _core_config_updated(self, _event: Event[Mapping[str, Any]]) -> None:
        """Times and days shown in a time zone the home left are rebuilt in its new one, now.

        Not reanalysed: the trends stand; only ``ready_at``, ``last_sample_at`` and the
        daily means (days begin at another midnight) wait no longer for the next analysis.
        """
        if (snapshot := self.data) is None or snapshot.zone.key == self.hass.config.time_zone:
            return
        self.feature.async_create_background_task(
            self.hass, self._async_show_in_time_zone(snapshot), f"{self.name} time zone"
        )

    async def _async_show_in_time_zone(self, snapshot: TrendSnapshot) -> None:
        moved = await self.hass.async_add_executor_job(
            in_time_zone, snapshot, self.store, self.hass.config.time_zone
        )
        # Not over a newer analysis, nor after a failed one (that would mark it a success).
        if self.data is snapshot and self.last_update_success:
            self.async_set_updated_data(moved)

    async def _async_restore_samples(self) -> None:
        """Put back the samples saved before the last stop or unload, at full resolution."""
        stored = await self.storage.async_load()
        restored = 0
        for key, (times, values) in stored.items():
            if (ring := self._buffers.get(key)) is not None and times.size:
                restored += ring.extend(times, values)
                # The recorder's state changes are a coarser copy of the same history.
                self._seeded.add(key)
        self._carried = judgements_from_json(self.storage.loaded_judgements)
        self._storage_loaded = True
        LOGGER.debug("%s: restored %s stored samples", self.name, restored)

    def _judgements_to_store(self) -> dict[str, Any]:
        """What each trend judged last (before the first analysis: what was restored)."""
        snapshot: TrendSnapshot | None = self.data  # None until the first refresh
        if snapshot is None:
            return judgements_to_json(
                {key: carried.published for key, carried in self._carried.items()},
                {key: carried.direction for key, carried in self._carried.items()},
                {key: carried.shown_since_s for key, carried in self._carried.items()},
            )
        return judgements_to_json(
            {key: estimate.published for key, estimate in snapshot.estimates.items()},
            snapshot.direction_states,
            snapshot.shown_since,
        )

    async def async_shutdown(self) -> None:
        """Stop refreshing, then save the samples (written at the final write on a stop).

        Once: a deleted board's trends shut down with it, and again (doing nothing) at its
        entry's unload, after its files were removed.
        """
        if self._shut_down:
            return
        self._shut_down = True
        await super().async_shutdown()
        if self._storage_loaded:
            await self.storage.async_save()
        self.storage.async_close()

    async def async_seed_from_recorder(self) -> int:
        """Seed the sources not seeded yet whose sensor entity is registered; return how many.

        Called again once the platforms registered their entities: a node added anew (or
        re-added) has its sensors registered only then, and may have history from before.
        """
        if "recorder" not in self.hass.config.components:
            return 0
        registry = er.async_get(self.hass)
        window_start = dt_util.utcnow() - timedelta(seconds=self.window_s)
        histories: dict[str, tuple[str, datetime]] = {}
        for key, source in self.sources.items():
            entity_id = registry.async_get_entity_id(SENSOR_DOMAIN, DOMAIN, source.source_unique_id)
            if key in self._seeded or entity_id is None:
                continue
            entity = registry.async_get(entity_id)
            owned_since = own_history_start(registry, entity) if entity else None
            histories[key] = (entity_id, max(window_start, owned_since or window_start))
        if not histories:
            return 0
        self._seeded.update(histories)
        try:
            seeded = await async_recorder_read(self.hass, self._seed_from_history, histories)
        except SQLAlchemyError:
            LOGGER.exception(
                "%s: could not read the sensors' history; trends start empty", self.name
            )
            return 0
        LOGGER.debug("%s: seeded %s samples from the recorder", self.name, seeded)
        return seeded

    def _seed_from_history(self, histories: Mapping[str, tuple[str, datetime]]) -> int:
        """Read each entity's history since its start into the buffers (recorder executor)."""
        seeded = 0
        for key, (entity_id, start) in histories.items():
            times, values = history_samples(self.hass, entity_id, start, self.sources[key].unit)
            # RingBuffer methods lock, so live samples may arrive on the loop meanwhile.
            self._buffers[key].extend(times, values)
            seeded += times.size
        return seeded

    @callback
    def add_sample(self, key: str, t_s: float, value: float) -> None:
        """Add one accepted sample; samples of keys without a source are dropped."""
        if (ring := self._buffers.get(key)) is not None:
            if not ring.append(t_s, value):
                self._log_future_sample(key, 1)
            self._refresh_if_first_trend(key)

    def _log_future_sample(self, key: str, dropped: int) -> None:
        """One warning per source: a clock far ahead would otherwise log every sample."""
        if key not in self._warned_future:
            self._warned_future.add(key)
            LOGGER.warning(
                "%s: dropped %s %s samples stamped in the future (is the sender's clock right?)",
                self.name,
                dropped,
                key,
            )

    def _refresh_if_first_trend(self, key: str) -> None:
        """Analyse a source's first two samples as they come, not at the 5-minute refresh.

        The first one turns "no readings yet" (beside a reading shown) into when a trend
        can come; the second one starts the span. So does the first sample after a silence:
        "no recent readings" beside a reading shown again would be wrong for minutes.
        """
        if not self._first_trend_requested and self._awaits_first_trend(key):
            self._first_trend_requested = True
            # Not started eagerly: the samples the caller adds next for its other sources
            # (a board's humidity after its temperature) are then in the same analysis,
            # instead of waiting out the request debouncer's 10 s cooldown.
            self.feature.async_create_background_task(
                self.hass,
                self._async_request_first_trend(),
                f"{self.name} first trend",
                eager_start=False,
            )

    def _awaits_first_trend(self, key: str) -> bool:
        if self.data is None or (result := self.data.results.get(key)) is None:
            return len(self._buffers[key]) > 0
        if result.count < min(2, len(self._buffers[key])):
            return True
        estimate = self.data.estimates.get(key)
        return (
            estimate is not None
            and estimate.not_ready == "no_recent_samples"
            and (last := self._buffers[key].last_time) is not None
            and last > result.last_time_s
        )

    async def _async_request_first_trend(self) -> None:
        self._first_trend_requested = False
        # A refresh may have analysed the new samples meanwhile.
        if any(self._awaits_first_trend(key) for key in self.sources):
            await self.async_request_refresh()

    @callback
    def add_samples(
        self, key: str, times_s: ArrayLike, values: ArrayLike
    ) -> npt.NDArray[np.float64]:
        """Add replayed samples, in any order; already stored times are replaced.

        Return the times that were not stored with these values before: a node that resends
        what arrived already (a stranger's resend request to an unsigned node) changes no
        hour of the long-term statistics. A sample whose slot of the thinned ring holds a
        later one is not new either: the ring keeps the later one, as it did the first time.
        """
        times = np.asarray(times_s, dtype=np.float64)
        if (ring := self._buffers.get(key)) is None:
            return times[:0]
        offered = np.asarray(values, dtype=np.float32)
        stored_times, stored_values = ring.view()
        if stored_times.size:
            found = np.minimum(np.searchsorted(stored_times, times), stored_times.size - 1)
            held = stored_times[found]
            known = ((held == times) & (stored_values[found] == offered)) | (
                (held > times) & ring.same_slots(times, held)
            )
        else:
            known = np.zeros(times.size, dtype=bool)
        if known.all():
            # A resend of what is held changes nothing: no pass over the ring for it.
            return times[:0]
        if (taken := ring.extend(times, offered)) < times.size:
            self._log_future_sample(key, times.size - taken)
        self._refresh_if_first_trend(key)
        changed: npt.NDArray[np.float64] = times[~known]
        return changed

    async def _async_update_data(self) -> TrendSnapshot:
        # The snapshot this refresh replaces stays referenced here and is freed by the next
        # refresh, in the executor: freeing 100 sources' results and views (thousands of
        # small objects) on the loop cost it ~0.2 ms per refresh (bench/coordinator.py).
        retired = [self._retired] if self._retired is not None else []
        self._retired = self.data
        digits = {key: source.slope_digits for key, source in self.sources.items()}
        units = self.shown_units
        snapshot = await self.hass.async_add_executor_job(
            partial(
                _free_then_analyze,
                retired,
                self.store,
                settings=self.settings,
                thresholds=self.thresholds,
                slope_digits=digits,
                shown_units=units,
                tz=self.hass.config.time_zone,
                now_s=dt_util.utcnow().timestamp(),
                previous=self.data,
                carried=self._carried if self.data is None else None,
            )
        )
        if snapshot.zone.key != (time_zone := self.hass.config.time_zone):
            # The home moved to another time zone during the analysis.
            snapshot = await self.hass.async_add_executor_job(
                in_time_zone, snapshot, self.store, time_zone
            )
        if self.shown_units is units:  # replaced, never changed in place
            return snapshot
        # A sensor changed its unit during the analysis: its trend follows it still.
        return in_units(snapshot, self.shown_units, digits)

    @callback
    def async_write_after_trends(self, write: CALLBACK_TYPE) -> None:
        """Write a rising sensor once this update's trend sensors are written.

        An automation triggered by the rising sensor reads the trend in its conditions at
        once: written first, it read the previous analysis's (`unknown` as it turned on).
        """
        self._rising_writes.append(write)

    @callback
    def async_update_listeners(self) -> None:
        """Write the trend sensors, then the rising sensors, then announce turns.

        An automation triggered by any of them sees the others of the same analysis.
        """
        super().async_update_listeners()
        writes, self._rising_writes = self._rising_writes, []
        for write in writes:
            write()
        if self.data is not None:
            self._fire_direction_changes(self.data)
        if self._storage_loaded:
            self.storage.async_schedule_save()

    def _fire_direction_changes(self, snapshot: TrendSnapshot) -> None:
        registry = er.async_get(self.hass)
        for key, direction in snapshot.directions.items():
            if direction is None:
                continue
            previous = self._known_directions.get(key)
            self._known_directions[key] = direction
            if previous is None or previous == direction:
                continue
            source = self.sources[key]
            shown = snapshot.units.get(key) or self.shown_units[key]
            self.hass.bus.async_fire(
                TREND_CHANGED_EVENT,
                {
                    "entity_id": registry.async_get_entity_id(
                        SENSOR_DOMAIN, DOMAIN, source.source_unique_id
                    ),
                    "key": key,
                    "quantity": source.quantity,
                    "direction": direction,
                    "previous_direction": previous,
                    "unit": f"{shown.unit}/d",
                    **direction_numbers(
                        snapshot.estimates[key],
                        snapshot.thresholds[key],
                        shown,
                        source.slope_digits,
                    ),
                },
            )


def running_trend(runtime: object | None) -> TrendCoordinator | None:
    """The trend analysis of a running feature (see ``loaded.py``), else None."""
    trend = getattr(runtime, "trend", None)
    return trend if isinstance(trend, TrendCoordinator) else None


def _free_then_analyze(
    retired: list[TrendSnapshot], store: SampleStore, **kwargs: Any
) -> TrendSnapshot:
    """Drop the loop's last reference to old snapshots here, then analyse (executor)."""
    retired.clear()
    return analyze_snapshot(store, **kwargs)
