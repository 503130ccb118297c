"""Which trend is published: the -864 degC/d of two readings never, a flat room's 0.00 soon."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from numpy.typing import NDArray

from custom_components.py_iot_home.analysis.trend import TrendResult, analyze_trend
from custom_components.py_iot_home.analysis.trend_estimate import (
    TrendEstimate,
    TrendSettings,
    estimate_trend,
    steadied_ready_at,
)
from custom_components.py_iot_home.hardware.simulation import indoor_climate

DAY = 86400.0
HOUR = 3600.0
T0 = 1_764_547_200.0  # 2025-12-01 00:00 UTC
SETTINGS = TrendSettings(min_span_s=4 * HOUR, max_standard_error=0.5)


def _estimate(
    times: NDArray[np.float64],
    values: NDArray[np.float64],
    *,
    was_published: bool = False,
    settings: TrendSettings = SETTINGS,
    now_s: float | None = None,
) -> tuple[TrendEstimate, TrendResult]:
    if now_s is None:
        now_s = float(times[-1]) if times.size else T0
    result = analyze_trend(times, values, tz="UTC", now_s=now_s)
    return estimate_trend(result, settings, now_s=now_s, was_published=was_published), result


def test_no_samples_no_trend() -> None:
    estimate, _ = _estimate(np.empty(0), np.empty(0))
    assert (estimate.published, estimate.not_ready, estimate.ready_at_s) == (
        False,
        "no_samples",
        None,
    )
    assert estimate.shown_slope is None


def test_two_readings_ten_seconds_apart_are_no_trend() -> None:
    """The reported -864 degC/d: a 0.1 degC step over 10 s, extrapolated to a day."""
    times = np.array([T0, T0 + 10.0])
    values = np.array([21.3, 21.2])
    estimate, result = _estimate(times, values)
    assert result.slope_per_day == pytest.approx(-864.0, rel=1e-3)  # the samples' line
    assert not estimate.published
    assert estimate.not_ready == "span_too_short"
    # Before a day of samples, the end of the first day: what the daily cycle will do is
    # not known yet.
    assert estimate.ready_at_s == T0 + DAY


def test_a_new_sensors_first_promise_does_not_jump_to_the_next_day() -> None:
    """A new user's walk: a node confirmed at 03:12 said "in 4 hours", and 35 minutes later
    "tomorrow": its first minutes were too smooth for their error to say anything about the
    daily cycle to come. Promised the end of the first day from the start, it stays put."""
    times = np.arange(T0 + 3.2 * HOUR, T0 + 7 * HOUR, 10.0)
    for seed in range(4):
        samples = [indoor_climate(seed, t, 3600.0) for t in times]
        for quantity, limit in (("temperature", 0.5), ("humidity", 2.0)):
            values = np.array([getattr(sample, quantity) for sample in samples])
            settings = TrendSettings(min_span_s=4 * HOUR, max_standard_error=limit)
            promised = set()
            for now in np.arange(times[0] + 300.0, times[-1], 300.0):
                seen = times <= now
                estimate, _ = _estimate(times[seen], values[seen], settings=settings, now_s=now)
                assert not estimate.published, (seed, quantity, now)
                promised.add(estimate.ready_at_s)
            assert promised == {times[0] + DAY}, (seed, quantity)


def test_a_flat_room_is_published_as_zero_once_the_span_suffices() -> None:
    times = np.arange(T0, T0 + 5 * HOUR, 10.0)
    rng = np.random.default_rng(1)
    values = np.round(21.0 + rng.normal(0.0, 0.03, times.size), 1)
    early, _ = _estimate(times[times < T0 + 3 * HOUR], values[times < T0 + 3 * HOUR])
    assert early.not_ready == "span_too_short"
    estimate, _ = _estimate(times, values)
    assert estimate.published
    assert estimate.method == "robust_fit"
    assert abs(estimate.slope_per_day) < 0.2


def test_a_daily_cycle_keeps_the_first_day_unknown_and_says_until_when() -> None:
    times = np.arange(T0, T0 + 8 * HOUR, 60.0)
    values = 21.0 + 2.0 * np.sin(2 * np.pi * (times - T0) / DAY)
    estimate, _ = _estimate(times, values)
    assert not estimate.published
    assert estimate.not_ready == "uncertain"
    assert estimate.ready_at_s is not None
    assert estimate.ready_at_s >= T0 + DAY


def test_from_two_full_days_the_daily_means_decide() -> None:
    times = np.arange(T0, T0 + 3.5 * DAY, 300.0)
    x = (times - T0) / DAY
    rng = np.random.default_rng(5)
    values = 20.0 + 0.6 * x + 1.5 * np.sin(2 * np.pi * x) + rng.normal(0, 0.1, x.size)
    estimate, result = _estimate(times, values)
    assert sum(day.full for day in result.daily_means) == 3
    assert estimate.method == "daily_means"
    assert estimate.published
    assert estimate.slope_per_day == result.full_day_line.slope_per_day
    assert estimate.standard_error == max(
        result.full_day_line.standard_error, result.robust.standard_error
    )
    assert abs(estimate.slope_per_day - 0.6) < 2 * estimate.standard_error + 0.05


@pytest.mark.parametrize("days", [2, 3])
def test_a_day_that_ended_enters_the_slope_with_the_readings_after_it(days: int) -> None:
    """At midnight, with no new reading, the slope stands; over the next hour of readings it
    goes over to the fit with the day in (to the daily means at the second full day)."""
    times = np.arange(T0 - 4 * HOUR, T0 + days * DAY - 600.0, 600.0)
    x = (times - T0) / DAY
    hour = (x % 1.0) * 24
    rng = np.random.default_rng(3)
    values = (
        20.0
        + 0.3 * x
        + 1.5 * np.sin(2 * np.pi * (hour - 9) / 24)
        + np.where((hour >= 6) & (hour < 9), 1.2, 0.0)
        + rng.normal(0, 0.1, x.size)
    )
    midnight = T0 + days * DAY
    before, _ = _estimate(times, values, now_s=midnight - 120.0)
    after, result = _estimate(times, values, now_s=midnight + 300.0)
    assert sum(day.full for day in result.daily_means) == days
    assert (after.slope_per_day, after.standard_error, after.method) == (
        before.slope_per_day,
        before.standard_error,
        before.method,
    )
    assert result.full_day_line.slope_per_day != pytest.approx(before.slope_per_day, abs=1e-4)

    later = np.append(times, midnight + np.array([600.0, 1200.0, 1800.0, 3600.0]))
    more = np.append(values, values[-4:])
    halfway, result = _estimate(later[:-1], more[:-1], now_s=midnight + 1800.0)
    full_before = [day for day in result.daily_means if day.full][:-1]
    without_day = (
        result.robust.slope_per_day
        if days == 2
        else np.polyfit(
            [day.date.toordinal() for day in full_before], [day.mean for day in full_before], 1
        )[0]
    )
    with_day = result.full_day_line.slope_per_day
    assert min(without_day, with_day) < halfway.slope_per_day < max(without_day, with_day)
    entered, result = _estimate(later, more, now_s=midnight + 3600.0)
    assert entered.method == "daily_means"
    assert entered.slope_per_day == result.full_day_line.slope_per_day


def _room_with_wandering_days(days: int, seed: int) -> tuple[NDArray[np.float64], ...]:
    """Read every 10 minutes (at :05, :15, ...): 0.1 degC/d warmer, a first day warmer still
    (the line moves by hundredths when it leaves), levels wandering by 0.1 degC, a daily
    cycle and reading noise."""
    times = np.arange(T0 + 300.0, T0 + days * DAY, 600.0)
    x = (times - T0) / DAY
    rng = np.random.default_rng(seed)
    levels = 21.0 + 0.1 * np.arange(days) + rng.normal(0.0, 0.1, days) + (np.arange(days) == 0)
    return times, levels[x.astype(int)] + 1.5 * np.sin(2 * np.pi * x) + rng.normal(0, 0.1, x.size)


def _slide(
    times: NDArray[np.float64],
    values: NDArray[np.float64],
    nows: NDArray[np.float64],
    *,
    window_days: int,
    silent_from: float = math.inf,
) -> list[tuple[TrendEstimate, TrendResult]]:
    """Analyse as the coordinator does every 5 minutes: the window's samples up to now."""
    settings = TrendSettings(
        min_span_s=4 * HOUR, max_standard_error=0.5, window_s=window_days * DAY
    )
    seen = []
    for now in nows:
        keep = (times >= now - settings.window_s) & (times <= min(now, silent_from))
        seen.append(
            _estimate(times[keep], values[keep], settings=settings, now_s=now, was_published=True)
        )
    return seen


