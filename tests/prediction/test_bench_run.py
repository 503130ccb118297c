"""bench/prediction.py's protocol: the rules are read at the hours the model forecasts."""

import numpy as np
import pandas as pd
import pytest

from bench.prediction import Horizon, run_dataset


def test_a_dataset_with_a_row_missing_is_refused_not_misaligned() -> None:
    # Rules are read from the hourly grid at the rows' positions: without the refusal, each
    # hour after the missing day would be scored against the rules of a day later.
    index = pd.date_range("2026-01-01", periods=90 * 24, freq="h")
    data = pd.DataFrame(
        {"power_w": 500.0, "temperature": 5.0, "humidity": np.nan}, index=index
    ).drop(index[40 * 24 : 41 * 24])
    with pytest.raises(ValueError, match="one row per hour"):
        run_dataset(data, True, 0.0, np.random.default_rng(0), yardstick=False)


def test_a_rule_exact_over_the_test_hours_gives_no_skill_not_a_crash() -> None:
    # A holiday home at 0 W through the test weeks: the rules' MAE is 0, and the summary
    # ended a run of minutes in a ZeroDivisionError.
    horizon = Horizon.empty()
    horizon.actual = [0.0, 0.0]
    horizon.ours = [0.0, 2.0]
    horizon.low, horizon.high = [0.0, 0.0], [1.0, 3.0]
    horizon.rules = {name: [0.0, 0.0] for name in horizon.rules}
    horizon.methods = ["model", "model"]
    horizon.yardstick = [0.0, 0.0]
    summary = horizon.summary("persistence_1h")
    assert summary["ours_mae"] == 1.0
    assert summary["best_rule_mae"] == 0.0
    assert np.isnan(summary["skill_vs_best_rule"])  # type: ignore[arg-type]
    assert np.isnan(summary["skill_vs_rule"])  # type: ignore[arg-type]
