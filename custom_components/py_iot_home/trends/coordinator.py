"""Trends of the measured quantities: samples kept in memory, analysed every few minutes."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, get_args
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util
from numpy.typing import ArrayLike
from sqlalchemy.exc import SQLAlchemyError

from ..analysis.sample_store import RingBuffer, SampleStore
from ..analysis.trend import TrendDirection, TrendResult, analyze_many, daily_means
from ..analysis.trend_direction import UNKNOWN, DirectionState, next_direction
from ..analysis.trend_estimate import (
    NotReadyReason,
    TrendEstimate,
    TrendSettings,
    estimate_trend,
    steadied_ready_at,
)
from ..analysis.trend_json import daily_means_json, result_summary, rounded
from ..analysis.window_stats import backend_name
from ..const import (
    CONF_TREND_MIN_SPAN_HOURS,
    CONF_WINDOW_DAYS,
    DEFAULT_TREND_MIN_SPAN_HOURS,
    DEFAULT_WINDOW_DAYS,
    DOMAIN,
    LOGGER,
    TREND_MAX_STANDARD_ERROR,
    TREND_REFRESH_INTERVAL,
    TREND_SLOPE_DIGITS,
)
from ..feature_entry import FeatureEntry
from .display_unit import UNCONVERTED, DisplayUnit
from .judgements import Judgement, judgements_from_json, judgements_to_json
from .persistence import TrendSamplesStorage
from .recorded_samples import history_samples
from .sensor_units import SensorUnits
from .settings_form import SHOWN_DIGITS, trend_threshold

TREND_CHANGED_EVENT = f"{DOMAIN}_trend_changed"
ATTR_DAILY_MEANS = "daily_means"
ATTR_DIRECTION = "direction"
ATTR_THRESHOLD = "threshold"
ATTR_THRESHOLD_UNIT = "threshold_unit"
ATTR_STANDARD_ERROR = "standard_error"
ATTR_READY_AT = "ready_at"
ATTR_UNKNOWN_REASON = "unknown_reason"
ATTR_METHOD = "method"
ATTR_SPAN_HOURS = "span_hours"
ATTR_LAST_SAMPLE_AT = "last_sample_at"
TREND = "trend"
RISING = "rising"
STATUS = "trend_status"
EXPECTED = "trend_expected"
# A trend sensor's status: shown, or why not (``analysis.trend_estimate.NotReadyReason``).
STATUS_SHOWN = "shown"
STATUS_OPTIONS = [STATUS_SHOWN, *get_args(NotReadyReason.__value__)]
# A slope is rounded to the decimals its sensor shows (suggested_display_precision, per
# quantity in TREND_SLOPE_DIGITS), so -0.004 °C/d is stored as 0.0, never "-0.00".
DEFAULT_SLOPE_DIGITS = 2


@dataclass(frozen=True, kw_only=True)
class TrendSource:
    """One measured quantity of one sensor."""

    key: str
    quantity: str
    unit: str
    source_unique_id: str
    sensor_name: str | None = None  # names the entities when a device has several sensors

    @property
    def max_standard_error(self) -> float:
        """Largest standard error (unit per day) at which this quantity's slope is shown."""
        return TREND_MAX_STANDARD_ERROR.get(self.quantity, math.inf)

    @property
    def slope_digits(self) -> int:
        """Decimals this quantity's slope is published and shown with."""
        return TREND_SLOPE_DIGITS.get(self.quantity, DEFAULT_SLOPE_DIGITS)


@dataclass(frozen=True, slots=True)
class EntityView:
    """The state value and attributes an entity shows, built off the loop with the analysis.

    A refresh that leaves a view equal keeps the previous object, so an entity sees with
    ``is`` that it has nothing new to write.
    """

    value: float | bool | str | None
    attributes: dict[str, Any]  # shared by the states written from it: never mutated
    unit: str | None = None  # the value's unit, when it has one (a slope's, per day)