def _polyfit_over_days(
    times: NDArray[np.float64], values: NDArray[np.float64], days: range
) -> float:
    """np.polyfit through the plain means of whole UTC days (every hour read alike)."""
    means = [values[(times >= T0 + d * DAY) & (times < T0 + (d + 1) * DAY)].mean() for d in days]
    return float(np.polyfit(list(days), means, 1)[0])


def test_the_oldest_day_leaves_the_slope_as_a_new_day_enters_and_not_by_itself() -> None:
    """A 7-day window holds six whole days before today, and for a few hours after midnight
    a seventh, the oldest, until the window has passed a fifth of it. That day left the
    slope by itself at about 05:00 (by up to 0.21 degC/d in the UCI rooms) and moved it at
    each of its hours before: a change with nothing new in the room. The line spans the six
    days before today: over the hour of readings after midnight the day that ended enters
    and the oldest leaves, and then the slope stands still as the window passes it."""
    times, values = _room_with_wandering_days(9, seed=7)
    midnight = T0 + 7 * DAY
    nows = np.arange(midnight - 2 * HOUR, midnight + 7 * HOUR, 300.0)
    seen = _slide(times, values, nows, window_days=7)
    slopes = np.array([estimate.slope_per_day for estimate, _ in seen])
    assert {estimate.method for estimate, _ in seen} == {"daily_means"}
    # float32 samples: the means agree to a millionth.
    before, after = slopes[nows <= midnight], slopes[nows >= midnight + HOUR + 300.0]
    assert before == pytest.approx(_polyfit_over_days(times, values, range(6)), abs=1e-6)
    assert after == pytest.approx(_polyfit_over_days(times, values, range(1, 7)), abs=1e-6)
    assert np.ptp(after) == 0.0
    jump = abs(after[0] - before[0])
    assert jump > 0.02
    # Over the hour, a twelfth at a time.
    assert np.max(np.abs(np.diff(slopes))) < jump / 4


