"""The power predictor: trains on recorder history, forecasts the next 24 hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .const import (
    CONF_HUMIDITY_ENTITY,
    CONF_POWER_ENTITY,
    CONF_RETRAIN_HOURS,
    CONF_TEMPERATURE_ENTITY,
    CONF_TRAINING_DAYS,
    CONF_WEATHER_ENTITY,
    DEFAULT_RETRAIN_HOURS,
    DEFAULT_TRAINING_DAYS,
    DOMAIN,
    LOGGER,
    PREDICTION_CONTEXT_HOURS,
)
from .models import PyIotHomeConfigEntry
from .prediction.errors import NotEnoughHistoryError
from .recorder_history import HistorySources, LoadedHistory, async_load_hourly_history

if TYPE_CHECKING:
    import pandas as pd

    from .prediction.features import HourlyHistory
    from .prediction.model import PowerModel

FORECAST_HOURS = 24
REFRESH_INTERVAL = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class ForecastPoint:
    """Mean power expected in one future hour."""

    start: datetime
    power_w: float


@dataclass(frozen=True, kw_only=True)
class PredictionSnapshot:
    """What the predictor's entities show."""

    forecast: tuple[ForecastPoint, ...]
    mae_w: float | None
    r2: float | None
    training_rows: int | None
    trained_at: datetime | None
    hours_needed: int | None
    missing_power_hours: int
    converted_series: int


def _option(entry: PyIotHomeConfigEntry, key: str, default: Any = None) -> Any:
    return entry.options.get(key, entry.data.get(key, default))


class PredictorCoordinator(DataUpdateCoordinator[PredictionSnapshot]):
    """Retrains on its interval; forecasts every hour."""

    config_entry: PyIotHomeConfigEntry

    def __init__(self, hass: HomeAssistant, entry: PyIotHomeConfigEntry) -> None:
        """Read the sources and intervals from the entry."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} predictor {entry.title}",
            update_interval=REFRESH_INTERVAL,
        )
        self.sources = HistorySources(
            power=_option(entry, CONF_POWER_ENTITY),
            temperature=_option(entry, CONF_TEMPERATURE_ENTITY),
            humidity=_option(entry, CONF_HUMIDITY_ENTITY) or None,
        )
        self.weather_entity: str | None = _option(entry, CONF_WEATHER_ENTITY) or None
        self.training_days: int = int(_option(entry, CONF_TRAINING_DAYS, DEFAULT_TRAINING_DAYS))
        self.retrain_every = timedelta(
            hours=int(_option(entry, CONF_RETRAIN_HOURS, DEFAULT_RETRAIN_HOURS))
        )
        self.model: PowerModel | None = None
        self._issue_id = f"not_enough_history_{entry.entry_id}"

    async def async_retrain(self) -> None:
        """Train now (the retrain action), then refresh the forecast."""
        self.model = None
        await self.async_refresh()

    async def _async_update_data(self) -> PredictionSnapshot:
        now = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
        hours_needed: int | None = None
        if self.model is None or dt_util.utcnow() - self.model.trained_at >= self.retrain_every:
            hours_needed = await self._async_train(now)
        context = await async_load_hourly_history(
            self.hass, self.sources, now - timedelta(hours=PREDICTION_CONTEXT_HOURS), now
        )
        forecast: tuple[ForecastPoint, ...] = ()
        if self.model is not None:
            forecast = await self._async_forecast(self.model, context, now)
        model = self.model
        return PredictionSnapshot(
            forecast=forecast,
            mae_w=model.mae_w if model else None,
            r2=model.r2 if model else None,
            training_rows=model.training_rows if model else None,
            trained_at=model.trained_at if model else None,
            hours_needed=hours_needed,
            missing_power_hours=context.missing_power_hours,
            converted_series=context.converted_series,
        )

    async def _async_train(self, now: datetime) -> int | None:
        """Fit on the training window; return the hours still missing, if too few."""
        loaded = await async_load_hourly_history(
            self.hass, self.sources, now - timedelta(days=self.training_days), now
        )
        try:
            self.model = await self.hass.async_add_executor_job(_fit, loaded)
        except NotEnoughHistoryError as err:
            self.model = None
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                self._issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="not_enough_history",
                translation_placeholders={
                    "name": self.config_entry.title,
                    "hours": str(err.hours_missing),
                    "have": str(err.observed_hours),
                    "entity": self.sources.power,
                },
            )
            return err.hours_missing
        ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)
        LOGGER.info(
            "%s trained on %s rows: held-out MAE %.0f W, R² %.2f",
            self.config_entry.title,
            self.model.training_rows,
            self.model.mae_w,
            self.model.r2,
        )
        return None

    async def _async_forecast(
        self, model: PowerModel, context: LoadedHistory, now: datetime
    ) -> tuple[ForecastPoint, ...]:
        weather = await self._async_weather_forecast()
        values = await self.hass.async_add_executor_job(_predict, model, context.history, weather)
        return tuple(
            ForecastPoint(start=now + timedelta(hours=hour), power_w=value)
            for hour, value in enumerate(values)
        )

    async def _async_weather_forecast(self) -> object:
        """The weather entity's hourly forecast response, if any (framed in the executor)."""
        if not self.weather_entity:
            return None
        try:
            response = await self.hass.services.async_call(
                "weather",
                "get_forecasts",
                {"entity_id": self.weather_entity, "type": "hourly"},
                blocking=True,
                return_response=True,
            )
        except HomeAssistantError as err:
            LOGGER.debug("No hourly forecast from %s: %s", self.weather_entity, err)
            return None
        return (response or {}).get(self.weather_entity)


def weather_frame(response: object) -> pd.DataFrame | None:
    """Temperature/humidity per forecast hour from a `weather.get_forecasts` response."""
    import pandas as pd

    points = response.get("forecast") if isinstance(response, dict) else None
    if not isinstance(points, list):
        return None
    rows: dict[pd.Timestamp, tuple[float, float]] = {}
    for point in points:
        if not isinstance(point, dict) or not isinstance(point.get("datetime"), str):
            continue
        temperature, humidity = point.get("temperature"), point.get("humidity")
        rows[pd.Timestamp(point["datetime"])] = (
            float(temperature) if isinstance(temperature, int | float) else float("nan"),
            float(humidity) if isinstance(humidity, int | float) else float("nan"),
        )
    if not rows:
        return None
    return pd.DataFrame.from_dict(rows, orient="index", columns=["temperature", "humidity"])


# pandas and scikit-learn are imported here, in the executor, and only once a predictor runs.
def _fit(loaded: LoadedHistory) -> PowerModel:
    from .prediction.model import fit_power_model

    return fit_power_model(loaded.history)


def _predict(model: PowerModel, history: HourlyHistory, weather: object) -> list[float]:
    return model.predict(history, weather_frame(weather), FORECAST_HOURS)
