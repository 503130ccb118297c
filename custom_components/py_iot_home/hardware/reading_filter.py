"""Plausibility filter and failure counting for DHT readings.

A DHT22 now and then returns a checksum-valid but absurd value (a 30 °C jump, humidity above
100 %). The filter drops values that are out of the physical range or that jump further than
the room could have changed since the last good value, and says when the sensor has failed
often enough in a row to be shown unavailable.

A DHT22 can also hang and answer with one reading, checksum-valid, until it is powered off
and on. Shown, that is a room at a perfectly steady 21.3 °C and 45.1 %, and a trend of
0.00 ± 0.00. A working DHT22's humidity moves by its 0.1 % step within minutes, so both
values unchanged for hours (``stuck_after_s``, and ``stuck_after_reads`` reads, so a slow
poll is not judged on a few) mean a stuck sensor: its reads are rejected, and it shows
unavailable like a failing one. A DHT11 reads whole degrees and percent and may honestly
repeat itself for hours, so it is not judged (``stuck_after_for``). What the rule has
counted survives a restart (``repeated``, ``resume_repeated``): otherwise a hung sensor
would look alive for another six hours after each one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .dht import DhtBackend, DhtModel, DhtReadError, DhtReading

STUCK_AFTER_S = 6 * 3600.0
STUCK_AFTER_READS = 20
# The longest a poll waits (the options' limit): a longer gap between two reads is a clock
# step (NTP setting a Pi's clock after boot), not hours the sensor repeated itself.
MAX_READ_GAP_S = 3600.0
# Humidity at or beyond these is pinned at the sensor's range, not stuck.
STEADY_HUMIDITY_ENDS = (1.0, 99.0)


class Rejection(StrEnum):
    """Why a reading was dropped."""

    OUT_OF_RANGE = "out_of_range"
    STEP = "step"
    STUCK = "stuck"


@dataclass(frozen=True, slots=True)
class FilterVerdict:
    """Whether ``ReadingFilter.accept`` kept a reading, and if not, why."""

    accepted: bool
    reason: Rejection | None = None


ACCEPTED = FilterVerdict(accepted=True)
REJECTED_OUT_OF_RANGE = FilterVerdict(accepted=False, reason=Rejection.OUT_OF_RANGE)
REJECTED_STEP = FilterVerdict(accepted=False, reason=Rejection.STEP)
REJECTED_STUCK = FilterVerdict(accepted=False, reason=Rejection.STUCK)


def stuck_after_for(model: DhtModel) -> float | None:
    """How long a sensor of ``model`` may repeat one reading before it counts as stuck."""
    return None if model is DhtModel.DHT11 else STUCK_AFTER_S


@dataclass(frozen=True, slots=True)
class RepeatedReading:
    """The reading a sensor gave last: for how long, in how many reads, and when last."""

    reading: DhtReading
    for_s: float
    reads: int
    last_at: float

    def read_again(self, at: float) -> RepeatedReading:
        """One more read of it at ``at``; a gap counts at most ``MAX_READ_GAP_S``."""
        gap_s = min(max(at - self.last_at, 0.0), MAX_READ_GAP_S)
        return RepeatedReading(self.reading, self.for_s + gap_s, self.reads + 1, at)

    def to_json(self) -> dict[str, float | int]:
        """Plain numbers, for a state file."""
        return {
            "temperature": self.reading.temperature,
            "humidity": self.reading.humidity,
            "for_s": self.for_s,
            "reads": self.reads,
            "last_at": self.last_at,
        }

    @classmethod
    def from_json(cls, data: object) -> RepeatedReading | None:
        """What ``to_json`` wrote, or None for anything else (a damaged or foreign file)."""
        if not isinstance(data, Mapping):
            return None
        temperature, humidity, for_s, last_at = (
            _finite(data.get(key)) for key in ("temperature", "humidity", "for_s", "last_at")
        )
        reads = data.get("reads")
        if (
            temperature is None
            or humidity is None
            or last_at is None
            or for_s is None
            or not 0.0 <= for_s <= MAX_RESTORED_READS * MAX_READ_GAP_S
            or type(reads) is not int
            or not 1 <= reads <= MAX_RESTORED_READS
        ):
            return None
        return cls(DhtReading(temperature, humidity), for_s, reads, last_at)


# More reads than a poll every 2 s makes in a century: a count no sensor reaches.
MAX_RESTORED_READS = 2_000_000_000


def _finite(value: object) -> float | None:
    """A JSON number that is finite, as a float; None for anything else (bools too)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True, slots=True)
