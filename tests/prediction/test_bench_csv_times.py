"""bench/prediction.py --csv: the times a stranger's public files carry (session 29).

A typical year's dates (each month from another year), stamps that end their interval,
and a clock that changes by half an hour (Lord Howe Island).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.prediction_csv import CsvError, CsvOptions, load_csv

DAYS = 3


def options(**changes: object) -> CsvOptions:
    defaults: dict[str, object] = {"time": "time", "power": "power", "temperature": "temp"}
    return CsvOptions(**(defaults | changes))  # type: ignore[arg-type]


def hour_of_day(index: pd.DatetimeIndex) -> np.ndarray:
    """A home's hours in W, each hour of the day its own value."""
    return 100.0 + 10.0 * ((7 * index.hour.to_numpy()) % 24)


def test_a_typical_years_dates_are_refused_with_the_reason(tmp_path: Path) -> None:
    # TMY3's and EPW's rows: January from 1986, February from 1977, ... Read as dates they
    # spanned decades and were refused as "a stray row far from the others?".
    index = pd.date_range("2006-01-01 01:00", periods=59 * 24, freq="h")
    years = np.where(index.month == 1, 1986, 1977)
    frame = pd.DataFrame(
        {
            "Year": years,
            "Month": index.month,
            "Day": index.day,
            "Hour": index.hour,
            "power": hour_of_day(index),
            "temp": 5.0,
        }
    )
    path = tmp_path / "tmy.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(
        CsvError,
        match=r"change from month to month \(January 1986, February 1977, March 1977, \.\.\.\): a "
        r"typical meteorological year",
    ):
        load_csv(path, options(time="Year+Month+Day+Hour"), lambda _: None)
    # Two real years, and the same rows shuffled, are read.
    index = pd.date_range("2025-12-01", "2026-01-31 23:00", freq="h")
    frame = pd.DataFrame({"power": hour_of_day(index), "temp": 5.0}, index=index)
    frame.sample(frac=1.0, random_state=1).rename_axis("time").to_csv(path)
    hourly = load_csv(path, options(), lambda _: None)
    np.testing.assert_allclose(hourly["power_w"], hour_of_day(index))


@pytest.mark.parametrize("written", ["offsets", "naive with --tz"])
@pytest.mark.parametrize(
    ("first", "last"),
    # The clock goes back on 5 April 2026 (02:00 to 01:30), forward on 4 October (02:00
    # to 02:30: no 02:00 that day).
    [("2026-03-30", "2026-04-12 23:00"), ("2026-09-28", "2026-10-11 23:00")],
)
def test_a_clock_that_changes_by_half_an_hour_keeps_its_hours(
    tmp_path: Path, written: str, first: str, last: str
) -> None:
    # Lord Howe Island: +11:00 in summer, +10:30 in winter. The hours followed the file's
    # first offset: after the change each hour was half of two of the file's.
    zone = "Australia/Lord_Howe"
    whole_hours = pd.date_range(first, last, freq="h").tz_localize(zone, nonexistent="NaT")
    index = pd.DatetimeIndex(whole_hours.dropna())
    frame = pd.DataFrame({"power": hour_of_day(index), "temp": 20.0}, index=index)
    path = tmp_path / "lord_howe.csv"
    if written == "offsets":
        frame.rename_axis("time").to_csv(path)
        asked = options()
    else:
        frame.tz_localize(None).rename_axis("time").to_csv(path)
        asked = options(tz=zone)
    hourly = load_csv(path, asked, lambda _: None)
    local = pd.DatetimeIndex(hourly.index)
    assert (local.minute == 0).all()
    assert len(hourly) == len(index)
    np.testing.assert_allclose(hourly["power_w"], hour_of_day(index))
