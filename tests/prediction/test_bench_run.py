"""bench/prediction.py's protocol: the rules are read at the hours the model forecasts."""

import numpy as np
import pandas as pd
import pytest

from bench.prediction import run_dataset


def test_a_dataset_with_a_row_missing_is_refused_not_misaligned() -> None:
    # Rules are read from the hourly grid at the rows' positions: without the refusal, each
    # hour after the missing day would be scored against the rules of a day later.
    index = pd.date_range("2026-01-01", periods=90 * 24, freq="h")
    data = pd.DataFrame(
        {"power_w": 500.0, "temperature": 5.0, "humidity": np.nan}, index=index
    ).drop(index[40 * 24 : 41 * 24])
    with pytest.raises(ValueError, match="one row per hour"):
        run_dataset(data, True, 0.0, np.random.default_rng(0), yardstick=False)
