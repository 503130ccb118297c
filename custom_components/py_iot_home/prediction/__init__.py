"""Hourly power forecasting: a scikit-learn model, its features and the baselines it beats."""

from .baselines import BASELINES, Baseline
from .features import FEATURE_NAMES, MAX_HORIZON_HOURS, HourlyHistory
from .model import NotEnoughHistoryError, PowerModel, fit_power_model, minimum_history_hours

__all__ = [
    "BASELINES",
    "FEATURE_NAMES",
    "MAX_HORIZON_HOURS",
    "Baseline",
    "HourlyHistory",
    "NotEnoughHistoryError",
    "PowerModel",
    "fit_power_model",
    "minimum_history_hours",
]
