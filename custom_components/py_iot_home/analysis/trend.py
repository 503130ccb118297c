"""Trend of one sensor's samples: calendar-day means in a time zone, and slopes over them.

Three slopes describe one window: the least-squares line over the samples, each weighed by
the time it stood for (``time_weights``), the line over the daily means (the design's
definition), and the robust fit of ``slope_fit`` with its standard error, which is what
``trend_estimate`` publishes. The count and extremes come from ``window_stats`` (native or
numpy).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .coverage import covered_s, silent_gap_s
from .ring_buffer import SampleArrays
from .sample_store import SampleStore
from .slope_fit import NO_FIT, SlopeFit, line_over_days, robust_slope
from .time_weights import NO_STATS, stood_for_s, weighted_stats
from .window_stats import backend_name, window_stats

type TrendDirection = Literal["rising", "falling", "steady"]

_NAN = float("nan")
# A day whose hours are at least this much covered has a mean the daily cycle does not bias
# much; the first and the current day of a window usually are not. Hours, not the fit's
# quarter hours: a sensor read every half hour, or the recorder's hourly means that stand in
# for older history, covers its days as fully as one read every minute.
FULL_DAY_COVERAGE = 0.8
HOUR_S = 3600.0
# Gaps whose median is the source's rhythm: recent enough to follow a node whose interval
# changed, many enough that one outage or a few failed reads among them do not move it.
RHYTHM_GAPS = 24


@dataclass(frozen=True, slots=True)
class DailyMean:
    """Mean of one local calendar day's hourly means; NaN with count 0 for a day without any.

    ``count`` is the day's number of usable samples, however they fall in its hours.
    """

    date: dt.date
    mean: float
    count: int
    coverage: float = 0.0  # share of the day's hours with a sample
    ended: bool = True  # False for today: its evening is still to come
    # The mean with the daily cycle taken out of the hours it has: a day that lost its
    # afternoon to an outage is not read as a cold day. Equal to ``mean`` for a whole day.
    level: float = _NAN

    @property
    def full(self) -> bool:
        """Whether the day is over and covered enough for its mean to stand for the day.

        Today is never full: by 20:00 it has 80 % of its hours, but its mean lacks the
        evening, and a line through it moved with the time of day.
        """
        return self.ended and self.count > 0 and self.coverage >= FULL_DAY_COVERAGE


@dataclass(frozen=True, slots=True)
class TrendResult:
    """Daily means and window statistics of one sensor's samples.

    ``slope_per_day`` and ``intercept`` describe the least-squares line
    ``value = intercept + slope_per_day * (time_s - t_ref_s) / 86400`` where ``t_ref_s`` is
    the first finite sample's time. The line, ``mean`` and ``std`` weigh each sample by the
    time it stood for (``time_weights``): until the next sample, the newest until now, none
    longer than a silent gap. Statistics are NaN when there are too few samples (none for
    the mean, fewer than two distinct times that stood for some time for the slope).

    ``daily_line`` is least squares through every daily mean at its day number (intercept:
    the line on the first day with a mean), as ``np.polyfit`` over those daily means
    without the empty days; ``full_day_line`` the same through the full days' levels
    (``line_through_full_days``), which ``trend_estimate`` draws through the days its
    window always holds whole. ``robust`` is ``slope_fit.robust_slope`` over the samples,
    intercept at ``t_ref_s``. ``newest_day_start_s`` is the local midnight that began the
    newest sample's day.
    """

    daily_means: tuple[DailyMean, ...]
    slope_per_day: float
    intercept: float
    t_ref_s: float
    minimum: float
    maximum: float
    mean: float
    std: float
    count: int
    last_time_s: float
    last_age_s: float  # now_s minus the newest sample's time: how stale the trend is
    backend: str
    span_s: float = 0.0  # newest minus oldest finite sample's time
    covered_s: float = 0.0  # of that span, the time not lost to silent gaps (coverage.py)
    daily_line: SlopeFit = NO_FIT
    full_day_line: SlopeFit = NO_FIT
    robust: SlopeFit = NO_FIT
    sample_spacing_s: float = _NAN  # the source's rhythm: median gap between its newest samples
    # trend_estimate turns the line's days over as the readings after this midnight come.
    newest_day_start_s: float = _NAN


def analyze_trend(
    times_s: ArrayLike,
    values: ArrayLike,
    *,
    tz: str | ZoneInfo,
    now_s: float,
    window_s: float | None = None,
) -> TrendResult:
    """Analyse one sensor's samples.

    Daily means follow pandas ``Series.resample("h").mean().resample("D").mean()`` of the
    float64 values indexed in ``tz`` (each hour with a sample weighs the same, however
    densely it was sampled): one entry per local calendar day from the first sample's day
    to the last one's, including days with no sample or only NaN values (mean NaN, count
    0); DST days are 23 or 25 hours long. Infinite values are skipped like NaN (pandas
    would propagate them), samples with a non-finite time are dropped. With ``window_s``,
    samples older than ``now_s - window_s`` are ignored. Unsorted times are sorted first;
    sorted input (as ``SampleStore.view`` returns it) skips that copy.
    """
    times, vals = _sorted_samples(times_s, values)
    if window_s is not None and times.size:
        start = int(np.searchsorted(times, now_s - window_s, side="left"))
        times, vals = times[start:], vals[start:]
    finite = None if _all_finite(vals) else np.isfinite(vals)
    stats = window_stats(times, vals)
    usable_times = times if finite is None else times[finite]
    usable_values = (vals if finite is None else vals[finite]).astype(np.float64)
    last_time = _NAN
    span = 0.0
    robust = NO_FIT
    spacing = _NAN
    covered = 0.0
    weighted = NO_STATS
    if stats.count:
        last_time = float(usable_times[-1])
        span = last_time - float(usable_times[0])
        if usable_times.size > 1:
            spacing = float(np.median(np.diff(usable_times[-RHYTHM_GAPS - 1 :])))
        covered = covered_s(usable_times, spacing)
        weights = stood_for_s(usable_times, now_s=now_s, cap_s=silent_gap_s(spacing))
        weighted = weighted_stats(usable_times, usable_values, weights)
        robust = robust_slope(
            usable_times, usable_values, t_ref_s=float(usable_times[0]), covered_s=covered
        )
    zone = _zone(tz)
    days = _daily_means(times, vals, zone, finite, now_s=now_s)
    newest = next((day for day in reversed(days) if day.count), None)
    return TrendResult(
        daily_means=days,
        slope_per_day=weighted.slope_per_day,
        intercept=weighted.intercept,
        t_ref_s=stats.t_ref,
        minimum=stats.minimum,
        maximum=stats.maximum,
        mean=weighted.mean,
        std=weighted.std,
        count=stats.count,
        last_time_s=last_time,
        last_age_s=now_s - last_time,
        backend=backend_name(),
        span_s=span,
        covered_s=covered,
        daily_line=_line_through_means(days),
        full_day_line=line_through_full_days(days, day_mean_error=robust.day_mean_error),
        robust=robust,
        sample_spacing_s=spacing,
        newest_day_start_s=_midnight(newest.date, zone) if newest is not None else _NAN,
    )


def line_through_full_days(days: Sequence[DailyMean], *, day_mean_error: float) -> SlopeFit:
    """The published kind of line: through the full days' levels, widened for few days.

    Days that are not full are left out; levels, not means, so that a day that lost a few
    hours keeps its place. The error is ``line_over_days``' with ``widen``.
    """
    full = [day for day in days if day.full]
    return line_over_days(
        [day.date.toordinal() for day in full],
        [day.level for day in full],
        day_mean_error=day_mean_error,
        widen=True,
    )


def _line_through_means(days: tuple[DailyMean, ...]) -> SlopeFit:
    """The design's line: through every day with a mean, at its day number."""
    chosen = [day for day in days if day.count > 0]
    return line_over_days([day.date.toordinal() for day in chosen], [day.mean for day in chosen])


