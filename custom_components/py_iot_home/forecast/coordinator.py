"""The power predictor: trains on recorder history, forecasts the next 24 hours."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.sensor import ATTR_STATE_CLASS
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import (
    async_track_utc_time_change,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_EXCLUDE_OUTLIERS,
    CONF_EXCLUDED_DAYS,
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
from ..feature_entry import FeatureEntry
from ..prediction.arrays import WeatherArrays
from ..prediction.export import ForecastRequest, ForecastValues, TrainingRequest
from ..prediction.model import NotEnoughHistoryError, PowerModel
from ..prediction.unusual_days import parse_days
from ..prediction.worker import (
    ForecastFailedError,
    TrainingFailedError,
    forecast_in_subprocess,
    train_in_subprocess,
)
from .device import predictor_device
from .end_power_record import EndPowerRecord
from .failure_streak import FailureStreak
from .outdoor_temperature import mirror_entity_id, weather_mirrored
from .recorder_history import HistorySources, LoadedHistory, async_load_hourly_history
from .saved_model import SavedModel, async_training_fingerprint
from .snapshot import (
    SAME_HOUR_YESTERDAY,
    ForecastPoint,
    PredictionSnapshot,
    method_choices,
    points_ahead,
)
from .weather_watch import WeatherWatch

FORECAST_HOURS = 24
# Forecasts run a minute into each UTC hour: the recorder has compiled the hour that ended
# (at about :00:10), and the first forecast hour is the one that began. A fixed interval
# from set-up (say :46) showed the hour before as "the next hour" for most of each hour.
REFRESH_MINUTE = 1


class PredictorCoordinator(DataUpdateCoordinator[PredictionSnapshot]):
    """Retrains on its interval; forecasts every hour."""

    config_entry: ConfigEntry[Any]

    def __init__(self, hass: HomeAssistant, entry: FeatureEntry) -> None:
        """Read the sources and intervals from the forecast's settings."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry.config_entry,
            name=f"{DOMAIN} predictor {entry.title}",
            update_interval=None,  # every hour at REFRESH_MINUTE: see async_refresh_hourly
        )
        self.entry = entry
        self.model: PowerModel | None = None
        self._issue_id, self._no_power_issue_id, self._net_meter_issue_id = predictor_issue_ids(
            entry.entry_id
        )
        self._saved_model = SavedModel(hass, entry.entry_id)
        self._end_powers = EndPowerRecord(hass, entry.entry_id)
        self._fingerprint: str | None = None
        self._fingerprint_zone = hass.config.time_zone
        # The saved model forecasting was trained by other rules than this release's.
        self.model_outdated = False
        self._weather = WeatherWatch(hass, entry, self._forecast_now)
        # Meanwhile the forecast Predicted power showed before the restart, and where its
        # hours took their temperature: every view shows it until the new forecast.
        self._before_restart: tuple[tuple[ForecastPoint, ...], str | None] | None = None
        # Trainings and forecasts failed in a row: warned at the first, not at each hour.
        self._training_failures = FailureStreak(
            first="%s: training failed (%.300s); %s, trying again every hour",
            again="%s: training failed again (%s in a row): %.300s",
            recovered="%s trains again, after %s failed trainings",
        )
        self._forecast_failures = FailureStreak(
            first="%s: no forecast this hour (%.200s); trying again every hour",
            again="%s: no forecast again (%s hours in a row): %.200s",
            recovered="%s forecasts again, after %s hours without",
        )
        self._read_settings({**entry.data, **entry.options})
        # Home Assistant shuts it down at the entry's unload; a deleted subentry's, before.
        entry.async_on_unload(self.async_shutdown)

    def _read_settings(self, settings: Mapping[str, Any]) -> None:
        self._settings = dict(settings)
        self.weather_entity: str | None = settings.get(CONF_WEATHER_ENTITY) or None
        self._weather.entity_id = self.weather_entity
        # Without an outdoor sensor, the forecast's own mirror of the weather's temperature
        # (its statistics, once it is registered) stands in for one.
        self.weather_mirrored = weather_mirrored(settings)
        self.sources = HistorySources(
            power=settings[CONF_POWER_ENTITY],
            temperature=settings.get(CONF_TEMPERATURE_ENTITY) or None,
            humidity=settings.get(CONF_HUMIDITY_ENTITY) or None,
            weather=self.weather_entity,
        )
        # The flow checked the text; stored options from an older version may not parse.
        try:
            self.excluded_days = parse_days(str(settings.get(CONF_EXCLUDED_DAYS, "")))
        except ValueError as err:
            LOGGER.warning("%s: excluded days ignored: %.200s", self.entry.title, err)
            self.excluded_days = []
        self.exclude_outliers = bool(settings.get(CONF_EXCLUDE_OUTLIERS, False))
        self.training_days = int(settings.get(CONF_TRAINING_DAYS, DEFAULT_TRAINING_DAYS))
        self.retrain_every = timedelta(
            hours=int(settings.get(CONF_RETRAIN_HOURS, DEFAULT_RETRAIN_HOURS))
        )

    @callback
    def async_take_settings(self, settings: Mapping[str, Any]) -> None:
        """Retrain for new settings while the entities keep the last forecast (no reload).

        A reload showed every forecast entity unavailable for the seconds the training takes.
        """
        self._read_settings(settings)
        self._fingerprint = None  # the saved model was trained for the old settings
        self.entry.async_create_background_task(
            self.hass, self.async_refresh(), f"{self.name} new settings"
        )

    @callback
    def async_refresh_hourly(self) -> Callable[[], None]:
        """Refresh at REFRESH_MINUTE past every UTC hour; returns the unsubscribe."""

        @callback
        def _refresh(_now: datetime) -> None:
            self.entry.async_create_background_task(
                self.hass, self.async_refresh(), f"{self.name} hourly forecast"
            )

        return async_track_utc_time_change(self.hass, _refresh, minute=REFRESH_MINUTE, second=0)

    async def async_retrain(self) -> None:
        """Train now (the retrain action), then refresh the forecast."""
        self.model = None
        await self.async_refresh()

    async def _async_update_data(self) -> PredictionSnapshot:
        now = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
        shortfall: NotEnoughHistoryError | None = None
        export_percent: str | None = None
        restored = False
        if self._fingerprint_zone != self.hass.config.time_zone:
            # The model's hour of day and weekday were the old zone's: trained in the new one.
            self._fingerprint = None
        if self._fingerprint is None:
            # First refresh since setup: the model trained before a restart, if still valid.
            self._fingerprint_zone = self.hass.config.time_zone
            self._fingerprint = await async_training_fingerprint(self.hass, self._settings)
            loaded = await self._saved_model.async_load(self._fingerprint)
            self.model = loaded.model if loaded else None
            self.model_outdated = loaded is not None and loaded.outdated
            restored = self.model is not None
        if self.weather_mirrored:
            # Registered with the entry's sensors, after this coordinator was made.
            mirror = mirror_entity_id(self.hass, predictor_device(self.entry))
            self.sources = replace(self.sources, temperature=mirror)
        context = await self._async_history(now - timedelta(hours=PREDICTION_CONTEXT_HOURS), now)
        if restored and context.export.net_meter:
            # Saved before its sensor exported (or before net meters were refused): trained
            # again now, the training's own check says whether it may forecast.
            self.model = None
        # In whole hours: a model trained at 00:10 and retrained every 3 h is due at 03:01.
        trained_hour = (
            None
            if self.model is None
            else self.model.trained_at.replace(minute=0, second=0, microsecond=0)
        )
        forecast: tuple[ForecastPoint, ...] | None = ()
        # A month without power: no training or forecast (a repair says why).
        power_silent = not self._recent_power(context)
        if not power_silent:
            # Outdated, the saved model forecasts at the start; the setup retrains it after.
            outdated = self.model_outdated and not restored
            if trained_hour is None or now - trained_hour >= self.retrain_every or outdated:
                shortfall, export_percent = await self._async_train(now)
            if self.model is not None:
                forecast = await self._async_forecast(self.model, context, now)
        waiting_for_weather = forecast is None
        if not waiting_for_weather:
            self._before_restart = None
        forecast = forecast or ()
        model = self.model
        weather_used = self.weather_entity is not None and self._weather.used
        snapshot = PredictionSnapshot(
            forecast=forecast,
            mae_w=model.mae_w if model else None,
            skill=model.groups["day_ahead"].skill if model else None,
            choices=method_choices(model, forecast),
            training_rows=model.training_rows if model else None,
            excluded_days=model.excluded_days if model else None,
            trained_at=model.trained_at if model else None,
            hours_needed=shortfall.hours_missing if shortfall else None,
            hours_left_out=shortfall.left_out_hours if shortfall else None,
            missing_power_hours=context.missing_power_hours,
            converted_series=context.converted_series,
            export_percent=export_percent,
            power_silent=power_silent,
            temperature_ahead=(self.weather_entity if weather_used else SAME_HOUR_YESTERDAY)
            if forecast
            else None,
            waiting_for_weather=waiting_for_weather,
        )
        return self._with_forecast_before_restart(snapshot)

    @callback
    def async_show_until_weather(
        self, forecast: tuple[ForecastPoint, ...], temperature_ahead: str | None
    ) -> None:
        """At a start, the forecast shown before it (Predicted power's restored state).

        Shown by the entity, the action and Assist alike while the new forecast waits for the
        weather entity: the action said "no power forecast right now" beside the entity's
        figure. Only its hours not yet ended; none once the new forecast is made.
        """
        ahead = tuple(points_ahead(forecast, dt_util.utcnow()))
        if not ahead or not self.data.waiting_for_weather:
            return
        self._before_restart = (ahead, temperature_ahead)
        self.async_set_updated_data(self._with_forecast_before_restart(self.data))

    def _with_forecast_before_restart(self, snapshot: PredictionSnapshot) -> PredictionSnapshot:
        if not snapshot.waiting_for_weather or self._before_restart is None:
            return snapshot
        forecast, temperature_ahead = self._before_restart
        # The method choices stay the model's: the shown hours do not say their method.
        return replace(snapshot, forecast=forecast, temperature_ahead=temperature_ahead)

    def _recent_power(self, context: LoadedHistory) -> bool:
        """Whether the power sensor recorded anything over the forecast's context (30 days).

        Without, every hourly retrain failed and every forecast raised; a repair says why
        the forecast is unavailable, and goes once the sensor reports again.
        """
        recorded = any(math.isfinite(value) for value in context.history.power_w.tolist())
        if recorded or self._power_sensor_is_new():
            ir.async_delete_issue(self.hass, DOMAIN, self._no_power_issue_id)
            return True
        self._raise_issue(
            self._no_power_issue_id, "no_recent_power", days=str(PREDICTION_CONTEXT_HOURS // 24)
        )
        return False

    def _power_sensor_is_new(self) -> bool:
        """Whether the power sensor reads now and keeps statistics (it has a state class).

        Then an empty history means it was just added: the repair to show is how many hours
        it still needs, not that it went silent (which told a new user to check a sensor that
        was fine).
        """
        state = self.hass.states.get(self.sources.power)
        if state is None or ATTR_STATE_CLASS not in state.attributes:
            return False
        try:
            return math.isfinite(float(state.state))
        except ValueError:
            return False

    def _raise_issue(self, issue_id: str, translation_key: str, **placeholders: str) -> None:
        """A warning repair about this predictor and its power sensor."""
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=translation_key,
            translation_placeholders={
                "name": self.entry.title,
                "entity": self.sources.power,
                **placeholders,
            },
        )

    async def _async_history(self, start: datetime, end: datetime) -> LoadedHistory:
        """The recorder's hours, with the end powers it has purged from the record."""
        loaded = await async_load_hourly_history(self.hass, self.sources, start, end)
        history = await self._end_powers.async_completed(
            self.sources.power, loaded.history, self.training_days
        )
        return replace(loaded, history=history)

    async def _async_train(self, now: datetime) -> tuple[NotEnoughHistoryError | None, str | None]:
        """Fit on the training window.

        Returns how many hours are missing, if too few, and the percent of hours exporting,
        if the power sensor is a net meter (then no model: nothing is forecast).
        """
        loaded = await self._async_history(now - timedelta(days=self.training_days), now)
        if loaded.export.net_meter:
            # A model trained while the sensor measured consumption, or its saved copy
            # (a restart), must not forecast it now.
            self.model = None
            await self._saved_model.async_remove()
            self._raise_issue(self._net_meter_issue_id, "net_meter", percent=loaded.export.percent)
            return None, loaded.export.percent
        ir.async_delete_issue(self.hass, DOMAIN, self._net_meter_issue_id)
        request = TrainingRequest(
            history=loaded.history,
            weather_forecast=self.weather_entity is not None,
            excluded_days=self.excluded_days,
            exclude_outliers=self.exclude_outliers,
        )
        try:
            model = await self.hass.async_add_executor_job(_fit, request)
        except TrainingFailedError as err:
            # Keep the previous model, if any; the next refresh tries again.
            self._training_failures.failed(
                self.entry.title,
                err,
                "the last model keeps forecasting" if self.model else "no forecast until then",
            )
            return None, None
        except NotEnoughHistoryError as err:
            self.model = None
            # The same issue either way: it goes once a training has enough.
            if err.left_out_hours:
                self._raise_issue(
                    self._issue_id,
                    "too_many_days_left_out",
                    days=str(self.training_days),
                    hours=str(err.hours_missing),
                    have=str(err.observed_hours),
                    left_out=str(err.left_out_hours),
                )
            else:
                self._raise_issue(
                    self._issue_id,
                    "not_enough_history",
                    hours=str(err.hours_missing),
                    have=str(err.observed_hours),
                )
            return err, None
        # Home Assistant's clock, not the training process's, dates the model.
        self.model = replace(model, trained_at=dt_util.utcnow())
        self.model_outdated = False
        self._training_failures.succeeded(self.entry.title)
        if self._fingerprint is not None:
            await self._saved_model.async_save(self.model, self._fingerprint)
        ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)
        day = self.model.groups["day_ahead"]
        LOGGER.info(
            "%s trained on %s examples (hours x horizons; %s days left out): day ahead by %s, "
            "held-out MAE %.0f W "
            "(best rule %s: %.0f W, skill %+.0f %%)",
            self.entry.title,
            self.model.training_rows,
            self.model.excluded_days,
            day.method,
            day.mae_w,
            day.best_rule,
            day.best_rule_mae_w,
            100 * day.skill,
        )
        return None, None

    async def _async_forecast(
        self, model: PowerModel, context: LoadedHistory, now: datetime
    ) -> tuple[ForecastPoint, ...] | None:
        """The hours ahead; none if it failed, None while it waits for the weather at a start."""
        weather = await self._weather.async_coming_hours(now, FORECAST_HOURS)
        if weather is None and self._weather.holding:
            # A forecast from yesterday's temperature now, and from the weather's a second
            # later, drew a step into the forecast's history at every restart.
            return None
        try:
            result = await self.hass.async_add_executor_job(_forecast, model, context, weather)
        except (NotEnoughHistoryError, ForecastFailedError) as err:
            # No forecast this hour (the entities show unavailable); the next hour tries again.
            self._forecast_failures.failed(self.entry.title, err)
            return ()
        self._forecast_failures.succeeded(self.entry.title)
        return tuple(
            ForecastPoint(
                start=now + timedelta(hours=hour),
                power_w=value,
                low_w=low,
                high_w=high,
                method=method,
            )
            for hour, (value, low, high, method) in enumerate(
                zip(result.power_w, result.low_w, result.high_w, result.methods, strict=True)
            )
        )

    @callback
    def _forecast_now(self, why: str) -> None:
        """Forecast again now (the weather came up, or its wait at a start is over)."""
        self.entry.async_create_background_task(
            self.hass, self.async_refresh(), f"{self.name} {why}"
        )


def _forecast(
    model: PowerModel, context: LoadedHistory, weather: WeatherArrays | None
) -> ForecastValues:
    """Forecast in a child process: pandas never enters Home Assistant's process."""
    request = ForecastRequest(
        model=model, history=context.history, weather=weather, hours=FORECAST_HOURS
    )
    return forecast_in_subprocess(request)


def _fit(request: TrainingRequest) -> PowerModel:
    """Train in a child process: its memory (pandas, the rows) goes back when it ends."""
    return train_in_subprocess(request)


def predictor_issue_ids(entry_id: str) -> tuple[str, str, str]:
    """A predictor's repairs: not enough history, no recent power, a net meter."""
    return (
        f"not_enough_history_{entry_id}",
        f"no_recent_power_{entry_id}",
        f"net_meter_{entry_id}",
    )
