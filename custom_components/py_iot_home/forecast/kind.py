"""The forecast subentry kind: a power forecast trained on the recorder's history."""

from __future__ import annotations

from ..models import SubentryKindSpec
from .setup import PREDICTOR_PLATFORMS, async_forget_predictor, async_setup_predictor
from .subentry_flow import ForecastSubentryFlow

FORECAST_KIND = SubentryKindSpec(
    platforms=PREDICTOR_PLATFORMS,
    async_setup=async_setup_predictor,
    async_forget=async_forget_predictor,
    flow=ForecastSubentryFlow,
)
