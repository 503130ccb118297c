"""Similar days: the median of the same hour over the recent days whose weather was closest.

The hourly median over 28 days is the rule to beat on most homes, but where the outdoor
temperature sets the kind of day (electric heating that runs on cold days, cooling on hot
ones), the 28 days straddle a season as it turns and the median mixes two kinds of day,
while yesterday's hour is right only until the kind of day changes. Forecasters have long
answered that with similar days: take the same hour of the recent days whose temperature
was closest to the day forecast. Here, of the last 28 days, the SIMILAR_DAYS_NEAREST whose
24 h mean outdoor temperature up to that hour came closest to the target hour's (the
weather forecast's, as the model sees it); their median. It is scored on the held-out weeks
like every candidate and published only where it beat the best rule there: where the
temperature does not set the day, a median of 7 days is a noisier median of 28 and mostly
loses (not always: on GEFCom 2012's zone 9 it won weeks by chance and cost 0.9 % a day ahead).
Without a temperature it is the plain median of the 28 days.
"""

from __future__ import annotations

import numpy as np

from .history import (
    HOURS_PER_DAY,
    FloatArray,
    HourlyGrid,
    IntArray,
    gather,
    nan_median,
    same_hour_stack,
)
from .rules import MEDIAN_DAYS, last_observed

SIMILAR_DAYS = "similar_days"
# A quarter of the 28 days: one kind of day in a season's turn, enough that one odd day
# (a party, a day away) is outvoted.
SIMILAR_DAYS_NEAREST = 7


def trailing_mean_24h(temperature: FloatArray) -> FloatArray:
    """At each hour, the mean temperature of the 24 hours up to it (NaN-ignoring)."""
    known = ~np.isnan(temperature)
    sums = np.concatenate(([0.0], np.cumsum(np.where(known, temperature, 0.0))))
    counts = np.concatenate(([0], np.cumsum(known)))
    ends = np.arange(1, len(temperature) + 1)
    starts = np.maximum(ends - HOURS_PER_DAY, 0)
    count = counts[ends] - counts[starts]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, (sums[ends] - sums[starts]) / np.maximum(count, 1), np.nan)


def similar_days_median(
    grid: HourlyGrid, origins: IntArray, horizons: IntArray, target_mean_c: FloatArray
) -> FloatArray:
    """Per (origin, horizon), the median power at the same hour of the most similar days.

    `target_mean_c` is the 24 h mean temperature up to each target hour as the forecast
    knows it (`features.target_temperature`). Days without a power reading or a
    temperature are not candidates; without any temperature to compare, all 28 days count.
    """
    targets = origins + horizons
    offsets = grid.utc_offset_min
    power = same_hour_stack(grid.power_w, targets, MEDIAN_DAYS, HOURS_PER_DAY, offsets)
    past_mean = same_hour_stack(
        trailing_mean_24h(grid.temperature), targets, MEDIAN_DAYS, HOURS_PER_DAY, offsets
    )
    distance = np.abs(past_mean - target_mean_c[:, None])
    distance = np.where(np.isnan(distance) | np.isnan(power), np.inf, distance)
    nearest = np.argsort(distance, axis=1, kind="stable")[:, :SIMILAR_DAYS_NEAREST]
    chosen = np.take_along_axis(power, nearest, axis=1)
    chosen[~np.isfinite(np.take_along_axis(distance, nearest, axis=1))] = np.nan
    values = nan_median(chosen)
    # No temperature to compare (the target's or the days'): the plain median of the days.
    values = np.where(np.isnan(values), nan_median(power), values)
    fallback = np.nan_to_num(gather(last_observed(grid.power_w), origins), nan=0.0)
    return np.where(np.isnan(values), fallback, values)
