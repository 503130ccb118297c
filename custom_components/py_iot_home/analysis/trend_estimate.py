"""Which slope a trend sensor shows, if any: the published trend and why it may be unknown.

A slope is published only when it means something: the samples cover ``min_span_s`` (their
span without its silent gaps, see ``coverage``) and the slope's standard error is at most
``max_standard_error``. From two full days on, the slope
is the line through the full days' means (the design's definition); before, the robust fit
over the samples. The standard error is the larger of the two fits' where both exist: a
line through two or three daily means cannot judge its own error. The line's days are the
calendar days the window always holds whole (``line_days``: the six before today of a 7-day
window). The days turn over once a day, over the first hour of readings after midnight
(``DAY_ENTRY_S``): the day that has just ended enters, the span's oldest leaves, and the
slope does not jump at midnight with no new reading. The window's oldest, partial day is
never in the line: while 80 % of it was still in the window it entered the line for a few
hours after each midnight and left it by itself at about 05:00, and the slope moved twice
a day, the second time with nothing new in the room, stepping at each of its hours before.

Once published, a trend stays published until its error passes twice the limit, so a value
hovering at the limit does not make the sensor blink between a number and unknown.

A window that is full and still too uncertain has no clear trend: waiting does not help
(the window slides, it does not grow), so it says so instead of promising a time.

A source whose newest sample is too old has no trend now: its slope describes days that
ended when it went silent, so it is not shown until readings come again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .coverage import silent_gap_s
from .slope_fit import SlopeFit, t_over_normal
from .trend import DailyMean, TrendResult, line_through_full_days

# Both while a day enters or leaves the line and moves the slope from one fit to the other.
type TrendMethod = Literal["daily_means", "robust_fit", "robust_fit_and_daily_means"]
type NotReadyReason = Literal[
    "no_samples", "no_recent_samples", "span_too_short", "uncertain", "no_clear_trend"
]

DAY_S = 86400.0
MIN_FULL_DAYS = 2
# Readings over which the line's days turn over after midnight (the day that has just ended
# in, the oldest out): twelve analyses, each moving the slope by a twelfth of what they
# change (up to 0.0055 °C/d measured at the switch from the robust fit to the daily means,
# against the 0.01 shown).
DAY_ENTRY_S = 3600.0
# Hysteresis of publishing: shown from error <= limit, hidden again beyond limit * this.
UNPUBLISH_FACTOR = 2.0
PROMISE_TOLERANCE_S = 2 * 3600.0


@dataclass(frozen=True, slots=True)
class TrendSettings:
    """When a slope is worth showing (per source: the error limit is in its unit per day)."""

    min_span_s: float
    max_standard_error: float
    window_s: float = math.inf  # the longest span the samples can reach


@dataclass(frozen=True, slots=True)
class TrendEstimate:
    """The trend a sensor shows: a slope per day, or None with the reason and a rough ETA.

    ``slope_per_day`` and ``standard_error`` are the estimate's even when it is not
    published (NaN / inf when there is none), so diagnostics can tell how close it is.
    """

    published: bool
    slope_per_day: float
    standard_error: float
    method: TrendMethod
    not_ready: NotReadyReason | None
    ready_at_s: float | None  # roughly when it will be published; None when it is or unknown

    @property
    def shown_slope(self) -> float | None:
        """The slope to show, or None while the trend is unknown."""
        return self.slope_per_day if self.published else None


def estimate_trend(
    result: TrendResult, settings: TrendSettings, *, now_s: float, was_published: bool
) -> TrendEstimate:
    """Choose and judge the slope of one analysed window."""
    method, slope, error, widened_dof = _fit_as_days_turn(
        result, span_days=line_days(settings.window_s)
    )
    if result.count == 0:
        return TrendEstimate(False, slope, error, method, "no_samples", None)
    if result.last_age_s > silent_after_s(result):
        # When readings come again cannot be known.
        return TrendEstimate(False, slope, error, method, "no_recent_samples", None)
    # Time counts as covered only where the source spoke: a lone reading before a silent
    # stretch adds nothing, and the promised times below run from where cover would start.
    covered = result.covered_s
    first_s = result.last_time_s - covered
    if covered < settings.min_span_s:
        span_end: float | None = first_s + settings.min_span_s
        if covered < DAY_S or (math.isfinite(error) and error > settings.max_standard_error):
            # Before a day the error of a few hours says nothing of the daily cycle to come:
            # promised the minimum span's end, a walk saw "in 4 hours" become "tomorrow" 35
            # minutes later. Too uncertain already, that end would be a promise broken too.
            later = _ready_at(covered, error, settings, first_s, now_s)
            span_end = None if later is None else max(first_s + settings.min_span_s, later)
        return TrendEstimate(False, slope, error, method, "span_too_short", span_end)
    limit = settings.max_standard_error * (UNPUBLISH_FACTOR if was_published else 1.0)
    if math.isnan(slope) or not error <= limit:
        # The first and the current day are partial: a window is full a day short of its length.
        if result.span_s >= settings.window_s - DAY_S:
            return TrendEstimate(False, slope, error, method, "no_clear_trend", None)
        ready_at = _ready_at(covered, error, settings, first_s, now_s, widened_dof=widened_dof)
        return TrendEstimate(False, slope, error, method, "uncertain", ready_at)
    return TrendEstimate(True, slope, error, method, None, None)


def steadied_ready_at(
    ready_at_s: float | None, shown_s: float | None, now_s: float
) -> float | None:
    """The time to show for a trend to come: the one shown while the new one stays near it.

    The estimate's time moves with every analysis once the error decides it (by minutes to
    hours), and a time that moves at every refresh is no promise (it also filled the device's
    Activity). The shown one stands while it is still ahead and the new one within two
    hours of it, or half the time left.
    """
    if ready_at_s is None or shown_s is None or shown_s <= now_s:
        return ready_at_s
    if abs(ready_at_s - shown_s) <= max(PROMISE_TOLERANCE_S, 0.5 * (shown_s - now_s)):
        return shown_s
    return ready_at_s


def silent_after_s(result: TrendResult) -> float:
    """How long after its newest sample a source counts as silent, from its own rhythm."""
    return silent_gap_s(result.sample_spacing_s)


type _Fit = tuple[TrendMethod, float, float, float | None]
"""A method, its slope and error, and the degrees of freedom its error was widened for."""


def _fit(full_days: int, line: SlopeFit, robust: SlopeFit) -> _Fit:
    """The slope of the daily means' line from two full days on, else the robust fit's."""
    if full_days < MIN_FULL_DAYS:
        return "robust_fit", robust.slope_per_day, robust.standard_error, None
    error = _larger_error(line.standard_error, robust.standard_error)
    # The degrees of freedom of a line's own error, widened for them (see line_over_days).
    own_error = full_days > MIN_FULL_DAYS and error == line.standard_error
    return "daily_means", line.slope_per_day, error, full_days - 2.0 if own_error else None


def line_days(window_s: float) -> float:
    """How many days before today the line through the daily means spans.

    The days a window of ``window_s`` always holds whole as it slides: a 7-day window's
    oldest day is partial, or full only for the first hours after midnight.
    """
    return max(math.floor(window_s / DAY_S) - 1, 0) if math.isfinite(window_s) else math.inf


def days_in_line(
    result: TrendResult, *, span_days: float, before_today: bool = False
) -> tuple[DailyMean, ...]:
    """The full days among the ``span_days`` calendar days before the newest reading's day.

    With ``before_today``, those before the day before it: the line until that day's
    readings turn it over.
    """
    newest = next((day for day in reversed(result.daily_means) if day.count), None)
    if newest is None:
        return ()
    today = newest.date.toordinal() - (1 if before_today else 0)
    return tuple(
        day
        for day in result.daily_means
        if day.full and today - span_days <= day.date.toordinal() < today
    )


def _fit_as_days_turn(result: TrendResult, *, span_days: float) -> _Fit:
    """The fit as the line's days turn over after midnight, over an hour rather than at once.

    Without the readings' time, a day entered at midnight, with no new reading: the slope
    jumped from the robust fit's to the daily means' line, or by a day's effect on it.
    """

    def fit_through(days: tuple[DailyMean, ...]) -> _Fit:
        line = line_through_full_days(days, day_mean_error=result.robust.day_mean_error)
        return _fit(len(days), line, result.robust)

    turning = (result.last_time_s - result.newest_day_start_s) / DAY_ENTRY_S
    return _blend(
        fit_through(days_in_line(result, span_days=span_days, before_today=True)),
        fit_through(days_in_line(result, span_days=span_days)),
        turning,
    )


def _blend(before: _Fit, after: _Fit, share: float) -> _Fit:
    """``share`` of the way from one fit to the other.

    Named as both methods where the slope mixes two: the nearer one's name said "daily
    means" of a slope still half the robust fit's, or the reverse.
    """
    if not share < 1.0:  # NaN when there is no day to let in
        return after
    if share <= 0.0:
        return before
    chosen = after if share >= 0.5 else before
    both_finite = math.isfinite(before[1]) and math.isfinite(after[1])
    return (
        chosen[0] if before[0] == after[0] or not both_finite else "robust_fit_and_daily_means",
        _mixed(before[1], after[1], share),
        _mixed(before[2], after[2], share),
        chosen[3],
    )


def _mixed(before: float, after: float, share: float) -> float:
    """``share`` of the way from ``before`` to ``after``; the nearer where one is not finite."""
    if math.isfinite(before) and math.isfinite(after):
        return before + share * (after - before)
    return after if share >= 0.5 else before


def _larger_error(daily: float, robust: float) -> float:
    return robust if math.isnan(daily) else max(daily, robust)


def _ready_at(
    span_s: float,
    error: float,
    settings: TrendSettings,
    first_s: float,
    now_s: float,
    *,
    widened_dof: float | None = None,
) -> float | None:
    """Rough time the error falls to the limit: a line's error shrinks as span^-3/2.

    Before one day of samples the daily cycle dominates the error, and it is resolved only
    once the samples cover a day: the end of that first day is the time then (extrapolating
    the error of a cycle not yet resolved promised days, then took them back). None when the
    span it needs is longer than the window: no time can be promised.

    An error widened for its few degrees of freedom (``widened_dof``, one more each day)
    also narrows as they grow: promised from the span^-3/2 alone, the time was two days off.
    """
    if span_s < DAY_S:
        return max(first_s + DAY_S, now_s) if settings.window_s >= DAY_S else None
    if not math.isfinite(error):
        needed = span_s * 2.0
    elif widened_dof is not None:
        raw = error / t_over_normal(widened_dof)
        needed = span_s
        while (
            raw * (span_s / needed) ** 1.5 * t_over_normal(widened_dof + (needed - span_s) / DAY_S)
            > settings.max_standard_error
        ):
            needed += PROMISE_STEP_S
            if needed > min(settings.window_s, span_s + PROMISE_HORIZON_S):
                return None
    else:
        needed = span_s * (error / settings.max_standard_error) ** (2.0 / 3.0)
    if needed > settings.window_s:
        return None
    return max(first_s + needed, now_s)


PROMISE_STEP_S = 1800.0
PROMISE_HORIZON_S = 30 * DAY_S  # further than any window: no time is promised
