"""The simple rules as `rule(history, hours)`: forecast the hours after a power series.

For benches and tests: the integration scores the rules on its hourly grid
(`prediction.rules`, inside the walk-forward selection); this wraps each of them to take
a plain pandas Series. Each takes the hourly power history (W, DatetimeIndex, gaps
allowed) and a number of hours (1..24) and returns the forecast for the hours right after
the last timestamp, computed by the same rule the model is scored against.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from custom_components.py_iot_home.prediction.history import (
    MAX_HORIZON_HOURS,
    FloatArray,
    HourlyHistory,
    extend_with_forecast,
    to_grid,
)
from custom_components.py_iot_home.prediction.rules import RULES, Rule

if TYPE_CHECKING:
    import pandas as pd

type Baseline = Callable[[pd.Series, int], FloatArray]


def _as_baseline(rule: Rule) -> Baseline:
    def baseline(history: pd.Series, hours: int) -> FloatArray:
        import pandas as pd

        if not 1 <= hours <= MAX_HORIZON_HOURS:
            raise ValueError(f"hours must be within 1..{MAX_HORIZON_HOURS}")
        if history.empty:
            return np.zeros(hours)
        nan = np.full(len(history), np.nan)
        grid = to_grid(
            HourlyHistory(
                index=pd.DatetimeIndex(history.index),
                power_w=history.to_numpy(np.float64),
                temperature=nan,
                humidity=nan,
            )
        )
        extended = extend_with_forecast(grid, hours, None)
        origins = np.full(hours, grid.observed_end - 1, dtype=np.int64)
        return rule(extended, origins, np.arange(1, hours + 1, dtype=np.int64))

    baseline.__doc__ = rule.__doc__
    return baseline


BASELINES: dict[str, Baseline] = {name: _as_baseline(rule) for name, rule in RULES.items()}
