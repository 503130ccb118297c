"""A trend result as JSON-safe, rounded numbers.

One shape for the trend entities' attributes and the ``analyze_trend`` action's response.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .trend import TrendResult

DIGITS = 3
"""Decimals of means, spreads and slopes: a thousandth is below any sensor's resolution."""


def rounded(value: float) -> float | None:
    """Round for display and storage; NaN or inf (no data) becomes None, which JSON can carry.

    Adding 0.0 turns a negative zero positive.
    """
    return None if not math.isfinite(value) else round(value, DIGITS) + 0.0


def _as_is(value: float) -> float:
    return value


def result_summary(
    result: TrendResult,
    *,
    level: Callable[[float], float] = _as_is,
    spread: Callable[[float], float] = _as_is,
) -> dict[str, Any]:
    """What a slope was computed from: the window's statistics and each local day's mean.

    `level` converts means and extremes and `spread` the standard deviation into the unit
    shown (°C samples shown in °F: x1.8 + 32 and x1.8).
    """
    return {
        "minimum": rounded(level(result.minimum)),
        "maximum": rounded(level(result.maximum)),
        "mean": rounded(level(result.mean)),
        "std": rounded(spread(result.std)),
        "samples": result.count,
        "intercept": rounded(level(result.intercept)),
        "daily_means": daily_means_json(result, level=level),
        "backend": result.backend,
    }


def daily_means_json(
    result: TrendResult, *, level: Callable[[float], float] = _as_is
) -> list[dict[str, Any]]:
    """Each local day's date, mean (converted by ``level``) and count of samples."""
    return [
        {"date": day.date.isoformat(), "mean": rounded(level(day.mean)), "samples": day.count}
        for day in result.daily_means
    ]
