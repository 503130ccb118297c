"""bench/prediction.py --csv: a checker's file read right, or refused with one message."""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.prediction_csv import CsvError, CsvOptions, load_csv
from bench.prediction_csv_hours import hourly_means

REPO = Path(__file__).parents[2]
DAYS = 3


def options(**changes: object) -> CsvOptions:
    defaults: dict[str, object] = {"time": "time", "power": "power", "temperature": "temp"}
    return CsvOptions(**(defaults | changes))  # type: ignore[arg-type]


def write(tmp_path: Path, lines: list[str], name: str = "home.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def days_of_rows(
    start: str, step_minutes: int, power: Callable[[pd.DatetimeIndex], np.ndarray], tz: str | None
) -> pd.DataFrame:
    """DAYS whole days plus one row, every `step_minutes`, in `tz` (None: naive)."""
    index = pd.date_range(
        start, periods=DAYS * 24 * 60 // step_minutes + 1, freq=f"{step_minutes}min", tz=tz
    )
    return pd.DataFrame({"power": power(index), "temp": 10.0}, index=index)


def hour_of_day(index: pd.DatetimeIndex) -> np.ndarray:
    return 100.0 + 10.0 * index.hour.to_numpy()


def collect() -> tuple[list[str], Callable[[str], None]]:
    notes: list[str] = []
    return notes, notes.append


# Steps of 1, 3 and 6 minutes write rows at hh:24:00: minute 24, not an hour-ending 24:00.
@pytest.mark.parametrize("step", [1, 3, 6, 10, 15, 30, 60])
def test_sub_hourly_rows_become_the_hourly_mean(tmp_path: Path, step: int) -> None:
    # Power 100 W in the first half of every hour, 500 W in the second: mean 300 W.
    rows = days_of_rows("2026-01-05", step, lambda i: np.where(i.minute < 30, 100.0, 500.0), None)
    if step == 60:
        rows["power"] = 300.0
    path = tmp_path / "home.csv"
    rows.rename_axis("time").to_csv(path)
    hourly = load_csv(path, options())
    assert len(hourly) == DAYS * 24
    np.testing.assert_allclose(hourly["power_w"], 300.0)
    np.testing.assert_allclose(hourly["temperature"], 10.0)
    assert hourly["humidity"].isna().all()
    # How each hour ended (its last five minutes), as Home Assistant keeps it: only rows
    # within the hour say it.
    if step == 60:
        assert "power_end_w" not in hourly
    else:
        np.testing.assert_allclose(hourly["power_end_w"], 500.0)


def test_an_hours_end_is_its_last_five_minutes_in_watts_as_read(tmp_path: Path) -> None:
    # Every 10 minutes in kW, without a unit: 0.2 kW, then 1.2 kW from hh:50 (a kettle).
    rows = days_of_rows("2026-01-05", 10, lambda i: np.where(i.minute == 50, 1.2, 0.2), None)
    path = tmp_path / "home.csv"
    rows.rename_axis("time").to_csv(path)
    hourly = load_csv(path, options())
    np.testing.assert_allclose(hourly["power_w"], 366.667, rtol=1e-5)
    np.testing.assert_allclose(hourly["power_end_w"], 1200.0)


def test_irregular_rows_are_weighted_by_the_time_they_hold() -> None:
    # A meter that reports on change: 0 W for 50 min, then 600 W for 10 min, then 0 W.
    index = pd.DatetimeIndex(
        [
            "2026-01-05 00:00",
            "2026-01-05 00:50",
            "2026-01-05 00:52",
            "2026-01-05 00:55",
            "2026-01-05 01:00",
            "2026-01-05 01:30",
            "2026-01-05 02:00",
        ]
    )
    values = pd.Series([0.0, 600.0, 600.0, 600.0, 0.0, 300.0, 0.0], index=index)
    means = hourly_means(values, pd.Timedelta(hours=1))
    # Hour 0: 600 W for 10 of 60 minutes; hour 1: 300 W for the second half; hour 2: 0 W.
    np.testing.assert_allclose(means.to_numpy(), [100.0, 150.0, 0.0])
    assert list(means.index.hour) == [0, 1, 2]


def test_a_gap_leaves_hours_missing_not_carried(tmp_path: Path) -> None:
    rows = days_of_rows("2026-01-05", 15, hour_of_day, None)
    rows = rows[(rows.index < "2026-01-06 10:00") | (rows.index >= "2026-01-07 03:00")]
    path = tmp_path / "home.csv"
    rows.rename_axis("time").to_csv(path)
    hourly = load_csv(path, options())
    missing = hourly.index[hourly["power_w"].isna()]
    # The last row before the gap (09:45) holds its 15 minutes, not a day.
    assert missing[0] == pd.Timestamp("2026-01-06 10:00")
    assert missing[-1] == pd.Timestamp("2026-01-07 02:00")
    assert len(missing) == 17
    known = hourly["power_w"].dropna()
    np.testing.assert_allclose(known, 100.0 + 10.0 * known.index.hour)


