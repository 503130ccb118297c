"""bench/prediction.py --csv on what a checker's public data and odd files showed (session 28).

Each read a wrong number into the bench silently: hours half an hour off the home's clock,
and outdoor weather no air has.
"""

import bz2
import contextlib
import gzip
import io
import lzma
import zipfile
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
    """A home's hours in W: up and down through the day, never a meter's running total."""
    return 100.0 + 10.0 * ((7 * index.hour.to_numpy()) % 24)


def hourly_rows(zone: str, days: int = DAYS) -> pd.DataFrame:
    index = pd.date_range("2026-01-05", periods=days * 24, freq="h", tz=zone)
    return pd.DataFrame({"power": hour_of_day(index), "temp": 25.0}, index=index)


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide"])
def test_hours_follow_a_clock_a_part_of_an_hour_off_utc(tmp_path: Path, zone: str) -> None:
    # India's +05:30: the hours were UTC's, 00:30-01:30 local, each the mean of two of the
    # file's hours, and the first day lost (it began at 00:30).
    rows = hourly_rows(zone)
    path = tmp_path / "home.csv"
    rows.rename_axis("time").to_csv(path)
    hourly = load_csv(path, options(), lambda _: None)
    assert len(hourly) == DAYS * 24
    assert (pd.DatetimeIndex(hourly.index).minute == 0).all()
    np.testing.assert_allclose(hourly["power_w"], rows["power"].to_numpy())
    # Naive local times with --tz: the same hours.
    naive = rows.tz_localize(None)
    naive.rename_axis("time").to_csv(path)
    local = load_csv(path, options(tz=zone), lambda _: None)
    assert pd.Timestamp(local.index[0]) == pd.Timestamp("2026-01-05", tz=zone)
    np.testing.assert_allclose(local["power_w"], rows["power"].to_numpy())


def test_temperatures_no_outdoor_air_has_are_missing_and_said(tmp_path: Path) -> None:
    # A thermometer's fault: 85 °C for a day in a winter of 5 °C. The median stays 5 °C,
    # so no unit check saw it, and the model trained and forecast on it.
    index = pd.date_range("2026-01-05", periods=30 * 24, freq="h")
    temp = np.where((index >= "2026-01-10") & (index < "2026-01-11"), 85.0, 5.0)
    frame = pd.DataFrame({"power": hour_of_day(index), "temp": temp}, index=index)
    path = tmp_path / "home.csv"
    frame.rename_axis("time").to_csv(path)
    notes: list[str] = []
    hourly = load_csv(path, options(), notes.append)
    assert hourly["temperature"].isna().sum() == 24
    assert hourly["temperature"].max() == 5.0
    assert (
        "24 hours of 'temp' outside -90..60 °C, such as 85 °C (2026-01-10 00:00), read as missing"
        in notes
    )


@pytest.mark.parametrize("humidity", [150.0, -5.0])
def test_humidity_outside_0_to_100_percent_is_missing_and_said(
    tmp_path: Path, humidity: float
) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 24, freq="h")
    rh = np.where(index.hour == 12, humidity, 80.0)
    frame = pd.DataFrame({"power": hour_of_day(index), "temp": 5.0, "rh": rh}, index=index)
    path = tmp_path / "home.csv"
    frame.rename_axis("time").to_csv(path)
    notes: list[str] = []
    hourly = load_csv(path, options(humidity="rh"), notes.append)
    assert hourly["humidity"].isna().sum() == DAYS
    assert hourly["humidity"].dropna().eq(80.0).all()
    assert any(f"{DAYS} hours of 'rh' outside 0..105 %" in note for note in notes)


