"""bench/prediction.py --csv: a stranger's units and clocks read as a person would read them.

A region's MW under a bare name, tenths of a °C, units written in the cells, naive times in
UTC and Excel's serial days with a decimal comma each gave a wrong number in the table.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.prediction import csv_source, mae_unit
from bench.prediction_csv import CsvError, CsvOptions, UnitRead, load_csv, read_csv
from bench.prediction_table import table

REPO = Path(__file__).parents[2]


def options(**changes: object) -> CsvOptions:
    defaults: dict[str, object] = {"time": "time", "power": "power", "temperature": "temp"}
    return CsvOptions(**(defaults | changes))  # type: ignore[arg-type]


def write(tmp_path: Path, lines: list[str], name: str = "home.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def home_w(index: pd.DatetimeIndex) -> np.ndarray:
    """A home's hours in W: up and down through the day, never a meter's running total."""
    return 100.0 + 10.0 * ((7 * index.hour.to_numpy()) % 24)


def region_mw(index: pd.DatetimeIndex) -> np.ndarray:
    """A state's load in MW with two decimals, as a grid operator publishes it: 4100-5900."""
    hours = index.hour.to_numpy() + index.minute.to_numpy() / 60
    return np.round(5000.0 + 900.0 * np.sin(2 * np.pi * (hours - 9) / 24) + index.day, 2)


def tenths(index: pd.DatetimeIndex) -> np.ndarray:
    """A Dutch winter month in whole tenths of a °C (KNMI's `T`): days of 6 °C, weeks apart."""
    hours = np.arange(len(index))
    celsius = 5 + 3 * np.sin(2 * np.pi * (hours - 9) / 24) + 4 * np.sin(2 * np.pi * hours / 216)
    return np.round(celsius * 10).astype(int)


def region_file(tmp_path: Path, column: str, days: int = 30) -> tuple[Path, pd.DataFrame]:
    index = pd.date_range("2026-01-05", periods=days * 24, freq="h")
    frame = pd.DataFrame({column: region_mw(index), "temp": 12.5}, index=index)
    path = tmp_path / "region.csv"
    frame.rename_axis("time").to_csv(path)
    return path, frame


@pytest.mark.parametrize("column", ["TOTALDEMAND", "demand", "load"])
def test_a_regions_mw_under_a_bare_name_are_read_as_mw_and_said(
    tmp_path: Path, column: str
) -> None:
    path, frame = region_file(tmp_path, column)
    notes: list[str] = []
    read = read_csv(path, options(power=column), notes.append)
    # 4368.6 MW written at 00:00 on 5 January (5000 + 900 sin(-3/8 turn) + 5): 4.3686 GW.
    assert frame[column].iloc[0] == pytest.approx(4368.6, abs=0.01)
    assert read.hourly["power_w"].iloc[0] == pytest.approx(4368.6e6, abs=1e4)
    np.testing.assert_allclose(read.hourly["power_w"], frame[column].to_numpy() * 1e6)
    assert read.power.unit == "MW"
    assert "as a region's load does" in read.power.why
    # --power-unit W reads it as W (the test below): the hint says so, not "to refuse".
    assert read.power.why.endswith(
        "read as MW (--power-unit kW for a utility's kW, W for a building's W)"
    )
    assert any("read as MW" in line for line in notes)


def test_a_regions_mw_given_as_w_stay_w(tmp_path: Path) -> None:
    path, frame = region_file(tmp_path, "TOTALDEMAND")
    read = read_csv(path, options(power="TOTALDEMAND", power_unit="W"), lambda _: None)
    np.testing.assert_allclose(read.hourly["power_w"], frame["TOTALDEMAND"].to_numpy())
    assert read.power == UnitRead(unit="W", why="'TOTALDEMAND': given with --power-unit")


