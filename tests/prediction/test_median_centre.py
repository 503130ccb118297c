"""The ridge model sits at the median residual, where absolute error is least, per hour of day."""

import numpy as np
import pandas as pd

from custom_components.py_iot_home.prediction import PowerModel
from custom_components.py_iot_home.prediction.features import (
    FEATURE_NAMES,
    HOUR_COLUMNS,
    power_scale,
    target_hours,
)
from custom_components.py_iot_home.prediction.history import (
    HOURS_PER_DAY,
    MAX_HORIZON_HOURS,
    to_grid,
)
from custom_components.py_iot_home.prediction.linear import (
    BASE_COLUMN,
    fit_linear,
    standardise,
)
from custom_components.py_iot_home.prediction.median_centre import median_recentred
from custom_components.py_iot_home.prediction.model import training_rows

from .conftest import TRAIN_HOURS


def median_residual_per_horizon(
    predicted: np.ndarray, target: np.ndarray, horizons: np.ndarray
) -> np.ndarray:
    return np.array(
        [np.median((target - predicted)[horizons == h]) for h in range(1, MAX_HORIZON_HOURS + 1)]
    )


def test_recentring_moves_the_intercept_to_the_median_residual() -> None:
    rng = np.random.default_rng(3)
    count = 24 * 401  # an odd number of rows per horizon: the median is one of them
    rows = rng.normal(0.0, 1.0, (count, len(FEATURE_NAMES)))
    horizons = np.tile(np.arange(1, MAX_HORIZON_HOURS + 1, dtype=np.int64), count // 24)
    # Rare large upward spikes: the mean residual sits well above the median one.
    spikes = rng.exponential(2.0, count) * (rng.random(count) < 0.3)
    target = rows[:, BASE_COLUMN] + 0.3 * rows[:, 0] + rng.normal(0.0, 0.05, count) + spikes
    fitted = fit_linear(rows, target, horizons)
    before = median_residual_per_horizon(fitted.predict(rows, horizons), target, horizons)
    assert np.all(before < -0.15)

    standard = standardise(rows, fitted.mean, fitted.scale)
    unknown = np.full(count, -1, dtype=np.int64)
    recentred = median_recentred(fitted, standard, target - rows[:, BASE_COLUMN], horizons, unknown)
    after = median_residual_per_horizon(recentred.predict(rows, horizons), target, horizons)
    np.testing.assert_allclose(after, 0.0, atol=1e-9)
    np.testing.assert_array_equal(recentred.coef, fitted.coef)


def test_a_horizon_without_rows_keeps_its_intercept() -> None:
    rng = np.random.default_rng(4)
    rows = rng.normal(0.0, 1.0, (48, len(FEATURE_NAMES)))
    horizons = np.ones(48, dtype=np.int64)
    target = rows[:, BASE_COLUMN] + rng.exponential(1.0, 48)
    fitted = fit_linear(rows, target, horizons)
    standard = standardise(rows, fitted.mean, fitted.scale)
    unknown = np.full(48, -1, dtype=np.int64)
    recentred = median_recentred(fitted, standard, target - rows[:, BASE_COLUMN], horizons, unknown)
    assert recentred.intercept[0] != fitted.intercept[0]
    np.testing.assert_array_equal(recentred.intercept[1:], fitted.intercept[1:])


def test_each_hour_of_day_is_moved_to_its_own_median_residual() -> None:
    rng = np.random.default_rng(5)
    days = 201  # an odd number of rows per horizon and hour
    count = days * HOURS_PER_DAY * MAX_HORIZON_HOURS
    rows = rng.normal(0.0, 1.0, (count, len(FEATURE_NAMES)))
    hours = np.tile(np.repeat(np.arange(HOURS_PER_DAY), MAX_HORIZON_HOURS), days)
    horizons = np.tile(np.arange(1, MAX_HORIZON_HOURS + 1, dtype=np.int64), count // 24)
    rows[:, HOUR_COLUMNS] = hours[:, None] == np.arange(HOURS_PER_DAY)[None, :]
    # Spikes in the evening only: there the mean residual sits far above the median one,
    # at night not at all, so one median per horizon is right at neither.
    evening = (hours >= 17) & (hours <= 21)
    spikes = rng.exponential(2.0, count) * (rng.random(count) < 0.4) * evening
    target = rows[:, BASE_COLUMN] + 0.3 * rows[:, 0] + rng.normal(0.0, 0.05, count) + spikes
    fitted = fit_linear(rows, target, horizons)
    standard = standardise(rows, fitted.mean, fitted.scale)
    residual = target - rows[:, BASE_COLUMN]

    recentred = median_recentred(fitted, standard, residual, horizons, target_hours(rows))
    left = target - recentred.predict(rows, horizons)
    for hour in (3, 19):
        medians = median_residual_per_horizon(
            recentred.predict(rows, horizons)[hours == hour],
            target[hours == hour],
            horizons[hours == hour],
        )
        # The evening's offset is far beyond its median's noise: almost none is shrunk.
        np.testing.assert_allclose(medians, 0.0, atol=0.01)
    # One median per horizon, set by the many calm hours, leaves the evening's forecast
    # at its mean, above what most evenings draw.
    per_horizon = median_recentred(
        fitted, standard, residual, horizons, np.full(count, -1, dtype=np.int64)
    )
    at = hours == 19
    evening_left = target[at] - per_horizon.predict(rows[at], horizons[at])
    assert np.median(evening_left) < -0.1
    assert np.mean(np.abs(left)) < np.mean(np.abs(target - per_horizon.predict(rows, horizons)))


def test_target_hours_reads_the_one_hot_and_marks_a_row_without_one() -> None:
    rows = np.zeros((3, len(FEATURE_NAMES)))
    rows[0, HOUR_COLUMNS.start + 0] = 1.0
    rows[1, HOUR_COLUMNS.start + 23] = 1.0
    np.testing.assert_array_equal(target_hours(rows), [0, 23, -1])


def test_hours_that_differ_only_by_noise_keep_the_horizon_median() -> None:
    rng = np.random.default_rng(6)
    days = 60  # what the model trains on: a noisy median per hour
    count = days * HOURS_PER_DAY * MAX_HORIZON_HOURS
    rows = rng.normal(0.0, 1.0, (count, len(FEATURE_NAMES)))
    hours = np.tile(np.repeat(np.arange(HOURS_PER_DAY), MAX_HORIZON_HOURS), days)
    horizons = np.tile(np.arange(1, MAX_HORIZON_HOURS + 1, dtype=np.int64), count // 24)
    rows[:, HOUR_COLUMNS] = hours[:, None] == np.arange(HOURS_PER_DAY)[None, :]
    # The same skewed noise at every hour: no hour's median differs but by chance.
    target = rows[:, BASE_COLUMN] + rng.gamma(2.0, 0.25, count)
    fitted = fit_linear(rows, target, horizons)
    standard = standardise(rows, fitted.mean, fitted.scale)
    residual = target - rows[:, BASE_COLUMN]
    per_horizon = median_recentred(
        fitted, standard, residual, horizons, np.full(count, -1, dtype=np.int64)
    )
    per_hour = median_recentred(fitted, standard, residual, horizons, target_hours(rows))

    left = target - per_horizon.predict(rows, horizons)
    chance = np.array(
        [np.median(left[(horizons == 1) & (hours == hour)]) for hour in range(HOURS_PER_DAY)]
    )
    moved = np.array(
        [
            np.mean(
                (per_hour.predict(rows, horizons) - per_horizon.predict(rows, horizons))[
                    (horizons == 1) & (hours == hour)
                ]
            )
            for hour in range(HOURS_PER_DAY)
        ]
    )
    assert np.sqrt(np.mean(chance**2)) > 0.01
    # Unshrunk, each hour would move by its chance median (ratio 1).
    assert np.sqrt(np.mean(moved**2)) < 0.5 * np.sqrt(np.mean(chance**2))


def test_the_published_model_errs_about_as_often_above_as_below(
    trained: PowerModel, hourly: pd.DataFrame
) -> None:
    data = training_rows(to_grid(hourly.iloc[:TRAIN_HOURS]), forecast=False)
    known = ~np.isnan(data.target_w)
    predicted = trained.linear.predict(data.rows[known], data.horizons[known])
    above = power_scale(data.target_w[known]) > predicted
    for h in range(1, MAX_HORIZON_HOURS + 1):
        assert 0.45 < np.mean(above[data.horizons[known] == h]) < 0.55
