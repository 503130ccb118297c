"""A plain tree model as a yardstick for bench/prediction.py (bench only, scikit-learn).

What issue 17 measured our old model against on held-out data: a tree ensemble on the
power lags, the absolute temperature of the target hour, the hour and the weekday. Here a
HistGradientBoostingRegressor (chosen over a random forest for its fit time: the bench
refits it every day) with scikit-learn's defaults, one model for all
24 horizons (the horizon is an input), fitted on the same rows and refitted at the same
moments as ours, and given the same weather: the target hour's temperature as forecast,
or without a forecast the same hour the day before. If ours loses to it anywhere, that is
a gap to close.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from custom_components.py_iot_home.prediction.history import MAX_HORIZON_HOURS

if TYPE_CHECKING:
    from sklearn.ensemble import HistGradientBoostingRegressor

HOURS_PER_DAY = 24
HOURS_PER_WEEK = 168


@dataclass(frozen=True)
class YardstickData:
    """A dataset's hourly arrays, by position: power (NaN unknown), temperature, calendar."""

    power: np.ndarray
    temperature: np.ndarray
    hour: np.ndarray
    weekday: np.ndarray
    mean_24h: np.ndarray  # mean power of the 24 hours up to and including each position

    @classmethod
    def from_frame(cls, data: pd.DataFrame) -> YardstickData:
        index = pd.DatetimeIndex(data.index)
        power = data["power_w"]
        return cls(
            power=power.to_numpy(np.float64),
            temperature=data["temperature"].to_numpy(np.float64),
            hour=index.hour.to_numpy(np.float64),
            weekday=index.dayofweek.to_numpy(np.float64),
            mean_24h=power.rolling(HOURS_PER_DAY, min_periods=1).mean().to_numpy(np.float64),
        )

    def _lag(self, positions: np.ndarray) -> np.ndarray:
        return np.where(positions >= 0, self.power[np.maximum(positions, 0)], np.nan)

    def rows(
        self, origins: np.ndarray, horizons: np.ndarray, temperature: np.ndarray
    ) -> np.ndarray:
        """Inputs for predicting origin + horizon from what is known at the origin."""
        targets = origins + horizons
        return np.column_stack(
            [
                horizons,
                self.hour[targets],
                self.weekday[targets],
                temperature,
                self._lag(origins),
                self._lag(origins - 1),
                self.mean_24h[origins],
                self._lag(targets - HOURS_PER_DAY),
                self._lag(targets - HOURS_PER_WEEK),
            ]
        )

    def known_temperature(self, targets: np.ndarray, forecast: bool) -> np.ndarray:
        """The target hour's temperature as training sees it (observed, or a day old)."""
        temperature: np.ndarray = self.temperature[targets if forecast else targets - HOURS_PER_DAY]
        return temperature


@dataclass(frozen=True)
class Yardstick:
    """The fitted tree model and how it was trained."""

    model: HistGradientBoostingRegressor | None
    forecast: bool

    @classmethod
    def fit(cls, data: YardstickData, start: int, end: int, forecast: bool) -> Yardstick:
        """Fit on every (origin, horizon) whose origin and target lie in [start, end)."""
        from sklearn.ensemble import HistGradientBoostingRegressor

        first = start + HOURS_PER_DAY  # yesterday's lags exist from here on
        origins = np.repeat(np.arange(first, end - 1), MAX_HORIZON_HOURS)
        horizons = np.tile(np.arange(1, MAX_HORIZON_HOURS + 1), end - 1 - first)
        keep = origins + horizons < end
        origins, horizons = origins[keep], horizons[keep]
        targets = origins + horizons
        known = ~np.isnan(data.power[targets])
        if np.count_nonzero(known) < 100:
            return cls(None, forecast)
        rows = data.rows(origins, horizons, data.known_temperature(targets, forecast))
        model = HistGradientBoostingRegressor(random_state=0)
        model.fit(rows[known], data.power[targets][known])
        return cls(model, forecast)

    def predict(
        self, data: YardstickData, origin: int, hours: int, weather: np.ndarray | None
    ) -> np.ndarray:
        """The `hours` hours after `origin`; `weather` is the forecast temperature given."""
        horizons = np.arange(1, hours + 1)
        origins = np.full(hours, origin)
        targets = origins + horizons
        if self.model is None:
            return np.full(hours, np.nan)
        temperature = (
            weather if weather is not None else data.known_temperature(targets, forecast=False)
        )
        predicted: np.ndarray = self.model.predict(data.rows(origins, horizons, temperature))
        return np.clip(predicted, 0, None)
