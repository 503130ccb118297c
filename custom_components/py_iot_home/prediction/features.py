"""Feature rows of the power model: recent power, the simple rules, calendar and weather.

One row per (origin, horizon) pair: the power known at the origin and the weather of the
target hour. Outdoor temperature enters as an absolute level and through heating and
cooling degree hinges (how far below or above a few balance points it is), also per
block of hours, so a linear model can learn a home's temperature response and when in the
day it shows. With a weather forecast the target hour's own temperature is used (observed
temperature stands in for the forecast in training); without one, yesterday's at the same
hour, in training and forecasting alike.
"""

from __future__ import annotations

import numpy as np

from .history import (
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    MAX_HORIZON_HOURS,
    FloatArray,
    HourlyGrid,
    IntArray,
    gather,
    hours_back,
    nan_mean,
    same_hour_stack,
)
from .rules import hour_of_week_mean, last_observed, median_by_hour, persistence_ensemble

HEATING_BALANCE_C = (18.0, 12.0, 5.0)
COOLING_BALANCE_C = (20.0, 25.0)
HOUR_BLOCKS = 6  # blocks of 4 hours for the weather x time-of-day terms
CALENDAR_SCALE = 0.5
# Sixteen times the calendar's penalty: ~8 Sundays in 60 days make the Sunday terms noisy,
# so only a large effect gets through (a shop closed on Sundays, not a home's lie-in).
SUNDAY_SCALE = 2.0

POWER_FEATURES = (
    "power_last",
    "power_previous",
    "power_mean_3h",
    "power_mean_24h",
    "power_same_hour_yesterday",
    "power_same_hour_last_week",
    "persistence_ensemble",
    "median_by_hour",
    "hour_of_week_mean",
    "typical_at_last",
    "typical_last_3h",
    "power_min_6h",
    "power_max_6h",
)
# The last hour's last five minutes against its mean, for the next hour only: whether a
# spike was still on, or a base load back, when the hour ended.
END_FEATURE = "last_hour_end_vs_mean"
# Fixed, not its spread: Home Assistant keeps the five-minute statistics 10 days, so most
# training rows (and the first walk-forward block, which sets the spreads) lack it. 1.0
# (four times the penalty of 0.5) keeps what it gains on homes and costs no 15-minute
# industrial load (docs/prediction-lab.md, *The last hour's last five minutes*).
END_SCALE = 1.0
END_HORIZONS = 1


def _weather_names(prefix: str) -> tuple[str, ...]:
    heating = tuple(f"{prefix}_heating_below_{c:g}" for c in HEATING_BALANCE_C)
    cooling = tuple(f"{prefix}_cooling_above_{c:g}" for c in COOLING_BALANCE_C)
    return (f"{prefix}_c", *heating, *cooling)


FEATURE_NAMES: tuple[str, ...] = (
    *POWER_FEATURES,
    END_FEATURE,
    *_weather_names("temperature"),
    *_weather_names("temperature_24h_mean"),
    *_weather_names("temperature_yesterday"),
    *(f"heating_x_hours_{4 * b}_{4 * b + 3}" for b in range(HOUR_BLOCKS)),
    *(f"cooling_x_hours_{4 * b}_{4 * b + 3}" for b in range(HOUR_BLOCKS)),
    "humidity",
    *(f"hour_{h}" for h in range(HOURS_PER_DAY)),
    "weekend",
    *(f"weekend_x_hours_{4 * b}_{4 * b + 3}" for b in range(HOUR_BLOCKS)),
    "sunday",
    *(f"sunday_x_hours_{4 * b}_{4 * b + 3}" for b in range(HOUR_BLOCKS)),
)


def _fixed_scale(name: str) -> float:
    """The scale a feature is standardised by when not its spread (0: use its spread).

    Weather and calendar inputs get fixed physical scales: a cooling term that was almost
    always 0 in training must not become a 100-sigma input on the first hot day.
    """
    if name in POWER_FEATURES:
        return 0.0
    if name == END_FEATURE:
        return END_SCALE
    if name == "humidity":
        return 20.0
    if name.startswith("sunday"):
        return SUNDAY_SCALE
    if name.startswith(("hour_", "weekend")):
        return CALENDAR_SCALE
    return 5.0


FIXED_SCALES: tuple[float, ...] = tuple(_fixed_scale(name) for name in FEATURE_NAMES)
# The target's local hour of day, one-hot.
HOUR_COLUMNS = slice(FEATURE_NAMES.index("hour_0"), FEATURE_NAMES.index("hour_0") + HOURS_PER_DAY)


def target_hours(rows: FloatArray) -> IntArray:
    """The target's local hour of day of each feature row, -1 where it is not known."""
    one_hot = rows[:, HOUR_COLUMNS] == 1.0
    return np.where(one_hot.any(axis=1), np.argmax(one_hot, axis=1), -1).astype(np.int64)


def power_scale(power: FloatArray) -> FloatArray:
    """The scale the model works in: log1p, so spikes do not dominate a squared-error fit.

    Below zero counts as 0 W: a consumption meter's noise. A net meter, which exports for
    hours, never gets here (``net_meter.py``): its clipped hours would be forecast as 0 W
    with a band a fraction of a watt wide, the band being multiplicative on this scale.
    """
    return np.log1p(np.clip(power, 0.0, None))


def power_unscale(values: FloatArray) -> FloatArray:
    """Back from `power_scale` to W, never negative."""
    return np.clip(np.expm1(values), 0.0, None)


