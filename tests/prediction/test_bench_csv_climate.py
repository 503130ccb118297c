"""bench/prediction.py --csv: °F under a bare name in a cool season is read as °F (session 29).

41 °F, a UK winter's median, passed as 41 °C (the median's check starts at 45): the model
was handed a heat wave. A month's median and how alike its days are tell them apart.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.prediction_csv import CsvOptions, read_csv
from bench.prediction_csv_climate import month_why_not_celsius

DAYS = 42


def options(**changes: object) -> CsvOptions:
    defaults: dict[str, object] = {"time": "time", "power": "power", "temperature": "temp"}
    return CsvOptions(**(defaults | changes))  # type: ignore[arg-type]


def season(start: str, mean_c: float, fronts_c: float, daily_c: float) -> pd.Series:
    """Hourly °C: a mean, weather fronts moving the days (their spread), a daily swing."""
    index = pd.date_range(start, periods=DAYS * 24, freq="h")
    rng = np.random.default_rng(29)
    days = np.repeat(rng.normal(0.0, fronts_c, DAYS), 24)
    swing = daily_c / 2 * np.sin((index.hour.to_numpy() - 9) / 24 * 2 * np.pi)
    return pd.Series(mean_c + days + swing, index=index)


def written(tmp_path: Path, celsius: pd.Series, unit: str) -> Path:
    values = celsius * 9 / 5 + 32 if unit == "F" else celsius
    index = pd.DatetimeIndex(celsius.index)
    frame = pd.DataFrame(
        {"power": 100.0 + 10.0 * ((7 * index.hour.to_numpy()) % 24), "temp": values.round(1)},
        index=index,
    )
    path = tmp_path / "home.csv"
    frame.rename_axis("time").to_csv(path)
    return path


COOL_SEASONS = {
    # A UK winter: 41 °F median, mild days.
    "uk_january": season("2026-01-01", 5.0, 3.0, 5.0),
    # A Berlin January: 33 °F, below the months' ceiling; its fronts give it away.
    "berlin_january": season("2026-01-01", 0.5, 4.5, 4.0),
    # A New England February: 28 °F, a hot month's median in °C, with a cool season's days.
    "boston_february": season("2026-02-01", -2.0, 5.0, 6.0),
    # A Melbourne winter: 50 °F, the median's own check.
    "melbourne_july": season("2026-07-01", 10.0, 2.0, 7.0),
}
HOT_SEASONS = {
    # Death Valley's hottest July, Darwin's wet season, Marble Bar's summer, Kuwait's.
    "death_valley_july": season("2026-07-01", 41.0, 2.0, 14.0),
    "darwin_january": season("2026-01-01", 28.5, 1.0, 7.0),
    "marble_bar_january": season("2026-01-01", 34.5, 2.5, 15.0),
    "kuwait_august": season("2026-08-01", 38.5, 1.5, 13.0),
    # Illinois in January 2018: days 9 degrees apart (a cold wave), in °C.
    "illinois_cold_wave": season("2026-01-01", -6.0, 9.0, 8.0),
}


@pytest.mark.parametrize("place", COOL_SEASONS)
def test_a_cool_season_in_fahrenheit_under_a_bare_name_is_read_as_fahrenheit(
    tmp_path: Path, place: str
) -> None:
    celsius = COOL_SEASONS[place]
    notes: list[str] = []
    read = read_csv(written(tmp_path, celsius, "F"), options(), notes.append)
    assert read.temperature.unit == "F"
    np.testing.assert_allclose(read.hourly["temperature"], celsius.to_numpy(), atol=0.06)
    said = [note for note in notes if note.startswith("'temp' names no unit")]
    assert len(said) == 1
    assert "read as °F (--temperature-unit C" in said[0] or place == "melbourne_july"
    if place == "melbourne_july":  # its median of 50 "°C" is refused as °C
        return
    # --temperature-unit C reads them as given.
    as_given = read_csv(
        written(tmp_path, celsius, "F"), options(temperature_unit="C"), notes.append
    )
    fahrenheit = float((celsius * 9 / 5 + 32).median())
    assert as_given.hourly["temperature"].median() == pytest.approx(fahrenheit, abs=0.1)


@pytest.mark.parametrize("place", [*COOL_SEASONS, *HOT_SEASONS])
def test_any_places_season_in_celsius_stays_celsius(tmp_path: Path, place: str) -> None:
    celsius = (COOL_SEASONS | HOT_SEASONS)[place]
    assert month_why_not_celsius(celsius) is None
    read = read_csv(written(tmp_path, celsius, "C"), options(), lambda _: None)
    assert read.temperature.unit == "C"
    np.testing.assert_allclose(read.hourly["temperature"], celsius.to_numpy(), atol=0.06)
