"""bench/prediction.py --csv on public files of shapes not seen before (session 38, helper 155).

Each read a wrong number into the bench silently before its fix.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.prediction_csv import CsvError, CsvOptions, load_csv


def options(**changes: object) -> CsvOptions:
    defaults: dict[str, object] = {"time": "time", "power": "power", "temperature": "temp"}
    return CsvOptions(**(defaults | changes))  # type: ignore[arg-type]


def heat_pump_kw(index: pd.DatetimeIndex) -> np.ndarray:
    """A heat pump's kW: off from April to October, 1.5-3 kW through winter's hours."""
    winter = (index.month <= 3) | (index.month >= 11)
    return np.where(winter, 1.5 + 1.5 * (index.hour.to_numpy() % 2), 0.0)


def test_a_load_off_in_most_hours_is_read_as_kw_by_the_hours_it_draws(tmp_path: Path) -> None:
    # SimBench's heat pump profile (kW per kW installed, 15-min rows): its median is 0, so
    # the median's check passed it as W, and the table gave a heat pump drawing 0.11 W.
    index = pd.date_range("2026-01-01", periods=365 * 96, freq="15min")
    frame = pd.DataFrame({"power": heat_pump_kw(index), "temp": 5.0}, index=index)
    path = tmp_path / "heat_pump.csv"
    frame.rename_axis("time").to_csv(path, sep=";")
    notes: list[str] = []
    hourly = load_csv(path, options(), notes.append)
    expected = frame["power"].resample("h").mean() * 1000.0
    np.testing.assert_allclose(hourly["power_w"], expected.to_numpy())
    assert any(
        "its median over the 3624 hours that draw any would be 2.25 W" in note
        and "read as kW" in note
        for note in notes
    )
    # Said to be W, it is refused with the reason, not scored as 2 W.
    with pytest.raises(
        CsvError, match=r"median power over the 3624 hours that draw any is 2\.25 W"
    ):
        load_csv(path, options(power_unit="W"), lambda _: None)


def test_a_load_in_w_off_in_most_hours_stays_in_w(tmp_path: Path) -> None:
    index = pd.date_range("2026-01-01", periods=365 * 24, freq="h")
    frame = pd.DataFrame({"power": heat_pump_kw(index) * 1000.0, "temp": 5.0}, index=index)
    path = tmp_path / "heat_pump_w.csv"
    frame.rename_axis("time").to_csv(path)
    hourly = load_csv(path, options(), lambda _: None)
    np.testing.assert_allclose(hourly["power_w"], frame["power"].to_numpy())


def test_demand_counted_negative_is_not_sent_to_clip_negative(tmp_path: Path) -> None:
    # Calliope's example demand (`demand_power.csv`) is negative in every hour, as energy
    # models count a sink; the error said --clip-negative, which leaves 0 W in every hour
    # and so a second refusal ("nothing to forecast").
    index = pd.date_range("2026-01-01", periods=30 * 24, freq="h")
    frame = pd.DataFrame({"power": -heat_pump_kw(index) - 0.4, "temp": 5.0}, index=index)
    path = tmp_path / "calliope.csv"
    frame.to_csv(path)
    with pytest.raises(CsvError) as refused:
        load_csv(path, options(time=""), lambda _: None)
    assert "write it positive, -1 times the column" in str(refused.value)
    assert "to score max(power, 0)" not in str(refused.value)
