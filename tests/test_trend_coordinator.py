"""The trend coordinator: recorder seeding, live samples, analysis off the loop, events."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.models import StatisticMeanType
from homeassistant.components.recorder.statistics import async_import_statistics
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.analysis.sample_store import SampleStore
from custom_components.py_iot_home.analysis.trend import TrendResult
from custom_components.py_iot_home.analysis.trend_estimate import TrendSettings
from custom_components.py_iot_home.const import (
    CONF_KIND,
    CONF_TREND_MIN_SPAN_HOURS,
    CONF_WINDOW_DAYS,
    DOMAIN,
    EntryKind,
)
from custom_components.py_iot_home.feature_entry import FeatureEntry
from custom_components.py_iot_home.trends import recorded_samples as trend_history
from custom_components.py_iot_home.trends import snapshot as trend_snapshot
from custom_components.py_iot_home.trends.coordinator import (
    TREND_CHANGED_EVENT,
    TrendCoordinator,
)
from custom_components.py_iot_home.trends.display_unit import DisplayUnit
from custom_components.py_iot_home.trends.recorded_samples import numeric_samples
from custom_components.py_iot_home.trends.snapshot import (
    EXPECTED,
    RISING,
    STATUS,
    TREND,
    TrendSnapshot,
    TrendSource,
    analyze_snapshot,
)
from tests.daily_reference import pandas_daily
from tests.fakes import FakeHardware
from tests.home_entry import board_subentry, feature, home_entry

DAY = 86400.0
START = datetime(2025, 10, 20, 3, 0, tzinfo=dt_util.UTC)
TEMPERATURE = TrendSource(
    key="temperature",
    quantity="temperature",
    unit="°C",
    source_unique_id="board0001_temperature",
)
HUMIDITY = TrendSource(
    key="humidity", quantity="humidity", unit="%", source_unique_id="board0001_humidity"
)


@pytest.fixture
def mock_recorder_before_hass(async_setup_recorder_instance: Any) -> None:
    """Prepare the recorder's database before hass (conftest's autouse fixture needs hass)."""


def _entry(**options: Any) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Living room",
        unique_id="board0001",
        data={CONF_KIND: EntryKind.NODE},
        options=options,
    )


def _register(hass: HomeAssistant, source: TrendSource, object_id: str) -> str:
    registry = er.async_get(hass)
    unique_id = source.source_unique_id
    return registry.async_get_or_create(
        "sensor", DOMAIN, unique_id, suggested_object_id=object_id
    ).entity_id


def _assert_matches_reference(
    result: TrendResult, times: np.ndarray, values: np.ndarray, zone: str, *, now_s: float
) -> None:
    """Slope, statistics and daily means as numpy and pandas compute them.

    Each value weighs the time until the next one (the newest until now, or as long as the
    one before it), at most the 2 hours after which a source is silent; polyfit weighs
    residuals, so by the square roots.
    """
    stood_for = np.minimum(
        np.diff(times, append=max(now_s, times[-1] + times[-1] - times[-2])), 7200.0
    )
    slope, intercept = np.polyfit((times - times[0]) / DAY, values, 1, w=np.sqrt(stood_for))
    mean = np.average(values, weights=stood_for)
    assert result.count == times.size
    assert result.slope_per_day == pytest.approx(slope, rel=1e-5, abs=1e-6)
    assert result.intercept == pytest.approx(intercept, rel=1e-5)
    assert result.mean == pytest.approx(mean, rel=1e-6)
    assert result.std == pytest.approx(
        np.sqrt(np.average((values - mean) ** 2, weights=stood_for)), rel=1e-4
    )
    assert result.minimum == pytest.approx(values.min(), rel=1e-6)
    assert result.maximum == pytest.approx(values.max(), rel=1e-6)
    reference = pandas_daily(times, values, zone)
    assert [day.date for day in result.daily_means] == [ts.date() for ts in reference.index]
    assert [day.count for day in result.daily_means] == reference["count"].tolist()
    np.testing.assert_allclose(
        [day.mean for day in result.daily_means], reference["mean"].to_numpy(), rtol=1e-6
    )


def _held(
    states: list[tuple[float, float]], recorded: list[float], *, end_s: float
) -> list[tuple[float, float]]:
    """A sample every half hour while each recorded state held, as the recorder means it
    (at most a day)."""
    held = []
    for time_s, value in states:
        until = min([t for t in recorded if t > time_s] + [end_s, time_s + 24 * 3600.0])
        held += [(t, value) for t in np.arange(time_s, max(until, time_s + 1.0), 1800.0)]
    return held


def _ramp(
    start_s: float, days: float, slope_per_day: float, base: float, step_s: float = 600.0
) -> tuple[np.ndarray, np.ndarray]:
    times = np.arange(start_s, start_s + days * DAY, step_s)
    return times, base + slope_per_day * (times - start_s) / DAY


async def _refresh(coordinator: TrendCoordinator) -> None:
    await coordinator.async_refresh()
    assert coordinator.last_update_success


async def test_seeds_each_source_from_the_recorder(
    recorder_mock: Any, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entity_id = _register(hass, TEMPERATURE, "living_room_temperature")
    rng = np.random.default_rng(3)
    written: list[tuple[float, float]] = []
    recorded: list[float] = []  # every record's time, whatever its state
    previous = None
    # Four days, about hourly, drifting up, with the states a flaky sensor also reports. The
    # first day was shown in degrees Fahrenheit; one state came with a unit of no use.
    for hour in range(4 * 24):
        freezer.move_to(START + timedelta(hours=hour, minutes=int(rng.integers(0, 50))))
        recorded.append(dt_util.utcnow().timestamp())
        if hour % 19 == 7:
            hass.states.async_set(entity_id, ("unavailable", "unknown", "nan")[hour % 3])
            previous = None
            continue
        value = round(20.0 + 0.6 * hour / 24 + float(rng.normal(0.0, 0.4)), 2)
        if value == previous:  # an unchanged state is not recorded again
            value += 0.01
        previous = value
        if hour == 50:
            hass.states.async_set(entity_id, str(value), {"unit_of_measurement": "K/s"})
            continue
        if hour < 24:
            hass.states.async_set(entity_id, str(value * 1.8 + 32.0), {"unit_of_measurement": "°F"})
        else:
            hass.states.async_set(entity_id, str(value), {"unit_of_measurement": "°C"})
        written.append((dt_util.utcnow().timestamp(), value))
    await async_wait_recording_done(hass)
    freezer.move_to(START + timedelta(days=4, hours=2))

    entry = _entry()
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE, HUMIDITY])
    history_threads: list[int] = []
    real_history = trend_history.history.state_changes_during_period

    def spy_history(*args: Any, **kwargs: Any) -> Any:
        history_threads.append(threading.get_ident())
        return real_history(*args, **kwargs)

    entry.mock_state(hass, ConfigEntryState.SETUP_IN_PROGRESS)
    with patch.object(trend_history.history, "state_changes_during_period", spy_history):
        await coordinator.async_config_entry_first_refresh()

    # Only the temperature has an entity to read history from, and it is read off the loop.
    assert len(history_threads) == 1
    assert history_threads[0] != threading.get_ident()
    # Each state holds until the next record, the "unavailable" ones included.
    held = _held(written, recorded, end_s=dt_util.utcnow().timestamp())
    times = np.array([t for t, _ in held])
    values = np.array([v for _, v in held])
    _assert_matches_reference(
        coordinator.data.results["temperature"],
        times,
        values,
        hass.config.time_zone,
        now_s=dt_util.utcnow().timestamp(),
    )
    assert coordinator.data.results["humidity"].count == 0
    await coordinator.async_shutdown()


def _import_hourly_means(
    hass: HomeAssistant,
    entity_id: str,
    unit: str,
    unit_class: str | None,
    hours: pd.DatetimeIndex,
    means: np.ndarray,
) -> None:
    """Import hourly means (min = max = mean) as the recorder's statistics of `entity_id`."""
    async_import_statistics(
        hass,
        {
            "mean_type": StatisticMeanType.ARITHMETIC,
            "has_sum": False,
            "name": None,
            "source": "recorder",
            "statistic_id": entity_id,
            "unit_class": unit_class,
            "unit_of_measurement": unit,
        },
        [
            {"start": start.to_pydatetime(), "mean": mean, "min": mean, "max": mean}
            for start, mean in zip(hours, means.tolist(), strict=True)
        ],
    )


