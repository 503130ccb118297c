"""Hourly power forecasting: a numpy model, its features and the rules it must beat."""

from .features import FEATURE_NAMES
from .history import MAX_HORIZON_HOURS, HourlyHistory
from .model import (
    Forecast,
    NotEnoughHistoryError,
    PowerModel,
    fit_power_model,
    minimum_history_hours,
)

__all__ = [
    "FEATURE_NAMES",
    "MAX_HORIZON_HOURS",
    "Forecast",
    "HourlyHistory",
    "NotEnoughHistoryError",
    "PowerModel",
    "fit_power_model",
    "minimum_history_hours",
]