class FilterCounts:
    """Totals since the filter was made, for diagnostics."""

    reads_ok: int = 0
    failed_reads: int = 0
    rejected_out_of_range: int = 0
    rejected_step: int = 0
    rejected_stuck: int = 0


class ReadingFilter:
    """Keeps plausible readings and counts the rest.

    The allowed jump grows with the time since the last good reading, at
    ``max_*_step_per_minute``, but over a window clamped to ``step_window_s``: the lower bound
    absorbs sensor noise between reads a few seconds apart, the upper bound keeps a long
    outage from excusing any value at all. A jump that ``jump_confirmations`` reads in a row
    agree on is a real change (heater on, window open, sensor moved) and is taken, so the
    filter never locks itself out.
    """

    def __init__(
        self,
        max_consecutive_failures: int = 5,
        *,
        max_temperature_step_per_minute: float = 5.0,
        max_humidity_step_per_minute: float = 20.0,
        temperature_range: tuple[float, float] = (-40.0, 80.0),
        humidity_range: tuple[float, float] = (0.0, 100.0),
        step_window_s: tuple[float, float] = (15.0, 120.0),
        jump_confirmations: int = 2,
        stuck_after_s: float | None = None,
        stuck_after_reads: int = STUCK_AFTER_READS,
    ) -> None:
        """Defaults suit a DHT22 indoors, read every few seconds to minutes."""
        if max_consecutive_failures < 1 or jump_confirmations < 1:
            raise ValueError("max_consecutive_failures and jump_confirmations must be >= 1")
        if not 0.0 <= step_window_s[0] <= step_window_s[1]:
            raise ValueError(
                f"step_window_s must be (low, high) with 0 <= low <= high, got {step_window_s}"
            )
        self._max_failures = max_consecutive_failures
        self._temperature_rate = max_temperature_step_per_minute / 60.0
        self._humidity_rate = max_humidity_step_per_minute / 60.0
        self._temperature_range = temperature_range
        self._humidity_range = humidity_range
        self._step_window_s = step_window_s
        self._jump_confirmations = jump_confirmations
        self._counts = FilterCounts()
        self._consecutive_failures = 0
        self._last_good: DhtReading | None = None
        self._last_good_at = 0.0
        self._jump: tuple[DhtReading, float] | None = None
        self._jump_streak = 0
        self._stuck_after_s = stuck_after_s
        self._stuck_after_reads = stuck_after_reads
        # For how long, and how many reads, the sensor has given this very reading.
        self._repeated: RepeatedReading | None = None

    @property
    def available(self) -> bool:
        """False after ``max_consecutive_failures`` failed or rejected reads in a row."""
        return self._consecutive_failures < self._max_failures

    @property
    def max_consecutive_failures(self) -> int:
        """Failed or rejected reads in a row after which the sensor is unavailable."""
        return self._max_failures

    def set_max_consecutive_failures(self, count: int) -> None:
        """Take a new failure threshold; the reads counted so far count against it."""
        if count < 1:
            raise ValueError("max_consecutive_failures must be >= 1")
        self._max_failures = count

    @property
    def last_good(self) -> DhtReading | None:
        """The last accepted reading."""
        return self._last_good

    @property
    def consecutive_failures(self) -> int:
        """Failed or rejected reads since the last accepted one."""
        return self._consecutive_failures

    @property
    def counts(self) -> FilterCounts:
        """Totals of accepted, failed and rejected reads."""
        return self._counts

    @property
    def repeated(self) -> RepeatedReading | None:
        """The last kept reading and how long the sensor has repeated it; None before one."""
        return self._repeated

    def resume_repeated(self, repeated: RepeatedReading) -> None:
        """Go on counting a reading repeated before a restart (before the first read)."""
        if self._repeated is not None:
            raise RuntimeError("resume_repeated is for a filter that has read nothing yet")
        self._repeated = repeated

    def record_failure(self) -> None:
        """Count a read that returned nothing."""
        self._consecutive_failures += 1
        self._bump(failed_reads=1)

    def accept(self, reading: DhtReading, at: float) -> FilterVerdict:
        """Judge ``reading`` taken at ``at`` (seconds, any monotonic-ish clock)."""
        if not self._in_range(reading):
            self._consecutive_failures += 1
            self._bump(rejected_out_of_range=1)
            return REJECTED_OUT_OF_RANGE
        repeated = self._repeated
        if repeated is not None and reading == repeated.reading and self._stuck(repeated, at):
            self._consecutive_failures += 1
            self._bump(rejected_stuck=1)
            return REJECTED_STUCK
        last_good = self._last_good
        if last_good is None or self._close_enough(reading, at, last_good, self._last_good_at):
            return self._keep(reading, at)
        jump = self._jump
        if jump is not None and self._close_enough(reading, at, *jump):
            self._jump_streak += 1
        else:
            self._jump_streak = 1
        self._jump = (reading, at)
        if self._jump_streak >= self._jump_confirmations:
            return self._keep(reading, at)
        self._consecutive_failures += 1
        self._bump(rejected_step=1)
        return REJECTED_STEP

    def _in_range(self, reading: DhtReading) -> bool:
        low_t, high_t = self._temperature_range
        low_h, high_h = self._humidity_range
        # NaN fails every comparison, so it is out of range too.
        return (
            math.isfinite(reading.temperature)
            and math.isfinite(reading.humidity)
            and low_t <= reading.temperature <= high_t
            and low_h <= reading.humidity <= high_h
        )

    def _stuck(self, repeated: RepeatedReading, at: float) -> bool:
        """Count one more read of the repeated reading; whether that makes the sensor stuck.

        Not at the humidity's ends: a DHT22 in condensation reads 99.9 % for hours, and a
        greenhouse at night may hold its temperature too.
        """
        repeated = self._repeated = repeated.read_again(at)
        low, high = STEADY_HUMIDITY_ENDS
        return (
            low < repeated.reading.humidity < high
            and self._stuck_after_s is not None
            and repeated.reads >= self._stuck_after_reads
            and repeated.for_s >= self._stuck_after_s
        )

    def _close_enough(
        self, reading: DhtReading, at: float, reference: DhtReading, reference_at: float
    ) -> bool:
        low, high = self._step_window_s
        window_s = min(max(at - reference_at, low), high)
        return (
            abs(reading.temperature - reference.temperature) <= (self._temperature_rate * window_s)
            and abs(reading.humidity - reference.humidity) <= self._humidity_rate * window_s
        )

    def _keep(self, reading: DhtReading, at: float) -> FilterVerdict:
        if self._repeated is None or reading != self._repeated.reading:
            self._repeated = RepeatedReading(reading, for_s=0.0, reads=1, last_at=at)
        self._last_good = reading
        self._last_good_at = at
        self._consecutive_failures = 0
        self._jump = None
        self._jump_streak = 0
        self._bump(reads_ok=1)
        return ACCEPTED

    def _bump(
        self,
        *,
        reads_ok: int = 0,
        failed_reads: int = 0,
        rejected_out_of_range: int = 0,
        rejected_step: int = 0,
        rejected_stuck: int = 0,
    ) -> None:
        counts = self._counts
        self._counts = FilterCounts(
            reads_ok=counts.reads_ok + reads_ok,
            failed_reads=counts.failed_reads + failed_reads,
            rejected_out_of_range=counts.rejected_out_of_range + rejected_out_of_range,
            rejected_step=counts.rejected_step + rejected_step,
            rejected_stuck=counts.rejected_stuck + rejected_stuck,
        )


@dataclass(frozen=True, slots=True)
class FilteredRead:
    """A kept reading, or None and why there is none (a failed read or a rejection)."""

    reading: DhtReading | None
    problem: str | None = None


def read_filtered(
    backend: DhtBackend, reading_filter: ReadingFilter, clock: Callable[[], float]
) -> FilteredRead:
    """Read the sensor once and pass the value through the filter (blocking).

    The one read path of a board on the Home Assistant host and of a node's sensor.
    """
    try:
        reading = backend.read()
    except DhtReadError as err:
        reading_filter.record_failure()
        return FilteredRead(None, f"read failed: {err}")
    verdict = reading_filter.accept(reading, clock())
    if verdict.reason is Rejection.STUCK:
        return FilteredRead(
            None,
            f"unchanged at {reading.temperature} °C and {reading.humidity} % for hours: the "
            "sensor is probably stuck (power it off and on)",
        )
    if not verdict.accepted:
        return FilteredRead(None, f"rejected {reading} ({verdict.reason})")
    return FilteredRead(reading)
