"""bench/prediction.py --csv on files as pandas, Excel and German tools write them."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.prediction_csv import CsvError, CsvOptions, load_csv

DAYS = 3


def options(**changes: object) -> CsvOptions:
    defaults: dict[str, object] = {"time": "time", "power": "power", "temperature": "temp"}
    return CsvOptions(**(defaults | changes))  # type: ignore[arg-type]


def hourly_rows(days: int = DAYS) -> pd.DataFrame:
    index = pd.date_range("2026-01-05", periods=days * 24, freq="h")
    power = 100.0 + 10.0 * ((7 * index.hour.to_numpy()) % 24) + index.day.to_numpy()
    return pd.DataFrame({"power": power, "temp": 4.0 + index.day.to_numpy()}, index=index)


def test_an_infinite_cell_is_missing_not_every_later_hour(tmp_path: Path) -> None:
    rows = hourly_rows().rename_axis("time").astype({"power": object})
    rows.iloc[5, 0] = "inf"
    path = tmp_path / "home.csv"
    rows.to_csv(path)
    notes: list[str] = []
    hourly = load_csv(path, options(), notes.append)
    missing = hourly.index[hourly["power_w"].isna()]
    assert list(missing) == [rows.index[5]]
    known = hourly["power_w"].dropna()
    np.testing.assert_allclose(known, hourly_rows()["power"].drop(rows.index[5]))
    assert any("'inf'" in note and "missing" in note for note in notes)


@pytest.mark.parametrize(
    "midnight", ["%Y-%m-%d 00:00:00", "%d/%m/%Y 00:00", "%m/%d/%Y 12:00:00 AM"]
)
def test_a_date_saved_with_its_midnight_joins_an_hour_column(tmp_path: Path, midnight: str) -> None:
    # A date column saved from pandas or Excel beside an hour number (CAISO's `Date`, `HE`).
    rows = hourly_rows()
    table = pd.DataFrame(
        {
            "Date": rows.index.normalize().strftime(midnight),
            "HE": rows.index.hour,
            "power": rows["power"].to_numpy(),
            "temp": rows["temp"].to_numpy(),
        }
    )
    path = tmp_path / "home.csv"
    table.to_csv(path, index=False)
    hourly = load_csv(path, options(time="Date+HE"))
    pd.testing.assert_index_equal(pd.DatetimeIndex(hourly.index), rows.index, check_names=False)
    np.testing.assert_allclose(hourly["power_w"], rows["power"])


def test_an_unnamed_index_is_asked_for_by_an_empty_name(tmp_path: Path) -> None:
    # `DataFrame.to_csv` of a load whose DatetimeIndex has no name: the header starts ",".
    rows = hourly_rows()
    path = tmp_path / "home.csv"
    rows.to_csv(path)
    assert path.read_text().startswith(",power,temp")
    hourly = load_csv(path, options(time=""))
    np.testing.assert_allclose(hourly["power_w"], rows["power"])
    with pytest.raises(CsvError, match=re.escape("--time ''")):
        load_csv(path, options(time="Unnamed: 0"))


def test_a_quantity_symbol_before_a_name_is_not_its_unit(tmp_path: Path) -> None:
    # VDI 4655 names electric energy `W_el` (in kWh): the W is no watt.
    rows = hourly_rows().rename(columns={"power": "W_el_Summe"})
    rows["W_el_Summe"] /= 1000.0
    path = tmp_path / "home.csv"
    rows.rename_axis("time").to_csv(path)
    hourly = load_csv(path, options(power="W_el_Summe", power_unit="kWh"))
    np.testing.assert_allclose(hourly["power_w"], hourly_rows()["power"])


@pytest.mark.parametrize(("name", "unit"), [("power_w", "kWh"), ("Power [W]", "kWh")])
def test_a_unit_the_name_ends_with_still_refuses_another(
    tmp_path: Path, name: str, unit: str
) -> None:
    path = tmp_path / "home.csv"
    hourly_rows().rename(columns={"power": name}).rename_axis("time").to_csv(path)
    with pytest.raises(CsvError, match="named in W"):
        load_csv(path, options(power=name, power_unit=unit))


def test_an_empty_file_is_said_to_be_empty(tmp_path: Path) -> None:
    path = tmp_path / "home.csv"
    path.write_text("\n\n")
    with pytest.raises(CsvError, match="is empty"):
        load_csv(path, options())


def test_the_note_says_the_hourly_means_as_read(tmp_path: Path) -> None:
    # kWh per quarter hour and °F: the means a checker holds against the file, in W and °C.
    index = pd.date_range("2026-01-05", periods=DAYS * 96, freq="15min")
    kwh = 0.05 + 0.01 * (index.hour.to_numpy() % 5)
    fahrenheit = 41.0 + (index.hour.to_numpy() % 7)
    path = tmp_path / "home.csv"
    pd.DataFrame({"time": index, "energy_kwh": kwh, "temp_f": fahrenheit}).to_csv(path, index=False)
    notes: list[str] = []
    load_csv(path, options(power="energy_kwh", temperature="temp_f"), notes.append)
    watts = (pd.Series(kwh * 4000.0, index=index).resample("h").mean()).mean()
    celsius = ((pd.Series(fahrenheit, index=index) - 32.0) / 1.8).resample("h").mean().mean()
    read = next(note for note in notes if note.startswith("read "))
    assert f"hourly means {watts:.4g} W and {celsius:.3g} °C" in read


@pytest.mark.parametrize("spike", [1e20, 9.9e37])
def test_one_absurd_value_leaves_every_other_hour_as_it_was(tmp_path: Path, spike: float) -> None:
    # 9.9e37 is SCPI instruments' overload mark; a running integral lost every later hour.
    rows = hourly_rows().rename_axis("time")
    rows.iloc[3, 0] = spike
    path = tmp_path / "home.csv"
    rows.to_csv(path)
    hourly = load_csv(path, options())
    expected = hourly_rows()["power"].to_numpy()
    others = np.arange(len(expected)) != 3
    np.testing.assert_allclose(hourly["power_w"].to_numpy()[others], expected[others])


def test_a_total_that_restarts_each_day_is_not_read_as_power(tmp_path: Path) -> None:
    # Home Assistant's "energy today" (kWh since midnight), hourly: it falls once a day,
    # in 1 of 24 steps, and was read as kW (a load 12 times its own).
    index = pd.date_range("2026-01-05", periods=20 * 24, freq="h")
    kwh = 0.05 + 0.1 * ((7 * index.hour.to_numpy()) % 24) / 24
    today = pd.Series(kwh, index=index).groupby(index.normalize()).cumsum()
    path = tmp_path / "home.csv"
    pd.DataFrame({"time": index, "energy_today": today, "temp": 5.0}).to_csv(path, index=False)
    with pytest.raises(CsvError, match=r"falls in only 19 .*restarts each day.*kWh-total"):
        load_csv(path, options(power="energy_today"))
    hourly = load_csv(path, options(power="energy_today", power_unit="kWh-total"))
    # Each reading holds the energy since midnight: the power between two readings is the
    # next hour's energy; each day's reset leaves its interval missing.
    expected = pd.Series(kwh * 1000.0, index=index).shift(-1)
    expected[expected.index.hour == 23] = np.nan
    pd.testing.assert_series_equal(hourly["power_w"], expected, check_names=False, check_freq=False)


@pytest.mark.parametrize(("level", "clip"), [(0.0, False), (300.0, False), (-400.0, True)])
def test_power_that_never_changes_is_refused(tmp_path: Path, level: float, clip: bool) -> None:
    # All 0 W (or consumption counted negative, clipped to 0 W): no forecaster can err, no
    # skill is defined; the bench ran for minutes and crashed.
    rows = hourly_rows(30).assign(power=level).rename_axis("time")
    path = tmp_path / "home.csv"
    rows.to_csv(path)
    from bench.prediction import csv_source

    with pytest.raises(SystemExit, match=r"in every hour.*nothing to forecast"):
        csv_source(path, options(clip_negative=clip))


def test_power_negative_in_every_hour_is_said_to_be_signed(tmp_path: Path) -> None:
    rows = hourly_rows().rename_axis("time")
    rows["power"] *= -1
    path = tmp_path / "home.csv"
    rows.to_csv(path)
    with pytest.raises(CsvError, match="every hour: consumption counted negative"):
        load_csv(path, options())


@pytest.mark.parametrize("error", ["#DIV/0!", "#VALUE!", "#N/A"])
def test_a_spreadsheets_formula_error_is_a_missing_hour(tmp_path: Path, error: str) -> None:
    # A power computed in Excel (energy / hours) with one empty interval: `#DIV/0!` holds a
    # digit, and a cell with digits that is no number refused the whole file.
    rows = hourly_rows().rename_axis("time").astype({"power": object})
    rows.iloc[7, 0] = error
    path = tmp_path / "home.csv"
    rows.to_csv(path)
    notes: list[str] = []
    hourly = load_csv(path, options(), notes.append)
    assert list(hourly.index[hourly["power_w"].isna()]) == [rows.index[7]]
    assert any(error in note and "read as missing" in note for note in notes)