@pytest.mark.parametrize(
    "column", ["Demand (MW)", "load_mw", "LoadMW", "Last [MW]", "load in megawatts"]
)
def test_a_name_that_says_mw_is_read_in_mw(tmp_path: Path, column: str) -> None:
    path, frame = region_file(tmp_path, column, days=3)
    read = read_csv(path, options(power=column), lambda _: None)
    np.testing.assert_allclose(read.hourly["power_w"], frame[column].to_numpy() * 1e6)
    assert read.power.unit == "MW"
    assert "its name says so" in read.power.why


def test_a_homes_watts_under_a_bare_name_are_assumed_w_and_said_ambiguous(
    tmp_path: Path,
) -> None:
    # A home: 120 W at night, 1.5 kW at dinner, its hours up and down by a quarter; nothing
    # says W, kW or MW.
    index = pd.date_range("2026-01-05", periods=30 * 24, freq="h")
    noise = np.random.default_rng(17).lognormal(0.0, 0.3, len(index))
    power = np.round(np.where(index.hour.isin([18, 19]), 1500.5, 120.25) * noise, 2)
    frame = pd.DataFrame({"power": power, "temp": 3.5}, index=index)
    path = tmp_path / "home.csv"
    frame.rename_axis("time").to_csv(path)
    read = read_csv(path, options(), lambda _: None)
    np.testing.assert_allclose(read.hourly["power_w"], power)
    assert read.power.unit == "W"
    assert read.power.why == (
        "'power' names no unit: read in W (kW where its median is below 20 W); its median "
        f"{np.median(power):.5g} could be a home's kW, a building's W or a region's MW "
        "(--power-unit)"
    )


def test_tenths_of_a_degree_are_read_as_tenths_not_fahrenheit(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=30 * 24, freq="h")
    frame = pd.DataFrame({"power": home_w(index), "T": tenths(index)}, index=index)
    path = tmp_path / "knmi.csv"
    frame.rename_axis("time").to_csv(path)
    assert path.read_text().splitlines()[1] == "2026-01-05 00:00:00,100.0,29"
    read = read_csv(path, options(temperature="T"), lambda _: None)
    # 29 tenths is 2.9 °C (as °F, the old reading, -1.7 °C; the month's 50 tenths 10 °C).
    assert read.hourly["temperature"].iloc[0] == pytest.approx(2.9)
    np.testing.assert_allclose(read.hourly["temperature"], frame["T"] / 10)
    assert read.temperature.unit == "C10"
    assert "no place's °C, °F or K" in read.temperature.why


@pytest.mark.parametrize("column", ["T10", "Temperatuur (0.1 °C)", "temp in tenths of °C"])
def test_a_name_that_says_tenths_is_read_in_tenths(tmp_path: Path, column: str) -> None:
    # Three days of 12.3 °C: too short to tell by its values, the name says.
    index = pd.date_range("2026-01-05", periods=3 * 24, freq="h")
    frame = pd.DataFrame({"power": home_w(index), column: 123}, index=index)
    path = tmp_path / "dwd.csv"
    frame.rename_axis("time").to_csv(path)
    read = read_csv(path, options(temperature=column), lambda _: None)
    np.testing.assert_allclose(read.hourly["temperature"], 12.3)
    assert read.temperature.unit == "C10"


def test_tenths_given_as_an_option_are_read_as_tenths(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=3 * 24, freq="h")
    frame = pd.DataFrame({"power": home_w(index), "temp": -45}, index=index)
    path = tmp_path / "dwd.csv"
    frame.rename_axis("time").to_csv(path)
    hourly = load_csv(path, options(temperature_unit="C10"), lambda _: None)
    np.testing.assert_allclose(hourly["temperature"], -4.5)


