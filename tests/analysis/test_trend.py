"""Tests for the trend analysis: daily means against pandas, regression against numpy."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from custom_components.py_iot_home.analysis import trend, window_stats
from custom_components.py_iot_home.analysis.sample_store import SampleStore
from custom_components.py_iot_home.analysis.trend import (
    DailyMean,
    analyze_many,
    analyze_trend,
    daily_means,
)
from tests.daily_reference import pandas_daily

DAY = 86400.0


@pytest.fixture(autouse=True, params=["native", "numpy"])
def stats_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run every test with both window statistics backends."""
    if request.param == "native":
        if window_stats.backend_name() != "native":
            pytest.skip("native window statistics library not loaded")
        monkeypatch.setattr(trend, "window_stats", window_stats.window_stats_native)
    else:
        monkeypatch.setattr(trend, "window_stats", window_stats.window_stats_numpy)
    return str(request.param)


# (zone, a local date three days before a DST change): spring forward and fall back.
DST_CASES = [
    ("Europe/Berlin", dt.date(2025, 3, 27)),
    ("Europe/Berlin", dt.date(2025, 10, 23)),
    ("America/New_York", dt.date(2025, 3, 6)),
    ("America/New_York", dt.date(2025, 10, 30)),
]


def _local_midnight(day: dt.date, zone: str) -> float:
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(zone)).timestamp()


def _pandas_daily(
    times: NDArray[Any], values: NDArray[Any], zone: str
) -> tuple[list[dt.date], NDArray[Any], list[int]]:
    """Reference: pandas' mean of each local day's hourly means, indexed in ``zone``."""
    daily = pandas_daily(times, values, zone)
    dates: list[dt.date] = [stamp.date() for stamp in daily.index]
    return dates, daily["mean"].to_numpy(dtype=np.float64), daily["count"].astype(int).tolist()


def _assert_matches_pandas(times: NDArray[Any], values: NDArray[Any], zone: str) -> None:
    result = analyze_trend(times, values, tz=zone, now_s=float(times.max()))
    dates, means, counts = _pandas_daily(np.sort(times), values[np.argsort(times)], zone)

    assert [day.date for day in result.daily_means] == dates
    assert [day.count for day in result.daily_means] == counts
    ours = np.array([day.mean for day in result.daily_means])
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(means))
    np.testing.assert_allclose(ours, means, rtol=1e-9, atol=0)


def _random_samples_across_dst(
    rng: np.random.Generator, zone: str, first_day: dt.date
) -> tuple[NDArray[Any], NDArray[Any]]:
    start = _local_midnight(first_day, zone)
    # Six local days with a gap covering all of day 4, so pandas yields an empty (NaN) row.
    times = np.sort(rng.uniform(start, start + 6 * DAY, 3000))
    gap_start = _local_midnight(first_day + dt.timedelta(days=4), zone)
    times = times[(times < gap_start) | (times >= gap_start + DAY + 3600)]
    values = rng.normal(21.0, 3.0, times.size).astype(np.float32)
    values[rng.choice(values.size, 40, replace=False)] = np.nan
    return times, values


@pytest.mark.parametrize(("zone", "first_day"), DST_CASES)
def test_daily_means_equal_pandas_resample_across_dst(zone: str, first_day: dt.date) -> None:
    rng = np.random.default_rng(first_day.toordinal() + len(zone))
    times, values = _random_samples_across_dst(rng, zone, first_day)

    _assert_matches_pandas(times, values, zone)
    result = analyze_trend(times, values, tz=zone, now_s=float(times[-1]))
    assert any(day.count == 0 and np.isnan(day.mean) for day in result.daily_means)


@pytest.mark.parametrize(("zone", "first_day"), DST_CASES)
def test_dst_day_length_is_23_or_25_hours(zone: str, first_day: dt.date) -> None:
    """One sample a minute: the DST day holds 1380 or 1500 of them, the others 1440."""
    start = _local_midnight(first_day, zone)
    end = _local_midnight(first_day + dt.timedelta(days=6), zone)
    times = np.arange(start, end, 60.0)
    values = np.arange(times.size, dtype=np.float32) % 97

    result = analyze_trend(times, values, tz=zone, now_s=end)

    counts = sorted(day.count for day in result.daily_means)
    assert counts in ([1380] + [1440] * 5, [1440] * 5 + [1500])
    assert sum(counts) == times.size
    _assert_matches_pandas(times, values, zone)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"]),
    offsets=st.lists(st.integers(0, 9 * 86400), min_size=1, max_size=200),
    seed=st.integers(0, 2**32 - 1),
)
def test_daily_means_equal_pandas_for_any_samples(zone: str, offsets: list[int], seed: int) -> None:
    # Whole seconds from 2025-03-25 UTC: spans Europe's and follows America's DST start,
    # and lands samples exactly on local midnights.
    times = np.sort(np.array(offsets, dtype=np.float64) + 1742860800.0)
    values = np.random.default_rng(seed).uniform(-40.0, 80.0, times.size).astype(np.float32)

    _assert_matches_pandas(times, values, zone)


