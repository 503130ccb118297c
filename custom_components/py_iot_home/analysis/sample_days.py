"""A trend's stored samples cut into UTC days, so that a completed day is written once.

A week of 10 s samples used to be rewritten whole every 30 minutes, on a Pi's SD card.
Cut by UTC day, only today's samples change from one save to the next: a completed day
is written when it is first saved, and again only when samples arrive for it later (a
node's resend after an outage, the recorder's seed at startup). What a day's file holds
is remembered as a ``DayPrint`` per sensor (count, first and last time, sum of times),
cheap to compare with what memory holds now.

Late samples can keep every completed day changing (a stranger replaying old, in-window
samples for an unsigned node: one per day between two saves is enough), so a save may
rewrite only a few days that already have a file (``rewrites``); the others wait for the
next saves, longest waiting first. A day without a file is always written.

Pure numpy: ``plan_save`` runs in the executor; the Home Assistant side
(``trends.persistence``) writes what it plans.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from .ring_buffer import SampleArrays
from .sample_codec import encode_sensor, encoded_sensors

DAY_S = 86400.0
# Days with a file a timed save may write again. Late samples in every completed day (a
# stranger's replay for an unsigned node) rewrote the whole week at each save; a node's
# resend after an outage changes about one.
REWRITES_PER_SAVE = 1

type Snapshots = Callable[[], Iterable[tuple[str, SampleArrays]]]


@dataclass(frozen=True, slots=True)
class DayPrint:
    """One sensor's samples of one day, recognisably: how many, first and last, sum of times."""

    count: int
    first_s: float
    last_s: float
    time_sum: float

    @classmethod
    def of(cls, times: npt.NDArray[np.float64]) -> DayPrint:
        """The print of a non-empty, time-ordered slice of times."""
        return cls(int(times.size), float(times[0]), float(times[-1]), float(times.sum()))

    def lost_only_its_oldest(self, now: DayPrint) -> bool:
        """Whether ``now`` is this day with its oldest samples dropped by the window."""
        if now.count == self.count:
            return now == self  # nothing dropped: a late sample moved one (time_sum)
        return now.count < self.count and now.last_s == self.last_s and now.first_s > self.first_s


type DayPrints = dict[str, DayPrint]


@dataclass(frozen=True, slots=True)
class SavePlan:
    """What to write: today's samples always, a completed day's only when it changed."""

    today: dict[str, Any]
    changed_days: dict[int, dict[str, Any]]
    # What each day's file holds once the plan is written, by day (days since the epoch).
    prints: dict[int, DayPrints]
    # Days whose file is out of date but left for a later save, longest waiting first.
    deferred: tuple[int, ...] = ()


def utc_day(time_s: float) -> int:
    """The UTC day of a time, as whole days since 1970-01-01."""
    return int(time_s // DAY_S)


def completed_day_slices(times: npt.NDArray[np.float64], today: int) -> Iterator[tuple[int, slice]]:
    """Each completed UTC day among time-ordered ``times``, with its slice of them."""
    end = int(np.searchsorted(times, today * DAY_S, side="left"))
    if end == 0:
        return
    days = np.floor(times[:end] / DAY_S).astype(np.int64)
    starts = np.flatnonzero(np.diff(days)) + 1
    bounds = [0, *starts.tolist(), end]
    for start, stop in pairwise(bounds):
        yield int(days[start]), slice(start, stop)


def prints_by_day(
    snapshots: Iterable[tuple[str, SampleArrays]], today: int
) -> dict[int, DayPrints]:
    """What memory holds of each completed day, per sensor."""
    prints: dict[int, DayPrints] = {}
    for key, (times, _values) in snapshots:
        for day, part in completed_day_slices(times, today):
            prints.setdefault(day, {})[key] = DayPrint.of(times[part])
    return prints


def still_written(written: DayPrints | None, now: DayPrints, *, oldest: bool) -> bool:
    """Whether a day's file already holds what memory has of that day.

    The oldest day also counts as written when the window has only dropped its oldest
    samples: the file holds a little more, and loading keeps the window anyway.
    """
    if written is None:
        return False
    if not oldest:
        return written == now
    return all(
        (before := written.get(key)) is not None and before.lost_only_its_oldest(day_print)
        for key, day_print in now.items()
    )


def plan_save(
    snapshots: Snapshots,
    *,
    today: int,
    written: Mapping[int, DayPrints],
    rewrites: int | None = None,
    waiting: Sequence[int] = (),
) -> SavePlan:
    """Encode today's samples, and each completed day whose file is missing or out of date.

    Of the days whose file is out of date, at most ``rewrites`` are written (all with
    None): first those still ``waiting`` from the last plan (its ``deferred``), in that
    order, then the others, oldest first. ``snapshots`` is called twice (prints, then the
    changed days' samples) so that only one sensor's copy is alive at a time, as when the
    store was written whole. A sample added in between is saved next time: a day written
    from the second pass is remembered by what was written.
    """
    now_prints = prints_by_day(snapshots(), today)
    oldest = min(now_prints, default=None)
    stale = {
        day
        for day, day_prints in now_prints.items()
        if not still_written(written.get(day), day_prints, oldest=day == oldest)
    }
    missing = {day for day in stale if day not in written}
    queue = [day for day in dict.fromkeys(waiting) if day in stale and day not in missing]
    queue += sorted(stale - missing - set(queue))
    taken = len(queue) if rewrites is None else max(rewrites, 0)
    changed = missing | set(queue[:taken])
    today_sensors: dict[str, dict[str, str]] = {}
    day_sensors: dict[int, dict[str, dict[str, str]]] = {day: {} for day in changed}
    written_prints: dict[int, DayPrints] = {day: {} for day in changed}
    for key, (times, values) in snapshots():
        start = int(np.searchsorted(times, today * DAY_S, side="left"))
        if start < times.size:
            today_sensors[key] = encode_sensor(times[start:], values[start:])
        for day, part in completed_day_slices(times, today):
            if day in changed:
                day_sensors[day][key] = encode_sensor(times[part], values[part])
                written_prints[day][key] = DayPrint.of(times[part])
    return SavePlan(
        today=encoded_sensors(today_sensors),
        changed_days={day: encoded_sensors(sensors) for day, sensors in day_sensors.items()},
        prints={day: written_prints[day] if day in changed else written[day] for day in now_prints},
        deferred=tuple(queue[taken:]),
    )


def joined_days(parts: Iterable[Mapping[str, SampleArrays]]) -> dict[str, SampleArrays]:
    """Each sensor's samples from several days' parts, in the order given (oldest first)."""
    times: dict[str, list[npt.NDArray[np.float64]]] = {}
    values: dict[str, list[npt.NDArray[np.float32]]] = {}
    for part in parts:
        for key, (part_times, part_values) in part.items():
            times.setdefault(key, []).append(part_times)
            values.setdefault(key, []).append(part_values)
    return {key: (np.concatenate(times[key]), np.concatenate(values[key])) for key in times}
