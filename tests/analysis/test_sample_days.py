"""Stored samples cut into UTC days: a completed day is written once, again only if it changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from custom_components.py_iot_home.analysis.ring_buffer import SampleArrays
from custom_components.py_iot_home.analysis.sample_codec import decode_samples
from custom_components.py_iot_home.analysis.sample_days import (
    DAY_S,
    SavePlan,
    joined_days,
    plan_save,
    utc_day,
)
from custom_components.py_iot_home.analysis.sample_store import SampleStore

# 2026-12-01 00:00 UTC: day numbers and midnights are whole.
MIDNIGHT = 1_796_083_200.0
TODAY = utc_day(MIDNIGHT) + 3


def _store_of_three_days_and_a_half() -> SampleStore:
    """Two sensors, one sample a minute from MIDNIGHT to 12:00 on the fourth day."""
    store = SampleStore(
        window_s=7 * DAY_S, min_interval_s=60.0, clock=lambda: MIDNIGHT + 3.5 * DAY_S
    )
    times = np.arange(MIDNIGHT, MIDNIGHT + 3.5 * DAY_S, 60.0)
    store.extend("temperature", times, 20.0 + np.sin(times / 5e4))
    store.extend("humidity", times, 50.0 + np.cos(times / 5e4))
    return store


def _saved(store: SampleStore, plans: Iterable[SavePlan]) -> dict[str, SampleArrays]:
    """What a restart reads back: the newest file of each day, then today's samples."""
    days: dict[int, Mapping[str, object]] = {}
    last: SavePlan | None = None
    for plan in plans:
        days.update(plan.changed_days)
        last = plan
    assert last is not None
    parts = [decode_samples(days[day])[0] for day in sorted(last.prints)]
    return joined_days([*parts, decode_samples(last.today)[0]])


def test_each_completed_day_is_written_once_and_today_at_every_save() -> None:
    store = _store_of_three_days_and_a_half()
    first = plan_save(store.iter_snapshots, today=TODAY, written={})
    assert sorted(first.changed_days) == [TODAY - 3, TODAY - 2, TODAY - 1]
    assert sorted(first.prints) == [TODAY - 3, TODAY - 2, TODAY - 1]

    # Half an hour later: only today grew.
    later = np.arange(MIDNIGHT + 3.5 * DAY_S, MIDNIGHT + 3.5 * DAY_S + 1800.0, 60.0)
    store.extend("temperature", later, np.full(later.size, 21.0))
    second = plan_save(store.iter_snapshots, today=TODAY, written=first.prints)
    assert second.changed_days == {}
    assert second.prints == first.prints

    saved = _saved(store, [first, second])
    for key, (times, values) in store.snapshot().items():
        np.testing.assert_array_equal(saved[key][0], times)
        np.testing.assert_array_equal(saved[key][1], values)


def test_a_late_sample_rewrites_only_its_day() -> None:
    """A node's resend after an outage lands in a completed day: that day is written again."""
    store = _store_of_three_days_and_a_half()
    first = plan_save(store.iter_snapshots, today=TODAY, written={})
    store.add("humidity", MIDNIGHT + 1.5 * DAY_S + 30.0, 99.0)

    second = plan_save(store.iter_snapshots, today=TODAY, written=first.prints)

    assert sorted(second.changed_days) == [TODAY - 2]
    saved = _saved(store, [first, second])
    assert 99.0 in saved["humidity"][1]
    np.testing.assert_array_equal(saved["humidity"][0], store.snapshot()["humidity"][0])


def test_the_oldest_day_losing_its_start_to_the_window_is_not_rewritten() -> None:
    store = _store_of_three_days_and_a_half()
    first = plan_save(store.iter_snapshots, today=TODAY, written={})
    # The window (here 3 days) drops the first half of the oldest day.
    short = SampleStore(
        window_s=3 * DAY_S, min_interval_s=60.0, clock=lambda: MIDNIGHT + 3.5 * DAY_S
    )
    for key, (times, values) in store.snapshot().items():
        short.extend(key, times, values)

    second = plan_save(short.iter_snapshots, today=TODAY, written=first.prints)

    assert second.changed_days == {}
    assert second.prints[TODAY - 3] == first.prints[TODAY - 3]


