"""Tests for the bounded sample buffers."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.py_iot_home.analysis.ring_buffer import (
    BYTES_PER_SAMPLE,
    MAX_FUTURE_S,
    NEWEST_HOLD_S,
    RingBuffer,
)
from custom_components.py_iot_home.analysis.sample_store import SampleStore
from tests.ring_capacity import ring_capacity


def _times(ring: RingBuffer, now_s: float | None = None) -> list[float]:
    times: list[float] = ring.view(now_s)[0].tolist()
    return times


def test_appends_in_order_are_returned_as_contiguous_typed_arrays() -> None:
    ring = RingBuffer(8)
    for i in range(5):
        ring.append(100.0 + i, 20.0 + i)

    times, values = ring.view()

    assert times.tolist() == [100.0, 101.0, 102.0, 103.0, 104.0]
    assert values.tolist() == [20.0, 21.0, 22.0, 23.0, 24.0]
    assert times.dtype == np.float64
    assert values.dtype == np.float32
    assert times.flags.c_contiguous
    assert values.flags.c_contiguous
    assert len(ring) == 5


def test_wrap_around_keeps_the_newest_samples_in_order() -> None:
    ring = RingBuffer(5)
    for i in range(12):
        ring.append(float(i), float(i) * 2)
        expected = list(range(max(0, i - 4), i + 1))
        # Read after every append so the ring is read in every rotation state.
        times, values = ring.view()
        assert times.tolist() == [float(t) for t in expected]
        assert values.tolist() == [float(t) * 2 for t in expected]
    assert len(ring) == 5


def test_wrap_around_without_intermediate_reads() -> None:
    ring = RingBuffer(4)
    for i in range(11):
        ring.append(float(i), float(i))

    assert _times(ring) == [7.0, 8.0, 9.0, 10.0]


def test_memory_is_twelve_bytes_per_slot_and_fixed() -> None:
    ring = RingBuffer(1000)
    before = ring.nbytes
    ring.extend(np.arange(5000, dtype=np.float64), np.ones(5000, dtype=np.float32))

    assert before == 1000 * BYTES_PER_SAMPLE == 12_000
    assert ring.nbytes == before
    assert len(ring) == ring_capacity(ring) == 1000


class FakeClock:
    """Now, as the store sees it."""

    def __init__(self, now_s: float) -> None:
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s


def test_window_trims_on_read_relative_to_now() -> None:
    clock = FakeClock(20.0)
    ring = RingBuffer(100, window_s=10.0, clock=clock)
    ring.extend(np.arange(0.0, 21.0), np.zeros(21, dtype=np.float32))

    assert _times(ring, now_s=15.0) == [float(t) for t in range(5, 21)]
    # Without now_s the clock is the reference: cutoff 20 - 10 = 10, inclusive.
    assert _times(ring) == [float(t) for t in range(10, 21)]
    # Trimming is permanent: an earlier "now" does not bring samples back.
    assert _times(ring, now_s=12.0) == [float(t) for t in range(10, 21)]
    assert len(ring) == 11


def test_a_silent_sensor_keeps_its_last_window_for_a_day_then_loses_it() -> None:
    """Age counts from now, or from the newest sample when it is older, for up to a day: a
    sensor that went silent keeps its last window, so what is computed from it stands still
    while nothing new comes; then it loses its samples, and none is kept for good."""
    clock = FakeClock(100.0)
    ring = RingBuffer(100, window_s=50.0, clock=clock)
    ring.extend(np.arange(60.0, 101.0), np.ones(41, dtype=np.float32))
    clock.now_s = 140.0  # nothing new for 40 s

    assert _times(ring) == [float(t) for t in range(60, 101)]
    clock.now_s = 100.0 + NEWEST_HOLD_S + 20.0
    assert _times(ring) == [float(t) for t in range(70, 101)]
    clock.now_s = 100.0 + NEWEST_HOLD_S + 60.0
    assert _times(ring) == []
    assert len(ring) == 0


def test_a_reading_after_a_silence_lets_the_old_window_go() -> None:
    clock = FakeClock(1000.0)
    ring = RingBuffer(100, window_s=50.0, clock=clock)
    ring.extend(np.arange(60.0, 101.0), np.ones(41, dtype=np.float32))

    assert ring.append(1000.0, 2.0)
    assert _times(ring) == [1000.0]


def test_a_far_future_sample_is_refused_and_flushes_nothing() -> None:
    clock = FakeClock(1_000.0)
    ring = RingBuffer(100, window_s=500.0, clock=clock)
    ring.extend(np.arange(600.0, 1001.0, 100.0), np.ones(5, dtype=np.float32))

    assert not ring.append(1_000.0 + 365 * 86400.0, 99.0)
    assert ring.append(1_000.0 + MAX_FUTURE_S, 2.0)  # a clock a little ahead is fine
    taken = ring.extend([1_050.0, 1e12, 5e9], [3.0, 99.0, 99.0])

    assert taken == 1
    assert _times(ring) == [600.0, 700.0, 800.0, 900.0, 1000.0, 1050.0, 1300.0]
    assert 99.0 not in ring.view()[1].tolist()


def test_out_of_order_append_is_merged() -> None:
    ring = RingBuffer(10)
    for t in (1.0, 2.0, 4.0, 5.0):
        ring.append(t, t)
    ring.append(3.0, 3.0)
    ring.append(0.5, 0.5)

    times, values = ring.view()
    assert times.tolist() == [0.5, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert values.tolist() == times.tolist()


def test_extend_merges_replayed_history_and_incoming_wins_on_equal_times() -> None:
    ring = RingBuffer(10)
    ring.extend([10.0, 20.0, 30.0], [1.0, 2.0, 3.0])
    ring.extend([25.0, 5.0, 20.0, 35.0], [2.5, 0.5, 9.0, 3.5])

    times, values = ring.view()
    assert times.tolist() == [5.0, 10.0, 20.0, 25.0, 30.0, 35.0]
    assert values.tolist() == [0.5, 1.0, 9.0, 2.5, 3.0, 3.5]


def test_append_with_the_newest_time_replaces_the_value() -> None:
    ring = RingBuffer(3)
    ring.append(1.0, 1.0)
    ring.append(1.0, 7.0)

    assert ring.view()[1].tolist() == [7.0]


def test_merge_into_a_full_ring_drops_the_oldest() -> None:
    ring = RingBuffer(4)
    for t in range(10, 16):  # wraps: holds 12..15
        ring.append(float(t), float(t))
    ring.extend([1.0, 13.5], [1.0, 13.5])

    assert _times(ring) == [13.0, 13.5, 14.0, 15.0]


def test_extend_larger_than_capacity_keeps_the_newest() -> None:
    ring = RingBuffer(3)
    ring.append(0.0, 0.0)
    ring.extend(np.arange(1.0, 8.0), np.arange(1.0, 8.0, dtype=np.float32))

    assert _times(ring) == [5.0, 6.0, 7.0]


def test_bulk_append_shifts_out_the_oldest_when_it_overflows() -> None:
    ring = RingBuffer(5)
    ring.extend([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0])
    ring.extend([5.0, 6.0, 7.0], [5.0, 6.0, 7.0])

    times, values = ring.view()
    assert times.tolist() == [3.0, 4.0, 5.0, 6.0, 7.0]
    assert values.tolist() == times.tolist()


def test_view_is_read_only_and_snapshot_survives_later_appends() -> None:
    ring = RingBuffer(3)
    ring.extend([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    times, _ = ring.view()
    snap_times, snap_values = ring.snapshot()

    with pytest.raises(ValueError, match="read-only"):
        times[0] = 0.0
    ring.append(4.0, 4.0)
    ring.append(5.0, 5.0)
    ring.view()

    assert snap_times.tolist() == [1.0, 2.0, 3.0]
    assert snap_values.tolist() == [1.0, 2.0, 3.0]
    assert _times(ring) == [3.0, 4.0, 5.0]


@pytest.mark.parametrize(
    ("capacity", "window_s"), [(0, None), (-1, None), (1, 0.0), (1, -5.0), (1, float("nan"))]
)
def test_invalid_bounds_are_rejected(capacity: int, window_s: float | None) -> None:
    with pytest.raises(ValueError, match="must be"):
        RingBuffer(capacity, window_s)


def test_invalid_samples_are_rejected() -> None:
    ring = RingBuffer(4)
    with pytest.raises(ValueError, match="finite"):
        ring.append(float("nan"), 1.0)
    with pytest.raises(ValueError, match="finite"):
        ring.extend([1.0, float("inf")], [1.0, 2.0])
    with pytest.raises(ValueError, match="differ in length"):
        ring.extend([1.0, 2.0], [1.0])
    ring.extend([], [])
    assert len(ring) == 0
    assert ring.last_time is None


def test_nan_values_are_stored() -> None:
    ring = RingBuffer(4)
    ring.append(1.0, float("nan"))
    ring.append(2.0, 5.0)

    values = ring.view()[1]
    assert np.isnan(values[0])
    assert values[1] == 5.0


def test_clear_forgets_samples_but_keeps_memory() -> None:
    ring = RingBuffer(4)
    ring.extend([1.0, 2.0], [1.0, 2.0])
    ring.clear()

    assert len(ring) == 0
    assert ring.nbytes == 48
    ring.append(0.5, 3.0)
    assert _times(ring) == [0.5]


_operations = st.lists(
    st.one_of(
        st.tuples(st.just("append"), st.integers(0, 60), st.integers(-50, 50)),
        st.tuples(
            st.just("extend"),
            st.lists(st.tuples(st.integers(0, 60), st.integers(-50, 50)), max_size=12),
        ),
        st.tuples(st.just("view"), st.none() | st.integers(0, 80)),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(
    capacity=st.integers(1, 9),
    window=st.none() | st.integers(1, 40),
    clock_now=st.integers(-300, 80),
    operations=_operations,
)
def test_matches_a_dictionary_model(
    capacity: int, window: int | None, clock_now: int, operations: list[tuple[Any, ...]]
) -> None:
    """Any mix of appends, extends and reads equals 'newest `capacity` samples by time'.

    Samples later than the clock's now plus ``MAX_FUTURE_S`` are never taken; the window
    counts from the read's ``now_s``, or else the clock's now, or from the newest sample
    when it is older (by up to ``NEWEST_HOLD_S``).
    """
    ring = RingBuffer(
        capacity, None if window is None else float(window), clock=FakeClock(float(clock_now))
    )
    latest = clock_now + MAX_FUTURE_S
    model: dict[float, float] = {}

    def keep_newest() -> None:
        for old in sorted(model)[:-capacity]:
            del model[old]

    def trim_to_window(now: float | None) -> None:
        if window is None or not model:
            return
        now = float(clock_now) if now is None else now
        reference = max(min(now, max(model)), now - NEWEST_HOLD_S)
        for old in [t for t in model if t < reference - window]:
            del model[old]

    for operation in operations:
        match operation:
            case ("append", int(t), int(v)):
                assert ring.append(float(t), float(v)) == (t <= latest)
                if t <= latest:
                    model[float(t)] = float(v)
                keep_newest()
            case ("extend", list(pairs)):
                taken = ring.extend([p[0] for p in pairs], [p[1] for p in pairs])
                assert taken == sum(t <= latest for t, _ in pairs)
                model.update({float(t): float(v) for t, v in pairs if t <= latest})
                keep_newest()
            case ("view", now):
                times, values = ring.view(None if now is None else float(now))
                trim_to_window(None if now is None else float(now))
                assert times.tolist() == sorted(model)
                assert values.tolist() == [model[t] for t in sorted(model)]
        assert len(ring) <= capacity
    times, values = ring.snapshot()
    trim_to_window(None)
    assert times.tolist() == sorted(model)
    assert values.tolist() == [model[t] for t in sorted(model)]


def test_snapshots_taken_while_another_thread_appends_are_consistent() -> None:
    # The clock is far ahead of the samples, the window longer still: nothing expires.
    ring = RingBuffer(256, window_s=2e9, clock=FakeClock(1e9))
    stop = threading.Event()

    def write() -> None:
        time_s = 0.0
        while not stop.is_set():
            time_s += 1.0
            ring.append(time_s, time_s % 1000.0)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        seen = 0
        for _ in range(2000):
            times, values = ring.snapshot()
            if times.size:
                # A torn read would show a gap, a duplicate or a value from another slot.
                assert np.all(np.diff(times) == 1.0)
                assert np.array_equal(values, times % 1000.0)
                seen = max(seen, times.size)
    finally:
        stop.set()
        writer.join()
    assert seen > 1


def test_store_capacity_derives_from_window_and_minimum_interval() -> None:
    assert ring_capacity(SampleStore().buffer("t")) == 60_480
    assert ring_capacity(SampleStore(window_s=3600.0, min_interval_s=60.0).buffer("t")) == 60
    assert ring_capacity(SampleStore(window_s=100.0, min_interval_s=30.0).buffer("t")) == 4
    assert ring_capacity(SampleStore(window_s=3600.0, capacity_per_sensor=7).buffer("t")) == 7


@pytest.mark.parametrize(
    "kwargs",
    [{"window_s": 0.0}, {"min_interval_s": 0.0}, {"capacity_per_sensor": 0}],
)
def test_store_rejects_invalid_bounds(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        SampleStore(**kwargs)  # type: ignore[arg-type]


def test_store_creates_buffers_on_first_use_and_accounts_memory() -> None:
    store = SampleStore(window_s=600.0, min_interval_s=10.0, clock=FakeClock(30.0))
    store.add("living_room_temperature", 0.0, 21.5)
    store.extend("garage_humidity", [30.0, 10.0, 20.0], [50.0, 40.0, 45.0])
    store.add("living_room_temperature", 10.0, 21.7)

    assert store.keys() == ["living_room_temperature", "garage_humidity"]
    assert "garage_humidity" in store
    assert len(store) == 2
    assert store.memory_bytes() == 2 * 60 * BYTES_PER_SAMPLE
    times, values = store.view("garage_humidity")
    assert times.tolist() == [10.0, 20.0, 30.0]
    assert values.tolist() == [40.0, 45.0, 50.0]
    assert store.buffer("garage_humidity").window_s == store.window_s == 600.0


def test_store_view_trims_to_the_window_and_unknown_keys_are_empty() -> None:
    store = SampleStore(window_s=60.0, capacity_per_sensor=100)
    store.extend("a", np.arange(0.0, 200.0, 10.0), np.zeros(20, dtype=np.float32))

    times, _ = store.view("a", now_s=190.0)
    assert times.tolist() == [130.0, 140.0, 150.0, 160.0, 170.0, 180.0, 190.0]
    empty_times, empty_values = store.view("missing")
    assert empty_times.size == empty_values.size == 0
    assert "missing" not in store


def test_store_snapshot_copies_every_sensor_and_remove_frees_it() -> None:
    store = SampleStore(window_s=100.0, capacity_per_sensor=10)
    store.add("a", 1.0, 1.0)
    store.add("b", 2.0, 2.0)
    snapshot = store.snapshot(now_s=50.0)
    store.add("a", 3.0, 3.0)
    store.remove("b")
    store.remove("never_added")

    assert snapshot["a"][0].tolist() == [1.0]
    assert snapshot["b"][1].tolist() == [2.0]
    assert snapshot["a"][0].flags.writeable
    assert store.keys() == ["a"]
    assert store.memory_bytes() == 10 * BYTES_PER_SAMPLE


def test_store_iter_snapshots_copies_one_sensor_at_a_time() -> None:
    store = SampleStore(window_s=100.0, capacity_per_sensor=10, clock=FakeClock(5.0))
    store.extend("a", [1.0, 2.0], [1.0, 2.0])
    store.extend("b", [3.0], [3.0])

    snapshots = store.iter_snapshots()
    key, (times, _) = next(snapshots)
    store.add("b", 4.0, 4.0)  # lands in the copy of "b", which is not taken yet
    store.add("a", 5.0, 5.0)  # does not reach the copy of "a" already taken
    rest = dict(snapshots)

    assert (key, times.tolist()) == ("a", [1.0, 2.0])
    assert rest["b"][0].tolist() == [3.0, 4.0]


DAY_S = 86400.0


def test_a_sensor_faster_than_the_store_still_keeps_its_whole_window() -> None:
    """A node sending every 2 s kept 1.4 of 7 days: the trend saw only its latest days."""
    now = 1_790_000_000.0
    store = SampleStore(window_s=7 * DAY_S, min_interval_s=10.0, clock=lambda: now)
    times = np.arange(now - 7 * DAY_S + 1.0, now, 2.0)
    for batch in np.array_split(times, 7):  # seeded or replayed in bulk
        store.extend("fast", batch, np.full(batch.size, 20.0))
    for at in np.arange(now - 3600.0, now, 2.0):
        store.add("live", float(at), 21.0)
    kept, _ = store.view("fast")
    assert kept[0] - times[0] < 10.0  # the oldest day is still there
    assert np.all(np.diff(kept) >= 0.0)
    assert kept.size <= 7 * DAY_S / 10.0 + 1
    assert np.unique(np.floor(kept / 10.0)).size == kept.size  # one per 10-s slot
    live, _ = store.view("live")
    assert live.size == 360  # an hour of 2-s samples: one per slot, the latest
    assert np.all(np.floor(live / 10.0) * 10.0 + 8.0 == live)


def test_a_flood_cannot_push_the_older_samples_out() -> None:
    now = 1_790_000_000.0
    store = SampleStore(window_s=DAY_S, min_interval_s=10.0, clock=lambda: now)
    history = np.arange(now - DAY_S + 60.0, now - 60.0, 60.0)
    store.extend("kitchen", history, np.full(history.size, 20.0))
    # A stranger sends 100,000 samples stamped within the last minute, one by one and batched.
    flood = np.sort(np.random.default_rng(3).uniform(now - 60.0, now, 100_000))
    for at in flood[:50_000]:
        store.add("kitchen", float(at), 99.0)
    store.extend("kitchen", flood[50_000:], np.full(50_000, 99.0))
    times, values = store.view("kitchen")
    assert np.array_equal(times[: history.size], history)
    assert np.all(values[: history.size] == 20.0)
    assert times.size - history.size <= 7  # the flood fills the last minute's slots only


def test_a_resent_sample_fills_an_empty_slot_and_the_latest_of_a_slot_is_kept() -> None:
    store = SampleStore(window_s=DAY_S, min_interval_s=10.0, clock=lambda: 1_000_100.0)
    for at in (1_000_000.0, 1_000_002.0, 1_000_031.0):
        store.add("s", at, at - 1_000_000.0)
    store.extend("s", [1_000_012.0, 1_000_015.0, 1_000_004.0], [12.0, 15.0, 4.0])
    times, values = store.view("s")
    assert times.tolist() == [1_000_004.0, 1_000_015.0, 1_000_031.0]
    assert values.tolist() == [4.0, 15.0, 31.0]


def test_an_explicit_capacity_keeps_every_sample() -> None:
    store = SampleStore(window_s=DAY_S, capacity_per_sensor=4)
    for at in (1.0, 2.0, 3.0):
        store.add("s", at, at)
    assert store.view("s", now_s=3.0)[0].tolist() == [1.0, 2.0, 3.0]


@settings(max_examples=300, deadline=None)
@given(
    spacing=st.none() | st.sampled_from([2.0, 5.0]),
    capacity=st.integers(1, 9),
    samples=st.lists(st.tuples(st.integers(0, 60), st.integers(-50, 50)), max_size=30),
)
def test_a_late_append_keeps_what_a_merge_keeps(
    spacing: float | None, capacity: int, samples: list[tuple[int, int]]
) -> None:
    """`append` of one sample equals `extend` of it (a merge), thinned or not, full or not."""
    appended = RingBuffer(capacity, min_spacing_s=spacing, clock=FakeClock(100.0))
    merged = RingBuffer(capacity, min_spacing_s=spacing, clock=FakeClock(100.0))
    for at, value in samples:
        appended.append(float(at), float(value))
        merged.extend([float(at)], [float(value)])
        assert appended.view()[0].tolist() == merged.view()[0].tolist()
        assert appended.view()[1].tolist() == merged.view()[1].tolist()


@settings(max_examples=400, deadline=None)
@given(
    spacing=st.none() | st.sampled_from([2.0, 5.0]),
    capacity=st.integers(1, 12),
    batches=st.lists(
        st.lists(st.tuples(st.integers(0, 80), st.integers(-50, 50)), max_size=24), max_size=8
    ),
)
def test_a_replayed_batch_keeps_the_latest_of_each_slot_and_the_newest_samples(
    spacing: float | None, capacity: int, batches: list[list[tuple[int, int]]]
) -> None:
    """Any batches (shifted in one by one when small, merged when larger) equal a slot model.

    Per slot (per time without spacing) the latest time stays, on equal times the sample
    given last; then the newest ``capacity`` of them.
    """
    ring = RingBuffer(capacity, min_spacing_s=spacing, clock=FakeClock(100.0))
    model: dict[float, tuple[float, float]] = {}
    for batch in batches:
        ring.extend([float(at) for at, _ in batch], [float(v) for _, v in batch])
        for at, value in batch:
            slot = float(at) if spacing is None else float(at // spacing)
            if slot not in model or at >= model[slot][0]:
                model[slot] = (float(at), float(value))
        for slot in sorted(model, key=lambda s: model[s][0])[:-capacity]:
            del model[slot]
        kept = sorted(model.values())
        assert ring.view()[0].tolist() == [at for at, _ in kept]
        assert ring.view()[1].tolist() == [value for _, value in kept]
