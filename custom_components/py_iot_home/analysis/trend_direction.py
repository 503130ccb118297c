"""Rising, falling or steady, with significance, hysteresis and a minimum time.

A new direction needs the slope to pass the threshold by more than ``Z`` standard errors
(rising: ``slope - Z * error > threshold``). A direction, once taken, is kept while the slope
itself stays beyond the threshold, so a slope wandering around the threshold does not
toggle it. A change is adopted only after every analysis for ``min_duration_s`` agreed on
it. The first direction of a trend (from unknown) is taken at once: there is nothing to
flap from. A source that went silent shows no direction, but the one it had is kept aside
and resumed, with its hysteresis, when readings come again: an outage is no turn, and
taking a direction afresh after it would announce turns the readings never made.
"""

from __future__ import annotations

from dataclasses import dataclass

from .trend import TrendDirection

# A false "rising" needs a two-sigma excursion (2.3 %) that then lasts the minimum time.
Z = 2.0
DEFAULT_MIN_DURATION_S = 3600.0


@dataclass(frozen=True, slots=True)
class DirectionState:
    """The adopted direction, and a different one that has been seen since ``since_s``.

    ``paused`` is the direction adopted when the source went silent (``direction`` is None
    meanwhile).
    """

    direction: TrendDirection | None = None
    candidate: TrendDirection | None = None
    since_s: float | None = None
    paused: TrendDirection | None = None


UNKNOWN = DirectionState()


def classify(
    slope: float, error: float, threshold: float, current: TrendDirection | None
) -> TrendDirection:
    """The direction this one slope supports, given the one currently adopted."""
    if not threshold >= 0:
        raise ValueError(f"threshold must be >= 0, got {threshold}")
    if current == "rising" and slope > threshold:
        return "rising"
    if current == "falling" and slope < -threshold:
        return "falling"
    if slope - Z * error > threshold:
        return "rising"
    if slope + Z * error < -threshold:
        return "falling"
    return "steady"


def next_direction(
    state: DirectionState,
    slope: float | None,
    error: float,
    *,
    threshold: float,
    now_s: float,
    min_duration_s: float = DEFAULT_MIN_DURATION_S,
    silent: bool = False,
) -> DirectionState:
    """The state after one analysis; ``slope`` None (no published trend) makes it unknown.

    ``silent``: no slope because the source stopped sending; its direction is paused.
    """
    if slope is None:
        held = state.direction or state.paused
        # A pending change loses the analyses that agreed on it: it starts again after.
        return DirectionState(paused=held) if silent and held else UNKNOWN
    if state.paused is not None:
        state = DirectionState(direction=state.paused)
    seen = classify(slope, error, threshold, state.direction)
    if state.direction is None:
        return DirectionState(direction=seen)
    if seen == state.direction:
        return DirectionState(direction=seen)
    # A candidate seen "since" a time to come (a clock set back, a damaged stored judgement)
    # would wait until then, for ever at worst: its count starts now.
    if seen != state.candidate or state.since_s is None or state.since_s > now_s:
        return DirectionState(direction=state.direction, candidate=seen, since_s=now_s)
    if now_s - state.since_s >= min_duration_s:
        return DirectionState(direction=seen)
    return state