@dataclass(frozen=True, kw_only=True)
class TrendSnapshot:
    """The latest analysis of every source, and what its entities show of it."""

    results: Mapping[str, TrendResult]
    estimates: Mapping[str, TrendEstimate]
    direction_states: Mapping[str, DirectionState]
    thresholds: Mapping[str, float]  # each source's rising/falling threshold, unit per day
    backend: str
    views: Mapping[tuple[str, str], EntityView]  # by (source key, TREND or RISING)
    units: Mapping[str, DisplayUnit]  # the unit each source's views were built in
    # Since when each shown trend has been (None while not shown, or not known).
    shown_since: Mapping[str, float | None]
    zone: ZoneInfo  # the time zone of the views' times and days
    analysed_at_s: float

    @property
    def directions(self) -> dict[str, TrendDirection | None]:
        """The adopted direction of every source (None while its trend is unknown)."""
        return {key: state.direction for key, state in self.direction_states.items()}


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
        self.config_entry.async_on_unload(self.sensor_units.async_start())
        self.config_entry.async_on_unload(self.async_follow_time_zone())
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
        self.config_entry.async_create_background_task(
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
        """Stop refreshing, then save the samples (written at the final write on a stop)."""
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
        entity_ids = {
            key: entity_id
            for key, source in self.sources.items()
            if key not in self._seeded
            and (
                entity_id := registry.async_get_entity_id(
                    SENSOR_DOMAIN, DOMAIN, source.source_unique_id
                )
            )
        }
        if not entity_ids:
            return 0
        self._seeded.update(entity_ids)
        start = dt_util.utcnow() - timedelta(seconds=self.window_s)
        try:
            seeded = await get_instance(self.hass).async_add_executor_job(
                self._seed_from_history, entity_ids, start
            )
        except SQLAlchemyError:
            LOGGER.exception(
                "%s: could not read the sensors' history; trends start empty", self.name
            )
            return 0
        LOGGER.debug("%s: seeded %s samples from the recorder", self.name, seeded)
        return seeded

    def _seed_from_history(self, entity_ids: Mapping[str, str], start: datetime) -> int:
        """Read the history and merge it into the buffers (recorder executor)."""
        seeded = 0
        for key, entity_id in entity_ids.items():
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
            self.config_entry.async_create_background_task(
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
    def async_update_listeners(self) -> None:
        """Update the entities, then announce direction changes (so automations see both)."""
        super().async_update_listeners()
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
                    "slope_per_day": shown.rate(snapshot.estimates[key].slope_per_day),
                    "standard_error": shown.rate(snapshot.estimates[key].standard_error),
                    "threshold": shown.rate(snapshot.thresholds[key]),
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


def analyze_snapshot(
    store: SampleStore,
    *,
    settings: Mapping[str, TrendSettings],
    thresholds: Mapping[str, float],
    slope_digits: Mapping[str, int],
    tz: str | ZoneInfo,
    now_s: float,
    previous: TrendSnapshot | None,
    shown_units: Mapping[str, DisplayUnit] | None = None,
    carried: Mapping[str, Judgement] | None = None,
) -> TrendSnapshot:
    """Analyse the sources, judge their trends, step their directions, build views (executor).

    Views show values in ``shown_units`` (by default each source's own). Views equal to the
    ``previous`` snapshot's are that snapshot's objects. Without a ``previous`` snapshot
    (the first analysis after a start), the ``carried`` judgements stand in for it.
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    results = {
        key: result for key, result in analyze_many(store, zone, now_s).items() if key in settings
    }
    estimates: dict[str, TrendEstimate] = {}
    states: dict[str, DirectionState] = {}
    shown_since: dict[str, float | None] = {}
    views: dict[tuple[str, str], EntityView] = {}
    for key, result in results.items():
        before = previous.estimates.get(key) if previous is not None else None
        since: float | None = None
        if previous is not None:
            was_published = before is not None and before.published
            state = previous.direction_states.get(key, UNKNOWN)
            since = previous.shown_since.get(key)
        elif carried is not None and (judgement := carried.get(key)) is not None:
            was_published, state = judgement.published, judgement.direction
            since = judgement.shown_since_s
        else:
            was_published, state = False, UNKNOWN
        estimate = estimate_trend(
            result,
            settings[key],
            now_s=now_s,
            # A trend shown when its source went silent comes back under the same hysteresis.
            was_published=was_published or state.paused is not None,
        )
        estimate = estimates[key] = replace(
            estimate,
            ready_at_s=steadied_ready_at(
                estimate.ready_at_s, None if before is None else before.ready_at_s, now_s
            ),
        )
        state = states[key] = next_direction(
            state,
            estimate.shown_slope,
            estimate.standard_error,
            threshold=thresholds[key],
            now_s=now_s,
            silent=estimate.not_ready == "no_recent_samples",
        )
        since = shown_since[key] = _shown_since(estimate, was_published, since, now_s)
        ready_s = _ready_time(estimate, since)
        shown = (shown_units or {}).get(key, UNCONVERTED)
        views[key, TREND] = _slope_view(
            result, estimate, slope_digits[key], state.direction, shown, ready_s=ready_s, zone=zone
        )
        views[key, RISING] = _rising_view(state.direction, shown, thresholds[key], estimate)
        views[key, STATUS] = _status_view(estimate, ready_s, zone)
        views[key, EXPECTED] = EntityView(value=_to_the_second(ready_s), attributes={})
    if previous is not None:
        for view_key, view in views.items():
            if (old := previous.views.get(view_key)) == view:
                views[view_key] = old
    return TrendSnapshot(
        results=results,
        estimates=estimates,
        direction_states=states,
        thresholds=thresholds,
        backend=backend_name(),
        views=views,
        units=dict(shown_units or {}),
        shown_since=shown_since,
        zone=zone,
        analysed_at_s=now_s,
    )


def in_time_zone(snapshot: TrendSnapshot, store: SampleStore, tz: str) -> TrendSnapshot:
    """The snapshot with its times and daily means in another time zone (executor).

    The daily means are taken again from the samples the analysis had (up to its newest,
    within its window): a day begins at another midnight. Nothing else is analysed again.
    """
    zone = ZoneInfo(tz)
    results = dict(snapshot.results)
    for key, (times, values) in store.iter_snapshots(snapshot.analysed_at_s):
        if (result := results.get(key)) is None or not result.count:
            continue
        analysed = times <= result.last_time_s
        days = daily_means(times[analysed], values[analysed], zone, now_s=snapshot.analysed_at_s)
        results[key] = replace(result, daily_means=days)
    views = dict(snapshot.views)
    for key, result in results.items():
        estimate = snapshot.estimates[key]
        ready_s = _ready_time(estimate, snapshot.shown_since.get(key))
        slope = snapshot.views[key, TREND]
        unit = snapshot.units.get(key, UNCONVERTED)
        views[key, TREND] = replace(
            slope, attributes={**slope.attributes, **_zoned(result, ready_s, unit, zone)}
        )
        # Equal views stay the same objects: their entities write nothing.
        if (status := _status_view(estimate, ready_s, zone)) != views[key, STATUS]:
            views[key, STATUS] = status
    return replace(snapshot, results=results, views=views, zone=zone)


def _shown_since(
    estimate: TrendEstimate, was_published: bool, since: float | None, now_s: float
) -> float | None:
    """Since when a shown trend has been: kept while it stays shown, else from this analysis.

    A time ahead of now (a damaged file, a clock set back) is no time it was shown at.
    """
    if not estimate.published:
        return None
    if not was_published:
        return now_s
    return since if since is not None and since <= now_s else None


def _ready_time(estimate: TrendEstimate, shown_since: float | None) -> float | None:
    """The *ready* sensor's time: when an unknown trend should come, or since when it is shown.

    Unknown beside the status "Shown" read as a fault; a time past reads "2 days ago".
    """
    return shown_since if estimate.published else estimate.ready_at_s


def in_units(
    snapshot: TrendSnapshot, units: Mapping[str, DisplayUnit], slope_digits: Mapping[str, int]
) -> TrendSnapshot:
    """The snapshot with the views of sources shown in another unit now rebuilt in it.

    Only a slope's and a rising sensor's views hold a unit: two small views per source, on
    the loop, so that a trend changes its unit with its sensor's state, not minutes later.
    """
    if units == snapshot.units:
        return snapshot
    views = dict(snapshot.views)
    for key, result in snapshot.results.items():
        if (shown := units.get(key, UNCONVERTED)) == snapshot.units.get(key, UNCONVERTED):
            continue
        direction = snapshot.direction_states[key].direction
        estimate = snapshot.estimates[key]
        ready_s = _ready_time(estimate, snapshot.shown_since.get(key))
        views[key, TREND] = _slope_view(
            result,
            estimate,
            slope_digits[key],
            direction,
            shown,
            ready_s=ready_s,
            zone=snapshot.zone,
        )
        views[key, RISING] = _rising_view(direction, shown, snapshot.thresholds[key], estimate)
    return replace(snapshot, views=views, units=dict(units))


def _slope_view(
    result: TrendResult,
    estimate: TrendEstimate,
    digits: int,
    direction: TrendDirection | None,
    unit: DisplayUnit,
    *,
    ready_s: float | None,
    zone: ZoneInfo,
) -> EntityView:
    """The published slope per day (or unknown, and why), in the shown unit.

    With it, its adopted direction (the one the rising sensor shows), its statistics and
    the *ready* sensor's time (``_ready_time``).
    """
    slope = estimate.shown_slope
    return EntityView(
        value=None if slope is None else display_slope(unit.rate(slope), digits),
        attributes={
            ATTR_DIRECTION: direction,
            ATTR_STANDARD_ERROR: rounded(unit.rate(estimate.standard_error)),
            ATTR_METHOD: estimate.method,
            ATTR_UNKNOWN_REASON: estimate.not_ready,
            ATTR_SPAN_HOURS: round(result.covered_s / 3600.0, 1),  # what the gate counts
            **result_summary(result, level=unit.level, spread=unit.rate),
            **_zoned(result, ready_s, unit, zone),
        },
        unit=_per_day(unit),
    )


def _zoned(
    result: TrendResult, ready_s: float | None, unit: DisplayUnit, zone: ZoneInfo
) -> dict[str, Any]:
    """A slope's attributes that depend on the home's time zone: its times and local days."""
    return {
        ATTR_READY_AT: _iso(ready_s, zone),
        ATTR_LAST_SAMPLE_AT: _iso(result.last_time_s, zone) if result.count else None,
        ATTR_DAILY_MEANS: daily_means_json(result, level=unit.level),
    }


def _status_view(estimate: TrendEstimate, ready_s: float | None, zone: ZoneInfo) -> EntityView:
    """Shown, or why not; with the *ready* sensor's time."""
    return EntityView(
        value=estimate.not_ready or STATUS_SHOWN, attributes={ATTR_READY_AT: _iso(ready_s, zone)}
    )


def _rising_view(
    direction: TrendDirection | None,
    unit: DisplayUnit,
    threshold: float,
    estimate: TrendEstimate,
) -> EntityView:
    """Rising or not; the direction and the threshold that decide it; while unknown, why.

    The threshold stays a number (automations compare it) with its unit beside it, as a
    weather entity's ``temperature_unit`` is beside its temperature.
    """
    return EntityView(
        value=None if direction is None else direction == "rising",
        attributes={
            ATTR_DIRECTION: direction,
            ATTR_THRESHOLD: display_slope(unit.rate(threshold), SHOWN_DIGITS),
            ATTR_THRESHOLD_UNIT: _per_day(unit),
            ATTR_UNKNOWN_REASON: estimate.not_ready if direction is None else None,
        },
    )


def _per_day(unit: DisplayUnit) -> str | None:
    """A slope's unit (None where the view was built without the sources' units)."""
    return f"{unit.unit}/d" if unit.unit else None


def display_slope(slope: float, digits: int) -> float:
    """Round a slope to the shown decimals; adding 0.0 turns a negative zero positive."""
    return round(slope, digits) + 0.0


def _to_the_second(time_s: float | None) -> float | None:
    """The nearest whole second, for the *ready* sensor and every ``ready_at`` alike.

    A timestamp sensor's state drops the fraction: the *ready* sensor read 11:59:00 beside
    the 11:59:01 (11:59:00.7 rounded) it stands for.
    """
    return None if time_s is None else float(round(time_s))


def _iso(time_s: float | None, zone: ZoneInfo) -> str | None:
    """A time in the home's time zone, as the user reads it."""
    if (second := _to_the_second(time_s)) is None:
        return None
    return datetime.fromtimestamp(second, zone).isoformat()
