"""Hourly power forecasting: a scikit-learn model, its features and the baselines it beats.

The names below load their modules on first use: `prediction.errors` must stay importable
at Home Assistant's start without pulling in pandas (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .baselines import BASELINES, Baseline
    from .errors import NotEnoughHistoryError
    from .features import FEATURE_NAMES, MAX_HORIZON_HOURS, HourlyHistory
    from .model import PowerModel, fit_power_model, minimum_history_hours

_MODULE_OF = {
    "BASELINES": "baselines",
    "Baseline": "baselines",
    "FEATURE_NAMES": "features",
    "MAX_HORIZON_HOURS": "features",
    "HourlyHistory": "features",
    "NotEnoughHistoryError": "errors",
    "PowerModel": "model",
    "fit_power_model": "model",
    "minimum_history_hours": "model",
}

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


def __getattr__(name: str) -> Any:
    """Import the submodule that defines `name` when it is first asked for."""
    if (module := _MODULE_OF.get(name)) is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
