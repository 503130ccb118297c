"""Rising/falling with significance, hysteresis and a minimum time; measured on long runs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from custom_components.py_iot_home.analysis.sample_store import SampleStore
from custom_components.py_iot_home.analysis.trend import analyze_trend
from custom_components.py_iot_home.analysis.trend_direction import (
    UNKNOWN,
    DirectionState,
    classify,
    next_direction,
)
from custom_components.py_iot_home.analysis.trend_estimate import TrendSettings, estimate_trend

DAY = 86400.0
T0 = 1_764_547_200.0


@pytest.mark.parametrize(
    ("slope", "error", "current", "expected"),
    [
        (0.5, 0.1, None, "rising"),  # 0.5 - 0.2 > 0.2
        (0.5, 0.2, None, "steady"),  # 0.5 - 0.4 is not > 0.2
        (-0.5, 0.1, None, "falling"),
        (0.1, 0.0, None, "steady"),
        (0.2, 0.0, None, "steady"),  # the threshold itself is not beyond it
        (0.3, 0.2, "rising", "rising"),  # kept while the slope is above the threshold
        (0.19, 0.0, "rising", "steady"),
        (-0.3, 0.5, "falling", "falling"),
        (0.3, 0.5, "falling", "steady"),
    ],
)
def test_classify(slope: float, error: float, current: str | None, expected: str) -> None:
    assert classify(slope, error, 0.2, current) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("threshold", [-0.1, float("nan")])
def test_classify_rejects_invalid_thresholds(threshold: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        classify(1.0, 0.1, threshold, None)


def test_a_change_is_adopted_only_after_the_minimum_time() -> None:
    state = next_direction(UNKNOWN, 1.0, 0.1, threshold=0.2, now_s=0.0)
    assert state == DirectionState("rising")  # the first direction is taken at once
    state = next_direction(state, -1.0, 0.1, threshold=0.2, now_s=100.0)
    assert state == DirectionState("rising", "falling", 100.0)
    # A different candidate starts the clock again; agreeing with the current drops it.
    state = next_direction(state, 0.0, 0.1, threshold=0.2, now_s=200.0)
    assert state == DirectionState("rising", "steady", 200.0)
    assert next_direction(state, 1.0, 0.1, threshold=0.2, now_s=300.0) == DirectionState("rising")
    state = next_direction(state, 0.0, 0.1, threshold=0.2, now_s=3799.0)
    assert state.direction == "rising"
    state = next_direction(state, 0.0, 0.1, threshold=0.2, now_s=3800.0)
    assert state == DirectionState("steady")
    # No published trend: unknown, whatever came before.
    assert next_direction(state, None, 0.1, threshold=0.2, now_s=4000.0) == UNKNOWN


def test_a_silent_source_shows_no_direction_and_resumes_without_a_turn() -> None:
    """Unknown while the source is silent, not stuck at its old direction; when readings
    come again, the direction it had is resumed with its hysteresis: a slope of 0.3 keeps
    "rising" (taken afresh it would be "steady", announced as a turn the room never made),
    and a real turn still waits the minimum time."""
    rising = next_direction(UNKNOWN, 1.0, 0.1, threshold=0.2, now_s=0.0)
    pending = next_direction(rising, -1.0, 0.1, threshold=0.2, now_s=100.0)
    silent = next_direction(pending, None, 0.1, threshold=0.2, now_s=7300.0, silent=True)
    assert silent.direction is None
    assert next_direction(silent, None, 0.1, threshold=0.2, now_s=7600.0, silent=True) == silent
    assert next_direction(silent, 0.3, 0.1, threshold=0.2, now_s=9000.0) == DirectionState("rising")
    assert next_direction(UNKNOWN, 0.3, 0.1, threshold=0.2, now_s=9000.0).direction == "steady"
    # The change pending when it went silent starts again: the analyses meanwhile saw nothing.
    state = next_direction(silent, -1.0, 0.1, threshold=0.2, now_s=9000.0)
    assert (state.direction, state.candidate, state.since_s) == ("rising", "falling", 9000.0)
    # Unknown for any other reason forgets the direction.
    assert next_direction(silent, None, 0.1, threshold=0.2, now_s=9000.0) == UNKNOWN


@pytest.mark.parametrize("since_s", [5000.0, 1e300])
def test_a_change_seen_since_a_time_to_come_waits_the_minimum_time_from_now(since_s: float) -> None:
    """A candidate stamped after now (a clock set back, a damaged judgement restored from the
    trend file) starts its count now: it waited the minimum time, not for ever."""
    pending = DirectionState("rising", "steady", since_s)
    state = next_direction(pending, 0.0, 0.1, threshold=0.2, now_s=1000.0)
    assert state == DirectionState("rising", "steady", 1000.0)
    state = next_direction(state, 0.0, 0.1, threshold=0.2, now_s=4600.0)
    assert state == DirectionState("steady")


def _run(
    times: np.ndarray, values: np.ndarray, *, days: int, threshold: float = 0.2
) -> list[str | None]:
    """Analyse as the coordinator does, every 5 minutes, and return the adopted directions."""
    seen = _directions(times, values, days=days, threshold=threshold)
    return [direction for _, direction in seen]


def _directions(
    times: np.ndarray,
    values: np.ndarray,
    *,
    days: int,
    threshold: float = 0.2,
    tz: str = "Europe/Berlin",
) -> list[tuple[float, str | None]]:
    """Each analysis's time and adopted direction, through a 7-day window."""
    clock = [T0]
    store = SampleStore(window_s=7 * DAY, min_interval_s=60.0, clock=lambda: clock[0])
    settings = TrendSettings(min_span_s=4 * 3600.0, max_standard_error=0.5, window_s=7 * DAY)
    state = UNKNOWN
    published = False
    directions: list[tuple[float, str | None]] = []
    fed = 0
    for now_s in np.arange(T0 + 300.0, T0 + days * DAY + 1.0, 300.0):
        clock[0] = float(now_s)
        end = int(np.searchsorted(times, now_s, side="right"))
        store.extend("t", times[fed:end], values[fed:end])
        fed = end
        result = analyze_trend(*store.view("t"), tz=tz, now_s=float(now_s))
        estimate = estimate_trend(result, settings, now_s=float(now_s), was_published=published)
        published = estimate.published
        state = next_direction(
            state,
            estimate.shown_slope,
            estimate.standard_error,
            threshold=threshold,
            now_s=float(now_s),
        )
        directions.append((float(now_s), state.direction))
    return directions


