"""Benchmark the sample store and the trend analysis.

100 sensors x 7 days of one-minute samples: the full analysis (target < 100 ms), broken
down into daily means and regression, native vs numpy window statistics, pandas
resample('h').mean().resample('D').mean() (a day's hourly means) as the reference;
memory per stored sample (target <= 12 bytes); append, extend and read throughput of the
ring buffers.

    script/run python bench/trend.py
"""

from __future__ import annotations

import base64
import json
import statistics
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.py_iot_home.analysis import trend, window_stats
from custom_components.py_iot_home.analysis.ring_buffer import BYTES_PER_SAMPLE, RingBuffer
from custom_components.py_iot_home.analysis.sample_codec import encode_samples
from custom_components.py_iot_home.analysis.sample_days import (
    DAY_S,
    REWRITES_PER_SAVE,
    plan_save,
    utc_day,
)
from custom_components.py_iot_home.analysis.sample_store import SampleStore

SENSORS = 100
DAYS = 7
INTERVAL_S = 60.0
ZONE = "Europe/Berlin"
NOW_S = 1_761_523_200.0  # 2025-10-27 00:00 UTC: the window spans the 25-hour DST day
TARGET_MS = 100.0


def timed(fn: Callable[[], object], repeats: int = 7) -> float:
    """Median wall time of ``fn`` in milliseconds (shared 2-core machine: median, not min)."""
    fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(samples)


def build_store() -> SampleStore:
    """Fill a store sized for one-minute samples with 7 days of each sensor."""
    rng = np.random.default_rng(42)
    store = SampleStore(window_s=DAYS * 86400.0, min_interval_s=INTERVAL_S)
    times = np.arange(NOW_S - DAYS * 86400.0, NOW_S, INTERVAL_S)
    cycle = np.sin(2 * np.pi * (times % 86400.0) / 86400.0)
    for i in range(SENSORS):
        drift = rng.normal(0.0, 0.3) * (times - times[0]) / 86400.0
        values = 20.0 + 3.0 * cycle + drift + rng.normal(0.0, 0.2, times.size)
        store.extend(f"sensor_{i:03d}", times, values.astype(np.float32))
    return store


def pandas_daily_means(times: np.ndarray, values: np.ndarray) -> pd.Series:
    index = pd.to_datetime(times, unit="s", utc=True).tz_convert(ZONE)
    series = pd.Series(values.astype(np.float64), index=index)
    return series.resample("h").mean().resample("D").mean()


def analysis_figures(store: SampleStore) -> dict[str, float]:
    arrays = store.snapshot(NOW_S)
    pairs = list(arrays.values())
    keys = store.keys()
    figures = {
        "daily_means_ms": timed(lambda: [trend.daily_means(t, v, ZONE) for t, v in pairs]),
        "pandas_resample_ms": timed(lambda: [pandas_daily_means(t, v) for t, v in pairs], 3),
        "stats_numpy_ms": timed(lambda: [window_stats.window_stats_numpy(t, v) for t, v in pairs]),
        "snapshot_ms": timed(lambda: store.snapshot(NOW_S)),
        "analyze_views_ms": timed(
            lambda: trend.analyze_many({k: store.view(k, NOW_S) for k in keys}, ZONE, NOW_S)
        ),
        "analyze_many_ms": timed(lambda: trend.analyze_many(store, ZONE, NOW_S)),
    }
    if window_stats.backend_name() == "native":
        figures["stats_native_ms"] = timed(
            lambda: [window_stats.window_stats_native(t, v) for t, v in pairs]
        )
    # The same full analysis with the numpy twin swapped in (as the tests do), side by side.
    namespace = vars(trend)
    loaded = namespace["window_stats"]
    namespace["window_stats"] = window_stats.window_stats_numpy
    try:
        figures["analyze_many_numpy_ms"] = timed(lambda: trend.analyze_many(store, ZONE, NOW_S))
    finally:
        namespace["window_stats"] = loaded
    return figures


