"""The forecast subentry kind: a power forecast trained on the recorder's history."""

from __future__ import annotations

from ..const import (
    CONF_EXCLUDED_DAYS,
    CONF_RETRAIN_HOURS,
    CONF_TRAINING_DAYS,
    DEFAULT_RETRAIN_HOURS,
    DEFAULT_TRAINING_DAYS,
)
from ..models import SubentryKindSpec
from ..stored_settings import StoredDays, StoredSetting
from .config_flow import TRAINING_BOUNDS
from .setup import PREDICTOR_PLATFORMS, async_forget_predictor, async_setup_predictor
from .stored_sources import sources_problem
from .subentry_flow import ForecastSubentryFlow

FORECAST_KIND = SubentryKindSpec(
    platforms=PREDICTOR_PLATFORMS,
    async_setup=async_setup_predictor,
    async_forget=async_forget_predictor,
    flow=ForecastSubentryFlow,
    settings={
        CONF_TRAINING_DAYS: StoredSetting(
            *TRAINING_BOUNDS[CONF_TRAINING_DAYS][:2], DEFAULT_TRAINING_DAYS
        ),
        CONF_RETRAIN_HOURS: StoredSetting(
            *TRAINING_BOUNDS[CONF_RETRAIN_HOURS][:2], DEFAULT_RETRAIN_HOURS
        ),
        CONF_EXCLUDED_DAYS: StoredDays(),
    },
    settings_problem=sources_problem,
)
