"""bench/prediction.py --csv: the same data in other clothes reads the same (session 30).

One home's rows written as public files come (offsets or naive local times, a decimal
comma, °F, hour-ending stamps, ...) must give the same hours; what could not was read
wrong, each under a test below.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.prediction_csv import CsvError, load_csv

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


@pytest.mark.parametrize("first_day", ["2026-03-28", "2026-10-24"])
@pytest.mark.parametrize("interval", ["1h", "15min"])
@pytest.mark.parametrize("stamped", ["clock at the end", "start's clock plus the interval"])
@pytest.mark.parametrize("told", ["24:00", "--row-time end"])
def test_end_stamps_through_a_clock_change_keep_every_hour(
    tmp_path: Path, first_day: str, interval: str, stamped: str, told: str
) -> None:
    # Berlin's clocks skip 02:00 on 29 March 2026 and repeat it on 25 October. The end of
    # 01:00-02:00 in spring is 03:00 on the clock and 02:00 as its start plus an hour; in
    # autumn the clock repeats the ends of 02:00-02:59, the other way 03:00 repeats. Each
    # path read one way only: the other lost a row in spring and merged two in autumn.
    step = pd.Timedelta(interval)
    last_day = pd.Timestamp(first_day) + pd.Timedelta(days=3)
    starts = pd.date_range(first_day, last_day, freq=step, tz=ZONE, inclusive="left")
    power = 100.0 + 10.0 * ((7 * np.arange(len(starts))) % 23)
    utc_hours = pd.DatetimeIndex(starts.tz_convert("UTC").floor("h"))
    expected = pd.Series(power, index=starts).groupby(utc_hours).mean()
    ends = (
        (starts + step).tz_localize(None)
        if stamped == "clock at the end"
        else starts.tz_localize(None) + step
    )
    text = pd.Series(ends.strftime("%Y-%m-%d %H:%M"))
    if told == "24:00":
        midnight = (ends.hour == 0) & (ends.minute == 0)
        text[midnight] = (ends[midnight] - pd.Timedelta(days=1)).strftime("%Y-%m-%d") + " 24:00"
    path = tmp_path / "ends.csv"
    pd.DataFrame({"time": text, "power": power, "temp": 5.0}).to_csv(path, index=False)
    row_time = "end" if told == "--row-time end" else None
    notes: list[str] = []
    hourly = load_csv(path, options(tz=ZONE, row_time=row_time), notes.append)
    assert len(hourly) == len(expected)
    np.testing.assert_allclose(hourly["power_w"], expected.to_numpy())
    assert not [line for line in notes if "dropped" in line or "averaged" in line]


def test_a_refused_or_sparse_file_says_nothing_but_its_own_lines(tmp_path: Path) -> None:
    # A time without its offset among offset times, and one that is no time, were refused
    # after a pandas FutureWarning on stderr; a temperature known in one hour only was read after
    # numpy's "All-NaN slice encountered". The bench's output is its own lines only.
    index = pd.date_range("2026-01-05", periods=3 * 24, freq="h", tz=ZONE)
    power = 300.0 + 50.0 * ((7 * index.hour) % 13)
    stamps = index.strftime("%Y-%m-%dT%H:%M:%S%z")
    frame = pd.DataFrame({"time": stamps, "power": power, "temp": 5.0})
    frame.loc[5, "time"] = "12 °C"
    frame.loc[6, "time"] = "2026-01-05 06:00"
    path = tmp_path / "home.csv"
    frame.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(CsvError, match="cannot read the times in 'time' as one format"):
            load_csv(path, options(), lambda _: None)
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "power": power, "temp": np.nan})
    frame.loc[30, "temp"] = -1.0
    frame.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hourly = load_csv(path, options(tz=ZONE), lambda _: None)
    assert hourly["temperature"].notna().sum() == 1


@pytest.mark.parametrize(
    ("cells", "hint"),
    [
        (["245,028", "512,750"], "either way: a decimal comma, --decimal , or thousands grouped"),
        (["245,028", "12,5"], "(a decimal comma? --decimal ,)"),
        (["0,245", "1,234"], "(a decimal comma? --decimal ,)"),
        (["245,028", "1,234,567"], "(thousands grouped? --thousands ,)"),
    ],
)
def test_a_comma_that_reads_either_way_is_said_so(
    tmp_path: Path, cells: list[str], hint: str
) -> None:
    # kW to three decimals with a decimal comma (`245,028`, `0,245`): the error said
    # "thousands grouped? --thousands ,", which reads the first a thousand times over.
    index = pd.date_range("2026-01-05", periods=3 * 24, freq="h")
    power = [cells[hour % len(cells)] for hour in range(len(index))]
    frame = pd.DataFrame({"time": index.strftime("%Y-%m-%d %H:%M"), "power": power, "temp": 5})
    path = tmp_path / "home.csv"
    frame.to_csv(path, sep=";", index=False)
    with pytest.raises(CsvError, match="values of 'power' are not numbers") as refused:
        load_csv(path, options(), lambda _: None)
    assert hint in str(refused.value)


def test_a_line_of_units_under_the_names_is_read(tmp_path: Path) -> None:
    # A building's kW and a winter's °F with their units on the line under the names, as
    # spreadsheets and Campbell's TOA5 loggers write them: the line held no time and was
    # dropped unread, and a median of 50 kW was scored as 50 W, 30 °F as 30 °C.
    index = pd.date_range("2026-01-05", periods=3 * 24, freq="h")
    hours = np.arange(len(index))
    kilowatts = np.round(50 + 20 * np.sin(hours / 3), 2)
    fahrenheit = np.round(30 + 8 * np.sin(hours / 5), 1)
    rows = [
        f'"{time:%Y-%m-%d %H:%M}",{power},{temp}'
        for time, power, temp in zip(index, kilowatts, fahrenheit, strict=True)
    ]
    path = tmp_path / "toa5.dat"
    header = ['"TOA5","station","CR1000"', '"TIMESTAMP","power","temp"', '"TS","kW","Deg F"']
    path.write_text("\n".join([*header, '"","Avg","Avg"', *rows]) + "\n", encoding="utf-8")
    hourly = load_csv(path, options(time="TIMESTAMP"), lambda _: None)
    np.testing.assert_allclose(hourly["power_w"], kilowatts * 1000)
    np.testing.assert_allclose(hourly["temperature"], (fahrenheit - 32) * 5 / 9)
    # A unit given that the line contradicts is refused, as one the name contradicts.
    with pytest.raises(CsvError, match=r"'power' \(with 'kW' under it\) is named in kW"):
        load_csv(path, options(time="TIMESTAMP", power_unit="W"), lambda _: None)
