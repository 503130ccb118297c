"""Benchmark the trend coordinator on a real Home Assistant event loop.

100 sensors x 7 days of one-minute samples. Before each refresh every sensor gets five new
samples, as five minutes between refreshes bring, so every trend sensor's state changes.
Per refresh: time spent on the event-loop thread (target < 2 ms; every callback the loop
runs is timed), wall time, and time in the executor (analysis and the entities' views),
with the coordinator alone and with its 200 entities listening, and how many entity
states were written (a state's last_reported moved); then a refresh without new samples
(nothing to write). For scale: writing all 200 states once (every refresh did that before,
and built the attributes on the loop too), and the analysis run on the loop instead;
native vs numpy window statistics. A change of the home's time zone: the trends' times and
daily means shown in the new one at once (daily means regrouped in the executor, nothing
analysed). Per sample: ``add_sample`` on the loop against the
bare ring buffer it wraps. Figures are medians of 31 refreshes. Each state written gets a
new ULID; the table says whether ulid-transform's C++ extension did that (script/setup
builds it, as Home Assistant's images ship it) or its pure-Python fallback.

    script/run python bench/coordinator.py
"""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The tests' harness, first: it prepares the test plugin's imports.
from tests.script_hass import script_home_assistant  # isort: skip
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockEntityPlatform,
)

from custom_components.py_iot_home.analysis import trend, window_stats
from custom_components.py_iot_home.analysis.ring_buffer import RingBuffer
from custom_components.py_iot_home.const import CONF_KIND, DOMAIN, EntryKind
from custom_components.py_iot_home.entity import DeviceIdentity
from custom_components.py_iot_home.feature_entry import FeatureEntry
from custom_components.py_iot_home.trends import coordinator as trend_coordinator
from custom_components.py_iot_home.trends.coordinator import (
    TrendCoordinator,
)
from custom_components.py_iot_home.trends.entities import trend_binary_sensors, trend_sensors
from custom_components.py_iot_home.trends.snapshot import (
    TrendSource,
)
from tests.ring_capacity import ring_capacity

SENSORS = 100
DAYS = 7
INTERVAL_S = 60.0
REPEATS = 31
NEW_SAMPLES = 5  # per sensor and refresh: one a minute, a refresh every five minutes
ADD_SAMPLE_CALLS = 100_000
ADD_SAMPLE_STEP_S = 0.01
# The new samples of every refresh (three rounds of a warm-up + REPEATS) and the add_sample
# calls all lie before now: the coordinator drops samples stamped more than 5 minutes ahead.
NEW_SPAN_S = 3 * (REPEATS + 1) * NEW_SAMPLES * INTERVAL_S
ADD_SAMPLE_SPAN_S = 3 * ADD_SAMPLE_CALLS * ADD_SAMPLE_STEP_S
TARGET_LOOP_MS = 2.0
TIME_ZONES = ("Asia/Tokyo", "Europe/Berlin")  # taken in turn, each a change
TIME_ZONE_REPEATS = 7


class LoopClock:
    """Adds up the time the loop thread spends running callbacks (tasks run as callbacks).

    Only the parts of callbacks inside the measured window count: the callback that opens
    the window and the one that closes it also run the bench's own work around it.
    """

    def __init__(self) -> None:
        self.seconds = self.cpu_seconds = 0.0
        self.opened = self.handle_start = (math.inf, math.inf)
        self.open = False
        self._original = asyncio.events.Handle._run
        clock = self

        def timed_run(handle: asyncio.events.Handle) -> None:
            clock.handle_start = (time.perf_counter(), time.thread_time())
            try:
                clock._original(handle)
            finally:
                if clock.open:
                    clock.add_since(clock.handle_start)

        asyncio.events.Handle._run = timed_run  # type: ignore[method-assign,assignment]

    def add_since(self, start: tuple[float, float]) -> None:
        """Add wall and loop-thread CPU time since ``start`` or the window's opening."""
        self.seconds += time.perf_counter() - max(start[0], self.opened[0])
        self.cpu_seconds += time.thread_time() - max(start[1], self.opened[1])

    @contextmanager
    def measure(self) -> Iterator[None]:
        """Time the loop inside the block; runs inside a task, so inside a callback."""
        self.seconds = self.cpu_seconds = 0.0
        self.opened = (time.perf_counter(), time.thread_time())
        self.open = True
        try:
            yield
        finally:
            self.open = False
            self.add_since(self.handle_start)