@pytest.mark.parametrize(
    ("middle", "swing", "unit", "offset"),
    [(7, 5, "C", 0.0), (60, 12, "F", 32.0), (283, 5, "K", 273.15)],
    ids=["metar_celsius", "noaa_fahrenheit", "kelvin"],
)
def test_whole_degrees_under_a_bare_name_stay_degrees(
    tmp_path: Path, middle: int, swing: int, unit: str, offset: float
) -> None:
    # A METAR's whole °C (2..12), NOAA's whole °F (48..72), a model's whole K (278..288):
    # none is tenths (283 tenths would be a plausible 28.3 °C).
    index = pd.date_range("2026-05-04", periods=30 * 24, freq="h")
    wave = np.sin(2 * np.pi * (index.hour.to_numpy() - 9) / 24)
    degrees = np.round(middle + swing * wave).astype(int)
    frame = pd.DataFrame({"power": home_w(index), "temp": degrees}, index=index)
    path = tmp_path / "whole.csv"
    frame.rename_axis("time").to_csv(path)
    read = read_csv(path, options(), lambda _: None)
    scale = 5 / 9 if unit == "F" else 1.0
    np.testing.assert_allclose(read.hourly["temperature"], (degrees - offset) * scale)
    assert read.temperature.unit == unit


def test_units_in_the_cells_are_read_in_them(tmp_path: Path) -> None:
    lines = ["time,power,temp,rh"]
    index = pd.date_range("2026-01-05", periods=3 * 24, freq="h")
    for number, time in enumerate(index):
        power = "450 W" if number % 2 else "1.2 kW"
        lines.append(f"{time:%Y-%m-%d %H:%M},{power},12.3 °C,81 %")
    # One column in one unit: every other row's 1.2 kW there as 1200 W.
    kilowatts = write(
        tmp_path, [lines[0], *(line.replace("450 W", "0.45 kW") for line in lines[1:])]
    )
    read = read_csv(kilowatts, options(humidity="rh"), lambda _: None)
    np.testing.assert_allclose(read.hourly["power_w"].iloc[:4], [1200.0, 450.0, 1200.0, 450.0])
    np.testing.assert_allclose(read.hourly["temperature"], 12.3)
    np.testing.assert_allclose(read.hourly["humidity"], 81.0)
    assert read.power == UnitRead(unit="kW", why="'power': its cells say so")
    assert read.temperature.unit == "C"
    with pytest.raises(CsvError, match=r"more than one unit \(36 in kW, 36 in W\)"):
        load_csv(write(tmp_path, lines, "mixed.csv"), options(humidity="rh"))


def test_a_cell_with_an_exponent_and_a_unit_is_read(tmp_path: Path) -> None:
    # UCI's outdoor temperature holds a float's rounding error, written with its exponent.
    index = pd.date_range("2016-01-11", periods=3 * 24, freq="h")
    cells = ["-5.55111512312578e-17 °C" if hour == 5 else "1.5 °C" for hour in index.hour]
    lines = ["time,power,temp"] + [
        f"{time:%Y-%m-%d %H:%M},{power:g} W,{cell}"
        for time, power, cell in zip(index, home_w(index), cells, strict=True)
    ]
    hourly = load_csv(write(tmp_path, lines), options(), lambda _: None)
    assert hourly["temperature"].iloc[5] == pytest.approx(0.0, abs=1e-15)
    assert hourly["temperature"].iloc[4] == 1.5


def test_the_unit_in_the_cells_outranks_the_name_and_the_option(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=3 * 24, freq="h")
    lines = ["Zeit;Leistung (W);Temperatur °F"] + [
        f"{time:%d.%m.%Y %H:%M};1,5 kW;-3,5 °C" for time in index
    ]
    notes: list[str] = []
    asked = options(
        time="Zeit",
        power="Leistung (W)",
        temperature="Temperatur °F",
        decimal=",",
        power_unit="W",
    )
    read = read_csv(write(tmp_path, lines), asked, notes.append)
    np.testing.assert_allclose(read.hourly["power_w"], 1500.0)
    np.testing.assert_allclose(read.hourly["temperature"], -3.5)
    assert (read.power.unit, read.temperature.unit) == ("kW", "C")
    assert "'Leistung (W)' is read in kW, as its cells say, not --power-unit W" in notes
    assert "'Temperatur °F' is named in F, but its cells say C: read in C" in notes


