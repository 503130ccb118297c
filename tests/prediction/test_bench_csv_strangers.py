"""bench/prediction.py --csv on public files of shapes not seen before (session 39, helper 163).

Each read a wrong number into the bench silently before its fix.
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.prediction_csv import CsvOptions, load_csv


def options(**changes: object) -> CsvOptions:
    defaults: dict[str, object] = {"time": "time", "power": "power", "temperature": "temp"}
    return CsvOptions(**(defaults | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("zone", "start"),
    [("America/Los_Angeles", "2021-10-25"), ("Europe/London", "2026-03-20")],
    ids=["pst_and_pdt", "gmt_and_bst"],
)
def test_zone_names_that_follow_a_clock_count_hours_in_it(
    tmp_path: Path, zone: str, start: str
) -> None:
    # A meter's export written `2021-11-07 01:00 PDT` ... `01:00 PST`: the names became
    # offsets, but the hours of the day were counted in UTC, 7 or 8 hours off (the offsets
    # written as `-07:00` were counted in the home's zone).
    index = pd.date_range(start, periods=21 * 24, freq="h", tz=zone)
    lines = ["time,power,temp"] + [
        f"{t:%Y-%m-%d %H:%M} {t.tzname()},{100 + 10 * t.hour},12" for t in index
    ]
    path = tmp_path / "meter.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    notes: list[str] = []
    hourly = load_csv(path, options(power_unit="W"), notes.append)
    np.testing.assert_allclose(hourly["power_w"], 100.0 + 10.0 * hourly.index.hour)
    assert any("UTC offsets change as" in note for note in notes)


@pytest.mark.parametrize(
    "stamp",
    [lambda t: str(t.value // 10**6), lambda t: f"{t:%Y-%m-%dT%H:%M:%S.000Z}"],
    ids=["epoch_ms", "z"],
)
def test_times_in_utc_say_that_tz_gives_the_homes_hours(
    tmp_path: Path, stamp: Callable[[pd.Timestamp], str]
) -> None:
    # A logger's epoch milliseconds from a Californian home: its days were counted from
    # 16:00 local time, and the note said "(the file's offsets)" of a file that has none.
    index = pd.date_range("2021-08-01 07:00", periods=21 * 24, freq="h", tz="UTC")
    lines = ["ts,power,temp"] + [f"{stamp(t)},{100 + 10 * t.hour},12" for t in index]
    path = tmp_path / "logger.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    notes: list[str] = []
    load_csv(path, options(time="ts", power_unit="W"), notes.append)
    read = next(note for note in notes if note.startswith("read "))
    assert "hours of the day in UTC, as the file's times give them (--tz" in read
