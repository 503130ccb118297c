"""Days the home did not repeat, found at training and left out of the published rules' inputs.

After an odd day (a holiday, a stop), the four weeks' mean carries a quarter of its miss
into each of the four same weekdays after it. From the second of them on, the day is known
to be odd (its week after is past), so a rule published alone (or two rules' mean) reads
the history without it: a four weeks' mean then averages the three usual weeks. Last week's
and yesterday's hour never read a day known odd (its week after would be the target
itself). A learned method's blend or mix with a rule keeps the plain rule it was weighed
with: read without the odd days, it cost a cooled office 1.9 % a day ahead.

An odd day is one unlike the same weekday both a week before and a week after (the nearer
of the two, mean absolute difference over its hours), by a robust z-score above
`ODD_DAY_Z` among the history's days. A level that shifts and stays is repeated the week
after: not odd. Only days with both neighbours whole in the history are judged: with one,
the week before a shift at the history's start looks odd; with part of the week after, a
day could be left out of the hour it is last week's hour. The daily-mean test of
`unusual_days.py` does not serve here: a day of the usual level but another shape (a
Sunday's on a Monday) passes it, and where the days' means hardly vary it finds weekends.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from .history import HOURS_PER_WEEK, HourlyGrid, gather, hours_back

ODD_DAY_Z = 4.0
# Where the home repeats its days to the watt, a difference of 1 % of its level still counts.
MIN_SPREAD_SHARE = 0.01
MIN_DAYS = 7


def unrepeated_days(grid: HourlyGrid) -> tuple[date, ...]:
    """The local days of the observed history that the home did not repeat (sorted)."""
    import pandas as pd

    end = grid.observed_end
    power = grid.power_w[:end]
    positions = np.arange(end, dtype=np.int64)
    before = np.abs(power - gather(power, hours_back(grid, positions, HOURS_PER_WEEK)))
    ahead = positions + HOURS_PER_WEEK
    after = np.abs(power - gather(power, ahead))
    frame = pd.DataFrame(
        {
            "day": pd.DatetimeIndex(grid.index[:end]).date,
            "before": before,
            "after": after,
            "whole": ahead < end,
        }
    )
    daily = frame.groupby("day").agg(
        before=("before", "mean"), after=("after", "mean"), whole=("whole", "all")
    )
    score = np.minimum(daily["before"].to_numpy(np.float64), daily["after"].to_numpy(np.float64))
    score[~daily["whole"].to_numpy(np.bool_)] = np.nan
    known = np.isfinite(score)
    if np.count_nonzero(known) < MIN_DAYS:
        return ()
    median = float(np.median(score[known]))
    spread = max(
        1.4826 * float(np.median(np.abs(score[known] - median))),
        MIN_SPREAD_SHARE * float(np.nanmedian(np.abs(power))),
    )
    if not spread > 0:
        return ()
    odd = known & (np.nan_to_num(score) > median + ODD_DAY_Z * spread)
    return tuple(sorted(daily.index[odd]))