def test_a_two_day_window_keeps_the_robust_fit_through_the_night() -> None:
    """A 2-day window holds one whole day before today: the daily means' line took over for
    the few hours after midnight its oldest day was still full, and gave way again at about
    05:00, so the slope changed method twice a night. It stays with the robust fit."""
    times, values = _room_with_wandering_days(4, seed=2)
    nows = np.arange(T0 + 2 * DAY - HOUR, T0 + 2 * DAY + 7 * HOUR, 300.0)
    seen = _slide(times, values, nows, window_days=2)
    assert {estimate.method for estimate, _ in seen} == {"robust_fit"}
    assert [estimate.slope_per_day for estimate, _ in seen] == [
        result.robust.slope_per_day for _, result in seen
    ]


def test_a_day_leaving_as_another_enters_moves_the_slope_a_step_at_a_time() -> None:
    """The oldest day lost its evening (20 of 24 hours: still full) and stops being full
    when the window passes its 00:55 reading, in the hour the newest day enters."""
    times, values = _room_with_wandering_days(9, seed=1)
    kept = (times < T0 + 20 * HOUR) | (times >= T0 + DAY)
    times, values = times[kept], values[kept]
    nows = np.arange(T0 + 7 * DAY - HOUR, T0 + 7 * DAY + 2 * HOUR, 300.0)
    seen = _slide(times, values, nows, window_days=7)
    slopes = np.array([estimate.slope_per_day for estimate, _ in seen])
    first, last = seen[0], seen[-1]
    assert slopes[0] == first[1].full_day_line.slope_per_day  # days 0 to 5
    assert slopes[-1] == last[1].full_day_line.slope_per_day  # days 1 to 6
    assert [day.date.day for day in last[1].daily_means if day.full] == list(range(2, 8))
    jump = abs(slopes[-1] - slopes[0])
    assert jump > 0.02
    assert np.max(np.abs(np.diff(slopes))) < jump / 4