class ExecutorClock:
    """Wraps a coordinator function to time its part that runs in the executor."""

    def __init__(self, name: str = "analyze_snapshot") -> None:
        self.seconds = 0.0
        self.thread_ids: set[int] = set()
        real = getattr(trend_coordinator, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.thread_ids.add(threading.get_ident())

        setattr(trend_coordinator, name, timed)


def sources() -> list[TrendSource]:
    return [
        TrendSource(
            key=f"dht{i:03d}_{quantity}",
            quantity=quantity,
            unit="°C" if quantity == "temperature" else "%",
            source_unique_id=f"node_dht{i:03d}_{quantity}",
            sensor_name=f"DHT {i}",
        )
        for i in range(SENSORS // 2)
        for quantity in ("temperature", "humidity")
    ]


def fill(coordinator: TrendCoordinator, now_s: float) -> None:
    rng = np.random.default_rng(42)
    # Starting ten minutes inside the window: no sample ages out while the bench runs.
    times = np.arange(now_s - DAYS * 86400.0 + 600.0, now_s, INTERVAL_S)
    cycle = np.sin(2 * np.pi * (times % 86400.0) / 86400.0)
    for key in coordinator.sources:
        drift = rng.normal(0.0, 0.3) * (times - times[0]) / 86400.0
        values = 20.0 + 3.0 * cycle + drift + rng.normal(0.0, 0.2, times.size)
        coordinator.add_samples(key, times, values.astype(np.float32))


class NewSamples:
    """Adds NEW_SAMPLES one-minute samples to every sensor, later each time it is called."""

    def __init__(self, coordinator: TrendCoordinator, start_s: float) -> None:
        self.coordinator = coordinator
        self.next_s = start_s
        self.rng = np.random.default_rng(7)

    def __call__(self) -> None:
        times = self.next_s + INTERVAL_S * np.arange(NEW_SAMPLES)
        self.next_s += INTERVAL_S * NEW_SAMPLES
        for key in self.coordinator.sources:
            for t_s in times:
                self.coordinator.add_sample(key, float(t_s), 21.0 + self.rng.normal(0.0, 0.2))


def reported(hass: HomeAssistant) -> dict[str, float]:
    return {state.entity_id: state.last_reported_timestamp for state in hass.states.async_all()}


async def refresh_figures(
    coordinator: TrendCoordinator,
    loop_clock: LoopClock,
    executor: ExecutorClock,
    before_each: Callable[[], None] | None,
) -> dict[str, float]:
    """Median loop (wall, CPU), wall and executor milliseconds and state writes per refresh."""
    hass = coordinator.hass
    loop_ms, loop_cpu_ms, wall_ms, executor_ms, writes = [], [], [], [], []
    if before_each is not None:
        before_each()
    await coordinator.async_refresh()  # warm caches (day boundaries, translations)
    for _ in range(REPEATS):
        if before_each is not None:
            before_each()
        before = reported(hass)
        executor.seconds = 0.0
        start = time.perf_counter()
        with loop_clock.measure():
            await coordinator.async_refresh()
        wall_ms.append((time.perf_counter() - start) * 1000.0)
        loop_ms.append(loop_clock.seconds * 1000.0)
        loop_cpu_ms.append(loop_clock.cpu_seconds * 1000.0)
        executor_ms.append(executor.seconds * 1000.0)
        writes.append(sum(reported(hass)[key] != value for key, value in before.items()))
        assert coordinator.last_update_success
    return {
        "loop_ms": statistics.median(loop_ms),
        "loop_cpu_ms": statistics.median(loop_cpu_ms),
        "wall_ms": statistics.median(wall_ms),
        "executor_ms": statistics.median(executor_ms),
        "writes": statistics.median(writes),
    }


async def time_zone_figures(
    coordinator: TrendCoordinator, loop_clock: LoopClock
) -> dict[str, float]:
    """Median loop (wall, CPU) and executor milliseconds and writes to show another zone."""
    hass = coordinator.hass
    unsubscribe = coordinator.async_follow_time_zone()
    executor = ExecutorClock("in_time_zone")
    loop_ms, loop_cpu_ms, executor_ms, writes = [], [], [], []
    for repeat in range(TIME_ZONE_REPEATS):
        zone = TIME_ZONES[repeat % len(TIME_ZONES)]
        await hass.config.async_set_time_zone(zone)
        before = reported(hass)
        executor.seconds = 0.0
        with loop_clock.measure():
            hass.bus.async_fire(EVENT_CORE_CONFIG_UPDATE, {"time_zone": zone})
            await hass.async_block_till_done(wait_background_tasks=True)
        loop_ms.append(loop_clock.seconds * 1000.0)
        loop_cpu_ms.append(loop_clock.cpu_seconds * 1000.0)
        executor_ms.append(executor.seconds * 1000.0)
        writes.append(sum(reported(hass)[key] != value for key, value in before.items()))
    unsubscribe()
    return {
        "time_zone_loop_ms": statistics.median(loop_ms),
        "time_zone_loop_cpu_ms": statistics.median(loop_cpu_ms),
        "time_zone_executor_ms": statistics.median(executor_ms),
        "time_zone_writes": statistics.median(writes),
    }


async def write_all_ms(entities: list[Any], loop_clock: LoopClock) -> tuple[float, float]:
    """Median loop milliseconds (wall, CPU) to write every entity's state once."""
    runs, cpu_runs = [], []
    for _ in range(REPEATS):

        async def write_all() -> None:
            for entity in entities:
                entity.async_write_ha_state()

        with loop_clock.measure():
            await asyncio.get_running_loop().create_task(write_all())
        runs.append(loop_clock.seconds * 1000.0)
        cpu_runs.append(loop_clock.cpu_seconds * 1000.0)
    return statistics.median(runs), statistics.median(cpu_runs)


def per_call_ns(fn: Callable[[int, float], object], start_s: float, calls: int) -> float:
    """Nanoseconds per ``fn(i, time_s)`` call, times increasing from ``start_s``."""
    start = time.perf_counter()
    for i in range(calls):
        fn(i, start_s + i * ADD_SAMPLE_STEP_S)
    return (time.perf_counter() - start) / calls * 1e9


async def add_sample_figures(coordinator: TrendCoordinator, start_s: float) -> dict[str, float]:
    """Best of three rounds; times keep increasing across rounds, as live samples do."""
    keys = list(coordinator.sources)
    n_keys = len(keys)
    ring = RingBuffer(ring_capacity(coordinator.store.buffer(keys[0])))
    add_sample = coordinator.add_sample
    per_sample, bare = [], []
    for round_ in range(3):
        t0 = start_s + round_ * ADD_SAMPLE_CALLS * ADD_SAMPLE_STEP_S
        per_sample.append(
            per_call_ns(lambda i, t: add_sample(keys[i % n_keys], t, 21.5), t0, ADD_SAMPLE_CALLS)
        )
        bare.append(per_call_ns(lambda _, t: ring.append(t, 21.5), t0, ADD_SAMPLE_CALLS))
    return {"add_sample_ns": min(per_sample), "ring_append_ns": min(bare)}


def ulid_compiled() -> bool:
    """Whether state writes get their IDs from ulid-transform's C++ extension, as on HA's images."""
    try:
        import ulid_transform._ulid_impl  # noqa: F401
    except ImportError:
        return False
    return True


async def run(hass: HomeAssistant) -> dict[str, Any]:
    loop_clock = LoopClock()
    executor = ExecutorClock()
    entry = MockConfigEntry(
        domain=DOMAIN, title="Bench", unique_id="bench", data={CONF_KIND: EntryKind.NODE}
    )
    entry.add_to_hass(hass)
    now_s = dt_util.utcnow().timestamp()
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), sources())
    # History up to where the new samples start; they and the add_sample calls end before now.
    history_end_s = now_s - NEW_SPAN_S - ADD_SAMPLE_SPAN_S - 600.0
    fill(coordinator, history_end_s)
    samples = sum(len(coordinator.store.buffer(key)) for key in coordinator.sources)
    new_samples = NewSamples(coordinator, history_end_s)

    figures: dict[str, Any] = {"sensors": SENSORS, "samples": samples}
    alone = await refresh_figures(coordinator, loop_clock, executor, new_samples)
    assert threading.get_ident() not in executor.thread_ids

    with patch.object(trend, "window_stats", window_stats.window_stats_numpy):
        numpy_alone = await refresh_figures(coordinator, loop_clock, executor, new_samples)

    device = DeviceIdentity.of("bench", DeviceInfo(name="Bench"))
    all_entities: list[Any] = []
    for domain, entities in (
        ("sensor", trend_sensors(coordinator, device)),
        ("binary_sensor", trend_binary_sensors(coordinator, device)),
    ):
        platform = MockEntityPlatform(hass, domain=domain, platform_name=DOMAIN)
        platform.config_entry = entry
        await platform.async_add_entities(entities)
        all_entities += entities
    await hass.async_block_till_done()
    entity_count = len(hass.states.async_all())
    with_entities = await refresh_figures(coordinator, loop_clock, executor, new_samples)
    nothing_new = await refresh_figures(coordinator, loop_clock, executor, None)
    write_all, write_all_cpu = await write_all_ms(all_entities, loop_clock)
    time_zone = await time_zone_figures(coordinator, loop_clock)

    on_loop_ms = []
    for _ in range(3):
        start = time.perf_counter()
        trend.analyze_many(coordinator.store, hass.config.time_zone, now_s)
        on_loop_ms.append((time.perf_counter() - start) * 1000.0)

    figures |= {
        "backend": window_stats.backend_name(),
        "ulid_compiled": ulid_compiled(),
        "entities": entity_count,
        "new_samples_per_sensor": NEW_SAMPLES,
        "refresh_loop_ms": alone["loop_ms"],
        "refresh_loop_cpu_ms": alone["loop_cpu_ms"],
        "refresh_wall_ms": alone["wall_ms"],
        "refresh_executor_ms": alone["executor_ms"],
        "refresh_numpy_loop_ms": numpy_alone["loop_ms"],
        "refresh_numpy_loop_cpu_ms": numpy_alone["loop_cpu_ms"],
        "refresh_numpy_executor_ms": numpy_alone["executor_ms"],
        "refresh_with_entities_loop_ms": with_entities["loop_ms"],
        "refresh_with_entities_loop_cpu_ms": with_entities["loop_cpu_ms"],
        "refresh_with_entities_wall_ms": with_entities["wall_ms"],
        "refresh_with_entities_executor_ms": with_entities["executor_ms"],
        "refresh_with_entities_writes": with_entities["writes"],
        "refresh_nothing_new_loop_ms": nothing_new["loop_ms"],
        "refresh_nothing_new_loop_cpu_ms": nothing_new["loop_cpu_ms"],
        "refresh_nothing_new_writes": nothing_new["writes"],
        "write_all_states_loop_ms": write_all,
        "write_all_states_loop_cpu_ms": write_all_cpu,
        "analysis_on_loop_ms": statistics.median(on_loop_ms),
        **time_zone,
        **await add_sample_figures(coordinator, now_s - ADD_SAMPLE_SPAN_S - 300.0),
        "target_loop_ms": TARGET_LOOP_MS,
    }
    await coordinator.async_shutdown()
    return figures


