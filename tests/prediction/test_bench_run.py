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


def test_each_test_block_gives_its_own_figures_and_methods() -> None:
    # Over both blocks ours errs 1.5 W and the last hour 1.5 W: level. By block, ours wins
    # the first (1 W against 2 W) and loses the second (2 W against 1 W).
    horizon = Horizon.empty()
    horizon.actual = [10.0, 10.0, 20.0, 20.0]
    horizon.ours = [11.0, 9.0, 22.0, 18.0]
    # The band covers both hours of the first block, one of the second's.
    horizon.low, horizon.high = [0.0, 0.0, 0.0, 19.0], [30.0, 30.0, 19.0, 30.0]
    horizon.rules = {name: [12.0, 8.0, 21.0, 19.0] for name in horizon.rules}
    horizon.methods = ["model", "learned_rule_mix", "median_by_hour", "median_by_hour"]
    horizon.yardstick = [0.0] * 4
    horizon.blocks = ["2010-03-02", "2010-03-02", "2010-08-24", "2010-08-24"]
    summary = horizon.summary("persistence_1h")
    assert summary["ours_mae"] == summary["best_rule_mae"] == 1.5
    assert summary["blocks"] == [
        {
            "from": "2010-03-02",
            "ours_mae": 1.0,
            "best_rule_mae": 2.0,
            "band_coverage": 1.0,
            "method_shares": {"model": 0.5, "learned_rule_mix": 0.5},
        },
        {
            "from": "2010-08-24",
            "ours_mae": 2.0,
            "best_rule_mae": 1.0,
            "band_coverage": 0.5,
            "method_shares": {"median_by_hour": 1.0},
        },
    ]


def test_the_bench_run_fills_in_each_hours_block() -> None:
    index = pd.date_range("2026-01-01", periods=90 * 24, freq="h")
    hour = index.hour.to_numpy()
    data = pd.DataFrame(
        {"power_w": 300.0 + 100.0 * (hour >= 18), "temperature": 5.0, "humidity": np.nan},
        index=index,
    )
    hour_ahead, day_ahead = run_dataset(
        data, True, 0.0, np.random.default_rng(0), retrain_hours=336, yardstick=False
    )
    for kind in (hour_ahead, day_ahead):
        # 90 days: 60 to train on, then two blocks of 14 days (from day 60 and from day 76).
        assert kind.blocks == ["2026-03-02"] * 336 + ["2026-03-18"] * 336
        blocks = kind.summary("persistence_1h")["blocks"]
        assert isinstance(blocks, list)
        assert [block["from"] for block in blocks] == ["2026-03-02", "2026-03-18"]
