"""The mean of two rules, published where the held-out weeks cannot tell them apart.

Where a rule is published and the runner-up rule came so close that the weeks disagree on
which is better (a works whose week repeats: last week's hour against the four weeks'
mean), picking one is a coin toss that costs the gap whenever it lands wrong. Their mean
errs no more than the two errors' mean at every hour (the absolute error is convex), and
less where they err on opposite sides; so it is published instead, if it also did better
than the best rule on the held-out weeks.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from .history import FloatArray, HourlyGrid, IntArray
from .rules import RULES, blend

RULE_PAIR_MEAN = "rule_pair_mean"
# Two rules are told apart when the best one's lead over the other, week by week, is more
# than this many standard errors of its mean: a one-sided t-test at about 5 % (five weeks,
# 4 degrees of freedom: 2.13).
TIE_STANDARD_ERRORS = 2.0
# ...or when the other won fewer than this share of the weeks (under 2 of 5): one week that
# went the other way by far (a level shift in the last week) is no tie.
TIE_WEEKS_WON = 0.4
RULE_PAIRS: tuple[tuple[str, str], ...] = tuple(combinations(RULES, 2))


def pair_key(first: str, second: str) -> str:
    """The name the held-out scores of two rules' mean are kept under (order-free)."""
    a, b = sorted((first, second))
    return f"{a}+{b}"


def pair_mean(
    grid: HourlyGrid, origins: IntArray, horizons: IntArray, pair: tuple[str, str]
) -> FloatArray:
    """The mean of two rules' forecasts (W)."""
    first, second = (RULES[name](grid, origins, horizons) for name in pair)
    return blend(first, second)


def rules_tied(best_week_mae: FloatArray, other_week_mae: FloatArray) -> bool:
    """Whether the best rule's weekly lead over another is within the weeks' noise.

    Paired on each held-out week's MAE: the other rule won at least TIE_WEEKS_WON of the
    weeks, and the lead's mean is within TIE_STANDARD_ERRORS of its standard error.
    Fewer than two weeks cannot say: not tied.
    """
    lead = other_week_mae - best_week_mae
    lead = lead[np.isfinite(lead)]
    if len(lead) < 2 or np.mean(lead < 0) < TIE_WEEKS_WON:
        return False
    spread = float(np.std(lead, ddof=1)) / np.sqrt(len(lead))
    return bool(np.mean(lead) <= TIE_STANDARD_ERRORS * spread)


def tied_runner_up(mae: dict[str, float], week_mae: dict[str, FloatArray], best: str) -> str:
    """The rule to average with the best one, or "" where the mean is not to be published.

    `mae` holds a horizon group's held-out MAE of each rule and of each pair's mean
    (`pair_key`), `week_mae` each rule's MAE week by week. The runner-up rule is chosen
    when the weeks cannot tell it from `best` and the two rules' mean beat `best`.
    """
    others = {m: v for m, v in mae.items() if m in RULES and m != best and np.isfinite(v)}
    if not others or best not in week_mae:
        return ""
    second = min(others, key=lambda m: others[m])
    if not mae.get(pair_key(best, second), np.inf) < mae[best] or second not in week_mae:
        return ""
    return second if rules_tied(week_mae[best], week_mae[second]) else ""
