"""The predictor entry kind: a power forecast trained on the recorder's history."""

from __future__ import annotations

from ..models import EntryKindSpec
from .config_flow import PredictorOptionsFlow
from .setup import PREDICTOR_PLATFORMS, async_forget_predictor, async_setup_predictor

PREDICTOR_KIND = EntryKindSpec(
    platforms=PREDICTOR_PLATFORMS,
    async_setup=async_setup_predictor,
    options_flow=PredictorOptionsFlow,
    async_forget=async_forget_predictor,
)