def check_against_pandas(store: SampleStore) -> float:
    """Largest relative difference between our daily means and pandas' for every sensor."""
    worst = 0.0
    for times, values in store.snapshot(NOW_S).values():
        ours = np.array([day.mean for day in trend.daily_means(times, values, ZONE)])
        theirs = pandas_daily_means(times, values).to_numpy()
        worst = max(worst, float(np.max(np.abs(ours - theirs) / np.abs(theirs))))
    return worst


def store_figures() -> dict[str, float]:
    capacity = int(DAYS * 86400 / INTERVAL_S)
    ring = RingBuffer(capacity)
    ring.extend(np.arange(capacity, dtype=np.float64), np.zeros(capacity, dtype=np.float32))
    appends = 200_000
    next_time = float(capacity)

    def append_many() -> None:
        nonlocal next_time
        for _ in range(appends):
            ring.append(next_time, 1.0)
            next_time += 1.0

    append_ms = timed(append_many, 3)

    store = SampleStore(window_s=DAYS * 86400.0, min_interval_s=INTERVAL_S)
    keys = [f"sensor_{i:03d}" for i in range(SENSORS)]
    store_time = 0.0

    def add_round_robin() -> None:
        nonlocal store_time
        for _ in range(appends // SENSORS):
            store_time += 1.0
            for key in keys:
                store.add(key, store_time, 1.0)

    add_ms = timed(add_round_robin, 3)

    batch = np.arange(capacity, dtype=np.float64)
    batch_values = np.ones(capacity, dtype=np.float32)
    shuffled = np.random.default_rng(1).permutation(batch)
    fresh = RingBuffer(capacity)

    def extend_sorted() -> None:
        fresh.clear()
        fresh.extend(batch, batch_values)

    def extend_shuffled() -> None:
        fresh.clear()
        fresh.extend(shuffled, batch_values)

    extend_ms = timed(extend_sorted)
    merge_ms = timed(extend_shuffled)

    # Reading a full ring after one append: in-place rotation (ours) vs concatenating slices.
    def rotate_view() -> None:
        last = ring.last_time
        assert last is not None
        ring.append(last + 1.0, 2.0)
        ring.view()

    def concat_view() -> None:
        last = ring.last_time
        assert last is not None
        ring.append(last + 1.0, 2.0)
        head = ring._head
        np.concatenate((ring._times[head:], ring._times[:head]))
        np.concatenate((ring._values[head:], ring._values[:head]))

    rotate_us = timed(rotate_view, 50) * 1000.0
    concat_us = timed(concat_view, 50) * 1000.0
    ring.view()
    view_again_us = timed(ring.view, 50) * 1000.0

    late_us, merged_us = late_sample_figures()
    batch_1_us, batch_200_us = replay_batch_figures()
    full = build_store()
    stored = sum(len(full.buffer(key)) for key in full.keys())  # noqa: SIM118
    default_store = SampleStore()
    default_store.add("x", 0.0, 0.0)
    return {
        "append_per_s": appends / (append_ms / 1000.0),
        "store_add_per_s": appends / (add_ms / 1000.0),
        "extend_sorted_per_s": capacity / (extend_ms / 1000.0),
        "extend_merge_per_s": capacity / (merge_ms / 1000.0),
        "late_sample_shift_us": late_us,
        "late_sample_merge_us": merged_us,
        "replay_batch_1_us": batch_1_us,
        "replay_batch_200_us": batch_200_us,
        "view_rotate_us": rotate_us,
        "view_concat_us": concat_us,
        "view_linear_us": view_again_us,
        "bytes_per_stored_sample": full.memory_bytes() / stored,
        "store_mb_100_sensors_1min": full.memory_bytes() / 1e6,
        "store_mb_100_sensors_default_10s": 100 * default_store.memory_bytes() / 1e6,
    }


def late_sample_figures() -> tuple[float, float]:
    """One live sample older than the newest, into a full week's ring of 10 s slots (us).

    Shifted into place by ``append`` (ours), and merged in one pass over the ring (how
    ``extend`` takes more than a few; before 2026-12-05 a sort of the ring, ~300 us).
    """
    capacity = int(DAYS * 86400 / 10.0)
    history = np.arange(0.0, 20.0 * capacity, 20.0)  # every other slot, room for late ones
    late = np.random.default_rng(5).permutation(history[:-1])[:200] + 10.0
    result = []
    for add in ("append", "extend"):
        ring = RingBuffer(capacity)
        ring.extend(history[-capacity:], np.ones(capacity, dtype=np.float32))
        started = time.perf_counter()
        for at in late:
            if add == "append":
                ring.append(float(at), 2.0)
            else:
                # What extend does with more than INSERT_AT_MOST samples.
                ring._merge(np.array([at]), np.array([2.0], dtype=np.float32))
        result.append((time.perf_counter() - started) / late.size * 1e6)
    return result[0], result[1]


def replay_batch_figures() -> tuple[float, float]:
    """A replay batch of 1 and of 200 late samples into a full week's ring of 10 s slots (us).

    One quantity of a node's replay batch: ``extend`` shifts a few into place, merges more.
    """
    capacity = int(DAYS * 86400 / 10.0)
    history = np.arange(0.0, 10.0 * capacity, 10.0)
    rng = np.random.default_rng(6)
    result = []
    for size in (1, 200):
        ring = RingBuffer(capacity, min_spacing_s=10.0)
        ring.extend(history, np.ones(capacity, dtype=np.float32))
        batches = [np.sort(rng.uniform(0.0, history[-1], size)) for _ in range(50)]
        started = time.perf_counter()
        for batch in batches:
            ring.extend(batch + 5.0, np.full(size, 2.0, dtype=np.float32))
        result.append((time.perf_counter() - started) / len(batches) * 1e6)
    return result[0], result[1]


def stored_size_figures() -> dict[str, float]:
    """The trend store's file for one source and a week of 10 s samples, both formats.

    A room's DHT22 readings (tenths, a daily cycle, noise) at a node's jittered 10 s times.
    Format 1 is the plain bytes through zlib and base64, as releases before 2026-12-03 wrote it.
    """
    rng = np.random.default_rng(7)
    count = 7 * 86400 // 10
    times = 1.7e9 + np.cumsum(10.0 + rng.normal(0.0, 0.05, count))
    days = (times - times[0]) / 86400.0
    values = np.round(21.0 + 2.0 * np.sin(2 * np.pi * days) + rng.normal(0, 0.1, count), 1)
    values = values.astype(np.float32)

    def plain(raw: bytes) -> int:
        return len(base64.b64encode(zlib.compress(raw, 6)))

    start = time.perf_counter()
    encoded = encode_samples([("temperature", (times, values))])["sensors"]["temperature"]
    encode_ms = (time.perf_counter() - start) * 1000.0
    whole_kib, days_kib = daily_write_figures(times, values)
    _, replayed_kib = daily_write_figures(times, values, replayed=True)
    _, bounded_kib = daily_write_figures(times, values, replayed=True, rewrites=REWRITES_PER_SAVE)
    return {
        "stored_kib_per_source_week": (len(encoded["times"]) + len(encoded["values"])) / 1024,
        "plain_kib_per_source_week": (plain(times.tobytes()) + plain(values.tobytes())) / 1024,
        "encode_ms_per_source_week": encode_ms,
        "written_kib_per_source_day_whole_file": whole_kib,
        "written_kib_per_source_day_day_files": days_kib,
        "written_kib_per_source_day_replayed_unbounded": replayed_kib,
        "written_kib_per_source_day_replayed_bounded": bounded_kib,
    }


def daily_write_figures(
    times: np.ndarray, values: np.ndarray, *, replayed: bool = False, rewrites: int | None = None
) -> tuple[float, float]:
    """KiB written in a day of saves every 30 min, one source: whole file vs day files.

    The week of samples runs up to a UTC midnight; the next day (the same week's first
    day again, moved on by a week) arrives half an hour per save, and the window drops the
    oldest. The whole file was the week, each time; with day files it is today's samples,
    plus each completed day once: the first save of the day writes the day that just ended.
    ``replayed`` adds, before each save, one late sample at a new time in every completed
    day (a stranger's replay for an unsigned node); ``rewrites`` bounds the days rewritten.
    """
    midnight = (times[-1] // DAY_S + 1) * DAY_S
    week_times = times + (midnight - times[-1] - 10.0)
    next_day = week_times[week_times < week_times[0] + DAY_S] + 7 * DAY_S
    next_values = values[: next_day.size]
    clock = [midnight]
    store = SampleStore(window_s=7 * DAY_S, min_interval_s=10.0, clock=lambda: clock[0])
    store.extend("temperature", week_times, values)
    # What the days before wrote: every day but the one that ends at midnight.
    written = plan_save(store.iter_snapshots, today=utc_day(midnight) - 1, written={}).prints
    whole = days = 0
    waiting: tuple[int, ...] = ()
    for save in range(48):
        clock[0] = midnight + (save + 1) * 1800.0
        arrived = (next_day >= clock[0] - 1800.0) & (next_day < clock[0])
        store.extend("temperature", next_day[arrived], next_values[arrived])
        if replayed:
            # The end of a 10 s slot, at noon: later than what the slot holds, so it stays.
            noon = (np.arange(utc_day(midnight) - 6, utc_day(midnight)) + 0.5) * DAY_S
            late = noon + 10.0 * save + 9.9
            store.extend("temperature", late, np.full(late.size, 30.0, dtype=np.float32))
        whole += _encoded_bytes(encode_samples(store.iter_snapshots()))
        plan = plan_save(
            store.iter_snapshots,
            today=utc_day(midnight),
            written=written,
            rewrites=rewrites,
            waiting=waiting,
        )
        days += _encoded_bytes(plan.today)
        days += sum(_encoded_bytes(data) for data in plan.changed_days.values())
        written, waiting = plan.prints, plan.deferred
    return whole / 1024, days / 1024


def _encoded_bytes(data: dict[str, Any]) -> int:
    return sum(len(text) for sensor in data["sensors"].values() for text in sensor.values())


def main() -> None:
    store = build_store()
    analysis = analysis_figures(store)
    worst_relative = check_against_pandas(store)
    buffers = store_figures()
    stored = stored_size_figures()
    backend = window_stats.backend_name()
    samples = SENSORS * DAYS * 86400 / INTERVAL_S
    total_ms = analysis["analyze_many_ms"]
    stats_native = analysis.get("stats_native_ms", float("nan"))

    print(
        f"trend analysis: {SENSORS} sensors x {DAYS} days x 1 sample/min = {samples:,.0f} samples"
    )
    print(f"window_stats backend: {backend}; zone {ZONE}; median of repeats, ms for all sensors")
    print()
    print(f"{'step':<44}{'ms':>10}{'us/sensor':>12}{'/ pandas':>11}")
    rows = [
        ("daily means (numpy, hourly runs+reduceat)", analysis["daily_means_ms"]),
        ("daily means (pandas, resample h then D)", analysis["pandas_resample_ms"]),
        ("window stats + regression (native)", stats_native),
        ("window stats + regression (numpy twin)", analysis["stats_numpy_ms"]),
        ("store.snapshot() (copies of all sensors)", analysis["snapshot_ms"]),
        (f"analysis of views, no copies ({backend})", analysis["analyze_views_ms"]),
        (f"analyze_many(store): copy+analyse ({backend})", total_ms),
        ("analyze_many(store) with the numpy twin", analysis["analyze_many_numpy_ms"]),
    ]
    pandas_ms = analysis["pandas_resample_ms"]
    for name, ms in rows:
        print(f"{name:<44}{ms:>10.2f}{ms * 1000 / SENSORS:>12.1f}{ms / pandas_ms:>11.3f}")
    print()
    print(f"native vs numpy window stats: {analysis['stats_numpy_ms'] / stats_native:.1f}x faster")
    print(
        "full analysis, native vs numpy: "
        f"{analysis['analyze_many_numpy_ms'] / total_ms:.2f}x faster"
    )
    print(f"daily means vs pandas: {pandas_ms / analysis['daily_means_ms']:.1f}x faster")
    print(f"largest relative difference from pandas daily means: {worst_relative:.2e}")
    print(f"full analysis {total_ms:.1f} ms (target < {TARGET_MS:.0f} ms)")
    print()
    print(f"{'ring buffer':<44}{'value':>14}")
    for name, value, unit in [
        ("RingBuffer.append", buffers["append_per_s"], "/s"),
        ("SampleStore.add (100 sensors round robin)", buffers["store_add_per_s"], "/s"),
        ("extend, sorted (bulk copy)", buffers["extend_sorted_per_s"], "/s"),
        ("extend, shuffled (merge)", buffers["extend_merge_per_s"], "/s"),
        ("a late sample into a full week, 10 s slots", buffers["late_sample_shift_us"], " us"),
        ("   same merged in one pass over the ring", buffers["late_sample_merge_us"], " us"),
        ("replay batch of 1 late sample, one quantity", buffers["replay_batch_1_us"], " us"),
        ("replay batch of 200 late samples", buffers["replay_batch_200_us"], " us"),
        ("view of a full ring after 1 append: rotate", buffers["view_rotate_us"], " us"),
        ("   same with np.concatenate of two slices", buffers["view_concat_us"], " us"),
        ("view of a linear ring", buffers["view_linear_us"], " us"),
        ("bytes per stored sample", buffers["bytes_per_stored_sample"], " B"),
        ("store, 100 sensors, 1-min capacity", buffers["store_mb_100_sensors_1min"], " MB"),
        (
            "store, 100 sensors, default 10 s capacity",
            buffers["store_mb_100_sensors_default_10s"],
            " MB",
        ),
    ]:
        print(f"{name:<44}{value:>14,.1f}{unit}")
    print()
    print("trend store file, one source, a week of 10 s samples (a node's DHT22)")
    print(f"{'format 2 (XOR with previous, bytes grouped)':<44}", end="")
    print(f"{stored['stored_kib_per_source_week']:>14,.1f} KiB")
    print(f"{'format 1 (plain bytes, before 2026-12-03)':<44}", end="")
    print(f"{stored['plain_kib_per_source_week']:>14,.1f} KiB")
    ratio = stored["stored_kib_per_source_week"] / stored["plain_kib_per_source_week"]
    print(f"{'format 2 / format 1':<44}{ratio:>14.2f}")
    print(f"{'encoding it':<44}{stored['encode_ms_per_source_week']:>14,.1f} ms")
    print("written in a day of saves every 30 minutes, the same source")
    whole_kib = stored["written_kib_per_source_day_whole_file"]
    days_kib = stored["written_kib_per_source_day_day_files"]
    print(f"{'whole file at each save (before 2026-12-04)':<44}{whole_kib:>14,.1f} KiB")
    print(f"{'day files (today at each save, a day once)':<44}{days_kib:>14,.1f} KiB")
    print(f"{'day files / whole file':<44}{days_kib / whole_kib:>14.3f}")
    print("  with a late sample replayed into every completed day before each save")
    replayed_kib = stored["written_kib_per_source_day_replayed_unbounded"]
    bounded_kib = stored["written_kib_per_source_day_replayed_bounded"]
    print(f"{'  every changed day (before 2026-12-05)':<44}{replayed_kib:>14,.1f} KiB")
    print(f"{f'  {REWRITES_PER_SAVE} changed day per save':<44}{bounded_kib:>14,.1f} KiB")

    print(
        json.dumps(
            {
                "bench": "trend",
                "sensors": SENSORS,
                "samples": int(samples),
                "backend": backend,
                **{key: round(value, 3) for key, value in analysis.items()},
                "native_vs_numpy_stats": round(analysis["stats_numpy_ms"] / stats_native, 2),
                "daily_means_vs_pandas": round(pandas_ms / analysis["daily_means_ms"], 2),
                "max_rel_diff_vs_pandas": worst_relative,
                **{key: round(value, 1) for key, value in stored.items()},
                "target_ms": TARGET_MS,
                "meets_target": total_ms < TARGET_MS,
                "bytes_per_sample_slot": BYTES_PER_SAMPLE,
                **{key: round(value, 3) for key, value in buffers.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