async def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as config_dir:
        async with script_home_assistant(config_dir) as hass:
            return await run(hass)


def report(f: dict[str, Any]) -> None:
    print(
        f"{f['sensors']} sensors, {f['samples']:,} samples (7 days, one a minute), "
        f"window statistics backend: {f['backend']}, ulid-transform: "
        f"{'compiled' if f['ulid_compiled'] else 'pure Python (setup builds it compiled)'}\n"
    )
    nan = float("nan")
    rows = [
        ("refresh, coordinator alone", "refresh", f["refresh_executor_ms"], nan),
        ("refresh, numpy statistics", "refresh_numpy", f["refresh_numpy_executor_ms"], nan),
        (
            f"refresh, {f['entities']} entities listening",
            "refresh_with_entities",
            f["refresh_with_entities_executor_ms"],
            f["refresh_with_entities_writes"],
        ),
        ("  same, no new samples", "refresh_nothing_new", nan, f["refresh_nothing_new_writes"]),
        (
            "time zone changed (no analysis)",
            "time_zone",
            f["time_zone_executor_ms"],
            f["time_zone_writes"],
        ),
        (f"for scale: writing all {f['entities']} states", "write_all_states", nan, f["entities"]),
    ]
    print(f"{'per refresh':<36}{'loop ms':>10}{'loop cpu ms':>13}{'executor ms':>13}{'writes':>8}")
    for name, prefix, executor_ms, writes in rows:
        print(
            f"{name:<36}{f[prefix + '_loop_ms']:>10.3f}{f[prefix + '_loop_cpu_ms']:>13.3f}"
            f"{executor_ms:>13.2f}{writes:>8.0f}"
        )
    print(f"{'analysis run on the loop instead':<36}{f['analysis_on_loop_ms']:>10.3f}")
    target = f["target_loop_ms"]
    loop_ms = f["refresh_with_entities_loop_ms"]
    print(
        f"\nloop time per refresh with {f['entities']} entities: {loop_ms:.3f} ms (target < "
        f"{target} ms: {'ok' if loop_ms < target else 'MISSED'}); coordinator alone "
        f"{f['refresh_loop_ms']:.3f} ms, "
        f"{f['analysis_on_loop_ms'] / f['refresh_loop_ms']:.0f}x less than analysing on the loop"
    )
    print(
        f"native vs numpy executor time: "
        f"{f['refresh_numpy_executor_ms'] / f['refresh_executor_ms']:.2f}x"
    )
    print(
        f"add_sample: {f['add_sample_ns']:.0f} ns per sample on the loop "
        f"(bare RingBuffer.append {f['ring_append_ns']:.0f} ns, "
        f"{f['add_sample_ns'] / f['ring_append_ns']:.2f}x)"
    )


if __name__ == "__main__":
    results = asyncio.run(main())
    report(results)
    print(
        json.dumps({key: round(v, 4) if isinstance(v, float) else v for key, v in results.items()})
    )