def daily_means(
    times_s: ArrayLike, values: ArrayLike, tz: str | ZoneInfo, *, now_s: float = math.inf
) -> tuple[DailyMean, ...]:
    """Mean per local calendar day, with the semantics described in ``analyze_trend``."""
    times, vals = _sorted_samples(times_s, values)
    finite = None if _all_finite(vals) else np.isfinite(vals)
    return _daily_means(times, vals, _zone(tz), finite, now_s=now_s)


def analyze_many(
    samples: SampleStore | Mapping[str, SampleArrays],
    tz: str | ZoneInfo,
    now_s: float,
) -> dict[str, TrendResult]:
    """Analyse every sensor of a store (trimmed to its window) or of a ``snapshot`` of one.

    Meant for an executor: a store is read one sensor at a time through copies taken under
    each buffer's lock, so samples may keep arriving on the event loop meanwhile.
    """
    zone = _zone(tz)
    pairs = samples.iter_snapshots(now_s) if isinstance(samples, SampleStore) else samples.items()
    return {
        key: analyze_trend(times, values, tz=zone, now_s=now_s) for key, (times, values) in pairs
    }


def _daily_means(
    times: NDArray[np.float64],
    values: NDArray[np.float32],
    zone: ZoneInfo,
    finite: NDArray[np.bool_] | None,
    *,
    now_s: float = math.inf,
) -> tuple[DailyMean, ...]:
    """Daily means of sorted samples with finite times; ``finite`` masks the usable values.

    A day's mean is the mean of its hourly means, so each hour with a sample weighs the
    same: an hour of 10 s readings would otherwise outweigh a day of the recorder's sparse
    history, and a day half seeded, half live would stand for its live hours only. Where a
    clock change moves midnight by half an hour (Lord Howe Island) the hour across it is
    split between its days; pandas would give it whole to the first.
    """
    if times.size == 0:
        return ()
    first_day = dt.datetime.fromtimestamp(float(times[0]), zone).date()
    last_day = dt.datetime.fromtimestamp(float(times[-1]), zone).date()
    days, day_starts = _local_days(zone, first_day, (last_day - first_day).days + 1)
    n_days = len(days)
    usable_times = times if finite is None else times[finite]
    usable_values = values if finite is None else values[finite]
    counts = np.zeros(n_days, dtype=np.intp)
    hours = np.zeros(n_days, dtype=np.intp)
    means = np.full(n_days, np.nan)
    day_ends = np.append(day_starts[1:], _midnight(days[-1], zone, days_later=1))
    day_hours = (day_ends - day_starts) / HOUR_S
    levels = means
    if usable_times.size:
        n = usable_times.size
        # Runs of one hour of one day in the sorted times: hours count from the first local
        # midnight (DST moves clocks by whole hours), and a day's first sample starts a run.
        hour_id = np.floor((usable_times - day_starts[0]) / HOUR_S)
        starts_run = np.empty(n, dtype=np.bool_)
        starts_run[0] = True
        np.not_equal(hour_id[1:], hour_id[:-1], out=starts_run[1:])
        day_bounds = np.searchsorted(usable_times, day_starts[1:], side="left")
        starts_run[day_bounds[day_bounds < n]] = True
        run_starts = np.flatnonzero(starts_run)
        run_sizes = np.diff(np.append(run_starts, n))
        hour_means = np.add.reduceat(usable_values, run_starts, dtype=np.float64) / run_sizes
        run_days = np.searchsorted(day_bounds, run_starts, side="right")
        counts = np.bincount(run_days, weights=run_sizes, minlength=n_days).astype(np.intp)
        hours = np.bincount(run_days, minlength=n_days)
        sums = np.bincount(run_days, weights=hour_means, minlength=n_days)
        np.divide(sums, hours, out=means, where=hours > 0)
        levels = _levels(
            hour_means,
            run_days,
            usable_times[run_starts],
            zone=zone,
            day_starts=day_starts,
            day_hours=day_hours,
            hours=hours,
            means=means,
        )
    coverage = hours / day_hours
    return tuple(
        DailyMean(date=day, mean=mean, count=count, coverage=share, ended=end <= now_s, level=level)
        for day, mean, count, share, end, level in zip(
            days,
            means.tolist(),
            counts.tolist(),
            coverage.tolist(),
            day_ends.tolist(),
            levels.tolist(),
            strict=True,
        )
    )