@pytest.mark.parametrize(
    ("stamp", "zone"),
    [
        (lambda i: i.strftime("%Y-%m-%dT%H:%M:%S%z"), None),
        (lambda i: i.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ"), "Europe/Berlin"),
        (lambda i: (i.asi8 // 10**9).astype(str), "Europe/Berlin"),
        (lambda i: (i.asi8 // 10**6).astype(str), "Europe/Berlin"),
        # pandas' own integer times (`index.astype("int64")`): they were refused.
        (lambda i: (i.asi8 // 10**3).astype(str), "Europe/Berlin"),
        (lambda i: i.asi8.astype(str), "Europe/Berlin"),
    ],
    ids=["offset", "zulu", "epoch_s", "epoch_ms", "epoch_us", "epoch_ns"],
)
def test_instants_are_read_and_put_in_the_home_zone(
    tmp_path: Path, stamp: Callable[[pd.DatetimeIndex], object], zone: str | None
) -> None:
    rows = days_of_rows("2026-01-05", 30, hour_of_day, "Europe/Berlin")
    lines = ["time,power,temp"] + [
        f"{t},{p},{c}"
        for t, p, c in zip(stamp(rows.index), rows["power"], rows["temp"], strict=True)
    ]
    hourly = load_csv(write(tmp_path, lines), options(tz=zone))
    assert hourly.index[0].hour == 0
    # Power depends on the Berlin hour: read in another zone, the hours would not match.
    np.testing.assert_allclose(hourly["power_w"], 100.0 + 10.0 * hourly.index.hour)


def test_changing_offsets_without_a_zone_are_read_in_a_zone_that_has_them(
    tmp_path: Path,
) -> None:
    """Offsets that follow a zone's clock changes are its local times, not UTC."""
    rows = days_of_rows("2026-03-28", 30, hour_of_day, "Europe/Berlin")
    lines = ["time,power,temp"] + [
        f"{t.isoformat()},{p},{c}"
        for t, p, c in zip(rows.index, rows["power"], rows["temp"], strict=True)
    ]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(), notice)
    assert str(hourly.index.tz) != "UTC"
    assert any("UTC offsets change as" in line for line in notes)
    # Power depends on the Berlin hour: in the zone found, before and after the clocks
    # went forward on 2026-03-29, each hour reads its own value.
    np.testing.assert_allclose(hourly["power_w"], 100.0 + 10.0 * hourly.index.hour)


def test_offsets_no_zone_has_are_read_in_utc_and_said(tmp_path: Path) -> None:
    index = pd.date_range("2026-03-27", "2026-04-01", freq="h", tz="UTC")
    # +01:00 and +03:00 by turns, day by day: no zone's clock does that.
    lines = ["time,power,temp"] + [
        f"{t.tz_convert('+01:00' if t.day % 2 else '+03:00').isoformat()},500,10" for t in index
    ]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(), notice)
    assert str(hourly.index.tz) == "UTC"
    assert any("as no time zone's do" in line for line in notes)


def test_naive_local_times_across_both_clock_changes(tmp_path: Path) -> None:
    # London: 2026-03-29 01:00 does not exist; 2026-10-25 01:00-02:00 happens twice.
    spring = pd.date_range("2026-03-28", "2026-03-31", freq="15min", tz="Europe/London")
    autumn = pd.date_range("2026-10-24", "2026-10-27", freq="15min", tz="Europe/London")
    index = spring.append(autumn)
    lines = ["time,power,temp"] + [
        f"{t.strftime('%Y-%m-%d %H:%M')},{100 + 10 * t.hour},5" for t in index
    ]
    hourly = load_csv(write(tmp_path, lines), options(tz="Europe/London"))
    autumn_day = hourly.loc["2026-10-25"]
    assert len(autumn_day) == 25  # the repeated hour told apart by row order
    np.testing.assert_allclose(autumn_day["power_w"], 100 + 10 * autumn_day.index.hour)
    assert len(hourly.loc["2026-03-29"]) == 23


def test_a_repeated_hour_that_cannot_be_ordered_is_dropped_with_a_note(tmp_path: Path) -> None:
    index = pd.date_range("2026-10-24", "2026-10-27", freq="h", tz="Europe/London")
    # Each local time once: the second 01:00 is missing, so the first cannot be placed.
    stamps = sorted({t.strftime("%Y-%m-%d %H:%M") for t in index})
    lines = ["time,power,temp"] + [f"{s},300,5" for s in stamps]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(tz="Europe/London"), notice)
    assert any("repeated hour" in line for line in notes)
    assert hourly.loc["2026-10-25", "power_w"].isna().sum() == 2  # both 01:00 hours unknown


def test_times_in_the_hour_the_clocks_skip_are_dropped_with_a_note(tmp_path: Path) -> None:
    # UTC written without an offset (OpenEEmeter's samples) and read with --tz: 01:00-01:45
    # on 2026-03-29 is no London clock time.
    index = pd.date_range("2026-03-28", "2026-03-31", freq="15min")
    lines = ["time,power,temp"] + [f"{t.strftime('%Y-%m-%d %H:%M')},300,5" for t in index]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(tz="Europe/London"), notice)
    assert any(line.startswith("4 rows fall in the hour the clocks skip") for line in notes)
    assert len(hourly.loc["2026-03-29"]) == 23


def test_unsorted_and_repeated_rows(tmp_path: Path) -> None:
    rows = days_of_rows("2026-01-05", 60, hour_of_day, None).rename_axis("time").reset_index()
    doubled = pd.concat([rows, rows.assign(power=rows["power"] + 50.0)])
    shuffled = doubled.sample(frac=1.0, random_state=1)
    path = tmp_path / "home.csv"
    shuffled.to_csv(path, index=False)
    notes, notice = collect()
    hourly = load_csv(path, options(), notice)
    np.testing.assert_allclose(hourly["power_w"], 125.0 + 10.0 * hourly.index.hour)
    # Naive times repeat where the clocks went back: the note says how to tell them apart.
    assert any("averaged" in line and "--tz" in line for line in notes)


def test_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time;power;temp"] + [f"{t:%d.%m.%Y %H:%M};1.234,5;-2,5" for t in index]
    path = write(tmp_path, lines)
    with pytest.raises(CsvError, match=r"not numbers.*--decimal ,"):
        load_csv(path, options())
    hourly = load_csv(path, options(decimal=","))
    np.testing.assert_allclose(hourly["power_w"], 1234.5)
    np.testing.assert_allclose(hourly["temperature"], -2.5)
    assert hourly.index[0] == pd.Timestamp("2026-01-05")


def test_day_first_dates_are_read_day_first(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [f"{t:%d/%m/%Y %H:%M},700,3" for t in index]
    hourly = load_csv(write(tmp_path, lines), options())
    assert hourly.index[0] == pd.Timestamp("2026-01-05")
    assert hourly.index[-1] == pd.Timestamp("2026-01-07 23:00")


def test_empty_and_word_cells_are_missing(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    cells = ["", "NA", "n/a", "-"]
    lines = ["time,power,temp"] + [
        f"{t:%Y-%m-%d %H:%M},{cells[n] if n < 4 else 800},7" for n, t in enumerate(index)
    ]
    lines.append(",,")  # a trailing empty row
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(), notice)
    assert hourly["power_w"].isna().sum() == 4
    assert hourly["power_w"].iloc[4:].eq(800.0).all()
    assert any("read as missing" in line for line in notes)


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        ("W", 450.0, 450.0),
        ("kW", 0.45, 450.0),
        ("kWh", 0.225, 450.0),
        ("Wh", 225.0, 450.0),
        ("MW", 4500.0, 4.5e9),
        ("MWh", 2250.0, 4.5e9),
    ],
)
def test_power_units(tmp_path: Path, unit: str, value: float, expected: float) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 48 + 1, freq="30min")
    lines = ["time,power,temp"] + [f"{t:%Y-%m-%d %H:%M},{value},7" for t in index]
    hourly = load_csv(write(tmp_path, lines), options(power_unit=unit))
    np.testing.assert_allclose(hourly["power_w"], expected)


@pytest.mark.parametrize(
    ("unit", "column", "value", "hour"),
    [
        ("kWh-total", "power", 1e308, "05:00"),  # the meter's step, in Wh, overflows
        ("kW", "power", 1e306, "06:00"),  # in W
        ("W", "power", 1e308, "06:00"),  # weighted by the seconds it held
        ("W", "temp", 1e308, "06:00"),
    ],
)
def test_a_value_too_large_to_average_is_missing_not_an_infinite_hour(
    tmp_path: Path, unit: str, column: str, value: float, hour: str
) -> None:
    """A stranger's cell of 1e308 is finite as read; in W, or weighted by the seconds it
    held, it was an hour of infinite power (or heat) in the table, its MAE inf."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    meter = unit.endswith("-total")
    rows = {
        "power": [n * 0.5 if meter else {"kW": 0.45}.get(unit, 450.0) for n in range(len(index))],
        "temp": [7.0] * len(index),
    }
    rows[column][30] = value
    lines = ["time,power,temp"] + [
        f"{t:%Y-%m-%d %H:%M},{p!r},{c!r}" for t, p, c in zip(index, *rows.values(), strict=True)
    ]
    notes, note = collect()
    hourly = load_csv(write(tmp_path, lines), options(power_unit=unit), note)
    assert any(f"{column!r} such as" in n and f"2026-01-06 {hour}), beyond" in n for n in notes)
    read = hourly["power_w" if column == "power" else "temperature"]
    assert np.isnan(read[pd.Timestamp(f"2026-01-06 {hour}")])
    assert np.isfinite(read.dropna()).all()
    assert read.notna().sum() >= len(read) - 2


def test_fahrenheit(tmp_path: Path) -> None:
    index = pd.date_range("2026-07-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [f"{t:%Y-%m-%d %H:%M},900,86" for t in index]
    path = write(tmp_path, lines)
    with pytest.raises(CsvError, match="°F"):
        load_csv(path, options(temperature_unit="C"))
    np.testing.assert_allclose(load_csv(path, options(temperature_unit="F"))["temperature"], 30.0)
    np.testing.assert_allclose(load_csv(path, options())["temperature"], 30.0)


def test_negative_power_is_refused_or_clipped_on_request(tmp_path: Path) -> None:
    index = pd.date_range("2026-06-01", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [
        f"{t:%Y-%m-%d %H:%M},{-800 if 10 <= t.hour < 16 else 400},20" for t in index
    ]
    path = write(tmp_path, lines)
    with pytest.raises(CsvError, match=r"negative power.*--clip-negative"):
        load_csv(path, options())
    hourly = load_csv(path, options(clip_negative=True))
    assert hourly["power_w"].min() == 0.0
    assert hourly["power_w"].max() == 400.0


def test_a_meters_rare_negative_noise_is_scored_as_zero_with_a_note(tmp_path: Path) -> None:
    index = pd.date_range("2026-06-01", periods=40 * 24 + 1, freq="h")
    rare = set(index[::200])  # one hour in 200: below the 1 % a meter's noise may reach
    lines = ["time,power,temp"] + [
        f"{t:%Y-%m-%d %H:%M},{-3 if t in rare else 400},20" for t in index
    ]
    notes: list[str] = []
    hourly = load_csv(write(tmp_path, lines), options(), notes.append)
    assert hourly["power_w"].min() == 0.0
    assert any("meter's noise" in line for line in notes)


@pytest.mark.parametrize(
    ("lines", "changes", "message"),
    [
        (["when,power,temp", "2026-01-05 00:00,1,2"], {}, "no column 'time'"),
        (["time,watts,temp", "2026-01-05 00:00,1,2"], {}, r"no column 'power'; the file has"),
        (["time,power,temp", "yesterday,400,2", "today,400,2"], {}, "cannot read the times"),
        (["time,power,temp", "17,400,2", "18,400,2"], {}, "neither epoch seconds"),
        (
            ["time,power,temp", "2026-01-05 00:00,400 W,2", "2026-01-05 01:00,1.2 kW,2"],
            {},
            r"'power' are written in more than one unit \(1 in W, 1 in kW\)",
        ),
        (["time,power,temp", "2026-01-05 00:00,230 V,2"], {}, "'V' is no unit of power"),
        (["time,power,temp", "2026-01-05,400,2", "2026-01-06,400,2"], {}, "hourly or finer"),
        (["time,power,temp", "2026-01-05 00:00,400,2"], {"tz": "Mars/Olympus"}, "time zone"),
        (["time,power,temp", "2026-01-05 00:00,400,2"], {"power_unit": "GW"}, "unknown power"),
        (["time,power,temp"], {}, "time column 'time' is empty"),
        (["time,power,temp", "2026-01-05 00:00,400,2", "2026-01-05 01:00,400,2"], {}, "whole day"),
    ],
    ids=[
        "no_time_column",
        "no_power_column",
        "words_for_times",
        "small_numbers_for_times",
        "two_units_in_cells",
        "no_power_unit_in_cells",
        "daily_rows",
        "unknown_zone",
        "unknown_unit",
        "no_rows",
        "too_short",
    ],
)
def test_files_the_bench_cannot_use_get_one_message(
    tmp_path: Path, lines: list[str], changes: dict[str, object], message: str
) -> None:
    with pytest.raises(CsvError, match=message):
        load_csv(write(tmp_path, lines), options(**changes))


def test_kilowatts_read_as_watts_are_refused(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [f"{t:%Y-%m-%d %H:%M},0.45,7" for t in index]
    with pytest.raises(CsvError, match="--power-unit kW"):
        load_csv(write(tmp_path, lines), options(power_unit="W"))


def test_kilowatts_without_a_unit_given_are_read_as_kilowatts_with_a_note(
    tmp_path: Path,
) -> None:
    """A checker runs the usage line's four options on a file in kW: a result, not an error."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [f"{t:%Y-%m-%d %H:%M},0.45,7" for t in index]
    notes: list[str] = []
    hourly = load_csv(write(tmp_path, lines), options(), notes.append)
    np.testing.assert_allclose(hourly["power_w"], 450.0)
    # One note for the column, not "names no unit: read in W" beside "read as kW".
    about_power = [line for line in notes if line.startswith(("'power'", "the median power"))]
    assert about_power == [
        "'power' names no unit, and its median would be 0.45 W, which no home draws: read as "
        "kW (--power-unit W to refuse)"
    ]


def test_energy_units_need_regular_rows(tmp_path: Path) -> None:
    index = pd.DatetimeIndex(["2026-01-05 00:00", "2026-01-05 00:07", "2026-01-05 00:31"])
    lines = ["time,power,temp"] + [f"{t:%Y-%m-%d %H:%M},0.2,7" for t in index]
    with pytest.raises(CsvError, match="regular interval"):
        load_csv(write(tmp_path, lines), options(power_unit="kWh"))


def run_bench(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "bench/prediction.py", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_bench_ends_a_bad_file_with_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, ["time;power;temp", "2026-01-05 00:00;1,5;2"])
    result = run_bench("--csv", str(path), "--temperature", "temp")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: 1 values of 'power' are not numbers, e.g. '1,5' (a decimal comma? "
        "--decimal ,)"
    ]


def test_the_bench_says_how_many_days_a_short_file_lacks(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=20 * 24, freq="h")
    lines = ["time,power,temp"] + [f"{t:%Y-%m-%d %H:%M},500,4" for t in index]
    result = run_bench("--csv", str(write(tmp_path, lines)), "--temperature", "temp")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "20 whole days" in result.stderr
    assert "needs at least 29" in result.stderr


def test_the_bench_says_when_no_day_has_enough_power_to_learn_from(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=30 * 24, freq="h")
    # Power on every other day only: no 16-day training window holds 14 days of it.
    lines = ["time,power,temp"] + [
        f"{t:%Y-%m-%d %H:%M},{power if t.dayofyear % 2 else ''},4"
        for t, power in zip(index, wavy(index), strict=True)
    ]
    result = run_bench("--csv", str(write(tmp_path, lines)), "--temperature", "temp")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "no test day could be forecast" in result.stderr


def wavy(index: pd.DatetimeIndex) -> np.ndarray:
    """A load that rises and falls within the day, as real power does."""
    return 400.0 + 200.0 * np.sin(index.hour.to_numpy() / 24.0 * 2 * np.pi)


def test_a_meter_total_is_read_as_the_power_between_rows(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    energy_kwh = np.concatenate([[12_000.0], 12_000.0 + np.cumsum(wavy(index)[:-1]) / 1000])
    energy_kwh[40:] -= 12_000.0  # the meter was replaced: a drop, not negative power
    lines = ["time,total,temp"] + [
        f"{t:%Y-%m-%d %H:%M},{e:.3f},7" for t, e in zip(index, energy_kwh, strict=True)
    ]
    path = write(tmp_path, lines)
    with pytest.raises(CsvError, match=r"only ever rises.*--power-unit kWh-total"):
        load_csv(path, options(power="total", power_unit="kWh"))
    notes, notice = collect()
    hourly = load_csv(path, options(power="total", power_unit="kWh-total"), notice)
    expected = pd.Series(wavy(hourly.index), index=hourly.index)
    expected.iloc[39] = np.nan  # the hour the meter was replaced in
    # Readings to the Wh: each hour's power within 1 W.
    np.testing.assert_allclose(hourly["power_w"], expected, atol=1.0)
    assert any("drops 1 times" in line for line in notes)


@pytest.mark.parametrize(
    ("unit", "offset", "scale", "message"),
    [
        ("C", 273.15, 1.0, "Kelvin\\? --temperature-unit K"),
        ("F", 273.15, 1.0, "read as F.*Kelvin\\? --temperature-unit K"),
        ("C", 32.0, 1.8, "°F\\? --temperature-unit F"),
        ("K", 0.0, 1.0, "check --temperature-unit"),
    ],
    ids=["kelvin_as_celsius", "kelvin_as_fahrenheit", "fahrenheit_as_celsius", "celsius_as_kelvin"],
)
def test_temperatures_in_a_unit_they_are_not_are_refused(
    tmp_path: Path, unit: str, offset: float, scale: float, message: str
) -> None:
    index = pd.date_range("2026-07-05", periods=DAYS * 24 + 1, freq="h")
    celsius = 20.0 + 5.0 * np.sin(index.hour.to_numpy() / 24 * 2 * np.pi)
    lines = ["time,power,temp"] + [
        f"{t:%Y-%m-%d %H:%M},{p:.1f},{c * scale + offset:.2f}"
        for t, p, c in zip(index, wavy(index), celsius, strict=True)
    ]
    path = write(tmp_path, lines)
    with pytest.raises(CsvError, match=message):
        load_csv(path, options(temperature_unit=unit))
    # Not given, the unit the values can only be in is taken, with a note.
    notes: list[str] = []
    hourly = load_csv(path, options(), notes.append)
    np.testing.assert_allclose(hourly["temperature"].median(), np.median(celsius), atol=0.1)
    read_as = "F" if scale > 1 else "K" if offset else None
    assert any(f"read as {read_as}" in line for line in notes) == (read_as is not None)
    assert len([line for line in notes if "temp" in line]) == 1  # one note for the column


def test_kelvin(tmp_path: Path) -> None:
    index = pd.date_range("2026-07-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [
        f"{t:%Y-%m-%d %H:%M},{p:.1f},293.15" for t, p in zip(index, wavy(index), strict=True)
    ]
    hourly = load_csv(write(tmp_path, lines), options(temperature_unit="K"))
    np.testing.assert_allclose(hourly["temperature"], 20.0)


def test_thousands_separators(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    power = ["1,234.5" if t.hour % 2 else "800.5" for t in index]
    lines = ["time,power,temp"] + [
        f'{t:%Y-%m-%d %H:%M},"{p}",5' for t, p in zip(index, power, strict=True)
    ]
    path = write(tmp_path, lines)
    with pytest.raises(CsvError, match="thousands grouped\\? --thousands ,"):
        load_csv(path, options())
    # Following the wrong hint must not read 800.5 as 8005 W.
    with pytest.raises(CsvError, match=r"'\.' elsewhere than between groups of three digits"):
        load_csv(path, options(decimal=","))
    hourly = load_csv(path, options(thousands=","))
    np.testing.assert_allclose(hourly["power_w"], np.where(hourly.index.hour % 2, 1234.5, 800.5))


def test_a_decimal_comma_with_dots_grouping_thousands(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time;power;temp"] + [f"{t:%Y-%m-%d %H:%M};1.234,5;4,5" for t in index]
    hourly = load_csv(write(tmp_path, lines), options(decimal=","))
    np.testing.assert_allclose(hourly["power_w"], 1234.5)
    np.testing.assert_allclose(hourly["temperature"], 4.5)


def test_a_date_and_a_time_of_day_in_two_columns(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["Date,Time,power,temp"] + [
        f"{t:%d/%m/%Y},{t:%H:%M},{p:.1f},5" for t, p in zip(index, wavy(index), strict=True)
    ]
    path = write(tmp_path, lines)
    with pytest.raises(CsvError, match=r"dates only.*--time Date\+Time"):
        load_csv(path, options(time="Date"))
    hourly = load_csv(path, options(time="Date+Time"))
    assert len(hourly) == DAYS * 24
    np.testing.assert_allclose(hourly["power_w"], wavy(hourly.index), atol=0.06)


def test_hour_ending_times_up_to_24_00(tmp_path: Path) -> None:
    """EnergyPlus-style: the row stamped 01:00 is the hour from 00:00, 24:00 the last hour."""
    starts = pd.date_range("2026-01-05", periods=DAYS * 24, freq="h")
    stamps = [
        f"{t:%Y-%m-%d} 24:00" if t.hour == 23 else f"{t:%Y-%m-%d} {t.hour + 1:02d}:00"
        for t in starts
    ]
    lines = ["time,power,temp"] + [
        f"{s},{p:.1f},5" for s, p in zip(stamps, wavy(starts), strict=True)
    ]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(), notice)
    assert hourly.index[0] == pd.Timestamp("2026-01-05 00:00")
    np.testing.assert_allclose(hourly["power_w"], wavy(hourly.index), atol=0.06)
    assert any("24:00" in line for line in notes)


# EnergyPlus's stamps with the year written in (its own refusal above asks for it): seconds
# after the hour, so the 24:00:00 read as midnight must keep them for one format to read all.
@pytest.mark.parametrize(
    "written", ["%Y/%m/%d  {hour}:00:00", "%m/%d/%Y {hour}:00:00", "%d.%m.%Y {hour}:00:00"]
)
def test_hour_ending_24_00_00_with_seconds(tmp_path: Path, written: str) -> None:
    starts = pd.date_range("2006-01-01", periods=DAYS * 24, freq="h")
    stamps = [t.strftime(written.format(hour=f"{t.hour + 1:02d}")) for t in starts]
    lines = ["Date/Time,power,temp"] + [
        f"{s},{p:.1f},5" for s, p in zip(stamps, wavy(starts), strict=True)
    ]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(time="Date/Time"), notice)
    assert hourly.index[0] == pd.Timestamp("2006-01-01 00:00")
    assert len(hourly) == DAYS * 24
    # In words a person reads, not pandas' `0 days 01:00:00`.
    assert "times run to 24:00: each row is read as the 60 min before its time" in notes
    np.testing.assert_allclose(hourly["power_w"], wavy(hourly.index), atol=0.06)


def test_times_without_a_year_are_refused_with_the_reason(tmp_path: Path) -> None:
    lines = ["time,power,temp", " 06/01  01:00:00,400,2", " 06/01  02:00:00,400,2"]
    with pytest.raises(CsvError, match="have no year"):
        load_csv(write(tmp_path, lines), options())


def test_a_row_written_twice_costs_only_its_own_nights_repeated_hour(tmp_path: Path) -> None:
    """Two autumn clock changes; in the first, the meter wrote one half-hour twice."""
    first = pd.date_range("2025-10-25", "2025-10-28", freq="30min", tz="Europe/London")
    second = pd.date_range("2026-10-24", "2026-10-27", freq="30min", tz="Europe/London")
    rows = []
    for index in (first, second):
        for t in index:
            rows.append(f"{t:%Y-%m-%d %H:%M},{wavy(pd.DatetimeIndex([t]))[0]:.1f},5")
            if t == first[52]:  # 2025-10-26 01:00 BST, written twice
                rows.append(rows[-1])
    notes, notice = collect()
    hourly = load_csv(
        write(tmp_path, ["time,power,temp", *rows]), options(tz="Europe/London"), notice
    )
    for day in ("2025-10-26", "2026-10-25"):
        values = hourly.loc[day, "power_w"]
        assert len(values) == 25
        assert values.notna().all()
        np.testing.assert_allclose(values, wavy(values.index), atol=0.06)
    assert not any("repeated hour" in line for line in notes)


def test_the_bench_starts_every_day_ahead_forecast_at_local_midnight() -> None:
    """After a clock change a local day has 23 or 25 hours: counting rows would drift."""
    from bench.prediction import blocks, midnights

    index = pd.date_range("2026-08-01", "2027-01-31", freq="h", tz="Europe/London")
    data = pd.DataFrame({"power_w": 300.0, "temperature": 10.0}, index=index[:-1])
    starts = blocks(data)
    assert len(starts) > 1
    assert all(data.index[start].hour == 0 for start in starts)
    assert any(
        data.index[start] > pd.Timestamp("2026-10-26", tz="Europe/London") for start in starts
    )
    assert (data.index[midnights(data)].hour == 0).all()
    assert len(midnights(data)) == len(pd.DatetimeIndex(data.index).normalize().unique())


@pytest.mark.parametrize("cell", ["NA", "-", "null", "Total"])
def test_word_cells_in_the_time_column_drop_their_rows(tmp_path: Path, cell: str) -> None:
    """An export's "NA" or footer row in the time column costs that row, not the file."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [
        f"{cell if n == 30 else format(t, '%Y-%m-%d %H:%M')},{p:.1f},5"
        for n, (t, p) in enumerate(zip(index, wavy(index), strict=True))
    ]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(), notice)
    assert len(hourly) == DAYS * 24
    kept = index[:-1].drop(index[30])
    np.testing.assert_allclose(hourly["power_w"].loc[kept], wavy(kept), atol=0.06)
    assert any("1 rows without a time" in line and repr(cell) in line for line in notes)


@pytest.mark.parametrize(
    ("hours", "label"),
    [(range(1, 25), "hour ending 1..24"), (range(24), "hour beginning 0..23")],
)
def test_a_date_and_a_whole_hour_number_in_two_columns(
    tmp_path: Path, hours: range, label: str
) -> None:
    """Utility exports (GEFCom, BigDEAL, ISO 'HE' columns): a date and the hour as a number."""
    starts = pd.date_range("2026-01-05", periods=DAYS * 24, freq="h")
    lines = ["DATE,Hour,Load,T"] + [
        f"{t:%d-%b-%y},{hours[t.hour]},{p:.1f},5" for t, p in zip(starts, wavy(starts), strict=True)
    ]
    hourly = load_csv(
        write(tmp_path, lines), options(time="DATE+Hour", power="Load", temperature="T")
    )
    assert hourly.index[0] == pd.Timestamp("2026-01-05 00:00"), label
    assert len(hourly) == DAYS * 24
    np.testing.assert_allclose(hourly["power_w"], wavy(hourly.index), atol=0.06)


@pytest.mark.parametrize(
    ("names", "cells"),
    [
        ("year+month+day+hour", lambda t: f"{t.year},{t.month},{t.day}"),
        ("Day+Month+Year+Hour", lambda t: f"{t.day},{t.month},{t.year}"),
        ("Month+Day+Year+Hour", lambda t: f"{t.month:02d},{t.day:02d},{t.year}"),
    ],
)
def test_a_date_in_three_whole_number_columns(
    tmp_path: Path, names: str, cells: Callable[[pd.Timestamp], str]
) -> None:
    """GEFCom's and BigDEAL's layout: the year, month and day as numbers, then the hour."""
    starts = pd.date_range("2026-01-20", periods=DAYS * 24, freq="h")
    header = ",".join(names.split("+"))
    lines = [f"{header},Load,T"] + [
        f"{cells(t)},{t.hour + 1},{p:.1f},5" for t, p in zip(starts, wavy(starts), strict=True)
    ]
    hourly = load_csv(write(tmp_path, lines), options(time=names, power="Load", temperature="T"))
    assert hourly.index[0] == pd.Timestamp("2026-01-20 00:00")
    assert len(hourly) == DAYS * 24
    np.testing.assert_allclose(hourly["power_w"], wavy(hourly.index), atol=0.06)


def test_a_date_whose_month_and_day_cannot_be_told_apart_is_refused(tmp_path: Path) -> None:
    lines = ["day,month,year,hour,power,temp"] + [
        f"{d},1,2026,{h},400,5" for d in (1, 2) for h in range(24)
    ]
    with pytest.raises(CsvError, match="cannot tell the month from the day"):
        load_csv(write(tmp_path, lines), options(time="day+month+year+hour"))


def test_whole_hours_from_0_to_24_are_refused(tmp_path: Path) -> None:
    lines = ["date,hour,power,temp"] + [f"2026-01-05,{h},400,5" for h in range(25)]
    with pytest.raises(CsvError, match=r"hours in 'hour' run from 0 to 24"):
        load_csv(write(tmp_path, lines), options(time="date+hour"))


@pytest.mark.parametrize(
    ("zone", "stamp"),
    [
        ("Europe/London", lambda t: f"{t.tz_convert('UTC'):%Y-%m-%d %H:%M:%S} GMT"),
        (
            "Europe/Berlin",
            lambda t: f"{t:%Y-%m-%d %H:%M} " + ("CEST" if t.dst() else "CET"),
        ),
    ],
    ids=["gmt_all_year", "cet_and_cest"],
)
def test_a_zone_name_after_the_time_is_its_offset(
    tmp_path: Path, zone: str, stamp: Callable[[pd.Timestamp], str]
) -> None:
    """pandas drops 'GMT' and reads the time as local: a summer hour an hour off."""
    index = pd.date_range("2026-03-27", "2026-04-03", freq="h", tz=zone)
    index = index.append(pd.date_range("2026-10-23", "2026-10-28", freq="h", tz=zone))
    lines = ["time,power,temp"] + [
        f"{stamp(t)},{p:.1f},5" for t, p in zip(index, wavy(index), strict=True)
    ]
    hourly = load_csv(write(tmp_path, lines), options(tz=zone))
    known = hourly["power_w"].dropna()
    assert len(known) >= 10 * 24
    np.testing.assert_allclose(known, wavy(pd.DatetimeIndex(known.index)), atol=0.06)


def test_a_zone_name_shared_by_several_zones_is_local_time_unless_its_summer_name_says(
    tmp_path: Path,
) -> None:
    """'IST' alone is read as before, as local time; 'CST' beside 'CDT' is US Central's."""

    def named(zone: str, start: str) -> list[str]:
        index = pd.date_range(start, periods=7 * 24, freq="h", tz=zone)
        return ["time,power,temp"] + [
            f"{t:%Y-%m-%d %H:%M} {t.tzname()},{p:.1f},5"
            for t, p in zip(index, wavy(index), strict=True)
        ]

    notes: list[str] = []
    for zone, start in (("Asia/Jerusalem", "2026-01-05"), ("America/Chicago", "2026-03-05")):
        hourly = load_csv(write(tmp_path, named(zone, start)), options(tz=zone), notes.append)
        known = hourly["power_w"].dropna()
        assert len(known) >= 6 * 24
        np.testing.assert_allclose(known, wavy(pd.DatetimeIndex(known.index)), atol=0.06)
    assert sum("'IST'" in note and "local time" in note for note in notes) == 1
    mixed = ["time,power,temp", "2026-01-05 00:00 IST,400,5", "2026-01-05 01:00 GMT,500,5"]
    with pytest.raises(CsvError, match=r"end in 'IST' beside other zone names"):
        load_csv(write(tmp_path, mixed), options())


def test_a_temperature_filled_in_every_3_hours_covers_the_hours_between(tmp_path: Path) -> None:
    """A meter every 15 minutes, the outdoor temperature of a synop station every 3 hours."""
    index = pd.date_range("2026-01-05", periods=DAYS * 96 + 1, freq="15min")
    lines = ["time,power,temp"] + [
        f"{t:%Y-%m-%d %H:%M},400,{t.hour if t.minute == 0 and t.hour % 3 == 0 else ''}"
        for t in index
    ]
    hourly = load_csv(write(tmp_path, lines), options())
    assert hourly["temperature"].notna().all()
    np.testing.assert_allclose(hourly["temperature"], hourly.index.hour // 3 * 3)


@pytest.mark.parametrize(
    ("header", "changes", "message"),
    [
        (
            "time,power,temp_f",
            {"temperature": "temp_f", "temperature_unit": "C"},
            r"'temp_f' is named in F but read as C",
        ),
        (
            "time,power,Temperature (°F)",
            {"temperature": "Temperature (°F)", "temperature_unit": "C"},
            r"named in F.*--temperature-unit F",
        ),
        (
            "time,load_kw,temp",
            {"power": "load_kw", "power_unit": "W"},
            r"'load_kw' is named in kW but read as W",
        ),
        ("time,energy kWh,temp", {"power": "energy kWh", "power_unit": "kW"}, "named in kWh"),
        (
            "time,Demand (MW),temp",
            {"power": "Demand (MW)", "power_unit": "W"},
            r"named in MW but read as W: --pow",
        ),
    ],
    ids=["temp_f", "degree_f", "load_kw", "kwh_as_kw", "regional_mw"],
)
def test_a_column_named_in_another_unit_is_refused(
    tmp_path: Path, header: str, changes: dict[str, object], message: str
) -> None:
    """40 °F read as 40 °C passes every plausibility check: the name is the only tell."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = [header] + [f"{t:%Y-%m-%d %H:%M},50,40" for t in index]
    path = write(tmp_path, lines)
    with pytest.raises(CsvError, match=message):
        load_csv(path, options(**changes))


def test_a_column_named_in_the_unit_it_is_read_in_is_read(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,Verbrauch kWh,Temp °F"] + [f"{t:%Y-%m-%d %H:%M},0.5,50" for t in index]
    hourly = load_csv(
        write(tmp_path, lines),
        options(
            power="Verbrauch kWh", temperature="Temp °F", power_unit="kWh", temperature_unit="F"
        ),
    )
    np.testing.assert_allclose(hourly["power_w"], 500.0)
    np.testing.assert_allclose(hourly["temperature"], 10.0)
    # Not given, the units are the ones the names say, with a note each.
    notes: list[str] = []
    hourly = load_csv(
        write(tmp_path, lines),
        options(power="Verbrauch kWh", temperature="Temp °F"),
        notes.append,
    )
    np.testing.assert_allclose(hourly["power_w"], 500.0)
    np.testing.assert_allclose(hourly["temperature"], 10.0)
    assert sum("as its name says" in line for line in notes) == 2


@pytest.mark.parametrize(
    ("power", "temperature", "watts", "celsius"),
    [
        ("value", "tempF", 500.0, 0.0),
        ("LoadkWh", "tempC", 500.0, 32.0),
        ("energy kWh", "OutdoorTempC", 500.0, 32.0),
    ],
)
def test_a_unit_run_on_to_the_name_in_camel_case_is_read(
    tmp_path: Path, power: str, temperature: str, watts: float, celsius: float
) -> None:
    """OpenEEmeter's `tempF`: a winter at 32 °F would pass as 32 °C by its values alone."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = [f"start,{power},{temperature}"] + [f"{t:%Y-%m-%d %H:%M},0.5,32" for t in index]
    notes, notice = collect()
    hourly = load_csv(
        write(tmp_path, lines),
        options(time="start", power=power, temperature=temperature, power_unit="kWh"),
        notice,
    )
    np.testing.assert_allclose(hourly["power_w"], watts)
    np.testing.assert_allclose(hourly["temperature"], celsius)
    assert any(f"{temperature!r} is read in" in line for line in notes)


@pytest.mark.parametrize(
    "times",
    [
        # Epoch seconds of 2262-2286 (within the band read as seconds): beyond pandas' range.
        [str(9_500_000_000 + 3600 * hour) for hour in range(DAYS * 24 + 1)],
        [str(9_500_000_000_000 + 3_600_000 * hour) for hour in range(DAYS * 24 + 1)],
        # One garbage row among good epoch seconds.
        ["1e15"] + [str(1_790_000_000 + 3600 * hour) for hour in range(DAYS * 24 + 1)],
    ],
    ids=["seconds_after_2262", "milliseconds_after_2262", "one_row_far_out"],
)
def test_epoch_times_beyond_what_pandas_holds_get_one_message(
    tmp_path: Path, times: list[str]
) -> None:
    """They raised pandas' OutOfBoundsDatetime with its traceback, not one CsvError."""
    lines = ["time,power,temp"] + [f"{time},400,7" for time in times]
    with pytest.raises(CsvError, match="1677"):
        load_csv(write(tmp_path, lines), options())


@pytest.mark.parametrize("stray", ["1700-01-01 00:00", "2261-01-01 00:00"], ids=["1700", "2261"])
def test_one_row_centuries_away_is_refused(tmp_path: Path, stray: str) -> None:
    """One stray row raised pandas' overflow (1700: a span beyond a Timedelta), or made an
    hourly grid of two million hours out of three days of rows (2261)."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [f"{t:%Y-%m-%d %H:%M},400,7" for t in index]
    with pytest.raises(CsvError, match="stray row"):
        load_csv(write(tmp_path, [*lines, f"{stray},400,7"]), options())


@pytest.mark.parametrize(
    "encoding", ["cp1252", "utf-16"], ids=["excel_ansi_csv", "excel_unicode_text"]
)
def test_a_file_saved_by_excel_in_its_own_encoding_is_read(tmp_path: Path, encoding: str) -> None:
    """German or French Excel saves CSV as Windows-1252, "Unicode text" as UTF-16."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    separator = "\t" if encoding == "utf-16" else ";"
    lines = [separator.join(["Zeit", "Leistung (W)", "Außentemperatur (°C)"])] + [
        separator.join([f"{t:%d.%m.%Y %H:%M}", "812,5", "-3,5"]) for t in index
    ]
    path = tmp_path / "export.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    hourly = load_csv(
        path,
        options(time="Zeit", power="Leistung (W)", temperature="Außentemperatur (°C)", decimal=","),
    )
    np.testing.assert_allclose(hourly["power_w"], 812.5)
    np.testing.assert_allclose(hourly["temperature"], -3.5)


def test_excel_serial_dates_are_read(tmp_path: Path) -> None:
    """A time column formatted as a number in Excel: days since 1899-12-30, hours as fractions."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    serial = (index - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)
    lines = ["time,power,temp"] + [
        f"{days:.8f},{100 + 10 * t.hour},4" for days, t in zip(serial, index, strict=True)
    ]
    hourly = load_csv(write(tmp_path, lines), options())
    assert hourly.index[0] == pd.Timestamp("2026-01-05")
    assert len(hourly) == DAYS * 24
    np.testing.assert_allclose(hourly["power_w"], 100.0 + 10.0 * hourly.index.hour)


def test_lines_above_the_header_are_skipped_with_a_note(tmp_path: Path) -> None:
    """Utility and logger exports open with the account, the meter and a blank line."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    preamble = ["Name,A. Customer", "Meter,12345", "Service,Electric", ""]
    lines = [*preamble, "time,power,temp"] + [f"{t:%Y-%m-%d %H:%M},640,6" for t in index]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(), notice)
    np.testing.assert_allclose(hourly["power_w"], 640.0)
    assert len(hourly) == DAYS * 24
    assert any("4 lines above the header" in line for line in notes)


def test_an_interval_from_start_to_end_is_read_as_its_start(tmp_path: Path) -> None:
    """ENTSO-E's exports give each row as `01.01.2026 00:00 - 01.01.2026 01:00`."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ['"MTU (CET/CEST)","Actual Total Load [MW]",temp'] + [
        f'"{t:%d.%m.%Y %H:%M} - {t + pd.Timedelta(hours=1):%d.%m.%Y %H:%M}",{40000 + t.hour},5'
        for t in index
    ]
    hourly = load_csv(
        write(tmp_path, lines),
        options(time="MTU (CET/CEST)", power="Actual Total Load [MW]", power_unit="MW"),
    )
    assert hourly.index[0] == pd.Timestamp("2026-01-05")
    np.testing.assert_allclose(hourly["power_w"], (40000.0 + hourly.index.hour) * 1e6)


def test_an_interval_through_the_clock_change_reads_its_zone_names(tmp_path: Path) -> None:
    """The repeated hour of autumn is told apart by `(CEST)` and `(CET)` after each time."""
    index = pd.date_range("2026-10-24", periods=DAYS * 24 + 1, freq="h", tz="Europe/Berlin")
    lines = ["time,power,temp"] + [
        f"{t:%d.%m.%Y %H:%M} ({t.tzname()}) - {t + pd.Timedelta(hours=1):%d.%m.%Y %H:%M} "
        f"({(t + pd.Timedelta(hours=1)).tzname()}),{marker(t.tz_convert('UTC').hour)},5"
        for t in index
    ]
    hourly = load_csv(write(tmp_path, lines), options(tz="Europe/Berlin"))
    assert len(hourly) == DAYS * 24 + 1
    utc_hours = hourly.index.tz_convert("UTC").hour
    np.testing.assert_allclose(hourly["power_w"], marker(utc_hours.to_numpy()))


def marker[T: (int, np.ndarray)](hour: T) -> T:
    """A power for each UTC hour, one of its own: up and down through the day, as a load
    goes (a climb all day from near 0 and one fall is a daily energy total's shape)."""
    return 100 * ((7 * hour) % 24) + 50


@pytest.mark.parametrize("mark", ["-999", "-9999", "-999.0"])
def test_a_loggers_missing_value_mark_is_missing_not_export(tmp_path: Path, mark: str) -> None:
    """-999 in a logger's export is no reading: not export to refuse, nor 0 W to score."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [
        f"{t:%Y-%m-%d %H:%M},{mark if n == 5 else 700},{mark if n == 9 else 4}"
        for n, t in enumerate(index)
    ]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(), notice)
    assert hourly["power_w"].isna().sum() == 1
    assert np.isnan(hourly["power_w"].iloc[5])
    assert np.isnan(hourly["temperature"].iloc[9])
    np.testing.assert_allclose(hourly["power_w"].dropna(), 700.0)
    assert any("missing-value mark" in line for line in notes)


def test_offsets_of_whole_hours_are_read_as_the_zone_that_has_them(tmp_path: Path) -> None:
    """Pecan Street's `localminute` writes `-06`: hours were counted in UTC, 6 hours off."""
    rows = days_of_rows("2018-03-09", 15, hour_of_day, "America/Chicago")
    lines = ["dataid,localminute,grid,temp"] + [
        f"661,{t:%Y-%m-%d %H:%M:%S}{t:%z}"[:-2] + f",{p},{c}"
        for t, p, c in zip(rows.index, rows["power"], rows["temp"], strict=True)
    ]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(time="localminute", power="grid"), notice)
    assert str(hourly.index.tz) != "UTC"
    assert any("UTC offsets change as" in line for line in notes)
    assert hourly.index[0] == pd.Timestamp("2018-03-09", tz="America/Chicago")
    np.testing.assert_allclose(hourly["power_w"], 100.0 + 10.0 * hourly.index.hour)


def test_one_column_for_power_and_temperature_is_refused(tmp_path: Path) -> None:
    """Home Assistant's history export stacks every entity's `state` in one column: read as
    both, the power was the mean of watts and degrees, and the degrees were taken for K."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h", tz="UTC")
    lines = ["entity_id,state,last_changed"]
    for t in index:
        lines += [f"sensor.power,450.0,{t.isoformat()}", f"sensor.outside,4.5,{t.isoformat()}"]
    with pytest.raises(CsvError, match=r"'state' for both power and temperature.*entity_id"):
        load_csv(
            write(tmp_path, lines),
            options(time="last_changed", power="state", temperature="state"),
        )


@pytest.mark.parametrize("column", ["HourlyDryBulbTemperature", "tmpf"])
def test_weather_services_columns_in_fahrenheit_are_read_in_fahrenheit(
    tmp_path: Path, column: str
) -> None:
    """NOAA's Local Climatological Data and IEM's ASOS name no unit and write °F: a winter's
    30 °F passed as 30 °C."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = [f"DATE,power,{column}"] + [f"{t:%Y-%m-%dT%H:%M:%S},500,30" for t in index]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(time="DATE", temperature=column), notice)
    np.testing.assert_allclose(hourly["temperature"], -10.0 / 9.0)
    assert any("read in F" in line for line in notes)


def test_noaas_suspect_flag_after_a_value_is_read_as_the_value(tmp_path: Path) -> None:
    """LCD writes `38s` for a reading its checks doubt: the file was refused with no way out."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["DATE,power,HourlyDryBulbTemperature"] + [
        f"{t:%Y-%m-%dT%H:%M:%S},500,{'M' if n == 4 else '50s' if n % 17 == 3 else '50'}"
        for n, t in enumerate(index)
    ]
    notes, notice = collect()
    hourly = load_csv(
        write(tmp_path, lines), options(time="DATE", temperature="HourlyDryBulbTemperature"), notice
    )
    np.testing.assert_allclose(hourly["temperature"].dropna(), 10.0)
    assert any("'50s'" in line and "suspect" in line for line in notes)


@pytest.mark.parametrize("asked", ["KWH/hh (per half hour)", "KWH/hh (per half hour) "])
def test_a_column_name_is_found_without_the_spaces_around_it(tmp_path: Path, asked: str) -> None:
    """London's smart meter data names its energy `KWH/hh (per half hour) `, a space last:
    asked for by the name as it reads, the column was not found."""
    index = pd.date_range("2012-10-12", periods=DAYS * 48 + 1, freq="30min")
    lines = ["LCLid,stdorToU,DateTime,KWH/hh (per half hour) ,temp"] + [
        f"MAC000002,Std,{t:%Y-%m-%d %H:%M:%S}.0000000,0.25 ,9" for t in index
    ]
    hourly = load_csv(write(tmp_path, lines), options(time="DateTime", power=asked))
    np.testing.assert_allclose(hourly["power_w"], 500.0)


def test_the_units_assumed_for_columns_that_name_none_are_said(tmp_path: Path) -> None:
    """40 °F under the name `temperature` reads as a possible 40 °C, and a region's MW as a
    building's W: only a note tells a checker what was assumed."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [f"{t:%Y-%m-%d %H:%M},55000,4" for t in index]
    notes, notice = collect()
    load_csv(write(tmp_path, lines), options(), notice)
    assert any("'temp' names no unit: read in °C" in line for line in notes)
    assert any("'power' names no unit: read in W" in line for line in notes)


@pytest.mark.parametrize("space", [" ", "\xa0", "\u202f"], ids=["space", "nbsp", "narrow_nbsp"])
def test_thousands_grouped_by_spaces_are_read(tmp_path: Path, space: str) -> None:
    """French Excel groups thousands with a (no-break) space: the file was refused, and the
    option to pass was a character a command line barely types."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["Date;Puissance (W);temp"] + [f"{t:%d/%m/%Y %H:%M};1{space}234,5;-2,5" for t in index]
    path = tmp_path / "export.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    hourly = load_csv(path, options(time="Date", power="Puissance (W)", decimal=","))
    np.testing.assert_allclose(hourly["power_w"], 1234.5)
    np.testing.assert_allclose(hourly["temperature"], -2.5)


def test_one_offset_of_zero_is_utc_not_a_zone_that_has_it_in_winter(tmp_path: Path) -> None:
    """Home Assistant exports every time in UTC (`+00:00`): a winter's file was said to change
    offsets as Europe/Belfast's do, and its hours counted there."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h", tz="UTC")
    lines = ["last_changed,power,temp"] + [f"{t.isoformat()},500,4" for t in index]
    notes, notice = collect()
    hourly = load_csv(write(tmp_path, lines), options(time="last_changed"), notice)
    assert str(hourly.index.tz) == "UTC"
    assert not any("offsets change" in line for line in notes)


def test_energy_per_row_merged_with_weather_at_other_times_is_read(tmp_path: Path) -> None:
    """Building Data Genome's kWh each hour, joined with NOAA's readings at hh:51: the rows
    were irregular, and energy per row was refused though the meter's own rows are hourly."""
    index = pd.date_range("2016-01-04", periods=DAYS * 24 + 1, freq="h")
    meter = [f"{t:%Y-%m-%dT%H:%M:%S},{wavy(pd.DatetimeIndex([t]))[0] / 1000:.4f}," for t in index]
    weather = [f"{t + pd.Timedelta(minutes=51):%Y-%m-%dT%H:%M:%S},,5" for t in index[:-1]]
    lines = ["DATE,Panther_office,temp", *sorted(meter + weather)]
    hourly = load_csv(
        write(tmp_path, lines), options(time="DATE", power="Panther_office", power_unit="kWh")
    )
    np.testing.assert_allclose(hourly["power_w"], wavy(hourly.index), atol=0.06)


@pytest.mark.parametrize(
    ("layout", "step"), [("%Y%m%d%H", "h"), ("%Y%m%d%H%M", "15min")], ids=["dwd", "minutes"]
)
def test_compact_digits_of_a_date_and_time_are_read_as_such(
    tmp_path: Path, layout: str, step: str
) -> None:
    """The German weather service's MESS_DATUM writes 2019010100: read as epoch seconds, 40
    days of it became 12 days of rows a second apart, and were scored."""
    index = pd.date_range("2019-01-01", periods=40 * 24 * (4 if step != "h" else 1), freq=step)
    lines = ["MESS_DATUM,power,temp"] + [
        f"{t:{layout}},{p:.1f},3" for t, p in zip(index, wavy(index), strict=True)
    ]
    hourly = load_csv(write(tmp_path, lines), options(time="MESS_DATUM"))
    assert hourly.index[0] == pd.Timestamp("2019-01-01")
    assert len(hourly) == 40 * 24
    np.testing.assert_allclose(hourly["power_w"], wavy(hourly.index), atol=0.06)


@pytest.mark.parametrize("layout", ["%d.%m.%y %H:%M", "%m/%d/%y %H:%M"], ids=["de", "us"])
def test_dates_with_a_two_digit_year_are_read(tmp_path: Path, layout: str) -> None:
    """Meter exports write `05.01.26 00:00`: refused as having no year, like EnergyPlus's."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["time,power,temp"] + [
        f"{t:{layout}},{p:.1f},3" for t, p in zip(index, wavy(index), strict=True)
    ]
    hourly = load_csv(write(tmp_path, lines), options())
    assert hourly.index[0] == pd.Timestamp("2026-01-05")
    np.testing.assert_allclose(hourly["power_w"], wavy(hourly.index), atol=0.06)


def test_an_unavailable_state_ends_the_reading_before_it(tmp_path: Path) -> None:
    """Home Assistant writes `unavailable` when a sensor drops out: the last reading held on
    through the outage, for up to an hour, as if it had been measured."""
    changes = {"10:00": "500", "10:10": "unavailable", "10:40": "800", "11:00": "unknown"}
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h", tz="UTC")
    kept = index[~index.hour.isin([10, 11])]
    lines = ["last_changed,power,temp"] + [f"{t.isoformat()},300,4" for t in kept]
    lines += [f"2026-01-06T{at}:00+00:00,{state},4" for at, state in changes.items()]
    hourly = load_csv(write(tmp_path, lines), options(time="last_changed"))
    # Hour 10 on the 6th: 500 W for 10 minutes, 800 W for 20, unknown in between.
    assert hourly.loc["2026-01-06 10:00", "power_w"] == pytest.approx(700.0)
    assert np.isnan(hourly.loc["2026-01-06 11:00", "power_w"])


def test_a_name_that_heads_several_columns_is_refused(tmp_path: Path) -> None:
    """pycity_base's measured loads: each building's name on a line above `power in W`."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["Date\tTime\tpower in W\tpower in W\tt"] + [
        f"{t:%d.%m.%Y}\t{t:%H:%M}\t100\t900\t5" for t in index
    ]
    asked = options(time="Date+Time", power="power in W", temperature="t")
    with pytest.raises(CsvError, match=r"2 columns are named 'power in W' \(columns 3, 4\)"):
        load_csv(write(tmp_path, lines), asked)


def test_a_time_of_day_without_its_date_is_refused(tmp_path: Path) -> None:
    """A date written once a day (pycity_base's, on each day's second row): the rows without
    one were read as the day of the run, silently in a short file."""
    index = pd.date_range("2026-01-05", periods=DAYS * 96, freq="15min")
    dates = [f"{t:%d.%m.%Y}" if (t.hour, t.minute) == (0, 15) else "" for t in index]
    lines = ["Date\tTime\tpower\ttemp"] + [
        f"{date}\t{t:%H:%M}\t100\t5" for date, t in zip(dates, index, strict=True)
    ]
    path = write(tmp_path, lines)
    undated = r"285 of 288 rows .* no date in 'Date', e\.g\. row 1 \('00:00'\)"
    with pytest.raises(CsvError, match=undated):
        load_csv(path, options(time="Date+Time"))
    clock_only = r"times in 'Time' are a time of day without a date.*Date\+Time"
    with pytest.raises(CsvError, match=clock_only):
        load_csv(path, options(time="Time"))


def test_the_bench_says_what_it_read(tmp_path: Path) -> None:
    """Rows, interval, span and zone: what a checker holds against the file's own account."""
    rows = days_of_rows("2026-01-05", 15, hour_of_day, None)
    path = tmp_path / "home.csv"
    rows.drop(rows.index[8:12]).rename_axis("time").to_csv(path)
    notes, notice = collect()
    load_csv(path, options(tz="Europe/Berlin"), notice)
    assert (
        "read 285 rows every 15 min, 2026-01-05 00:00 to 2026-01-08 00:00, local time in "
        "Europe/Berlin (--tz): 3 whole days, 1 of 72 hours without power, 1 without "
        "temperature; hourly means 216.3 W and 10 °C"  # (3 x 5160 W - 120 W) / 71 hours
    ) in notes
    notes, notice = collect()
    load_csv(path, options(), notice)
    assert any("no time zone: hours of the day as written" in line for line in notes)


def test_names_spread_over_two_header_lines_are_refused_with_where_they_are(
    tmp_path: Path,
) -> None:
    """pycity_base's loads: building names on line 1, `Date`, `Time`, `t` on line 2."""
    index = pd.date_range("2026-01-05", periods=DAYS * 24 + 1, freq="h")
    lines = ["Normalized to 1000 kWh\t\tMetal 1\tWarehouse\t", "Date\tTime\tW\tW\tt"] + [
        f"{t:%d.%m.%Y}\t{t:%H:%M}\t100\t900\t5" for t in index
    ]
    asked = options(time="Date+Time", power="Metal 1", temperature="t")
    where = r"\['Metal 1'\] on line 1, \['Date', 'Time', 't'\] on line 2.*write them on one"
    with pytest.raises(CsvError, match=where):
        load_csv(write(tmp_path, lines), asked)


def test_the_bench_leaves_out_the_days_without_power_at_either_end(tmp_path: Path) -> None:
    """A competition's file ends with the weeks to forecast: temperature, no power."""
    from bench.prediction import blocks, csv_source

    index = pd.date_range("2026-01-01", periods=200 * 24, freq="h")
    power = wavy(index)
    power[: 3 * 24 + 5] = np.nan
    power[-61 * 24 :] = np.nan
    frame = pd.DataFrame({"power": power, "temp": 5.0}, index=index)
    path = tmp_path / "match.csv"
    frame.rename_axis("time").to_csv(path)
    data = csv_source(path, options()).hourly
    assert data.index[0] == pd.Timestamp("2026-01-04 00:00")
    assert data.index[-1] == index[-61 * 24 - 1]
    assert all(
        data["power_w"].iloc[start : start + 14 * 24].notna().all() for start in blocks(data)
    )


def test_the_bench_says_how_many_hours_lack_a_temperature(tmp_path: Path) -> None:
    """A weather file joined to a meter's may cover a part of it (OpenEEmeter's UK home 2)."""
    rows = days_of_rows("2026-01-05", 30, hour_of_day, None)
    rows.loc[rows.index < "2026-01-06", "temp"] = np.nan
    path = tmp_path / "home.csv"
    rows.rename_axis("time").to_csv(path)
    notes, notice = collect()
    load_csv(path, options(), notice)
    assert any("0 of 72 hours without power, 24 without temperature;" in line for line in notes)
