"""The node's clock as its live states show it, for a command's deadline (pure)."""

from __future__ import annotations

from custom_components.py_iot_home.nodes.command_deadline import (
    REFERENCE_WINDOW_S,
    NodeClockEstimate,
)


def test_nothing_is_known_before_a_state() -> None:
    assert NodeClockEstimate().node_now(5.0) is None


def test_the_promptest_state_sets_the_estimate() -> None:
    """A state the broker held back, or a slow sensor read, says the clock reads less."""
    estimate = NodeClockEstimate()
    estimate.heard(1_790_000_100.0, at=10.0)  # arrived at once
    estimate.heard(1_790_000_098.0, at=15.0)  # stamped 7 s before it arrived
    assert estimate.node_now(20.0) == 1_790_000_110.0
    # A later prompt state takes over.
    estimate.heard(1_790_000_120.5, at=30.0)
    assert estimate.node_now(30.0) == 1_790_000_120.5


def test_a_clock_set_back_counts_once_the_window_has_passed() -> None:
    """States before the node's clock was set back stop counting after the window."""
    estimate = NodeClockEstimate()
    estimate.heard(1_790_000_500.0, at=0.0)
    estimate.heard(1_790_000_100.0, at=10.0)  # the clock went back by 410 s
    assert estimate.node_now(20.0) == 1_790_000_520.0
    later = REFERENCE_WINDOW_S + 1.0
    assert estimate.node_now(later) == 1_790_000_100.0 + later - 10.0


def test_the_newest_state_counts_past_the_window() -> None:
    """A node silent for an hour (offline) still gets a deadline by its last state."""
    estimate = NodeClockEstimate()
    estimate.heard(1_790_000_000.0, at=0.0)
    assert estimate.node_now(3600.0) == 1_790_003_600.0