def test_a_day_missing_samples_that_are_not_its_oldest_is_rewritten() -> None:
    """Only the oldest day may hold more than memory; any other difference is written."""
    store = _store_of_three_days_and_a_half()
    first = plan_save(store.iter_snapshots, today=TODAY, written={})
    times, values = store.snapshot()["temperature"]
    keep = (times < MIDNIGHT + 1.2 * DAY_S) | (times > MIDNIGHT + 1.3 * DAY_S)
    changed = SampleStore(
        window_s=7 * DAY_S, min_interval_s=60.0, clock=lambda: MIDNIGHT + 3.5 * DAY_S
    )
    changed.extend("temperature", times[keep], values[keep])
    changed.extend("humidity", *store.snapshot()["humidity"])

    second = plan_save(changed.iter_snapshots, today=TODAY, written=first.prints)

    assert sorted(second.changed_days) == [TODAY - 2]


def test_a_sample_at_midnight_belongs_to_the_new_day() -> None:
    store = SampleStore(window_s=7 * DAY_S, min_interval_s=60.0, clock=lambda: MIDNIGHT + 2 * DAY_S)
    store.extend(
        "t", [MIDNIGHT + DAY_S - 1.0, MIDNIGHT + DAY_S, MIDNIGHT + 2 * DAY_S], [1.0, 2.0, 3.0]
    )

    plan = plan_save(store.iter_snapshots, today=utc_day(MIDNIGHT + 2 * DAY_S), written={})

    by_day = {
        day: decode_samples(data)[0]["t"][1].tolist() for day, data in plan.changed_days.items()
    }
    assert by_day == {utc_day(MIDNIGHT): [1.0], utc_day(MIDNIGHT) + 1: [2.0]}
    assert decode_samples(plan.today)[0]["t"][1].tolist() == [3.0]


def test_a_resend_of_stored_samples_rewrites_no_day() -> None:
    """Samples already stored with the same time and value change nothing on disk."""
    store = _store_of_three_days_and_a_half()
    first = plan_save(store.iter_snapshots, today=TODAY, written={})
    times, values = store.snapshot()["humidity"]
    past = times < TODAY * DAY_S
    store.extend("humidity", times[past][::-1], values[past][::-1])

    second = plan_save(store.iter_snapshots, today=TODAY, written=first.prints, rewrites=1)

    assert second.changed_days == {}
    assert second.deferred == ()


def test_late_samples_in_every_day_rewrite_a_bounded_number_of_days_per_save() -> None:
    """A stranger's replay touching each completed day before every save (unsigned node).

    Each save rewrites at most ``rewrites`` of the days that have a file, the one waiting
    longest first, so every day still reaches its file; a day without a file is always
    written, and once the late samples stop, what is stored is what memory holds.
    """
    store = _store_of_three_days_and_a_half()
    plans = [plan_save(store.iter_snapshots, today=TODAY, written={})]
    written_at: dict[int, list[int]] = {}
    for save in range(1, 10):
        for day in (TODAY - 3, TODAY - 2, TODAY - 1):
            store.add("temperature", (day + 0.5) * DAY_S + save, 40.0 + save)
        if save == 1:  # a day before the oldest one, never saved before
            store.add("humidity", (TODAY - 4) * DAY_S + 30.0, 99.0)
        plan = plan_save(
            store.iter_snapshots,
            today=TODAY,
            written=plans[-1].prints,
            rewrites=1,
            waiting=plans[-1].deferred,
        )
        rewritten = [day for day in plan.changed_days if day in plans[-1].prints]
        assert len(rewritten) == 1
        for day in rewritten:
            written_at.setdefault(day, []).append(save)
        plans.append(plan)
    assert TODAY - 4 in plans[1].changed_days
    # Taking turns: each day rewritten every third save.
    assert written_at == {TODAY - 3: [1, 4, 7], TODAY - 2: [2, 5, 8], TODAY - 1: [3, 6, 9]}

    # The replay stops: the waiting days go at the next saves, then nothing is rewritten.
    for _ in range(3):
        plans.append(
            plan_save(
                store.iter_snapshots,
                today=TODAY,
                written=plans[-1].prints,
                rewrites=1,
                waiting=plans[-1].deferred,
            )
        )
    assert plans[-1].changed_days == {}
    assert plans[-1].deferred == ()
    saved = _saved(store, plans)
    for key, (times, values) in store.snapshot().items():
        np.testing.assert_array_equal(saved[key][0], times)
        np.testing.assert_array_equal(saved[key][1], values)
