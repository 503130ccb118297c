"""How much a day-ahead forecast from hour and temperature could beat the median rule.

A hindsight yardstick, not a forecaster: on the test hours of bench/prediction.py, the
MAE of the median power of each (hour of day, weekend, 2 °C band of the hour's observed
temperature) cell, taken over all the other hours of the dataset, before and after (a
cell with none keeps the rule's value). No forecast that knows only the calendar and the
target hour's temperature can expect to do much better;
where this beats `median_by_hour` by a few percent only, a day-ahead forecast cannot
beat it by 10 % with the temperature, however it is built.

    script/run python bench/prediction_ceiling.py [--datasets uci,il_home]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.prediction import BLOCK_DAYS, blocks
from bench.prediction_data import DATASETS, EXTRA_DATASETS, named_datasets
from custom_components.py_iot_home.prediction.history import HourlyHistory, to_grid
from custom_components.py_iot_home.prediction.rules import RULES

TEMPERATURE_BAND_C = 2.0


def test_hours(data: pd.DataFrame) -> np.ndarray:
    """Positions of the hours bench/prediction.py scores day ahead."""
    return np.concatenate([np.arange(start, start + BLOCK_DAYS * 24) for start in blocks(data)])


def hindsight_median(data: pd.DataFrame, hours: np.ndarray) -> np.ndarray:
    """Median power of each test hour's (hour, weekend, temperature band) cell, taken over
    every hour but the test ones (NaN where the cell has none)."""
    index = pd.DatetimeIndex(data.index)
    cells = pd.DataFrame(
        {
            "hour": index.hour,
            "weekend": index.dayofweek >= 5,
            "band": (data["temperature"] // TEMPERATURE_BAND_C).fillna(-999).to_numpy(),
            "power": data["power_w"].to_numpy(np.float64),
        }
    )
    keys = ["hour", "weekend", "band"]
    others = cells.drop(index=cells.index[hours])
    medians = others.groupby(keys)["power"].median().rename("median").reset_index()
    return cells.iloc[hours].merge(medians, on=keys, how="left")["median"].to_numpy(np.float64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help=f"also {', '.join(EXTRA_DATASETS)}"
    )
    parser.add_argument("--cache", default=".cache/data")
    args = parser.parse_args()
    try:
        loaders = named_datasets(args.datasets)
    except ValueError as error:
        parser.error(str(error))
    print(f"{'dataset':13} {'median_by_hour':>15} {'hindsight cell median':>22} {'skill':>7}")
    results = {}
    for name, load in loaders.items():
        data = load(Path(args.cache))
        grid = to_grid(HourlyHistory.from_frame(data))
        hours = test_hours(data)
        midnights = hours[::24] - 1
        origins = np.repeat(midnights, 24)
        horizons = np.tile(np.arange(1, 25, dtype=np.int64), len(midnights))
        actual = grid.power_w[hours]
        known = ~np.isnan(actual)
        rule = RULES["median_by_hour"](grid, origins, horizons)
        rule_mae = float(np.mean(np.abs(rule - actual)[known]))
        cell = hindsight_median(data, hours)
        cell = np.where(np.isnan(cell), rule, cell)
        cell_mae = float(np.mean(np.abs(cell - actual)[known]))
        skill = 1 - cell_mae / rule_mae
        results[name] = {
            "median_by_hour_mae": round(rule_mae, 3),
            "hindsight_mae": round(cell_mae, 3),
            "skill": round(skill, 4),
        }
        print(f"{name:13} {rule_mae:>15.4g} {cell_mae:>22.4g} {skill:>+7.1%}")
    print(json.dumps({"bench": "prediction_ceiling", "datasets": results}))


if __name__ == "__main__":
    main()
