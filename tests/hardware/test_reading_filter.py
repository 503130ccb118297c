"""The reading filter: ranges, steps scaled by time, confirmed jumps, availability, counts."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.py_iot_home.hardware.dht import DhtModel, DhtReading
from custom_components.py_iot_home.hardware.reading_filter import (
    FilterCounts,
    FilterVerdict,
    ReadingFilter,
    Rejection,
    RepeatedReading,
    stuck_after_for,
)

OK = FilterVerdict(accepted=True)
STEP = FilterVerdict(accepted=False, reason=Rejection.STEP)
RANGE = FilterVerdict(accepted=False, reason=Rejection.OUT_OF_RANGE)


def reading(temperature: float, humidity: float = 45.0) -> DhtReading:
    return DhtReading(temperature=temperature, humidity=humidity)


def test_first_plausible_reading_is_kept() -> None:
    readings = ReadingFilter()
    before = readings.last_good

    assert before is None
    assert readings.accept(reading(21.0), at=100.0) == OK
    assert readings.last_good == reading(21.0)
    assert readings.counts == FilterCounts(reads_ok=1)
    assert readings.available


@pytest.mark.parametrize(
    "bad",
    [
        reading(-40.1),
        reading(80.5),
        reading(21.0, -0.1),
        reading(21.0, 100.1),
        reading(math.nan),
        reading(21.0, math.inf),
        reading(3276.8, 45.0),
    ],
)
def test_out_of_range_readings_are_rejected(bad: DhtReading) -> None:
    readings = ReadingFilter()
    readings.accept(reading(21.0), at=0.0)

    assert readings.accept(bad, at=60.0) == RANGE
    assert readings.last_good == reading(21.0)
    assert readings.counts == FilterCounts(reads_ok=1, rejected_out_of_range=1)


def test_range_limits_are_inclusive() -> None:
    readings = ReadingFilter()

    assert readings.accept(reading(-40.0, 0.0), at=0.0) == OK
    assert ReadingFilter().accept(reading(80.0, 100.0), at=0.0) == OK


@pytest.mark.parametrize(
    ("elapsed_s", "step", "verdict"),
    [
        (60.0, 4.9, OK),  # 5 °C a minute
        (60.0, 5.2, STEP),
        (30.0, 2.4, OK),
        (30.0, 2.6, STEP),
        (2.0, 1.2, OK),  # reads seconds apart still tolerate 1.25 °C of noise
        (2.0, 1.3, STEP),
        (-5.0, 1.2, OK),  # a clock stepping back is treated as a short gap
        (3600.0, 9.9, OK),  # a long gap allows at most 2 minutes' worth: 10 °C
        (3600.0, 10.5, STEP),
    ],
)
def test_temperature_step_scales_with_time(
    elapsed_s: float, step: float, verdict: FilterVerdict
) -> None:
    for sign in (1.0, -1.0):
        readings = ReadingFilter()
        readings.accept(reading(20.0), at=1000.0)

        assert readings.accept(reading(20.0 + sign * step), at=1000.0 + elapsed_s) == verdict


@pytest.mark.parametrize(
    ("elapsed_s", "step", "verdict"),
    [(60.0, 19.5, OK), (60.0, 21.0, STEP), (2.0, 4.9, OK), (2.0, 5.5, STEP), (7200.0, 41.0, STEP)],
)
def test_humidity_step_scales_with_time(
    elapsed_s: float, step: float, verdict: FilterVerdict
) -> None:
    readings = ReadingFilter()
    readings.accept(reading(20.0, 30.0), at=0.0)

    assert readings.accept(reading(20.0, 30.0 + step), at=elapsed_s) == verdict


def test_custom_limits() -> None:
    readings = ReadingFilter(
        max_temperature_step_per_minute=1.0,
        temperature_range=(0.0, 50.0),
        step_window_s=(60.0, 60.0),
    )
    readings.accept(reading(20.0), at=0.0)

    assert readings.accept(reading(-1.0), at=10.0) == RANGE
    assert readings.accept(reading(21.5), at=10.0) == STEP
    assert readings.accept(reading(20.9), at=10_000.0) == OK


def test_an_isolated_glitch_is_dropped() -> None:
    readings = ReadingFilter()
    readings.accept(reading(20.0), at=0.0)

    assert readings.accept(reading(45.0), at=30.0) == STEP
    assert readings.accept(reading(20.1), at=60.0) == OK
    assert readings.last_good == reading(20.1)
    assert readings.counts == FilterCounts(reads_ok=2, rejected_step=1)


def test_a_confirmed_jump_is_taken() -> None:
    """After an outage the room really is warmer: two agreeing reads win over the old value."""
    readings = ReadingFilter()
    readings.accept(reading(18.0), at=0.0)

    assert readings.accept(reading(31.0), at=7200.0) == STEP
    assert readings.accept(reading(31.2), at=7230.0) == OK
    assert readings.last_good == reading(31.2)
    assert readings.accept(reading(31.3), at=7260.0) == OK


def test_disagreeing_jumps_stay_rejected() -> None:
    readings = ReadingFilter(max_consecutive_failures=3)
    readings.accept(reading(20.0), at=0.0)

    assert readings.accept(reading(45.0), at=30.0) == STEP
    assert readings.accept(reading(2.0), at=60.0) == STEP
    assert readings.accept(reading(60.0), at=90.0) == STEP
    assert readings.last_good == reading(20.0)
    assert not readings.available


def test_more_confirmations_can_be_required() -> None:
    readings = ReadingFilter(jump_confirmations=3)
    readings.accept(reading(20.0), at=0.0)

    assert readings.accept(reading(30.0), at=30.0) == STEP
    assert readings.accept(reading(30.1), at=60.0) == STEP
    assert readings.accept(reading(30.2), at=90.0) == OK


def test_unavailable_after_n_consecutive_failures_then_recovers() -> None:
    readings = ReadingFilter(max_consecutive_failures=3)
    readings.accept(reading(21.0), at=0.0)

    availability = []
    for _ in range(3):
        readings.record_failure()
        availability.append((readings.available, readings.consecutive_failures))
    assert availability == [(True, 1), (True, 2), (False, 3)]

    assert readings.accept(reading(21.2), at=120.0) == OK
    assert (readings.available, readings.consecutive_failures) == (True, 0)
    assert readings.counts == FilterCounts(reads_ok=2, failed_reads=3)


def test_rejections_count_towards_unavailability() -> None:
    readings = ReadingFilter(max_consecutive_failures=3)
    readings.accept(reading(21.0), at=0.0)

    readings.record_failure()
    readings.accept(reading(120.0), at=30.0)
    available_after_two = readings.available
    readings.accept(reading(50.0), at=60.0)

    assert available_after_two
    assert not readings.available
    assert readings.counts == FilterCounts(
        reads_ok=1, failed_reads=1, rejected_out_of_range=1, rejected_step=1
    )


def test_a_new_failure_threshold_counts_the_failures_so_far() -> None:
    readings = ReadingFilter(max_consecutive_failures=5)
    readings.accept(reading(21.0), at=0.0)
    readings.record_failure()
    readings.record_failure()

    readings.set_max_consecutive_failures(2)
    lowered = readings.available
    readings.set_max_consecutive_failures(3)

    assert not lowered
    assert readings.available
    with pytest.raises(ValueError, match="max_consecutive_failures"):
        readings.set_max_consecutive_failures(0)


def test_unavailable_before_any_good_reading() -> None:
    readings = ReadingFilter(max_consecutive_failures=2)

    readings.record_failure()
    readings.record_failure()

    assert not readings.available
    assert readings.last_good is None


def test_counts_are_frozen() -> None:
    counts = ReadingFilter().counts

    with pytest.raises(dataclasses.FrozenInstanceError):
        counts.reads_ok = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_consecutive_failures": 0},
        {"jump_confirmations": 0},
        {"step_window_s": (30.0, 10.0)},
        {"step_window_s": (-1.0, 10.0)},
    ],
)
def test_invalid_settings(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must be"):
        ReadingFilter(**kwargs)  # type: ignore[arg-type]


events = st.lists(
    st.one_of(
        st.none(),
        st.tuples(
            st.one_of(st.floats(min_value=-60, max_value=100), st.just(math.nan)),
            st.floats(min_value=-10, max_value=110, allow_nan=False),
            st.floats(min_value=0, max_value=600),
        ),
    ),
    max_size=60,
)


@given(events, st.integers(min_value=1, max_value=6))
def test_every_event_is_counted_once_and_availability_follows_the_streak(
    sequence: list[tuple[float, float, float] | None], threshold: int
) -> None:
    readings = ReadingFilter(max_consecutive_failures=threshold)
    at = 0.0
    streak = 0
    for event in sequence:
        if event is None:
            readings.record_failure()
            streak += 1
        else:
            temperature, humidity, gap = event
            at += gap
            verdict = readings.accept(reading(temperature, humidity), at)
            assert verdict.accepted == (verdict.reason is None)
            if verdict.accepted:
                assert readings.last_good == reading(temperature, humidity)
            streak = 0 if verdict.accepted else streak + 1
        assert readings.available == (streak < threshold)
        last_good = readings.last_good
        if last_good is not None:
            assert -40.0 <= last_good.temperature <= 80.0
            assert 0.0 <= last_good.humidity <= 100.0
    counts = readings.counts
    total = (
        counts.reads_ok + counts.failed_reads + counts.rejected_out_of_range + counts.rejected_step
    )
    assert total == len(sequence)


STUCK = FilterVerdict(accepted=False, reason=Rejection.STUCK)


def test_a_reading_repeated_for_hours_is_a_stuck_sensor() -> None:
    """A hung DHT22 answers with one checksum-valid reading until power-cycled."""
    readings = ReadingFilter(
        max_consecutive_failures=3, stuck_after_s=6 * 3600.0, stuck_after_reads=20
    )
    verdicts = [readings.accept(reading(21.3, 45.1), at=minute * 60.0) for minute in range(361)]
    # Six hours of the same reading are still shown...
    assert set(verdicts[:360]) == {OK}
    # ...the read at six hours is not, and the next ones make the sensor unavailable.
    assert verdicts[360] == STUCK
    for minute in (361, 362):
        assert readings.accept(reading(21.3, 45.1), at=minute * 60.0) == STUCK
    assert not readings.available
    assert readings.counts.rejected_stuck == 3
    # Any other reading is a sensor alive again.
    assert readings.accept(reading(21.3, 45.2), at=363 * 60.0) == OK
    assert readings.available
    assert readings.accept(reading(21.3, 45.2), at=364 * 60.0) == OK


def test_a_slow_poll_is_not_judged_stuck_on_a_few_reads() -> None:
    readings = ReadingFilter(stuck_after_s=6 * 3600.0, stuck_after_reads=20)
    # Every 30 minutes for 8 hours: 17 reads, too few to tell.
    assert {readings.accept(reading(21.3, 45.1), at=n * 1800.0) for n in range(17)} == {OK}


def test_an_unchanged_temperature_alone_is_not_stuck() -> None:
    """A cellar may hold its temperature for hours; its humidity still moves."""
    readings = ReadingFilter(stuck_after_s=6 * 3600.0, stuck_after_reads=20)
    verdicts = {
        readings.accept(reading(12.0, 80.0 + 0.1 * (minute % 2)), at=minute * 60.0)
        for minute in range(720)
    }
    assert verdicts == {OK}


def test_without_a_stuck_rule_a_repeated_reading_is_kept() -> None:
    """The default, and a DHT11's (whole degrees and percent may repeat for hours)."""
    readings = ReadingFilter()
    assert {readings.accept(reading(21.0, 45.0), at=minute * 60.0) for minute in range(720)} == {OK}
    assert stuck_after_for(DhtModel.DHT11) is None
    assert stuck_after_for(DhtModel.DHT22) == stuck_after_for(DhtModel.AM2302) == 6 * 3600.0