async def test_a_steady_sensor_recorded_on_change_is_not_taken_for_a_silent_one(
    recorder_mock: Any, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Half degrees rising 1 °C a day: the recorder keeps a state up to 11 hours apart.

    Its hours without a record are not a silence: counted as one, the four days covered
    none, and no trend was ever published from the history.
    """
    entity_id = _register(hass, TEMPERATURE, "living_room_temperature")
    rng = np.random.default_rng(0)
    for hour in range(4 * 24):
        value = round((18.0 + hour / 24 + rng.normal(0.0, 0.25)) * 2) / 2
        if (state := hass.states.get(entity_id)) and float(state.state) == value:
            continue
        freezer.move_to(START + timedelta(hours=hour))
        hass.states.async_set(entity_id, str(value), {"unit_of_measurement": "°C"})
    await async_wait_recording_done(hass)
    freezer.move_to(START + timedelta(days=4))

    entry = _entry()
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE])
    entry.mock_state(hass, ConfigEntryState.SETUP_IN_PROGRESS)
    await coordinator.async_config_entry_first_refresh()
    result = coordinator.data.results["temperature"]
    assert result.covered_s == pytest.approx(result.span_s)
    assert result.span_s > 3.9 * DAY
    estimate = coordinator.data.estimates["temperature"]
    assert estimate.published
    assert estimate.slope_per_day == pytest.approx(1.0, abs=0.2)
    await coordinator.async_shutdown()


async def test_hourly_statistics_stand_in_before_the_first_recorded_state(
    recorder_mock: Any, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A sensor whose statistics reach further back than its states has a trend at once.

    Three days of hourly means (kept in °F), then states from the fourth day on: the means
    come in at each hour's middle, converted, and only for the whole hours before the first
    state (the statistics of that hour and later are the states' own).
    """
    entity_id = _register(hass, TEMPERATURE, "living_room_temperature")
    hours = pd.date_range(START, periods=4 * 24, freq="h")
    celsius = 19.0 + 0.5 * np.arange(hours.size) / 24  # +0.5 °C a day
    _import_hourly_means(hass, entity_id, "°F", "temperature", hours, celsius * 1.8 + 32.0)
    state_times = []
    for minute in (10, 25, 40, 55, 70, 85):
        freezer.move_to(START + timedelta(days=3, minutes=minute))
        value = 19.0 + 0.5 * (3 + minute / 1440)
        hass.states.async_set(entity_id, f"{value:.3f}", {"unit_of_measurement": "°C"})
        state_times.append(dt_util.utcnow().timestamp())
    await async_wait_recording_done(hass)
    freezer.move_to(START + timedelta(days=3, hours=2))

    entry = _entry()
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE])
    entry.mock_state(hass, ConfigEntryState.SETUP_IN_PROGRESS)
    await coordinator.async_config_entry_first_refresh()
    times, values = coordinator.store.buffer("temperature").snapshot(dt_util.utcnow().timestamp())
    means = 3 * 24  # the hours before the first state's hour
    # The last state, 35 minutes old, is held by a second sample half an hour after it.
    held_times = [*state_times, state_times[-1] + 1800.0]
    assert times.size == means + len(held_times)
    np.testing.assert_allclose(times[:means], [start.timestamp() + 1800 for start in hours[:means]])
    np.testing.assert_allclose(values[:means], celsius[:means], atol=1e-4)
    np.testing.assert_allclose(times[means:], held_times)
    result = coordinator.data.results["temperature"]
    assert result.slope_per_day == pytest.approx(0.5, abs=0.02)
    await coordinator.async_shutdown()


