"""The 10-90 % band: split conformal, its tails calibrated across the held-out weeks."""

import numpy as np
import pandas as pd

from custom_components.py_iot_home.prediction import fit_power_model
from custom_components.py_iot_home.prediction.conformal_band import band_offsets, calibrated_tails
from custom_components.py_iot_home.prediction.rules import LOOKBACK_HOURS


def shifting_home(days: int, shift_day: int, seed: int = 0) -> pd.DataFrame:
    """A made-up home whose level doubles and whose hours grow three times as noisy.

    Until `shift_day`, a steady home: a usual day (night, breakfast, an evening peak) with
    8 % noise. From then on, someone moved in: twice the power, 25 % noise.
    """
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-01-05", periods=days * 24, freq="h", tz="Europe/Brussels")
    hour = index.hour.to_numpy()
    usual = 150 + 250 * np.exp(-(((hour - 19) / 2.5) ** 2)) + 100 * ((hour >= 7) & (hour <= 9))
    after = np.arange(len(index)) >= shift_day * 24
    noise = np.where(after, rng.lognormal(0, 0.25, len(index)), rng.lognormal(0, 0.08, len(index)))
    power = usual * np.where(after, 2.0, 1.0) * noise
    temperature = 8.0 + 4 * np.sin((hour - 9) / 24 * 2 * np.pi)
    return pd.DataFrame(
        {"power_w": power, "temperature": temperature, "humidity": np.nan}, index=index
    )


def test_the_band_widens_when_the_last_held_out_week_erred_more() -> None:
    """A level shift a few days before training: the next days err as those did.

    A band drawn from the five held-out weeks as one sample (before: the 10 % and 90 %
    quantiles of all their errors) is as narrow as the four steady weeks made it and
    covered 50 % of the two days after training (33-50 % with seeds 0-2); calibrated on
    how a band from the other weeks covers each week, 81 % (79-85 %).
    """
    home = shifting_home(days=62, shift_day=56)
    end = 60 * 24
    model = fit_power_model(home.iloc[:end])
    inside = []
    for origin in (end, end + 24):
        result = model.forecast(home.iloc[origin - LOOKBACK_HOURS : origin])
        actual = home["power_w"].to_numpy()[origin : origin + 24]
        inside += list((np.array(result.low_w) <= actual) & (actual <= np.array(result.high_w)))
    assert np.mean(inside) >= 0.75


def test_steady_weeks_keep_the_tails_near_ten_percent() -> None:
    """Weeks that err alike: a band from the others misses about 10 % of each, each side."""
    rng = np.random.default_rng(1)
    weeks = np.repeat(np.arange(1, 6), 168)
    errors = [rng.normal(0, 0.1, len(weeks)) for _ in range(23)]
    low, high = calibrated_tails([(e, weeks) for e in errors])
    assert 0.08 <= low <= 0.12
    assert 0.08 <= high <= 0.12
    offsets = band_offsets(errors, [weeks] * 23)
    assert offsets.shape == (23, 2)
    # About ±1.28 standard deviations: the 10 % and 90 % quantiles of a normal error.
    assert np.all(np.abs(offsets[:, 0] + 0.128) < 0.02)
    assert np.all(np.abs(offsets[:, 1] - 0.128) < 0.02)


def test_a_shift_in_the_last_week_widens_that_side_only() -> None:
    """The last 4 days forecast 35 % low (a level shift): the high end's level drops.

    A band from the four steady weeks misses most of those days above it, so the high
    tail's level falls well below 10 %; below, the weeks err alike and it stays near 10 %.
    """
    rng = np.random.default_rng(2)
    weeks = np.repeat(np.arange(1, 6), 168)
    shifted = np.arange(len(weeks)) >= len(weeks) - 4 * 24
    errors = [rng.normal(0, 0.1, len(weeks)) + 0.3 * shifted for _ in range(23)]
    low, high = calibrated_tails([(e, weeks) for e in errors])
    assert high < 0.05
    assert 0.08 <= low <= 0.12
    offsets = band_offsets(errors, [weeks] * 23)
    plain = np.quantile(np.concatenate(errors), 0.9)
    assert np.mean(offsets[:, 1]) > plain + 0.1


