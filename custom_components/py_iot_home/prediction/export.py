"""A fitted model and a training request as plain arrays (numpy's .npz, never a pickle).

The model crosses from the training subprocess to Home Assistant as coefficients, band
offsets and method names: `np.load(..., allow_pickle=False)` reads numbers and strings
only, and every array is checked before it becomes a `PowerModel`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from .features import FEATURE_NAMES
from .history import MAX_HORIZON_HOURS, HourlyHistory
from .linear import LinearModel
from .model import GroupChoice, PowerModel
from .walk_forward import HORIZON_GROUPS, METHODS

if TYPE_CHECKING:
    pass

FORMAT_VERSION = 1
_GROUP_FIELDS = ("mae_w", "best_rule_mae_w", "model_mae_w")


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingRequest:
    """What the training subprocess needs: the history and the training options."""

    history: HourlyHistory
    weather_forecast: bool = False
    excluded_days: Sequence[date] = ()
    exclude_outliers: bool = False


def _npz(arrays: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _load(data: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def request_to_bytes(request: TrainingRequest) -> bytes:
    """The request as .npz bytes (times as UTC nanoseconds plus the time zone's name)."""
    import pandas as pd

    index = pd.DatetimeIndex(request.history.index)
    utc = index.tz_convert("UTC") if index.tz is not None else index
    options = {
        "weather_forecast": request.weather_forecast,
        "excluded_days": [day.isoformat() for day in request.excluded_days],
        "exclude_outliers": request.exclude_outliers,
        "time_zone": str(index.tz) if index.tz is not None else None,
    }
    return _npz(
        {
            "time_ns": utc.to_numpy(dtype="datetime64[ns]").astype(np.int64),
            "power_w": request.history.power_w,
            "temperature": request.history.temperature,
            "humidity": request.history.humidity,
            "options": np.array(json.dumps(options)),
        }
    )


def request_from_bytes(data: bytes) -> TrainingRequest:
    """Read a request written by `request_to_bytes`."""
    import pandas as pd

    arrays = _load(data)
    options = json.loads(str(arrays["options"]))
    index = pd.DatetimeIndex(pd.to_datetime(arrays["time_ns"], unit="ns", utc=True))
    index = (
        index.tz_convert(options["time_zone"]) if options["time_zone"] else index.tz_localize(None)
    )
    return TrainingRequest(
        history=HourlyHistory(
            index=index,
            power_w=arrays["power_w"].astype(np.float64),
            temperature=arrays["temperature"].astype(np.float64),
            humidity=arrays["humidity"].astype(np.float64),
        ),
        weather_forecast=bool(options["weather_forecast"]),
        excluded_days=[date.fromisoformat(day) for day in options["excluded_days"]],
        exclude_outliers=bool(options["exclude_outliers"]),
    )


def model_to_bytes(model: PowerModel) -> bytes:
    """The model's arrays and choices as .npz bytes."""
    groups = [model.groups[name] for name, _ in HORIZON_GROUPS]
    meta = {
        "version": FORMAT_VERSION,
        "features": list(model.feature_names),
        "weather_forecast": model.weather_forecast,
        "training_rows": model.training_rows,
        "holdout_hours": model.holdout_hours,
        "missing_hours": model.missing_hours,
        "excluded_days": model.excluded_days,
        "trained_at": model.trained_at.isoformat(),
    }
    return _npz(
        {
            "mean": model.linear.mean,
            "scale": model.linear.scale,
            "coef": model.linear.coef,
            "intercept": model.linear.intercept,
            "band": model.band,
            "methods": np.array(model.methods),
            "group_methods": np.array([[g.method, g.best_rule] for g in groups]),
            "group_scores": np.array([[getattr(g, f) for f in _GROUP_FIELDS] for g in groups]),
            "meta": np.array(json.dumps(meta)),
        }
    )


def model_from_bytes(data: bytes) -> PowerModel:
    """Read and check a model written by `model_to_bytes`; ValueError if it does not fit."""
    arrays = _load(data)
    meta = json.loads(str(arrays["meta"]))
    features = len(FEATURE_NAMES)
    if meta.get("version") != FORMAT_VERSION or tuple(meta.get("features", ())) != FEATURE_NAMES:
        raise ValueError("model was written by another version of the features")
    shapes = {
        "mean": (features,),
        "scale": (features,),
        "coef": (MAX_HORIZON_HOURS, features),
        "intercept": (MAX_HORIZON_HOURS,),
        "band": (MAX_HORIZON_HOURS, 2),
        "methods": (MAX_HORIZON_HOURS,),
        "group_methods": (len(HORIZON_GROUPS), 2),
        "group_scores": (len(HORIZON_GROUPS), len(_GROUP_FIELDS)),
    }
    for name, shape in shapes.items():
        if arrays[name].shape != shape:
            raise ValueError(f"model array {name} has shape {arrays[name].shape}, not {shape}")
    numbers = ("mean", "scale", "coef", "intercept", "band")
    if not all(np.all(np.isfinite(arrays[name])) for name in numbers):
        raise ValueError("model arrays hold non-finite numbers")
    names = {str(m) for m in arrays["methods"]} | {str(m) for m in arrays["group_methods"].ravel()}
    if not names <= set(METHODS):
        raise ValueError(f"unknown methods {sorted(names - set(METHODS))}")
    groups = {
        name: GroupChoice(
            method=str(methods[0]),
            best_rule=str(methods[1]),
            **{f: float(v) for f, v in zip(_GROUP_FIELDS, scores, strict=True)},
        )
        for (name, _), methods, scores in zip(
            HORIZON_GROUPS, arrays["group_methods"], arrays["group_scores"], strict=True
        )
    }
    return PowerModel(
        linear=LinearModel(
            mean=arrays["mean"].astype(np.float64),
            scale=arrays["scale"].astype(np.float64),
            coef=arrays["coef"].astype(np.float64),
            intercept=arrays["intercept"].astype(np.float64),
        ),
        methods=tuple(str(m) for m in arrays["methods"]),
        band=arrays["band"].astype(np.float64),
        groups=groups,
        weather_forecast=bool(meta["weather_forecast"]),
        training_rows=int(meta["training_rows"]),
        holdout_hours=int(meta["holdout_hours"]),
        missing_hours=int(meta["missing_hours"]),
        excluded_days=int(meta["excluded_days"]),
        trained_at=datetime.fromisoformat(meta["trained_at"]),
    )
