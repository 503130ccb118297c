"""bench/prediction.py --csv: the times a stranger's public files carry (session 29).

A typical year's dates (each month from another year), stamps that end their interval,
and a clock that changes by half an hour (Lord Howe Island).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.prediction_csv import CsvError, load_csv

from .test_bench_csv_checker import DAYS, hour_of_day, options


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


def ending_rows(minutes: int, days: int = DAYS) -> tuple[pd.DatetimeIndex, pd.DataFrame]:
    """Whole days of intervals stamped at their end (00:30 for 00:00-00:30): the starts,
    and the rows with each interval's power at its end."""
    starts = pd.date_range("2026-01-05", periods=days * 24 * 60 // minutes, freq=f"{minutes}min")
    ends = starts + pd.Timedelta(minutes=minutes)
    frame = pd.DataFrame({"power": hour_of_day(starts), "temp": 5.0}, index=ends)
    return starts, frame


@pytest.mark.parametrize("minutes", [15, 30, 60])
def test_stamps_that_end_whole_days_of_intervals_are_read_as_their_starts(
    tmp_path: Path, minutes: int
) -> None:
    # A meter's export: 00:30 for 00:00-00:30, ..., the next day's 00:00 last. Read as
    # starts, every hour was a row late (an hour, for hourly rows) and the first day lost.
    _, frame = ending_rows(minutes)
    path = tmp_path / "meter.csv"
    frame.rename_axis("time").to_csv(path)
    notes: list[str] = []
    hourly = load_csv(path, options(), notes.append)
    assert len(hourly) == DAYS * 24
    np.testing.assert_allclose(hourly["power_w"], hour_of_day(pd.DatetimeIndex(hourly.index)))
    first = f"{pd.Timedelta(minutes=minutes).components.hours:02d}:{minutes % 60:02d}"
    assert any(
        note.startswith(
            "each row's time is read as the end of its interval, the rows run "
            f"from {first} to 00:00"
        )
        for note in notes
    )
    # --row-time start reads them as written: the hours an interval late.
    late = load_csv(path, options(row_time="start"), lambda _: None)
    assert not np.allclose(late["power_w"], hour_of_day(pd.DatetimeIndex(late.index)))


@pytest.mark.parametrize("name", ["end", "Period Ending", "Zeitstempel bis", "DateTo"])
def test_a_time_column_named_for_the_end_is_read_as_interval_ends(
    tmp_path: Path, name: str
) -> None:
    # Cut a day short: the span no longer tells, the name does.
    _, frame = ending_rows(60, DAYS + 1)
    path = tmp_path / "meter.csv"
    frame.iloc[:-5].rename_axis(name).to_csv(path)
    notes: list[str] = []
    hourly = load_csv(path, options(time=name), notes.append)
    np.testing.assert_allclose(hourly["power_w"], hour_of_day(pd.DatetimeIndex(hourly.index)))
    assert any(f"the column's name {name!r} says so" in note for note in notes)


def test_stamps_the_file_cannot_tell_are_read_as_starts_and_said(tmp_path: Path) -> None:
    # From 01:00 to 23:00: hour-ending stamps of a cut file, or starts from 01:00.
    _, frame = ending_rows(60, DAYS + 1)
    path = tmp_path / "meter.csv"
    frame.iloc[:-2].rename_axis("time").to_csv(path)
    notes: list[str] = []
    load_csv(path, options(), notes.append)
    assert (
        "the first row is at 01:00, one interval past midnight: each row's time is read as "
        "its interval's start (--row-time end if the times end their intervals)"
    ) in notes
    hourly = load_csv(path, options(row_time="end"), lambda _: None)
    np.testing.assert_allclose(hourly["power_w"], hour_of_day(pd.DatetimeIndex(hourly.index)))