def test_sample_at_local_midnight_belongs_to_the_new_day() -> None:
    zone = "Europe/Berlin"
    midnight = _local_midnight(dt.date(2025, 3, 30), zone)
    times = np.array([midnight - 1.0, midnight, midnight + 1.0])
    values = np.array([1.0, 2.0, 4.0], dtype=np.float32)

    means = daily_means(times, values, zone)

    # Coverage: one hour of 24, and of the 23-hour DST day's 23. No whole day shows a daily
    # cycle to take out: the levels are the means.
    assert means == (
        DailyMean(dt.date(2025, 3, 29), 1.0, 1, 1 / 24, level=1.0),
        DailyMean(dt.date(2025, 3, 30), 3.0, 2, 1 / 23, level=3.0),
    )


@pytest.mark.parametrize("zone", ["Europe/Brussels", "Asia/Kolkata", "America/New_York"])
def test_hourly_means_make_full_days(zone: str) -> None:
    """The recorder's hourly statistics (one mean at the middle of each UTC hour) stand in
    for history older than the states: their days are full, so a window seeded from them
    has a daily-means trend at once. Also where the offset has half an hour (Kolkata)."""
    first = _local_midnight(dt.date(2025, 11, 1), zone)
    start = (first // 3600 + 1) * 3600  # the first whole UTC hour of the local day
    times = np.arange(start + 1800.0, first + 5 * 86400, 3600.0)
    values = np.full(times.size, 20.0, dtype=np.float32)

    means = daily_means(times, values, zone)

    assert [day.full for day in means] == [True] * 5
    # A sensor read every 2 hours does not cover its days.
    sparse = daily_means(times[::2], values[::2], zone)
    assert not any(day.full for day in sparse)


def test_a_day_half_seeded_half_live_weighs_each_hour_once() -> None:
    """History seeded from the recorder (a reading an hour) meets live 10 s readings from
    noon of the third day on. In a steady daily cycle every day's mean is the same; a mean
    over samples made the third day its warm afternoon, a rise of about 1 °C/d."""
    zone = "Europe/Brussels"
    first = _local_midnight(dt.date(2025, 11, 3), zone)
    live_from = first + 2 * DAY + 12 * 3600

    def cycle(times: NDArray[np.float64]) -> NDArray[np.float32]:
        return (20.0 + 3.0 * np.sin(2 * np.pi * ((times - first) / DAY - 9 / 24))).astype(
            np.float32
        )

    seeded = np.arange(first + 1800.0, live_from, 3600.0)
    live = np.arange(live_from, first + 4 * DAY, 10.0)
    times = np.concatenate((seeded, live))

    result = analyze_trend(times, cycle(times), tz=zone, now_s=first + 4 * DAY)

    assert [day.full for day in result.daily_means] == [True] * 4
    for day in result.daily_means:
        assert day.mean == pytest.approx(20.0, abs=0.15)
    assert abs(result.full_day_line.slope_per_day) < 0.05
    # The count is still every sample: 12 seeded and 12 hours of live ones on the third day.
    assert result.daily_means[2].count == 12 + 12 * 360


def test_unsorted_input_gives_the_sorted_result() -> None:
    rng = np.random.default_rng(7)
    times = rng.uniform(1.7e9, 1.7e9 + 4 * DAY, 500)
    values = rng.normal(0.0, 1.0, 500).astype(np.float32)
    order = np.argsort(times)

    shuffled = analyze_trend(times, values, tz="UTC", now_s=1.7e9 + 4 * DAY)
    ordered = analyze_trend(times[order], values[order], tz="UTC", now_s=1.7e9 + 4 * DAY)

    assert shuffled.daily_means == ordered.daily_means
    assert shuffled.slope_per_day == pytest.approx(ordered.slope_per_day, rel=1e-9)
    assert shuffled.t_ref_s == ordered.t_ref_s == times.min()


def test_regression_and_statistics_match_numpy() -> None:
    rng = np.random.default_rng(3)
    times = np.sort(rng.uniform(1.75e9, 1.75e9 + 7 * DAY, 5000))
    days = (times - times[0]) / DAY
    values = (18.0 + 0.8 * days + rng.normal(0.0, 0.5, times.size)).astype(np.float32)
    values[::97] = np.nan

    result = analyze_trend(times, values, tz="Europe/Berlin", now_s=times[-1] + 30.0)

    finite = np.isfinite(values)
    # The first sample is NaN: the reference time is the first finite sample's.
    t_ref = times[finite][0]
    x = (times[finite] - t_ref) / DAY
    y = values[finite].astype(np.float64)
    # Each value weighs the time until the next finite one (the newest, 30 s old, as long
    # as the one before it); polyfit weighs residuals, so by the square roots.
    stood_for = np.diff(times[finite], append=times[finite][-1] + 0.0)
    stood_for[-1] = max(30.0, stood_for[-2])
    slope, intercept = np.polyfit(x, y, 1, w=np.sqrt(stood_for))
    mean = np.average(y, weights=stood_for)
    assert result.count == finite.sum()
    assert result.slope_per_day == pytest.approx(slope, rel=1e-6)
    assert result.intercept == pytest.approx(intercept, rel=1e-6)
    assert result.t_ref_s == t_ref > times[0]
    assert result.mean == pytest.approx(mean, rel=1e-6)
    assert result.std == pytest.approx(np.sqrt(np.average((y - mean) ** 2, weights=stood_for)))
    # Counted sample by sample they differ: the uniform times are far from even.
    assert abs(y.mean() - mean) > 1e-3
    assert result.minimum == y.min()
    assert result.maximum == y.max()
    assert result.last_time_s == times[-1]
    assert result.last_age_s == pytest.approx(30.0)
    assert result.backend == window_stats.backend_name()


def test_no_samples() -> None:
    empty = np.empty(0)
    result = analyze_trend(empty, empty.astype(np.float32), tz="UTC", now_s=1.7e9)

    assert result.daily_means == ()
    assert result.count == 0
    for name in ("slope_per_day", "mean", "minimum", "maximum", "t_ref_s", "last_age_s"):
        assert np.isnan(getattr(result, name)), name
    assert np.isnan(result.robust.slope_per_day)
    assert np.isnan(result.daily_line.slope_per_day)


def test_only_nan_values_count_as_no_samples() -> None:
    times = np.array([1.7e9, 1.7e9 + 60.0])
    values = np.full(2, np.nan, dtype=np.float32)

    result = analyze_trend(times, values, tz="UTC", now_s=1.7e9 + 60.0)

    assert result.count == 0
    assert np.isnan(result.last_time_s)
    # pandas keeps the day as a NaN row, and so do we.
    [day] = result.daily_means
    assert (day.date, day.count) == (dt.date(2023, 11, 14), 0)
    assert np.isnan(day.mean)


def test_one_sample_has_statistics_but_no_slope() -> None:
    time_s = _local_midnight(dt.date(2025, 6, 1), "America/New_York") + 3600.0
    result = analyze_trend(
        np.array([time_s]), np.array([22.5], dtype=np.float32), tz="America/New_York", now_s=time_s
    )

    assert result.count == 1
    assert result.mean == result.minimum == result.maximum == 22.5
    # One hour of the day's 24 holds a sample, and the day has only begun.
    assert result.daily_means == (
        DailyMean(dt.date(2025, 6, 1), 22.5, 1, 1 / 24, ended=False, level=22.5),
    )
    assert np.isnan(result.slope_per_day)
    assert np.isnan(result.robust.slope_per_day)
    assert result.last_age_s == 0.0


def test_samples_at_one_instant_have_no_slope() -> None:
    times = np.full(3, 1.7e9)
    result = analyze_trend(
        times, np.array([1.0, 2.0, 3.0], dtype=np.float32), tz="UTC", now_s=1.7e9
    )

    assert result.count == 3
    assert np.isnan(result.slope_per_day)


def test_window_ignores_samples_older_than_now_minus_window() -> None:
    times = np.arange(0.0, 10 * DAY, 3600.0) + 1.7e9
    values = np.arange(times.size, dtype=np.float32)
    now_s = float(times[-1])

    result = analyze_trend(times, values, tz="UTC", now_s=now_s, window_s=2 * DAY)

    kept = times >= now_s - 2 * DAY
    assert result.count == kept.sum() == 49
    assert result.t_ref_s == times[kept][0]
    assert result.minimum == values[kept][0]


def test_mismatched_shapes_are_rejected() -> None:
    with pytest.raises(ValueError, match="equal length"):
        analyze_trend(np.zeros(3), np.zeros(2, dtype=np.float32), tz="UTC", now_s=0.0)


def test_analyze_many_over_a_store_and_its_snapshot() -> None:
    now_s = 1.76e9
    store = SampleStore(window_s=2 * DAY, capacity_per_sensor=2000)
    times = np.arange(now_s - 3 * DAY, now_s, 300.0)
    store.extend("rising", times, (5.0 + (times - times[0]) / DAY).astype(np.float32))
    store.extend("falling", times, (5.0 - 2 * (times - times[0]) / DAY).astype(np.float32))

    snapshot = store.snapshot(now_s)
    from_store = analyze_many(store, "Europe/Berlin", now_s)
    from_snapshot = analyze_many(snapshot, ZoneInfo("Europe/Berlin"), now_s)

    assert from_store.keys() == from_snapshot.keys() == {"rising", "falling"}
    assert from_store == from_snapshot
    # Five minutes after the newest sample, the window ends at it.
    in_window = times >= times[-1] - 2 * DAY
    assert from_store["rising"].count == in_window.sum()
    assert from_store["rising"].robust.slope_per_day == pytest.approx(1.0, abs=1e-6)
    assert from_store["falling"].robust.slope_per_day == pytest.approx(-2.0, abs=1e-6)
    assert from_store["falling"] == analyze_trend(
        *snapshot["falling"], tz="Europe/Berlin", now_s=now_s
    )


def test_a_day_that_lost_some_hours_keeps_its_level() -> None:
    """An outage took four afternoon hours of a full day (83 % covered): its mean reads the
    missing warmth as a cold day, its level does not, and the published line is flat."""
    zone = "Europe/Brussels"
    first = _local_midnight(dt.date(2025, 11, 3), zone)
    times = np.arange(first, first + 3 * 86400, 300.0)
    hours = (times - first) / 3600.0
    values = (21.0 + 2.0 * np.sin(2 * np.pi * (hours - 9.0) / 24)).astype(np.float32)
    lost = (hours >= 48 + 12) & (hours < 48 + 16)
    result = analyze_trend(times[~lost], values[~lost], tz=zone, now_s=first + 3 * 86400)

    day = result.daily_means[2]
    assert day.full
    assert day.mean < 20.7  # the afternoon's 22-23 degrees are missing
    assert day.level == pytest.approx(21.0, abs=1e-5)
    for whole in result.daily_means[:2]:
        assert whole.level == pytest.approx(whole.mean, rel=1e-9)
    assert result.full_day_line.slope_per_day == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize(
    ("first", "changed"),
    [(dt.date(2025, 10, 23), dt.date(2025, 10, 26)), (dt.date(2025, 3, 27), dt.date(2025, 3, 30))],
    ids=["25_hour_day", "23_hour_day"],
)
def test_a_day_whose_clock_changes_keeps_its_level(first: dt.date, changed: dt.date) -> None:
    """A room that follows the clock (heating at 06:00 whatever the date): the day with two
    02:00 hours (or none) has a biased mean, and its level counts each clock hour once."""
    zone = "Europe/Brussels"
    start = _local_midnight(first, zone)
    times = np.arange(start, start + 7 * 86400, 300.0)
    local = [dt.datetime.fromtimestamp(t, ZoneInfo(zone)) for t in times]
    clock_hours = np.array([moment.hour + moment.minute / 60 for moment in local])
    values = (21.0 + 1.1 * np.sin(2 * np.pi * clock_hours / 24)).astype(np.float32)
    result = analyze_trend(times, values, tz=zone, now_s=float(times[-1]) + 86400)

    (day,) = [day for day in result.daily_means if day.date == changed]
    assert day.full
    assert abs(day.mean - 21.0) > 0.02  # an hour too many, or too few
    assert day.level == pytest.approx(21.0, abs=2e-3)
    assert result.full_day_line.slope_per_day == pytest.approx(0.0, abs=1e-3)