def test_a_stationary_noisy_room_is_never_rising_in_seven_days() -> None:
    """Constant mean, a daily cycle, noise and DHT22 tenths: no false "rising" at all."""
    times = np.arange(T0, T0 + 7 * DAY, 60.0)
    x = (times - T0) / DAY
    rng = np.random.default_rng(2026)
    values = np.round(21.0 + 1.5 * np.sin(2 * np.pi * x) + rng.normal(0, 0.3, x.size), 1)
    directions = _run(times, values, days=7)
    assert "rising" not in directions
    assert "falling" not in directions
    assert directions[-1] == "steady"


def test_a_warming_room_turns_rising_once_and_stays() -> None:
    times = np.arange(T0, T0 + 5 * DAY, 60.0)
    x = (times - T0) / DAY
    rng = np.random.default_rng(7)
    values = 19.0 + 1.0 * x + 1.5 * np.sin(2 * np.pi * x) + rng.normal(0, 0.2, x.size)
    directions = [d for d in _run(times, values, days=5) if d is not None]
    changes = [b for a, b in itertools.pairwise(directions) if a != b]
    assert directions[-1] == "rising"
    assert changes in ([], ["rising"])


def test_a_day_leaving_the_window_does_not_turn_the_direction() -> None:
    """A room warming 0.3 degC a day, its first day a degree warmer still: through days 0-5
    (and 0-6) the line is flatter, steady. Day 0 left the line by itself at about 05:00 on
    day 7, once the window had passed a fifth of it, and the rising sensor turned on at
    05:40 with nothing new in the room. It now leaves as day 6 enters, with the readings
    after midnight: the direction turns once, in the two hours that day took to enter and
    the direction to wait, and stays through the night as the window passes day 0."""
    times = np.arange(T0 + 300.0, T0 + 9 * DAY, 600.0)
    x = (times - T0) / DAY
    levels = 20.0 + 0.3 * np.arange(9) + (np.arange(9) == 0)
    rng = np.random.default_rng(1)
    cycle = 1.5 * np.sin(2 * np.pi * (x - 0.375))
    values = np.round(levels[x.astype(int)] + cycle + rng.normal(0, 0.1, x.size), 1)

    # From the day the window is all but full: the first days turned it falling, then steady.
    timeline = _directions(times, values, days=9, tz="UTC")
    seen = [(now, direction) for now, direction in timeline if now > T0 + 6 * DAY]

    turns = [(now, b) for (_, a), (now, b) in itertools.pairwise(seen) if a != b]
    assert seen[0][1] == "steady"
    assert [direction for _, direction in turns] == ["rising"]
    assert T0 + 7 * DAY < turns[0][0] <= T0 + 7 * DAY + 2 * 3600.0