@pytest.mark.parametrize("humidity", [99.9, 100.0, 0.0])
def test_humidity_pinned_at_the_range_end_is_not_stuck(humidity: float) -> None:
    """A DHT22 in condensation reads 99.9 % for hours; a greenhouse at night holds 11.4 °C."""
    readings = ReadingFilter(stuck_after_s=6 * 3600.0, stuck_after_reads=20)
    verdicts = {readings.accept(reading(11.4, humidity), at=minute * 60.0) for minute in range(720)}
    assert verdicts == {OK}


def test_the_repeated_reading_goes_on_counting_in_a_new_filter() -> None:
    """What a restart carries over (a board's store, a node's state file)."""
    before = ReadingFilter(stuck_after_s=6 * 3600.0, stuck_after_reads=20)
    assert before.repeated is None
    for minute in range(300):
        assert before.accept(reading(21.3, 45.1), at=minute * 60.0) == OK
    repeated = before.repeated
    assert repeated == RepeatedReading(reading(21.3, 45.1), 299 * 60.0, 300, 299 * 60.0)
    assert RepeatedReading.from_json(repeated.to_json()) == repeated
    after = ReadingFilter(stuck_after_s=6 * 3600.0, stuck_after_reads=20)
    after.resume_repeated(repeated)
    verdicts = [after.accept(reading(21.3, 45.1), at=minute * 60.0) for minute in range(300, 362)]
    assert verdicts.index(STUCK) == 60
    with pytest.raises(RuntimeError):
        after.resume_repeated(repeated)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["temperature", "humidity", "for_s", "reads", "last_at", "x"]),
            children,
            max_size=6,
        )
    ),
    max_leaves=12,
)


@given(JSON)
def test_anything_but_a_written_repeated_reading_reads_back_as_none(data: object) -> None:
    restored = RepeatedReading.from_json(data)
    if restored is not None:
        assert all(
            math.isfinite(number)
            for number in (
                restored.reading.temperature,
                restored.reading.humidity,
                restored.for_s,
                restored.last_at,
            )
        )
        assert restored.for_s >= 0
        assert restored.reads >= 1
