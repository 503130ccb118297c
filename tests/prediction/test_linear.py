"""The ridge model's intercept sits at the median residual, where absolute error is least."""

import numpy as np
import pandas as pd

from custom_components.py_iot_home.prediction import PowerModel
from custom_components.py_iot_home.prediction.features import FEATURE_NAMES, power_scale
from custom_components.py_iot_home.prediction.history import MAX_HORIZON_HOURS, to_grid
from custom_components.py_iot_home.prediction.linear import (
    BASE_COLUMN,
    fit_linear,
    median_recentred,
    standardise,
)
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
    recentred = median_recentred(fitted, standard, target - rows[:, BASE_COLUMN], horizons)
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
    recentred = median_recentred(fitted, standard, target - rows[:, BASE_COLUMN], horizons)
    assert recentred.intercept[0] != fitted.intercept[0]
    np.testing.assert_array_equal(recentred.intercept[1:], fitted.intercept[1:])


def test_the_published_model_errs_as_often_above_as_below(
    trained: PowerModel, hourly: pd.DataFrame
) -> None:
    data = training_rows(to_grid(hourly.iloc[:TRAIN_HOURS]), forecast=False)
    known = ~np.isnan(data.target_w)
    predicted = trained.linear.predict(data.rows[known], data.horizons[known])
    medians = median_residual_per_horizon(
        predicted, power_scale(data.target_w[known]), data.horizons[known]
    )
    np.testing.assert_allclose(medians, 0.0, atol=1e-9)