def _levels(
    hour_means: NDArray[np.float64],
    run_days: NDArray[np.intp],
    run_times: NDArray[np.float64],
    *,
    zone: ZoneInfo,
    day_starts: NDArray[np.float64],
    day_hours: NDArray[np.float64],
    hours: NDArray[np.intp],
    means: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Each day's mean of its hourly means less the daily cycle at those hours.

    The cycle is the mean deviation of each clock hour from its day's mean, over the 24-hour
    days with every hour covered; without one, the levels are the means. Hours count from
    midnight, except on a day whose clock changes (23 or 25 hours, Lord Howe's 23.5 and
    24.5), where each hour takes its clock's: a 25-hour day has two 02:00 hours.
    """
    hour_of_day = np.minimum((run_times - day_starts[run_days]) // HOUR_S, 23).astype(np.intp)
    for run in np.flatnonzero(day_hours[run_days] != 24.0):
        hour_of_day[run] = dt.datetime.fromtimestamp(float(run_times[run]), zone).hour
    # A day whose clock changes has an hour too many or too few against its mean.
    whole = ((hours >= 24) & (day_hours == 24.0))[run_days]
    if not whole.any():
        return means
    deviations = (hour_means - means[run_days])[whole]
    seen = np.bincount(hour_of_day[whole], minlength=24)
    cycle = np.bincount(hour_of_day[whole], weights=deviations, minlength=24)
    np.divide(cycle, seen, out=cycle, where=seen > 0)
    sums = np.bincount(run_days, weights=hour_means - cycle[hour_of_day], minlength=means.size)
    levels = np.full(means.size, np.nan)
    np.divide(sums, hours, out=levels, where=hours > 0)
    return levels


def _midnight(day: dt.date, zone: ZoneInfo, *, days_later: int = 0) -> float:
    return dt.datetime.combine(
        day + dt.timedelta(days=days_later), dt.time(), tzinfo=zone
    ).timestamp()


@functools.lru_cache(maxsize=64)
def _local_days(
    zone: ZoneInfo, first_day: dt.date, n_days: int
) -> tuple[tuple[dt.date, ...], NDArray[np.float64]]:
    """Return the days and the UTC epoch seconds of each one's local midnight.

    One zoneinfo lookup per day instead of per sample: the UTC offsets, DST included, live
    in the midnights. Cached because every sensor of a refresh covers the same days.
    """
    days = tuple(first_day + dt.timedelta(days=i) for i in range(n_days))
    midnights = np.array(
        [dt.datetime.combine(day, dt.time(), tzinfo=zone).timestamp() for day in days],
        dtype=np.float64,
    )
    midnights.flags.writeable = False
    return days, midnights


def _sorted_samples(
    times_s: ArrayLike, values: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float32]]:
    """Return contiguous samples with finite times, in time order."""
    times = np.ascontiguousarray(times_s, dtype=np.float64)
    vals = np.ascontiguousarray(values, dtype=np.float32)
    if times.shape != vals.shape or times.ndim != 1:
        raise ValueError(
            f"times and values must be 1-D of equal length: {times.shape}, {vals.shape}"
        )
    if not _all_finite(times):
        keep = np.isfinite(times)
        times, vals = times[keep], vals[keep]
    if times.size > 1 and not bool(np.all(times[1:] >= times[:-1])):
        order = np.argsort(times, kind="stable")
        times, vals = times[order], vals[order]
    return times, vals


def _all_finite(array: NDArray[np.float64] | NDArray[np.float32]) -> bool:
    # A sum is finite iff every term is, barring overflow, which only costs the slow path.
    return math.isfinite(float(array.sum(dtype=np.float64)))


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz
