"""bench/prediction.py --csv: the same data in other clothes reads the same (session 30).

One home's rows written as public files come (offsets or naive local times, a decimal
comma, °F, hour-ending stamps, ...) must give the same hours; what could not was read
wrong, each under a test below.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from bench.prediction_csv import load_csv

from .test_bench_csv_checker import options

ZONE = "Europe/Berlin"


def winter_temperatures(index: pd.DatetimeIndex) -> np.ndarray:
    """A northern winter's hours in °C, below and above freezing each day."""
    hours = np.arange(len(index))
    return np.round(1.0 + 4.0 * np.sin(2 * np.pi * (hours - 9) / 24), 1)


def test_unicode_minus_signs_are_read_as_minus(tmp_path: Path) -> None:
    # .NET's Swedish, Norwegian and Finnish cultures write -5,2 with U+2212 as its sign:
    # every frosty hour was refused as "not numbers", though the sign means only minus.
    index = pd.date_range("2026-01-05", periods=3 * 24, freq="h")
    celsius = winter_temperatures(index)
    assert (celsius < 0).any()
    written = [f"{value:.1f}".replace("-", "\u2212").replace(".", ",") for value in celsius]
    lines = ["time;power;temp"] + [
        f"{time:%Y-%m-%d %H:%M};{300 + 50 * (hour % 7)},5;{cell}"
        for hour, (time, cell) in enumerate(zip(index, written, strict=True))
    ]
    path = tmp_path / "sv.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    hourly = load_csv(path, options(decimal=","), lambda _: None)
    np.testing.assert_allclose(hourly["temperature"], celsius)
    # Cells that carry their unit too (`-5,2 °C` with that sign).
    with_unit = [line if number == 0 else line + " °C" for number, line in enumerate(lines)]
    path.write_text("\n".join(with_unit) + "\n", encoding="utf-8")
    hourly = load_csv(path, options(decimal=","), lambda _: None)
    np.testing.assert_allclose(hourly["temperature"], celsius)
