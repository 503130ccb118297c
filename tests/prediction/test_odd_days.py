"""A day the home did not repeat is left out of the published four weeks' mean, once known."""

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import fit_power_model
from custom_components.py_iot_home.prediction.export import model_from_bytes, model_to_bytes
from custom_components.py_iot_home.prediction.history import HourlyHistory, to_grid
from custom_components.py_iot_home.prediction.odd_days import unrepeated_days
from custom_components.py_iot_home.prediction.walk_forward import WEEK_BLEND

TRAIN_DAYS = 60
WEEKLY = "hour_of_week_mean"


def district(seed: int, odd_day: int, shift_day: int | None = None) -> pd.DataFrame:
    """A district that repeats its week (to 0.2 %, growing 0.1 % a week), one day 30 % up.

    Day 0 is Monday 5 January 2026. `shift_day`: from then on the level is 10 % higher.
    """
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-01-05", periods=(TRAIN_DAYS + 7) * 24, freq="h", tz="UTC")
    position = np.arange(len(index))
    week = 1000 * rng.uniform(0.6, 1.4, 168)
    power = week[position % 168] * (1 + 0.001 * position / 168)
    power *= rng.lognormal(0, 0.002, len(index))
    power[odd_day * 24 : (odd_day + 1) * 24] *= 1.3
    if shift_day is not None:
        power[shift_day * 24 :] *= 1.1
    temperature = 8 + 3 * np.sin(position / 24 * 2 * np.pi)
    return pd.DataFrame(
        {"power_w": power, "temperature": temperature, "humidity": np.nan}, index=index
    )


def found(frame: pd.DataFrame) -> tuple[date, ...]:
    return unrepeated_days(to_grid(HourlyHistory.from_frame(frame)))


def test_a_day_not_repeated_is_odd_and_a_level_that_stays_is_not() -> None:
    # Day 20 is Sunday 25 January; the shift on day 40 is repeated the week after it.
    frame = district(seed=0, odd_day=20, shift_day=40).iloc[: TRAIN_DAYS * 24]
    assert found(frame) == (date(2026, 1, 25),)


def test_a_day_is_judged_only_once_its_week_after_is_whole() -> None:
    frame = district(seed=0, odd_day=50)
    # Day 57, its week after, is under way at 12:00: the day may yet be last week's hour.
    assert found(frame.iloc[: 57 * 24 + 12]) == ()
    assert found(frame.iloc[: 58 * 24]) == (date(2026, 2, 24),)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_four_weeks_mean_published_leaves_out_the_day_it_knows_odd(seed: int) -> None:
    # The odd day's fourth week after is the day forecast, and the held-out weeks (ending
    # inside its carry) publish the four weeks' mean.
    frame = district(seed, odd_day=TRAIN_DAYS - 28)
    history, ahead = frame.iloc[: TRAIN_DAYS * 24], frame.iloc[TRAIN_DAYS * 24 :][:24]
    model = fit_power_model(history)
    assert model.groups["day_ahead"].method == WEEKLY
    forecast = np.array(model.forecast(history, ahead[["temperature"]]).power_w)
    power = frame["power_w"].to_numpy()
    start = TRAIN_DAYS * 24
    usual_weeks = [power[start - 24 * days : start - 24 * days + 24] for days in (7, 14, 21)]
    assert forecast[1:] == pytest.approx(np.mean(usual_weeks, axis=0)[1:], rel=1e-9)
    # Within a few W of the day (mean 1 kW), where the four weeks with the odd day erred ~70 W.
    assert np.mean(np.abs(forecast - ahead["power_w"].to_numpy())) < 5.0
    assert model.odd_days == (date(2026, 1, 5) + timedelta(days=TRAIN_DAYS - 28),)


def test_the_odd_days_are_saved_with_the_model() -> None:
    frame = district(seed=0, odd_day=TRAIN_DAYS - 28)
    history, ahead = frame.iloc[: TRAIN_DAYS * 24], frame.iloc[TRAIN_DAYS * 24 :][:24]
    model = fit_power_model(history)
    loaded = model_from_bytes(model_to_bytes(model))
    assert loaded.odd_days == model.odd_days != ()
    weather = ahead[["temperature"]]
    assert loaded.forecast(history, weather).power_w == pytest.approx(
        model.forecast(history, weather).power_w, rel=1e-12
    )


def test_a_learned_blend_reads_the_rule_it_was_weighed_with() -> None:
    # The model's blend with the four weeks' mean was scored on the plain rule: left as it is.
    frame = district(seed=0, odd_day=TRAIN_DAYS - 28)
    history, ahead = frame.iloc[: TRAIN_DAYS * 24], frame.iloc[TRAIN_DAYS * 24 :][:24]
    blended = replace(fit_power_model(history), methods=(WEEK_BLEND,) * 24)
    assert blended.odd_days != ()
    weather = ahead[["temperature"]]
    assert blended.forecast(history, weather).power_w == pytest.approx(
        replace(blended, odd_days=()).forecast(history, weather).power_w, rel=1e-12
    )