def left_out_misses(
    errors: list[np.ndarray], weeks: np.ndarray, low: float, high: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each week's share of errors below and above a band drawn from the other weeks."""
    below, above = [], []
    for week in np.unique(weeks):
        held = [e[weeks == week] for e in errors]
        ends = [np.quantile(e[weeks != week], (low, 1 - high)) for e in errors]
        pairs = list(zip(held, ends, strict=True))
        below.append(np.mean(np.concatenate([h < end[0] for h, end in pairs])))
        above.append(np.mean(np.concatenate([h > end[1] for h, end in pairs])))
    return np.array(below), np.array(above)


def test_weeks_that_disagree_aim_the_day_ahead_below_ten_percent() -> None:
    """Weeks of unlike spread: five weeks only roughly say how the next one will miss.

    A band from the other weeks misses 2 % of one week and a quarter of another. The day
    ahead, which misses whole days, aims the weeks' mean share of misses half a standard
    error of it below 10 % on each side, a wider band than the one whose mean miss is 10 %
    (before, and still the next hour's, whose misses are single hours).
    """
    rng = np.random.default_rng(3)
    weeks = np.repeat(np.arange(1, 6), 168)
    spread = np.repeat([0.05, 0.08, 0.1, 0.14, 0.22], 168)
    errors = [rng.normal(0, 1, len(weeks)) * spread for _ in range(23)]
    below, above = left_out_misses(errors, weeks, *calibrated_tails([(e, weeks) for e in errors]))
    assert np.std(above, ddof=1) > 0.05  # the weeks disagree
    assert abs(np.mean(below) - 0.1) < 0.005
    assert abs(np.mean(above) - 0.1) < 0.005
    day = calibrated_tails([(e, weeks) for e in errors], whole_days=True)
    below, above = left_out_misses(errors, weeks, *day)
    assert np.mean(below) < 0.09
    assert np.mean(above) < 0.09


def test_day_ahead_weeks_that_agree_miss_about_ten_percent_each() -> None:
    """Weeks that err alike: the allowance for their spread is small, the misses near 10 %."""
    rng = np.random.default_rng(4)
    weeks = np.repeat(np.arange(1, 6), 168)
    errors = [rng.normal(0, 0.1, len(weeks)) for _ in range(23)]
    day = calibrated_tails([(e, weeks) for e in errors], whole_days=True)
    below, above = left_out_misses(errors, weeks, *day)
    assert 0.09 <= np.mean(below) <= 0.105
    assert 0.09 <= np.mean(above) <= 0.105


def irregular_works(days: int, seed: int) -> pd.DataFrame:
    """A made-up works whose weeks differ: a weekday stops now and then, a Saturday runs.

    A shift of 100 W from 06:00 to 22:00 over a base of 20 W, with 10 % noise; each
    weekday stops with a chance of 10 %, each Saturday runs with a chance of 35 %.
    """
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-01-05", periods=days * 24, freq="h", tz="Europe/Berlin")
    hour = index.hour.to_numpy()
    day_of_week = np.arange(days) % 7
    draw = rng.random(days)
    runs = np.where(day_of_week < 5, draw > 0.1, (day_of_week == 5) & (draw < 0.35))
    on_shift = runs[np.arange(len(index)) // 24] & (hour >= 6) & (hour < 22)
    power = (20 + 100 * on_shift) * rng.lognormal(0, 0.1, len(index))
    temperature = 8.0 + 4 * np.sin((hour - 9) / 24 * 2 * np.pi)
    return pd.DataFrame(
        {"power_w": power, "temperature": temperature, "humidity": np.nan}, index=index
    )


def test_the_band_covers_a_works_whose_weeks_differ() -> None:
    """The two weeks after training, forecast each midnight: the band covers 75 % or more.

    Its held-out weeks missed unalike (a stop, a Saturday worked), and the band aimed at
    their mean alone covered 73 % of these days (70-97 % with seeds 0-5); with the allowance
    for the weeks' spread, 76 % (72-98 %: it widens the band, it cannot foresee every stop).
    """
    works = irregular_works(days=75, seed=0)
    end = 60 * 24
    model = fit_power_model(works.iloc[:end])
    inside = []
    for origin in range(end, end + 14 * 24, 24):
        result = model.forecast(works.iloc[origin - LOOKBACK_HOURS : origin])
        actual = works["power_w"].to_numpy()[origin : origin + 24]
        inside += list((np.array(result.low_w) <= actual) & (actual <= np.array(result.high_w)))
    assert np.mean(inside) >= 0.75


def test_one_week_or_none_falls_back_to_ten_percent() -> None:
    weeks = np.ones(168, dtype=np.int64)
    assert calibrated_tails([(np.linspace(-1, 1, 168), weeks)]) == (0.1, 0.1)
    offsets = band_offsets([np.array([np.nan, np.nan])], [np.array([1, 2])])
    assert np.all(offsets == 0)
