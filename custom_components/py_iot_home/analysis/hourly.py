"""Hourly mean/min/max of a sample series, for chosen hours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

HOUR_S = 3600


@dataclass(frozen=True, slots=True)
class HourlyAggregate:
    """What the recorder keeps of one hour of a measurement."""

    start_s: int
    mean: float
    minimum: float
    maximum: float
    count: int


def hourly_aggregates(
    times_s: NDArray[np.float64], values: NDArray[np.float64], hours: Sequence[int]
) -> list[HourlyAggregate]:
    """Aggregate the finite samples of each hour in `hours` (epoch seconds of its start).

    `times_s` must be sorted; hours without a finite sample are left out.
    """
    result: list[HourlyAggregate] = []
    for hour in hours:
        lo, hi = np.searchsorted(times_s, [hour, hour + HOUR_S], side="left")
        chunk = values[lo:hi]
        chunk = chunk[np.isfinite(chunk)]
        if chunk.size:
            result.append(
                HourlyAggregate(
                    start_s=hour,
                    mean=float(chunk.mean()),
                    minimum=float(chunk.min()),
                    maximum=float(chunk.max()),
                    count=int(chunk.size),
                )
            )
    return result