def test_publishing_has_hysteresis() -> None:
    """An error between the limit and twice it keeps a shown trend, but shows no new one."""
    times = np.arange(T0, T0 + 2 * DAY, 300.0)
    rng = np.random.default_rng(9)
    values = 21.0 + rng.normal(0, 0.5, times.size)
    error = _estimate(times, values)[0].standard_error
    settings = TrendSettings(min_span_s=4 * HOUR, max_standard_error=error / 1.5)
    assert not _estimate(times, values, settings=settings)[0].published
    assert _estimate(times, values, settings=settings, was_published=True)[0].published


def test_the_simulated_board_never_shows_an_absurd_trend_in_its_first_day() -> None:
    """Every 5 minutes of the first day, as the coordinator would: nothing past 2 degC/d."""
    times = np.arange(T0, T0 + DAY, 10.0)
    values = np.array([indoor_climate(3, t, 3600.0).temperature for t in times])
    shown = []
    for end in np.arange(T0 + 300.0, T0 + DAY + 1, 300.0):
        keep = times < end
        estimate, _ = _estimate(times[keep], values[keep])
        if estimate.published:
            shown.append(estimate.slope_per_day)
    assert all(abs(slope) < 2.0 for slope in shown)
    assert all(math.isfinite(slope) for slope in shown)


WEEK = TrendSettings(min_span_s=4 * HOUR, max_standard_error=0.5, window_s=7 * DAY)


def _weather(days: float, *, step_s: float, seed: int) -> tuple[NDArray[np.float64], ...]:
    """Outdoor temperature in winter: a daily cycle on days 3 degC apart, no trend."""
    times = np.arange(T0 + step_s / 2, T0 + days * DAY, step_s)
    day_means = np.random.default_rng(seed).normal(5.0, 3.0, int(days) + 1)
    x = (times - T0) / DAY
    return times, day_means[x.astype(int)] + 3.0 * np.sin(2 * np.pi * x)


def test_a_full_window_without_a_clear_trend_says_so_and_promises_no_time() -> None:
    """The demo meter's outdoor temperature: a week of the recorder's hourly means whose days
    jump by degrees. Waiting does not make the week's line surer (the window slides), so it
    is "no clear trend" with no time, not a time that moves a day on with every day."""
    times, values = _weather(7.0, step_s=HOUR, seed=3)
    estimate, result = _estimate(times, values, settings=WEEK)
    # The seventh day is today: not over, so not full.
    assert sum(day.full for day in result.daily_means) == 6
    assert estimate.method == "daily_means"
    assert estimate.standard_error > 0.5
    assert (estimate.published, estimate.not_ready, estimate.ready_at_s) == (
        False,
        "no_clear_trend",
        None,
    )