def test_naive_times_in_utc_are_counted_in_the_homes_zone(tmp_path: Path) -> None:
    # The German weather service stamps in UTC: 22:00 UTC on 30 June is midnight in Berlin.
    utc = pd.date_range("2026-06-30 22:00", periods=4 * 24, freq="h")
    berlin = utc.tz_localize("UTC").tz_convert("Europe/Berlin")
    frame = pd.DataFrame({"power": home_w(berlin), "temp": 18.0}, index=utc)
    path = tmp_path / "dwd.csv"
    frame.rename_axis("time").to_csv(path)
    notes: list[str] = []
    asked = options(tz="Europe/Berlin", naive_times="utc")
    hourly = load_csv(path, asked, notes.append)
    assert hourly.index[0] == pd.Timestamp("2026-07-01 00:00", tz="Europe/Berlin")
    assert hourly["power_w"].iloc[0] == 100.0  # midnight in Berlin, 22:00 as written
    np.testing.assert_allclose(hourly["power_w"], home_w(pd.DatetimeIndex(hourly.index)))
    assert any("naive times read as UTC, hours of the day in Europe/Berlin" in n for n in notes)


@pytest.mark.parametrize("column", ["period_utc", "Time (UTC)", "DateTimeUTC"])
def test_a_time_column_named_utc_is_read_as_utc_and_said(tmp_path: Path, column: str) -> None:
    # EIA-930's `period_utc` (`2021-08-01T08`): 08:00 UTC is 01:00 in California. Read as
    # local time it put every hour 7-8 hours late, and a clock change's hours in the wrong night.
    utc = pd.date_range("2026-07-01 07:00", periods=4 * 24, freq="h")
    pacific = utc.tz_localize("UTC").tz_convert("America/Los_Angeles")
    lines = [f"{column},power,temp"] + [
        f"{time:%Y-%m-%dT%H},{power:g},21.5"
        for time, power in zip(utc, home_w(pacific), strict=True)
    ]
    notes: list[str] = []
    hourly = load_csv(
        write(tmp_path, lines), options(time=column, tz="America/Los_Angeles"), notes.append
    )
    assert hourly.index[0] == pd.Timestamp("2026-07-01 00:00", tz="America/Los_Angeles")
    np.testing.assert_allclose(hourly["power_w"], home_w(pd.DatetimeIndex(hourly.index)))
    assert any(f"the times in {column!r} have no offset and are read as UTC" in n for n in notes)
    # Said otherwise, the option wins: the times are the home's.
    local = load_csv(
        write(tmp_path, lines),
        options(time=column, tz="America/Los_Angeles", naive_times="local"),
        lambda _: None,
    )
    assert local.index[0] == pd.Timestamp("2026-07-02 00:00", tz="America/Los_Angeles")


def test_naive_utc_times_through_the_autumn_clock_change_keep_every_hour(tmp_path: Path) -> None:
    utc = pd.date_range("2026-10-23 22:00", periods=4 * 24 + 1, freq="h")
    frame = pd.DataFrame({"power": home_w(utc), "temp": 9.0}, index=utc)
    path = tmp_path / "dwd.csv"
    frame.rename_axis("time").to_csv(path)
    hourly = load_csv(path, options(tz="Europe/Berlin", naive_times="utc"), lambda _: None)
    days = hourly.groupby(pd.DatetimeIndex(hourly.index).normalize()).size()
    assert days.to_dict()[pd.Timestamp("2026-10-25", tz="Europe/Berlin")] == 25
    assert hourly["power_w"].notna().all()


def test_excel_serial_days_with_a_decimal_comma_are_read(tmp_path: Path) -> None:
    # 46027 is 5 January 2026 in Excel's days; 46027,5 its noon.
    index = pd.date_range("2026-01-05", periods=3 * 24, freq="h")
    serials = (index - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)
    lines = ["time;power;temp"] + [
        f"{str(round(day, 10)).removesuffix('.0').replace('.', ',')};{power:g};2,5"
        for day, power in zip(serials, home_w(index), strict=True)
    ]
    assert lines[13].startswith("46027,5;")
    hourly = load_csv(write(tmp_path, lines), options(decimal=","), lambda _: None)
    assert list(hourly.index) == list(index)
    np.testing.assert_allclose(hourly["power_w"], home_w(index))