@pytest.mark.parametrize(("minutes", "times"), [(30, "2"), (15, "4")])
def test_small_numbers_every_half_hour_say_they_may_be_kwh_per_row(
    tmp_path: Path, minutes: int, times: str
) -> None:
    # A UK smart meter's kWh per half hour under a bare name: read as kW, as a power
    # sensor's would be, the home draws half its power, and nothing said the other reading.
    index = pd.date_range("2026-01-05", periods=DAYS * 24 * 60 // minutes, freq=f"{minutes}min")
    kwh = np.round(hour_of_day(index) / 1000 * minutes / 60, 4)
    frame = pd.DataFrame({"power": kwh, "temp": 5.0}, index=index)
    path = tmp_path / "meter.csv"
    frame.rename_axis("time").to_csv(path)
    notes: list[str] = []
    load_csv(path, options(), notes.append)
    said = f"if it is kWh per {minutes}-min row, the power is {times} times this: --power-unit kWh"
    assert any("read as kW" in note and said in note for note in notes)
    hourly = load_csv(path, options(power_unit="kWh"), lambda _: None)
    np.testing.assert_allclose(hourly["power_w"].mean(), hour_of_day(index).mean(), rtol=1e-3)
    # Hourly rows: kWh per row and kW are the same number, and nothing more is said.
    hourly_frame = frame.resample("h").sum()
    hourly_frame["temp"] = 5.0
    hourly_frame.rename_axis("time").to_csv(path)
    notes.clear()
    load_csv(path, options(), notes.append)
    assert any("read as kW" in note for note in notes)
    assert not any("kWh per" in note for note in notes)


def test_the_bench_leaves_out_the_days_without_temperature_at_either_end(tmp_path: Path) -> None:
    """EIA-930's seven years of CISO's demand joined to one year of Fontana's weather."""
    from bench.prediction import blocks, csv_source

    index = pd.date_range("2026-01-01", periods=300 * 24, freq="h")
    temp = np.full(len(index), np.nan)
    temp[100 * 24 + 7 : 220 * 24] = 12.0
    frame = pd.DataFrame({"power": hour_of_day(index), "temp": temp}, index=index)
    path = tmp_path / "joined.csv"
    frame.rename_axis("time").to_csv(path)
    with contextlib.redirect_stderr(io.StringIO()) as stderr:
        data = csv_source(path, options()).hourly
    notes = stderr.getvalue().splitlines()
    assert data.index[0] == index[100 * 24]
    assert data.index[-1] == index[220 * 24 - 1]
    assert all(
        data["temperature"].iloc[start : start + 14 * 24].notna().all() for start in blocks(data)
    )
    assert (
        "note: 100 days before the first temperature reading and 80 after the last left out: "
        "the test blocks fall where there is temperature"
    ) in notes


@pytest.mark.parametrize("packing", ["gzip", "bzip2", "xz", "zip"])
def test_a_compressed_csv_is_unpacked_and_said(tmp_path: Path, packing: str) -> None:
    # EIA-930's rows come as `.csv.gz`: read as text, the error was a header of gzip's bytes.
    index = pd.date_range("2026-01-05", periods=DAYS * 24, freq="h")
    frame = pd.DataFrame({"power": hour_of_day(index), "temp": 5.0}, index=index)
    text = frame.rename_axis("time").to_csv().encode()
    path = tmp_path / "eia.csv.packed"
    if packing == "zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("eia.csv", text)
    else:
        path.write_bytes({"gzip": gzip, "bzip2": bz2, "xz": lzma}[packing].compress(text))
    notes: list[str] = []
    hourly = load_csv(path, options(), notes.append)
    np.testing.assert_allclose(hourly["power_w"], hour_of_day(index))
    assert f"eia.csv.packed is {packing}-compressed: read its eia.csv" in notes


def test_a_zip_of_several_files_or_a_workbook_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meter.csv", "time,power,temp\n")
        archive.writestr("weather.csv", "time,temp\n")
    with pytest.raises(CsvError, match=r"a zip of 2 files \(meter.csv, weather.csv\): unzip one"):
        load_csv(path, options(), lambda _: None)
    workbook = tmp_path / "export.xlsx"
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(CsvError, match="an Excel workbook: save its sheet as CSV"):
        load_csv(workbook, options(), lambda _: None)


def test_emporias_kwhs_per_minute_are_read_as_energy_per_row(tmp_path: Path) -> None:
    # Emporia Vue's export: `Mains_A (kWhs)` per minute. As a bare name its 0.005 read as
    # kW, a sixtieth of the home's power.
    index = pd.date_range("2026-01-05", periods=DAYS * 24 * 60, freq="min")
    frame = pd.DataFrame(
        {"Mains_A (kWhs)": np.round(hour_of_day(index) / 1000 / 60, 6), "temp": 5.0},
        index=index,
    )
    path = tmp_path / "emporia.csv"
    frame.rename_axis("Time Bucket (America/New_York)").to_csv(path)
    notes: list[str] = []
    asked = options(time="Time Bucket (America/New_York)", power="Mains_A (kWhs)")
    hourly = load_csv(path, asked, notes.append)
    np.testing.assert_allclose(
        hourly["power_w"], hour_of_day(pd.DatetimeIndex(hourly.index)), rtol=1e-2
    )
    assert "'Mains_A (kWhs)' is read in kWh, as its name says (--power-unit to change)" in notes


@pytest.mark.parametrize(
    ("name", "given", "per_joule"),
    [
        ("Electricity:Facility [J](Hourly)", None, 1.0),  # EnergyPlus's meter, as it writes
        ("Electricity:Facility [J](TimeStep)", None, 1.0),
        ("InteriorEquipment:Electricity [kJ](Hourly)", None, 1000.0),
        ("heat_pump", "MJ", 1e6),
    ],
)
def test_joules_per_row_are_read_as_energy_per_row(
    tmp_path: Path, name: str, given: str | None, per_joule: float
) -> None:
    # EnergyPlus meters in J per reporting interval: read as W, 3600 times the hourly power
    # (a 4 kW office scored as 16 MW).
    step = 15 if "TimeStep" in name else 60
    index = pd.date_range("2006-01-01", periods=DAYS * 24 * 60 // step, freq=f"{step}min")
    joules = hour_of_day(index) * step * 60 / per_joule
    frame = pd.DataFrame({name: joules, "temp": 5.0}, index=index)
    path = tmp_path / "eplusout.csv"
    frame.rename_axis("time").to_csv(path)
    notes: list[str] = []
    hourly = load_csv(path, options(power=name, power_unit=given), notes.append)
    np.testing.assert_allclose(hourly["power_w"], hour_of_day(pd.DatetimeIndex(hourly.index)))
    if given is None:
        assert any(f"{name!r} is read in {'kJ' if per_joule > 1 else 'J'}" in n for n in notes)