def test_an_uncertain_trend_promises_no_time_beyond_what_the_window_can_hold() -> None:
    """Two days of a week's window, with an error far above a (strict) limit: the span the
    error needs is longer than a week, so no time is given, while the window fills."""
    times, values = _weather(2.0, step_s=600.0, seed=4)
    strict = TrendSettings(min_span_s=4 * HOUR, max_standard_error=1e-3, window_s=7 * DAY)
    estimate, _ = _estimate(times, values, settings=strict)
    assert (estimate.not_ready, estimate.ready_at_s) == ("uncertain", None)
    # The same samples, with no end to the window, get a time the week could not reach.
    unbounded = TrendSettings(min_span_s=4 * HOUR, max_standard_error=1e-3)
    estimate, _ = _estimate(times, values, settings=unbounded)
    assert estimate.ready_at_s is not None
    assert estimate.ready_at_s > T0 + 7 * DAY


def test_a_week_of_hourly_means_with_a_trend_is_published_from_the_daily_means() -> None:
    times = np.arange(T0 + HOUR / 2, T0 + 7 * DAY, HOUR)
    x = (times - T0) / DAY
    noise = np.random.default_rng(6).normal(0.0, 0.2, times.size)
    values = 18.0 + 1.0 * x + 2.0 * np.sin(2 * np.pi * x) + noise
    estimate, _ = _estimate(times, values, settings=WEEK)
    assert (estimate.published, estimate.method) == (True, "daily_means")
    assert estimate.slope_per_day == pytest.approx(1.0, abs=0.1)


def test_a_room_with_a_daily_cycle_is_promised_the_end_of_its_first_day_and_keeps_it() -> None:
    """The walk's "Expected from 4:01 PM today" (the minimum span's end) for a room whose
    daily cycle keeps it unknown for more than a day, then promises a week out, then days
    back: now every analysis of the first day gives one time, the end of that day, the
    earliest a daily cycle can be told from a trend (docs/trends.md)."""
    times = np.arange(T0, T0 + 30 * HOUR, 10.0)
    values = np.array([indoor_climate(7, t, 3600.0).temperature for t in times])
    promised = set()
    for end in np.arange(T0 + HOUR, T0 + DAY, 1800.0):
        keep = times < end
        estimate, _ = _estimate(times[keep], values[keep], settings=WEEK)
        assert not estimate.published
        promised.add(estimate.ready_at_s)
    assert promised == {T0 + DAY}


