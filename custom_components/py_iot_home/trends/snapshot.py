"""What the trend entities show: each source's analysis, judgement and views (pure, no loop).

Built in the executor by ``analyze_snapshot`` and re-rendered by ``in_units`` and
``in_time_zone``; the coordinator (``coordinator.py``) schedules them and keeps the samples.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, get_args
from zoneinfo import ZoneInfo

from ..analysis.sample_store import SampleStore
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
    TREND_MAX_STANDARD_ERROR,
    TREND_SLOPE_DIGITS,
)
from ..protocol.model import MIN_TS
from .display_unit import UNCONVERTED, DisplayUnit
from .judgements import Judgement
from .settings_form import SHOWN_DIGITS

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

    A time ahead of now (a damaged file, a clock set back) is no time it was shown at, nor
    one before any sample could be taken (a damaged file: 1970, or no date at all).
    """
    if not estimate.published:
        return None
    if not was_published:
        return now_s
    return since if since is not None and MIN_TS <= since <= now_s else None


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
            **_when_known(ATTR_DIRECTION, direction),
            ATTR_STANDARD_ERROR: rounded(unit.rate(estimate.standard_error)),
            ATTR_METHOD: estimate.method,
            **_when_known(ATTR_UNKNOWN_REASON, estimate.not_ready),
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
        **_when_known(ATTR_READY_AT, _iso(ready_s, zone)),
        ATTR_LAST_SAMPLE_AT: _iso(result.last_time_s, zone) if result.count else None,
        ATTR_DAILY_MEANS: daily_means_json(result, level=unit.level),
    }


def _status_view(estimate: TrendEstimate, ready_s: float | None, zone: ZoneInfo) -> EntityView:
    """Shown, or why not; with the *ready* sensor's time."""
    return EntityView(
        value=estimate.not_ready or STATUS_SHOWN,
        attributes=_when_known(ATTR_READY_AT, _iso(ready_s, zone)),
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
            **_when_known(ATTR_DIRECTION, direction),
            ATTR_THRESHOLD: shown_threshold(unit, threshold),
            ATTR_THRESHOLD_UNIT: _per_day(unit),
            **_when_known(ATTR_UNKNOWN_REASON, estimate.not_ready if direction is None else None),
        },
    )


def _when_known(key: str, value: object) -> dict[str, object]:
    """`key` while it has a value, else nothing.

    A null read "Direction: Unknown" and "Ready from: Unknown" in a trend's details while it
    had no clear trend, and "Why no trend yet: Unknown" beside a trend shown (templates read
    none either way).
    """
    return {} if value is None else {key: value}


def _per_day(unit: DisplayUnit) -> str | None:
    """A slope's unit (None where the view was built without the sources' units)."""
    return f"{unit.unit}/d" if unit.unit else None


def direction_numbers(
    estimate: TrendEstimate, threshold: float, unit: DisplayUnit, digits: int
) -> dict[str, float | None]:
    """The slope, its error and the threshold of a turn, as the trend sensors show them.

    The event gave them unrounded: a threshold of 0.2 °C/d read 0.36000000000000004 °F/d
    in a notification, beside the rising sensor's 0.36.
    """
    return {
        "slope_per_day": display_slope(unit.rate(estimate.slope_per_day), digits),
        "standard_error": rounded(unit.rate(estimate.standard_error)),
        "threshold": shown_threshold(unit, threshold),
    }


def shown_threshold(unit: DisplayUnit, threshold: float) -> float:
    """A rising/falling threshold in the shown unit per day."""
    return display_slope(unit.rate(threshold), SHOWN_DIGITS)


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
