"""bench/prediction.py --csv: the same data in other clothes reads the same (session 30).

One home's rows written as public files come (offsets or naive local times, a decimal
comma, °F, hour-ending stamps, ...) must give the same hours as the plain file; each that
did not, or was refused with a misleading hint, is under a test of its own below.
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
    said: list[str] = []
    hourly = load_csv(path, options(time="TIMESTAMP"), said.append)
    np.testing.assert_allclose(hourly["power_w"], kilowatts * 1000)
    # Its cells are units, not readings gone missing.
    assert [line for line in said if "read as missing" in line] == []
    np.testing.assert_allclose(hourly["temperature"], (fahrenheit - 32) * 5 / 9)
    # A unit given that the line contradicts is refused, as one the name contradicts.
    with pytest.raises(CsvError, match=r"'power' \(with 'kW' under it\) is named in kW"):
        load_csv(path, options(time="TIMESTAMP", power_unit="W"), lambda _: None)


def quarter_hours() -> pd.DataFrame:
    """Two days of 15-minute rows in W and °C through Berlin's autumn clock change."""
    index = pd.date_range("2026-10-25", "2026-10-27", freq="15min", tz=ZONE, inclusive="left")
    step = np.arange(len(index))
    return pd.DataFrame(
        {"power": 300.0 + 25.0 * ((7 * step) % 31), "temp": np.round(4 + 3 * np.sin(step / 9), 2)},
        index=index,
    )


@pytest.fixture(scope="module")
def plain_hours(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The rows written plainly (ISO times with offsets, W, °C) and read."""
    plain = tmp_path_factory.mktemp("plain") / "plain.csv"
    quarter_hours().rename_axis("time").to_csv(plain, date_format="%Y-%m-%dT%H:%M:%S%z")
    return load_csv(plain, options(tz=ZONE), lambda _: None)


def as_clothes(rows: pd.DataFrame, clothes: str) -> tuple[str, dict[str, object]]:
    """The rows as a file's text in other clothes, and the options it is read with."""
    plain = rows.copy()
    local = rows.index.tz_localize(None)
    times = pd.Series(rows.index.strftime("%Y-%m-%dT%H:%M:%S%z"), index=rows.index)
    read_with: dict[str, object] = {"tz": ZONE}
    if clothes == "naive local":
        times[:] = local.strftime("%Y-%m-%d %H:%M")
    elif clothes == "UTC Z":
        times[:] = rows.index.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    elif clothes == "epoch ms":
        times[:] = (rows.index.asi8 // 1_000_000).astype(str)
    elif clothes == "dd/mm/yyyy":
        times[:] = local.strftime("%d/%m/%Y %H:%M")
    elif clothes == "kW":
        plain["power"] = rows["power"] / 1000
        read_with["power_unit"] = "kW"
    elif clothes == "Wh per row":
        plain["power"] = rows["power"] / 4
        read_with["power_unit"] = "Wh"
    elif clothes == "kWh meter":
        plain["power"] = 1000 + (rows["power"] / 4000).cumsum().shift(fill_value=0.0)
        read_with["power_unit"] = "kWh-total"
    elif clothes == "°F":
        plain["temp"] = rows["temp"] * 9 / 5 + 32
        read_with["temperature_unit"] = "F"
    frame = plain.assign(time=times.to_numpy())[["time", "power", "temp"]]
    if clothes == "shuffled":
        frame = frame.sample(frac=1.0, random_state=2)
    if clothes == "; and decimal comma":
        read_with |= {"sep": ";", "decimal": ","}
        return frame.to_csv(sep=";", decimal=",", index=False), read_with
    text = frame.to_csv(index=False, lineterminator="\r\n" if clothes == "CRLF" else "\n")
    if clothes == "units line":
        names, rest = text.split("\n", 1)
        text = f"{names}\n,W,°C\n{rest}"
    return text, read_with


@pytest.mark.parametrize(
    "clothes",
    [
        "naive local",
        "UTC Z",
        "epoch ms",
        "dd/mm/yyyy",
        "kW",
        "Wh per row",
        "°F",
        "shuffled",
        "; and decimal comma",
        "CRLF",
        "units line",
    ],
)
def test_the_same_rows_in_other_clothes_give_the_same_hours(
    tmp_path: Path, plain_hours: pd.DataFrame, clothes: str
) -> None:
    text, read_with = as_clothes(quarter_hours(), clothes)
    path = tmp_path / "clothes.csv"
    path.write_bytes(text.encode("utf-8"))
    hourly = load_csv(path, options(**read_with), lambda _: None)
    assert len(plain_hours) == 2 * 24 + 1  # the day the clocks go back has 25 hours
    pd.testing.assert_index_equal(hourly.index, plain_hours.index)
    np.testing.assert_allclose(hourly["power_w"], plain_hours["power_w"], rtol=1e-9)
    np.testing.assert_allclose(hourly["temperature"], plain_hours["temperature"], atol=1e-9)


def test_a_meter_total_gives_the_same_hours_but_its_last(
    tmp_path: Path, plain_hours: pd.DataFrame
) -> None:
    # The last row's total has no reading after it: its quarter is missing, and the last
    # hour is the mean of its first 45 minutes.
    rows = quarter_hours()
    text, read_with = as_clothes(rows, "kWh meter")
    path = tmp_path / "meter.csv"
    path.write_text(text, encoding="utf-8")
    hourly = load_csv(path, options(**read_with), lambda _: None)
    np.testing.assert_allclose(hourly["power_w"][:-1], plain_hours["power_w"][:-1], rtol=1e-9)
    assert hourly["power_w"].iloc[-1] == pytest.approx(rows["power"].iloc[-4:-1].mean())


@pytest.mark.parametrize(
    ("first_day", "last_day", "hours"),
    [
        ("2026-03-29", "2026-03-30", 47),
        ("2026-03-28", "2026-03-29", 47),
        ("2026-10-25", "2026-10-26", 49),
    ],
)
def test_a_file_that_begins_or_ends_on_a_clock_change_keeps_that_day(
    tmp_path: Path, first_day: str, last_day: str, hours: int
) -> None:
    # Whole days were counted as 24 hours: the 23- or 25-hour day at either end was lost.
    end = pd.Timestamp(last_day) + pd.Timedelta(days=1)
    index = pd.date_range(first_day, end, freq="h", tz=ZONE, inclusive="left")
    rows = pd.DataFrame({"power": 300.0 + 25.0 * ((7 * np.arange(len(index))) % 31), "temp": 5.0})
    path = tmp_path / "home.csv"
    rows.set_index(index.tz_localize(None)).rename_axis("time").to_csv(path)
    hourly = load_csv(path, options(tz=ZONE), lambda _: None)
    assert len(hourly) == hours
    np.testing.assert_allclose(hourly["power_w"], rows["power"])