def _warming_for_three_days(step_s: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """19 degC rising 2 degC a day, read every ``step_s``: a trend any rhythm publishes."""
    times = np.arange(T0 + step_s / 2, T0 + 3 * DAY, step_s)
    return times, 19.0 + 2.0 * (times - T0) / DAY


def test_a_source_that_went_silent_shows_no_trend_until_it_reports_again() -> None:
    """The review's node: three days warming 2 degC/d, then unplugged. Two days on, its
    trend was still "+2.0 degC/d, rising" about days that ended when it went silent."""
    times, values = _warming_for_three_days(900.0)
    last = float(times[-1])
    shown, _ = _estimate(times, values, now_s=last + 2 * HOUR)
    assert shown.published
    assert shown.slope_per_day == pytest.approx(2.0, abs=0.1)
    for silent_for in (2 * HOUR + 1.0, 2 * DAY):
        estimate, _ = _estimate(times, values, now_s=last + silent_for, was_published=True)
        assert (estimate.published, estimate.not_ready, estimate.ready_at_s) == (
            False,
            "no_recent_samples",
            None,
        )
        assert estimate.shown_slope is None
    # A reading again: the trend is back by itself.
    again = np.append(times, last + 2 * DAY)
    estimate, _ = _estimate(again, np.append(values, 25.0), was_published=False)
    assert (estimate.published, estimate.not_ready) == (True, None)


@pytest.mark.parametrize(("step_s", "silent_after_s"), [(HOUR, 3 * HOUR), (HOUR / 2, 2 * HOUR)])
def test_a_source_reporting_every_half_hour_or_hour_is_not_silent_between_readings(
    step_s: float, silent_after_s: float
) -> None:
    """The recorder's hourly means (a seed), a node sending every 30 min: waiting for the
    next reading, or one that went missing, is no silence; three gaps (at least 2 h) are."""
    times, values = _warming_for_three_days(step_s)
    last = float(times[-1])
    for waited in (step_s - 1.0, 2 * step_s, silent_after_s):
        estimate, _ = _estimate(times, values, now_s=last + waited)
        assert (estimate.published, estimate.not_ready) == (True, None), waited
    estimate, _ = _estimate(times, values, now_s=last + silent_after_s + 1.0)
    assert estimate.not_ready == "no_recent_samples"


def test_a_promised_time_stands_while_the_new_one_stays_near_it() -> None:
    now = T0
    shown = now + 10 * HOUR
    assert steadied_ready_at(shown + 4 * HOUR, shown, now) == shown  # within half of 10 h
    assert steadied_ready_at(shown + 6 * HOUR, shown, now) == shown + 6 * HOUR
    assert steadied_ready_at(now + 1.5 * HOUR, now + HOUR, now) == now + HOUR  # within 2 h
    assert steadied_ready_at(now + 5 * HOUR, now - 60.0, now) == now + 5 * HOUR  # passed
    assert steadied_ready_at(None, shown, now) is None
    assert steadied_ready_at(now + HOUR, None, now) == now + HOUR


def test_the_time_a_trend_is_expected_does_not_move_at_every_refresh() -> None:
    """The simulated board's first 40 hours, analysed every 5 minutes: its estimate's time
    moved at 95 of them; the one shown moves a few times."""
    times = np.arange(T0, T0 + 40 * HOUR, 30.0)
    values = np.array([indoor_climate(0, t).temperature for t in times], dtype=np.float64)
    settings = TrendSettings(min_span_s=4 * HOUR, max_standard_error=0.5, window_s=7 * DAY)
    shown: list[float | None] = []
    published = False
    for now in np.arange(T0 + 300.0, T0 + 40 * HOUR, 300.0):
        seen = times <= now
        estimate, _ = _estimate(
            times[seen], values[seen], was_published=published, settings=settings, now_s=now
        )
        published = estimate.published
        shown.append(steadied_ready_at(estimate.ready_at_s, shown[-1] if shown else None, now))
    changes = sum(1 for before, after in itertools.pairwise(shown) if before != after)
    assert changes <= 10


def _wandering_room(seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """No trend: days 0.1 degC apart at random, a 1 degC daily cycle, reading noise."""
    rng = np.random.default_rng(seed)
    times = np.arange(T0 + 900.0, T0 + 7 * DAY, 1800.0)
    x = (times - T0) / DAY
    levels = rng.normal(21.0, 0.1, 8)
    return times, levels[x.astype(int)] + np.sin(2 * np.pi * x) + rng.normal(0.0, 0.2, x.size)


def test_a_time_promised_from_a_few_days_foresees_their_error_narrowing() -> None:
    """From three full days the line's own error is widened for its few degrees of freedom,
    which grow by one a day. Promised from the span alone, the time came about two days
    late (median 47 h off in this case); with the widening foreseen, 31 h."""
    strict = TrendSettings(min_span_s=4 * HOUR, max_standard_error=0.05, window_s=7 * DAY)
    misses = []
    for seed in range(40):
        times, values = _wandering_room(seed)
        promises, first = [], None
        for end in np.arange(T0 + 2 * DAY, T0 + 7 * DAY, 1800.0):
            estimate, _ = _estimate(
                times[times < end], values[times < end], settings=strict, now_s=end
            )
            if estimate.published:
                first = end
                break
            if estimate.not_ready == "uncertain" and estimate.ready_at_s is not None:
                promises.append(estimate.ready_at_s)
        assert first is not None
        misses += [abs(promised - first) / HOUR for promised in promises]
    assert float(np.median(misses)) < 40.0
    assert len(misses) > 100