async def test_statistics_of_another_quantity_are_not_taken(
    recorder_mock: Any, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A sensor that once reported % under the same id: those means are no temperatures."""
    entity_id = _register(hass, TEMPERATURE, "living_room_temperature")
    hours = pd.date_range(START, periods=48, freq="h")
    _import_hourly_means(hass, entity_id, "%", None, hours, np.full(hours.size, 55.0))
    await async_wait_recording_done(hass)
    freezer.move_to(START + timedelta(days=3))
    entry = _entry()
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE])
    entry.mock_state(hass, ConfigEntryState.SETUP_IN_PROGRESS)
    await coordinator.async_config_entry_first_refresh()
    times, _ = coordinator.store.buffer("temperature").snapshot(dt_util.utcnow().timestamp())
    assert times.size == 0
    await coordinator.async_shutdown()


async def test_seeding_is_skipped_without_recorder(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(START)
    _register(hass, TEMPERATURE, "living_room_temperature")
    entry = _entry()
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE])
    entry.mock_state(hass, ConfigEntryState.SETUP_IN_PROGRESS)
    with patch.object(trend_history.history, "state_changes_during_period") as history:
        await coordinator.async_config_entry_first_refresh()
    history.assert_not_called()
    assert coordinator.data.results["temperature"].count == 0
    assert coordinator.data.directions["temperature"] is None
    await coordinator.async_shutdown()


async def test_live_and_replayed_samples_feed_the_analysis(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(START + timedelta(days=3))
    now_s = dt_util.utcnow().timestamp()
    coordinator = TrendCoordinator(hass, FeatureEntry(_entry()), [TEMPERATURE, HUMIDITY])
    rng = np.random.default_rng(11)
    t_times, t_values = _ramp(now_s - 3 * DAY, 3, 1.5, 19.0)
    t_values = t_values + rng.normal(0.0, 0.3, t_times.size)
    for time_s, value in zip(t_times, t_values, strict=True):
        coordinator.add_sample("temperature", float(time_s), float(value))
    h_times, h_values = _ramp(now_s - 2.5 * DAY, 2.5, -4.0, 60.0)
    order = rng.permutation(h_times.size)
    # Replayed history arrives in chunks, out of order, partly twice.
    coordinator.add_samples("humidity", h_times[order[:200]], h_values[order[:200]])
    coordinator.add_samples("humidity", h_times[order[100:]], h_values[order[100:]])
    coordinator.add_sample("unknown_sensor", now_s, 1.0)
    # The first-trend refresh these samples asked for runs first.
    await hass.async_block_till_done(wait_background_tasks=True)

    await _refresh(coordinator)

    zone = hass.config.time_zone
    results = coordinator.data.results
    assert set(results) == {"temperature", "humidity"}
    assert "unknown_sensor" not in coordinator.store
    _assert_matches_reference(results["temperature"], t_times, t_values, zone, now_s=now_s)
    _assert_matches_reference(results["humidity"], h_times, h_values, zone, now_s=now_s)
    assert coordinator.data.directions == {"temperature": "rising", "humidity": "falling"}


async def test_analysis_runs_in_the_executor(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(START)
    coordinator = TrendCoordinator(hass, FeatureEntry(_entry()), [TEMPERATURE])
    coordinator.add_samples("temperature", *_ramp(START.timestamp() - DAY, 1, 1.0, 20.0))
    # The first-trend refresh these samples asked for runs first, unwatched.
    await hass.async_block_till_done(wait_background_tasks=True)
    threads: list[int] = []
    real_analyze = trend_snapshot.analyze_many

    def spy_analyze(*args: Any) -> Any:
        threads.append(threading.get_ident())
        return real_analyze(*args)

    with patch.object(trend_snapshot, "analyze_many", spy_analyze):
        await _refresh(coordinator)
    assert len(threads) == 1
    assert threads[0] != threading.get_ident()
    assert coordinator.data.results["temperature"].slope_per_day == pytest.approx(1.0, rel=1e-4)


async def test_one_first_trend_analysis_covers_the_sources_fed_together(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A board adds temperature, then humidity: one analysis shows both first trends."""
    freezer.move_to(START)
    coordinator = TrendCoordinator(hass, FeatureEntry(_entry()), [TEMPERATURE, HUMIDITY])
    analyses: list[int] = []
    real_analyze = trend_snapshot.analyze_many

    def counting_analyze(*args: Any) -> Any:
        analyses.append(1)
        return real_analyze(*args)

    with patch.object(trend_snapshot, "analyze_many", counting_analyze):
        for offset_s, temperature, humidity in ((0.0, 20.0, 40.0), (60.0, 20.5, 41.0)):
            coordinator.add_sample("temperature", START.timestamp() + offset_s, temperature)
            coordinator.add_sample("humidity", START.timestamp() + offset_s, humidity)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert len(analyses) == 1
    assert {key: result.count for key, result in coordinator.data.results.items()} == {
        "temperature": 2,
        "humidity": 2,
    }
    # Two readings a minute apart are no trend: unknown, saying why and until when.
    assert coordinator.data.directions == {"temperature": None, "humidity": None}
    for estimate in coordinator.data.estimates.values():
        assert not estimate.published
        assert estimate.not_ready == "span_too_short"
        assert estimate.ready_at_s == START.timestamp() + 24 * 3600.0  # its first day's end
    await coordinator.async_shutdown()


async def test_replaced_snapshots_are_freed_in_the_executor(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Freeing a snapshot's thousands of objects would cost the loop ~0.2 ms per refresh."""
    freezer.move_to(START)
    coordinator = TrendCoordinator(hass, FeatureEntry(_entry()), [TEMPERATURE, HUMIDITY])
    coordinator.add_samples("temperature", *_ramp(START.timestamp() - DAY, 1, 1.0, 20.0))
    await hass.async_block_till_done(wait_background_tasks=True)
    # A debug loop keeps finished futures, and so their results, alive in reference cycles.
    hass.loop.set_debug(False)
    freed_in: dict[int, int] = {}
    for refresh in range(4):
        coordinator.add_sample("temperature", START.timestamp() + 10 * refresh, 21.0)
        await _refresh(coordinator)
        weakref.finalize(
            coordinator.data, lambda r=refresh: freed_in.update({r: threading.get_ident()})
        )
    # The current snapshot and the one it replaced stay; the older ones went in the executor.
    # A worker thread drops its finished job (which names the previous snapshot) only after
    # the loop has the result: on a loaded machine that can take a moment. The wait sleeps in
    # a worker, on the real clock: asyncio.sleep would never return under the frozen clock.
    for _ in range(200):
        if len(freed_in) >= 2:
            break
        await hass.async_add_executor_job(time.sleep, 0.01)
    assert sorted(freed_in) == [0, 1]
    assert threading.get_ident() not in freed_in.values()
    assert coordinator.data.results["temperature"].count == 24 * 6 + 4


def _room(start_s: float, days: float, slope_per_day: float, base: float, seed: int) -> Any:
    """Ten-minute samples of a room: a trend, a 1.5-degree daily cycle and sensor noise."""
    times = np.arange(start_s, start_s + days * DAY, 600.0)
    rng = np.random.default_rng(seed)
    cycle = 1.5 * np.sin(2 * np.pi * times / DAY)
    values = base + slope_per_day * (times - start_s) / DAY + cycle
    return times, values + rng.normal(0.0, 0.1, times.size)


async def test_a_turning_room_fires_the_event_once_it_is_sure(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Four days warming, eight cooling, analysed every 2 hours: the event says so once."""
    entity_id = _register(hass, TEMPERATURE, "living_room_temperature")
    events = async_capture_events(hass, TREND_CHANGED_EVENT)
    coordinator = TrendCoordinator(hass, FeatureEntry(_entry(trend_threshold=0.5)), [TEMPERATURE])
    seen_by_listener: list[int] = []
    unsubscribe: Callable[[], None] = coordinator.async_add_listener(
        lambda: seen_by_listener.append(len(events))
    )
    start_s = START.timestamp()
    times, values = _room(start_s, 4, 1.5, 20.0, seed=1)
    cooling = _room(start_s + 4 * DAY, 8, -1.5, 26.0, seed=2)
    times = np.concatenate((times, cooling[0]))
    values = np.concatenate((values, cooling[1]))
    directions: list[str | None] = []
    for step in range(12 * 12):
        now = START + timedelta(hours=2 * (step + 1))
        freezer.move_to(now)
        fresh = (times >= now.timestamp() - 2 * 3600) & (times < now.timestamp())
        coordinator.add_samples("temperature", times[fresh], values[fresh])
        await _refresh(coordinator)
        directions.append(coordinator.data.directions["temperature"])

    assert "rising" in directions
    assert directions[-1] == "falling"
    # Warming was seen, then cooling; no flapping in between.
    assert [event.data["direction"] for event in events] in (["falling"], ["steady", "falling"])
    assert events[0].data["previous_direction"] == "rising"
    last = events[-1].data
    assert last["entity_id"] == entity_id
    assert last["quantity"] == "temperature"
    assert last["slope_per_day"] < -0.5
    assert last["standard_error"] < 0.5
    assert last["threshold"] == 0.5
    # The listener (as an entity would) ran before each event went out.
    assert set(seen_by_listener) >= {0, len(events)}
    unsubscribe()
    await coordinator.async_shutdown()


async def _three_days_more(
    coordinator: TrendCoordinator,
    freezer: FrozenDateTimeFactory,
    *,
    first_day: int,
    per_day: float,
    start_c: float,
    seed: int,
) -> None:
    """Days `first_day` to `first_day` + 3 of a room warming (or cooling) `per_day`, then
    the analysis at their end."""
    freezer.move_to(START + timedelta(days=first_day + 3))
    samples = _room(START.timestamp() + first_day * DAY, 3, per_day, start_c, seed=seed)
    coordinator.add_samples("temperature", *samples)
    await _refresh(coordinator)


async def test_a_change_must_hold_for_the_minimum_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, TREND_CHANGED_EVENT)
    coordinator = TrendCoordinator(
        hass, FeatureEntry(_entry(trend_threshold=0.2)), [TEMPERATURE], window_days=3
    )
    await _three_days_more(coordinator, freezer, first_day=0, per_day=1.0, start_c=20.0, seed=3)
    assert coordinator.data.directions == {"temperature": "rising"}
    # Three days of cooling fill the window; the direction follows only an hour later.
    await _three_days_more(coordinator, freezer, first_day=3, per_day=-1.0, start_c=23.0, seed=4)
    estimate = coordinator.data.estimates["temperature"]
    assert estimate.published
    assert estimate.slope_per_day + 2 * estimate.standard_error < -0.2
    assert coordinator.data.directions == {"temperature": "rising"}
    freezer.tick(timedelta(minutes=59))
    await _refresh(coordinator)
    assert coordinator.data.directions == {"temperature": "rising"}
    assert events == []
    freezer.tick(timedelta(minutes=1))
    await _refresh(coordinator)
    assert coordinator.data.directions == {"temperature": "falling"}
    assert len(events) == 1
    await coordinator.async_shutdown()


async def test_the_event_speaks_the_homes_temperature_unit(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """In a home set to °F the event's slope, error and threshold are °F a day (x1.8),
    rounded as the trend sensors show them (0.01 °F/d, the error to 0.001)."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    events = async_capture_events(hass, TREND_CHANGED_EVENT)
    coordinator = TrendCoordinator(
        hass, FeatureEntry(_entry(trend_threshold=0.2)), [TEMPERATURE], window_days=3
    )
    await _three_days_more(coordinator, freezer, first_day=0, per_day=1.0, start_c=20.0, seed=3)
    await _three_days_more(coordinator, freezer, first_day=3, per_day=-1.0, start_c=23.0, seed=4)
    freezer.tick(timedelta(hours=1))
    await _refresh(coordinator)
    (event,) = events
    estimate = coordinator.data.estimates["temperature"]
    assert event.data["direction"] == "falling"
    assert event.data["unit"] == "°F/d"
    assert event.data["slope_per_day"] == round(estimate.slope_per_day * 1.8, 2)
    assert event.data["standard_error"] == round(estimate.standard_error * 1.8, 3)
    assert event.data["threshold"] == 0.36
    await coordinator.async_shutdown()


async def test_the_minimum_span_and_error_limits_come_from_options_and_quantity(
    hass: HomeAssistant,
) -> None:
    coordinator = TrendCoordinator(
        hass, FeatureEntry(_entry(trend_min_span_hours=12)), [TEMPERATURE, HUMIDITY]
    )
    # Each quantity's rising/falling threshold in its own unit: 0.2 °C/d, 1 %/d by default.
    assert coordinator.thresholds == {"temperature": 0.2, "humidity": 1.0}
    options = {"trend_threshold": 0.4, "humidity_trend_threshold": 3.0}
    chosen = TrendCoordinator(hass, FeatureEntry(_entry(**options)), [TEMPERATURE, HUMIDITY])
    assert chosen.thresholds == {"temperature": 0.4, "humidity": 3.0}
    week = 7 * 86400.0  # the default window: no span beyond it is promised
    assert coordinator.settings == {
        "temperature": TrendSettings(min_span_s=12 * 3600.0, max_standard_error=0.5, window_s=week),
        "humidity": TrendSettings(min_span_s=12 * 3600.0, max_standard_error=2.0, window_s=week),
    }


async def test_samples_from_the_future_are_dropped_with_one_warning(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    freezer.move_to(START)
    now_s = START.timestamp()
    coordinator = TrendCoordinator(hass, FeatureEntry(_entry()), [TEMPERATURE])
    coordinator.add_samples("temperature", [now_s - 60.0, now_s + 365 * DAY], [20.0, 99.0])
    coordinator.add_sample("temperature", now_s + 30 * DAY, 99.0)
    coordinator.add_sample("temperature", now_s, 21.0)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert coordinator.store.view("temperature")[1].tolist() == [20.0, 21.0]
    assert caplog.text.count("stamped in the future") == 1
    await coordinator.async_shutdown()


async def test_duplicate_source_keys_are_refused(hass: HomeAssistant) -> None:
    with pytest.raises(ValueError, match="not unique"):
        TrendCoordinator(hass, FeatureEntry(_entry()), [TEMPERATURE, TEMPERATURE])


def test_numeric_samples_keep_finite_numbers_in_the_source_unit() -> None:
    times, values = numeric_samples(
        [
            (1.0, "21.5", "°C"),
            (2.0, "unavailable", None),
            (3.0, "nan", "°C"),
            (4.0, "-inf", "°C"),
            (5.0, "-3", "°C"),
            (6.0, "68", "°F"),
            (7.0, "300", "K"),
            (8.0, "12", "%"),
        ],
        "°C",
    )
    assert times.dtype == np.float64
    assert values.dtype == np.float32
    assert times.tolist() == [1.0, 5.0, 6.0, 7.0]
    np.testing.assert_allclose(values, [21.5, -3.0, 20.0, 26.85], rtol=1e-6)
    _, humidity = numeric_samples([(1.0, "45", "%"), (2.0, "46", None)], "%")
    assert humidity.tolist() == [45.0]
    # A meter's history in kW (the user's display unit) comes back in the sensor's W.
    _, power = numeric_samples([(1.0, "1.5", "kW"), (2.0, "250", "W"), (3.0, "1", "°C")], "W")
    assert power.tolist() == [1500.0, 250.0]


def test_numeric_samples_beyond_the_stored_precision_are_skipped() -> None:
    """A recorded 1e39 or 1e308 (finite, so the recorder keeps it: a damaged database, another
    integration's glitch) became an infinite sample, and the trend's mean and maximum with it."""
    times, values = numeric_samples(
        [(1.0, "21.5", "°C"), (2.0, "1e39", "°C"), (3.0, "-1e308", "°C"), (4.0, "3e38", "°C")],
        "°C",
    )
    assert times.tolist() == [1.0, 4.0]
    assert np.isfinite(values).all()


def test_unchanged_views_are_kept_from_the_previous_snapshot() -> None:
    """Equal views stay the same objects, which is how entities skip unchanged writes."""
    now_s = START.timestamp()
    store = SampleStore(window_s=7 * DAY, clock=lambda: now_s)
    store.buffer("temperature").extend(*_ramp(now_s - 2 * DAY, 2, 1.0, 20.0))
    store.buffer("humidity").extend(*_ramp(now_s - 2 * DAY, 2, -2.0, 50.0))
    keys = {"temperature", "humidity"}
    settings = {key: TrendSettings(min_span_s=4 * 3600.0, max_standard_error=0.5) for key in keys}

    def analyze(previous: TrendSnapshot | None) -> TrendSnapshot:
        return analyze_snapshot(
            store,
            settings=settings,
            thresholds=dict.fromkeys(keys, 0.2),
            slope_digits=dict.fromkeys(keys, 2),
            tz="Europe/Berlin",
            now_s=now_s,
            previous=previous,
            shown_units={"temperature": DisplayUnit("°C"), "humidity": DisplayUnit("%")},
        )

    first = analyze(None)
    assert set(first.views) == {
        (key, kind) for key in keys for kind in (TREND, RISING, STATUS, EXPECTED)
    }
    result = first.results["temperature"]
    trend_view = first.views["temperature", TREND]
    assert first.estimates["temperature"].published
    assert trend_view.value == 1.0 == round(first.estimates["temperature"].slope_per_day, 2)
    assert "unknown_reason" not in trend_view.attributes
    assert trend_view.attributes["method"] == "robust_fit"
    assert trend_view.attributes["samples"] == result.count
    assert trend_view.attributes["daily_means"] == [
        {"date": day.date.isoformat(), "mean": round(day.mean, 3), "samples": day.count}
        for day in result.daily_means
    ]
    assert first.views["temperature", RISING].value is True
    assert first.views["humidity", RISING].attributes == {
        "direction": "falling",
        "threshold": 0.2,
        "threshold_unit": "%/d",
    }

    again = analyze(first)
    assert all(again.views[key] is first.views[key] for key in first.views)

    store.buffer("temperature").append(now_s, 22.0)
    changed = analyze(again)
    assert changed.views["temperature", TREND] is not again.views["temperature", TREND]
    assert changed.views["temperature", TREND] != again.views["temperature", TREND]
    kept = [key for key in changed.views if key != ("temperature", TREND)]
    assert all(changed.views[key] is again.views[key] for key in kept)


async def test_a_unit_changed_during_an_analysis_is_the_one_its_views_show(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The sensor switched to °F while an analysis ran in the executor with °C: that
    analysis must not put the trend back in °C/d beside the °F sensor."""
    entity_id = _register(hass, TEMPERATURE, "living_room_temperature")
    hass.states.async_set(entity_id, "20.0", {"unit_of_measurement": "°C"})
    freezer.move_to(START + timedelta(days=3))
    entry = _entry()
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE])
    entry.mock_state(hass, ConfigEntryState.SETUP_IN_PROGRESS)
    await coordinator.async_config_entry_first_refresh()
    coordinator.add_samples("temperature", *_ramp(START.timestamp(), 3, 1.0, 20.0))
    assert coordinator.data.views["temperature", TREND].unit == "°C/d"

    refresh = hass.async_create_task(coordinator.async_refresh())  # runs to the executor
    hass.states.async_set(entity_id, "68.0", {"unit_of_measurement": "°F"})
    await refresh

    view = coordinator.data.views["temperature", TREND]
    assert view.unit == "°F/d"
    assert view.value == round(coordinator.data.estimates["temperature"].shown_slope * 1.8, 2)
    assert coordinator.data.views["temperature", RISING].attributes["threshold_unit"] == "°F/d"
    await coordinator.async_shutdown()


async def test_a_unit_change_after_a_failed_refresh_waits_for_the_next_one(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Rebuilding the views at once would mark the failed refresh a success."""
    entity_id = _register(hass, TEMPERATURE, "living_room_temperature")
    hass.states.async_set(entity_id, "20.0", {"unit_of_measurement": "°C"})
    freezer.move_to(START + timedelta(days=3))
    entry = _entry()
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE])
    entry.mock_state(hass, ConfigEntryState.SETUP_IN_PROGRESS)
    await coordinator.async_config_entry_first_refresh()
    coordinator.async_set_update_error(RuntimeError("disk on fire"))

    hass.states.async_set(entity_id, "68.0", {"unit_of_measurement": "°F"})
    assert not coordinator.last_update_success
    assert coordinator.data.views["temperature", TREND].unit == "°C/d"
    await _refresh(coordinator)
    assert coordinator.data.views["temperature", TREND].unit == "°F/d"
    await coordinator.async_shutdown()


async def test_a_new_time_zone_shows_the_trends_times_and_days_in_it_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """``ready_at``, ``last_sample_at`` and the daily means followed the home's time zone only
    at the next analysis, up to 5 minutes later; now at once, and nothing is analysed again."""
    coordinator: TrendCoordinator = init_integration.runtime_data.features[
        next(iter(init_integration.subentries))
    ].trend
    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - 2.5 * DAY, now_s - 30.0, 600.0)
    values = np.round(20.0 + 0.8 * (times - times[0]) / DAY, 1).astype(np.float32)
    coordinator.add_samples("temperature", times, values)
    await coordinator.async_refresh()
    before = coordinator.data
    assert before.estimates["temperature"].published
    trend = hass.states.get("sensor.living_room_temperature_trend")
    # In the harness's zone (US/Pacific: -08:00 in winter, -07:00 in summer).
    home = ZoneInfo(hass.config.time_zone)
    assert trend.attributes["ready_at"] == datetime.fromtimestamp(round(now_s), home).isoformat()

    await hass.config.async_update(time_zone="Asia/Tokyo")
    await hass.async_block_till_done(wait_background_tasks=True)

    after = coordinator.data
    assert after.estimates is before.estimates  # the same analysis, shown in another zone
    assert after.analysed_at_s == before.analysed_at_s
    tokyo = ZoneInfo("Asia/Tokyo")
    trend = hass.states.get("sensor.living_room_temperature_trend")
    shown_since = datetime.fromtimestamp(round(now_s), tokyo).isoformat()
    assert trend.attributes["ready_at"] == shown_since
    assert trend.attributes["last_sample_at"] == (
        datetime.fromtimestamp(
            round(float(coordinator.store.buffer("temperature").last_time)), tokyo
        ).isoformat()
    )
    status = hass.states.get("sensor.living_room_temperature_status")
    assert status.attributes["ready_at"] == shown_since
    # The days begin at Tokyo's midnight: the means pandas gives for Tokyo's days.
    stored_times, stored_values = coordinator.store.buffer("temperature").view()
    reference = pandas_daily(stored_times, stored_values, "Asia/Tokyo")
    shown = trend.attributes["daily_means"]
    assert [day["date"] for day in shown] == [day.date().isoformat() for day in reference.index]
    assert [day["samples"] for day in shown] == list(reference["count"])
    assert [day["mean"] for day in shown] == [round(mean, 3) for mean in reference["mean"]]

    # The next analysis, in Tokyo too, agrees.
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    again = hass.states.get("sensor.living_room_temperature_trend")
    assert again.attributes["daily_means"] == shown
    assert again.attributes["ready_at"] == shown_since


async def test_a_minimum_span_the_window_cannot_hold_is_cut_to_what_it_holds(
    hass: HomeAssistant,
    board_data: dict[str, Any],
    fake_hardware: FakeHardware,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 1-day window with 48 h, set before the forms refused it: the trend read "Collecting
    readings" for good, its ready time always a day ahead. 23 h, the most the forms take."""
    entry = home_entry(
        board_subentry({**board_data, CONF_WINDOW_DAYS: 1, CONF_TREND_MIN_SPAN_HOURS: 48})
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator: TrendCoordinator = feature(entry).trend
    assert {settings.min_span_s for settings in coordinator.settings.values()} == {23 * 3600.0}
    assert caplog.text.count("more than a 1-day window holds; 23 h is used") == 1

    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - 23.5 * 3600.0, now_s - 30.0, 60.0)
    values = 20.0 + np.random.default_rng(3).normal(0.0, 0.05, times.size)
    coordinator.add_samples("temperature", times, values)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.living_room_temperature_status").state == "shown"