def _weather_columns(temperature: FloatArray) -> list[FloatArray]:
    heating = [np.maximum(0.0, c - temperature) for c in HEATING_BALANCE_C]
    cooling = [np.maximum(0.0, temperature - c) for c in COOLING_BALANCE_C]
    return [temperature, *heating, *cooling]


def _nan_extreme(stack: FloatArray, pick: np.ufunc) -> FloatArray:
    """Row-wise min or max (`np.fmin`/`np.fmax`) ignoring NaN; NaN for rows with no value."""
    return np.asarray(pick.reduce(stack, axis=1), dtype=np.float64)


def _end_against_mean(grid: HourlyGrid, origins: IntArray, horizons: IntArray) -> FloatArray:
    """`END_FEATURE` on `power_scale`; NaN (moves nothing) where unknown or further ahead."""
    if grid.power_end_w is None:
        return np.full(len(origins), np.nan)
    end = power_scale(gather(grid.power_end_w, origins))
    mean = power_scale(gather(grid.power_w, origins))
    return np.where(horizons <= END_HORIZONS, end - mean, np.nan)


def target_temperature(
    grid: HourlyGrid, origins: IntArray, targets: IntArray, *, forecast: bool
) -> tuple[FloatArray, FloatArray]:
    """Temperature of each target hour and its 24 h mean, as the model may know them.

    With `forecast`, the target hour's own value (observed in training, forecast when
    forecasting; a missing forecast hour takes the day before's); without, the same hour
    a day earlier and the 24 h mean up to the origin.
    """
    temperature = grid.temperature
    yesterday = gather(temperature, hours_back(grid, targets, HOURS_PER_DAY))
    if not forecast:
        mean = nan_mean(same_hour_stack(temperature, origins + 1, HOURS_PER_DAY, 1))
        return yesterday, mean
    own = gather(temperature, targets)
    own = np.where(np.isnan(own), yesterday, own)
    window = same_hour_stack(temperature, targets + 1, HOURS_PER_DAY, 1)
    return own, nan_mean(window)


def feature_rows(
    grid: HourlyGrid, origins: IntArray, horizons: IntArray, *, forecast: bool
) -> FloatArray:
    """Feature matrix (`FEATURE_NAMES`) for predicting origin + horizon from the origin.

    Power columns are on `power_scale`; NaN marks what is unknown (the model imputes).
    """
    if np.any(horizons < 1) or np.any(horizons > MAX_HORIZON_HOURS):
        raise ValueError(f"horizons must be within 1..{MAX_HORIZON_HOURS}")
    targets = origins + horizons
    power = grid.power_w
    recent = last_observed(power)
    ensemble = persistence_ensemble(grid, origins, horizons)
    ones = np.ones(len(origins), dtype=np.int64)
    typical = np.column_stack(
        [persistence_ensemble(grid, origins - 1 - back, ones) for back in range(3)]
    )
    last_6h = same_hour_stack(power, origins + 1, 6, 1)
    power_columns = [
        gather(recent, origins),
        gather(recent, origins - 1),
        nan_mean(same_hour_stack(power, origins + 1, 3, 1)),
        nan_mean(same_hour_stack(power, origins + 1, HOURS_PER_DAY, 1)),
        gather(power, hours_back(grid, targets, HOURS_PER_DAY)),
        gather(power, hours_back(grid, targets, HOURS_PER_WEEK)),
        ensemble,
        median_by_hour(grid, origins, horizons),
        hour_of_week_mean(grid, origins, horizons),
        # What the last hours usually are: against power_last and power_mean_3h, how far
        # today runs above or below its usual level (what an hour-ahead forecast carries).
        typical[:, 0],
        nan_mean(typical),
        _nan_extreme(last_6h, np.fmin),
        _nan_extreme(last_6h, np.fmax),
    ]
    # A lag lost in a gap takes the ensemble's value: it is the closest stand-in.
    power_columns = [power_scale(np.where(np.isnan(c), ensemble, c)) for c in power_columns]
    end_column = _end_against_mean(grid, origins, horizons)

    temperature, mean_24h = target_temperature(grid, origins, targets, forecast=forecast)
    yesterday = gather(grid.temperature, hours_back(grid, targets, HOURS_PER_DAY))
    index = grid.index[np.clip(targets, 0, len(grid.index) - 1)]
    hour = index.hour.to_numpy(np.int64)
    hour[targets >= len(grid.index)] = -1
    blocks = (hour[:, None] // 4) == np.arange(HOUR_BLOCKS)[None, :]
    heating = np.maximum(0.0, HEATING_BALANCE_C[0] - temperature)
    cooling = np.maximum(0.0, temperature - COOLING_BALANCE_C[0])
    weekday = index.dayofweek.to_numpy(np.int64)
    weekend = (weekday >= 5).astype(np.float64)
    # On top of `weekend`: how Sunday differs from Saturday (a shop open on Saturdays).
    sunday = (weekday == 6).astype(np.float64)
    humidity = gather(grid.humidity, targets)
    if not forecast:
        humidity = gather(grid.humidity, hours_back(grid, targets, HOURS_PER_DAY))
    return np.column_stack(
        (
            *power_columns,
            end_column,
            *_weather_columns(temperature),
            *_weather_columns(mean_24h),
            *_weather_columns(yesterday),
            blocks * heating[:, None],
            blocks * cooling[:, None],
            humidity,
            (hour[:, None] == np.arange(HOURS_PER_DAY)[None, :]).astype(np.float64),
            weekend,
            blocks * weekend[:, None],
            sunday,
            blocks * sunday[:, None],
        )
    )