def test_the_table_gives_maes_in_the_unit_read() -> None:
    assert mae_unit(UnitRead(unit="MW", why="")) == ("MW", 1e6)
    assert mae_unit(UnitRead(unit="kWh", why="")) == ("kW", 1000.0)
    assert mae_unit(UnitRead(unit="kWh-total", why="")) == ("kW", 1000.0)
    assert mae_unit(UnitRead(unit="W", why="")) == ("W", 1.0)


def test_the_bench_prints_the_units_read_and_the_maes_in_them(tmp_path: Path) -> None:
    path, _ = region_file(tmp_path, "TOTALDEMAND", days=29)
    assert csv_source(path, options(power="TOTALDEMAND")).power.unit == "MW"
    result = subprocess.run(
        [
            sys.executable,
            "bench/prediction.py",
            "--csv",
            str(path),
            "--power",
            "TOTALDEMAND",
            "--temperature",
            "temp",
            "--no-yardstick",
            "--retrain-hours",
            "336",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[1].startswith("region.csv: power read in MW ('TOTALDEMAND' names no unit, and ")
    assert lines[1].endswith("; MAE in MW")
    assert lines[2].startswith("region.csv: temperature read in °C ('temp' names no unit")
    hour = next(line for line in lines if line.startswith("region.csv   hour"))
    # Persistence an hour ahead errs by the load's hourly move: about 150 MW, not 1.5e8.
    persistence = float(hour.split()[4])
    assert 100 < persistence < 250
    assert hour.split()[2] == "MW"
    # No tree was fitted: its columns are empty, not `nan +nan% +nan%`.
    assert hour.split()[-3:] == ["-", "-", "-"]
    json_line = json.loads(lines[-1])
    assert "| - | - | - |" in table(json_line)


def test_humidity_as_a_fraction_is_read_as_percent_and_said(tmp_path: Path) -> None:
    # opengrid's weather (Dark Sky's) gives 0.81 for 81 %: read as %, the model's humidity
    # input barely moved.
    index = pd.date_range("2016-01-01", periods=3 * 24, freq="h", tz="Europe/Brussels")
    fraction = np.round(0.6 + 0.3 * np.sin(2 * np.pi * np.arange(len(index)) / 24), 2)
    frame = pd.DataFrame({"power": home_w(index), "temp": 7.5, "humidity": fraction}, index=index)
    path = tmp_path / "opengrid.csv"
    frame.to_csv(path)
    notes: list[str] = []
    read = read_csv(path, options(time="", humidity="humidity"), notes.append)
    np.testing.assert_allclose(read.hourly["humidity"], fraction * 100)
    assert any("'humidity' runs 0.3..0.9: a fraction" in line for line in notes)
    assert any(line.endswith("humidity 60 %") for line in notes if line.startswith("read "))


def test_humidity_in_percent_stays_as_written(tmp_path: Path) -> None:
    index = pd.date_range("2016-01-01", periods=3 * 24, freq="h")
    percent = np.round(60 + 30 * np.sin(2 * np.pi * np.arange(len(index)) / 24), 1)
    frame = pd.DataFrame({"power": home_w(index), "temp": 7.5, "rh": percent}, index=index)
    path = tmp_path / "home.csv"
    frame.rename_axis("time").to_csv(path)
    notes: list[str] = []
    read = read_csv(path, options(humidity="rh"), notes.append)
    np.testing.assert_allclose(read.hourly["humidity"], percent)
    assert not any("fraction" in line for line in notes)


def test_the_table_gives_joules_maes_in_watts() -> None:
    assert mae_unit(UnitRead(unit="J", why="")) == ("W", 1.0)
    assert mae_unit(UnitRead(unit="kJ", why="")) == ("kW", 1000.0)
    assert mae_unit(UnitRead(unit="MJ", why="")) == ("MW", 1e6)
