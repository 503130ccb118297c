"""A trend result as JSON-safe, rounded numbers.

One shape for the trend entities' attributes and the ``analyze_trend`` action's response.
"""

from __future__ import annotations

import math
from typing import Any

from .trend import TrendResult

DIGITS = 3
"""Decimals of means, spreads and slopes: a thousandth is below any sensor's resolution."""


def rounded(value: float) -> float | None:
    """Round for display and storage; NaN or inf (no data) becomes None, which JSON can carry.

    Adding 0.0 turns a negative zero positive.
    """
    return None if not math.isfinite(value) else round(value, DIGITS) + 0.0


def result_summary(
    result: TrendResult, *, scale: float = 1.0, offset: float = 0.0
) -> dict[str, Any]:
    """What a slope was computed from: the window's statistics and each local day's mean.

    Levels are shown as ``value * scale + offset`` and the spread as ``std * scale`` (°C
    samples shown in °F: 1.8 and 32).
    """

    def level(value: float) -> float | None:
        return rounded(value * scale + offset)

    return {
        "minimum": level(result.minimum),
        "maximum": level(result.maximum),
        "mean": level(result.mean),
        "std": rounded(result.std * scale),
        "samples": result.count,
        "intercept": level(result.intercept),
        "daily_means": [
            {"date": day.date.isoformat(), "mean": level(day.mean), "samples": day.count}
            for day in result.daily_means
        ],
        "backend": result.backend,
    }
