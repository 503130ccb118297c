"""A fitted model, a training or forecast request and a forecast as plain arrays (.npz).

The model crosses from the training subprocess to Home Assistant (and back to a forecast
subprocess) as coefficients, band offsets and method names: `np.load(...,
allow_pickle=False)` reads numbers and strings only, and every array is checked before it
becomes a `PowerModel` or a `ForecastValues`. Nothing here imports pandas on Home
Assistant's side: requests are written from `HourlyArrays`/`WeatherArrays`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from .arrays import HourlyArrays, WeatherArrays
from .features import FEATURE_NAMES
from .history import MAX_HORIZON_HOURS, HourlyHistory
from .linear import LinearModel
from .model import GroupChoice, PowerModel
from .residual_carry import MAX_CARRY
from .unusual_days import MAX_EXCLUDED_DAYS
from .walk_forward import HORIZON_GROUPS, METHODS

# 2: each group's best rule carries its own band (`rule_band`), for the recent-error guard.
# 3: the next hour's carry of the last hour's miss (`next_hour_carry`).
# 4: each group names the rule its best rule is averaged with (`rule_pair.py`), or "".
# 5: ...and the learned candidate mixed with it and its weight (`learned_rule_mix.py`).
# 6: the last hour's end power as a next-hour input (`features.END_FEATURE`).
FORMAT_VERSION = 6
_GROUP_FIELDS = ("mae_w", "best_rule_mae_w", "model_mae_w", "learned_weight")


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingRequest:
    """What the training subprocess needs: the history and the training options."""

    history: HourlyHistory | HourlyArrays
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


def _as_arrays(history: HourlyHistory | HourlyArrays) -> HourlyArrays:
    return history if isinstance(history, HourlyArrays) else HourlyArrays.from_history(history)


def _history_npz(history: HourlyHistory | HourlyArrays) -> dict[str, Any]:
    """A history's arrays (times as UTC nanoseconds) and its time zone's name."""
    arrays = _as_arrays(history)
    end = {} if arrays.power_end_w is None else {"power_end_w": arrays.power_end_w}
    return {
        "time_ns": arrays.time_ns,
        "power_w": arrays.power_w,
        "temperature": arrays.temperature,
        "humidity": arrays.humidity,
        "time_zone": np.array(arrays.time_zone or ""),
    } | end


def _history_from(arrays: dict[str, np.ndarray]) -> HourlyHistory:
    time_ns = arrays["time_ns"]
    names = ("power_w", "temperature", "humidity", "power_end_w")
    values = [arrays[name] for name in names if name in arrays]
    if time_ns.ndim != 1 or any(v.shape != time_ns.shape for v in values):
        raise ValueError("history arrays differ in shape")
    return HourlyArrays(
        time_ns=time_ns.astype(np.int64),
        time_zone=str(arrays["time_zone"]) or None,
        power_w=values[0].astype(np.float64),
        temperature=values[1].astype(np.float64),
        humidity=values[2].astype(np.float64),
        power_end_w=values[3].astype(np.float64) if len(values) > 3 else None,
    ).to_history()


def request_to_bytes(request: TrainingRequest) -> bytes:
    """The request as .npz bytes (times as UTC nanoseconds plus the time zone's name)."""
    options = {
        "weather_forecast": request.weather_forecast,
        "excluded_days": [day.isoformat() for day in request.excluded_days],
        "exclude_outliers": request.exclude_outliers,
    }
    return _npz(_history_npz(request.history) | {"options": np.array(json.dumps(options))})


def request_from_bytes(data: bytes) -> TrainingRequest:
    """Read a request written by `request_to_bytes` (imports pandas: the worker's side)."""
    arrays = _load(data)
    options = json.loads(str(arrays["options"]))
    return TrainingRequest(
        history=_history_from(arrays),
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
        "next_hour_carry": model.next_hour_carry,
        "odd_days": [day.isoformat() for day in model.odd_days],
    }
    return _npz(
        {
            "mean": model.linear.mean,
            "scale": model.linear.scale,
            "coef": model.linear.coef,
            "intercept": model.linear.intercept,
            "band": model.band,
            "rule_band": model.rule_band,
            "methods": np.array(model.methods),
            "group_methods": np.array(
                [[g.method, g.best_rule, g.paired_rule, g.paired_learned] for g in groups]
            ),
            "group_scores": np.array([[getattr(g, f) for f in _GROUP_FIELDS] for g in groups]),
            "meta": np.array(json.dumps(meta)),
        }
    )


def model_from_bytes(data: bytes) -> PowerModel:
    """Read and check a model written by `model_to_bytes`; ValueError if it does not fit."""
    arrays = _load(data)
    meta = json.loads(str(arrays["meta"]))
    if not isinstance(meta, dict):
        raise ValueError("model meta data is not an object")  # noqa: TRY004 - the documented error
    features = len(FEATURE_NAMES)
    if meta.get("version") != FORMAT_VERSION or tuple(meta.get("features", ())) != FEATURE_NAMES:
        raise ValueError("model was written by another version of the features")
    shapes = {
        "mean": (features,),
        "scale": (features,),
        "coef": (MAX_HORIZON_HOURS, features),
        "intercept": (MAX_HORIZON_HOURS,),
        "band": (MAX_HORIZON_HOURS, 2),
        "rule_band": (MAX_HORIZON_HOURS, 2),
        "methods": (MAX_HORIZON_HOURS,),
        "group_methods": (len(HORIZON_GROUPS), 4),
        "group_scores": (len(HORIZON_GROUPS), len(_GROUP_FIELDS)),
    }
    for name, shape in shapes.items():
        if arrays[name].shape != shape:
            raise ValueError(f"model array {name} has shape {arrays[name].shape}, not {shape}")
    numbers = ("mean", "scale", "coef", "intercept", "band", "rule_band")
    # Text raised out of isfinite, complex numbers lost their imaginary part unnoticed.
    if not all(arrays[name].dtype.kind == "f" for name in (*numbers, "group_scores")):
        raise ValueError("model arrays are not real numbers")
    if not all(np.all(np.isfinite(arrays[name])) for name in numbers):
        raise ValueError("model arrays hold non-finite numbers")
    # Training never scales by 0 or less: such a scale standardised every input wrongly.
    if not np.all(arrays["scale"] > 0.0):
        raise ValueError("model scales are not all positive")
    weights = arrays["group_scores"][:, _GROUP_FIELDS.index("learned_weight")]
    if not np.all((weights >= 0.0) & (weights <= 1.0)):
        raise ValueError("model group weights are not between 0 and 1")
    names = {str(m) for m in arrays["methods"]} | {str(m) for m in arrays["group_methods"].ravel()}
    if not names - {""} <= set(METHODS):
        raise ValueError(f"unknown methods {sorted(names - set(METHODS))}")
    groups = {
        name: GroupChoice(
            method=str(methods[0]),
            best_rule=str(methods[1]),
            paired_rule=str(methods[2]),
            paired_learned=str(methods[3]),
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
        rule_band=arrays["rule_band"].astype(np.float64),
        groups=groups,
        weather_forecast=bool(meta["weather_forecast"]),
        training_rows=_count(meta, "training_rows"),
        holdout_hours=_count(meta, "holdout_hours"),
        missing_hours=_count(meta, "missing_hours"),
        excluded_days=_count(meta, "excluded_days"),
        trained_at=_moment(meta["trained_at"]),
        next_hour_carry=_carry(meta),
        odd_days=_odd_days(meta),
    )


def _odd_days(meta: dict[str, Any]) -> tuple[date, ...]:
    """The days left out of the published rules' inputs; none in a model saved before them."""
    days = meta.get("odd_days", [])
    if not isinstance(days, list) or len(days) > MAX_EXCLUDED_DAYS:
        raise ValueError("model odd_days is not a list of days")
    return tuple(date.fromisoformat(str(day)) for day in days)


def _carry(meta: dict[str, Any]) -> float:
    """The saved carry: a share within what `fitted_carry` gives."""
    value = meta.get("next_hour_carry")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError("model next_hour_carry is not a number")  # noqa: TRY004 - documented
    if not 0.0 <= value <= MAX_CARRY:
        raise ValueError("model next_hour_carry is not a share of the last miss")
    return float(value)


def _count(meta: dict[str, Any], name: str) -> int:
    """A count of the meta data: a stored model may have been edited (int(inf) raises)."""
    value = meta[name]
    if type(value) is not int or value < 0:
        raise ValueError(f"model {name} is not a count")
    return value


def _moment(text: object) -> datetime:
    """A time with its zone: a naive one cannot be compared with Home Assistant's clock."""
    moment = datetime.fromisoformat(str(text))
    if moment.tzinfo is None:
        raise ValueError("model training time has no time zone")
    return moment


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastRequest:
    """What the forecast subprocess needs: the model, the recent history, the weather."""

    model: PowerModel
    history: HourlyHistory | HourlyArrays
    weather: WeatherArrays | None
    hours: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastValues:
    """The forecast hours (W), their 10-90 % band and each hour's method."""

    power_w: tuple[float, ...]
    low_w: tuple[float, ...]
    high_w: tuple[float, ...]
    methods: tuple[str, ...]


def forecast_request_to_bytes(request: ForecastRequest) -> bytes:
    """The request as .npz bytes; the model rides along as its own .npz bytes."""
    weather = request.weather
    empty = np.empty(0)
    return _npz(
        _history_npz(request.history)
        | {
            "model": np.frombuffer(model_to_bytes(request.model), dtype=np.uint8),
            "hours": np.array(request.hours),
            "has_weather": np.array(weather is not None),
            "weather_time_ns": weather.time_ns if weather else empty.astype(np.int64),
            "weather_temperature": weather.temperature if weather else empty,
            "weather_humidity": weather.humidity if weather else empty,
        }
    )


def forecast_request_from_bytes(data: bytes) -> ForecastRequest:
    """Read a request written by `forecast_request_to_bytes` (the worker's side)."""
    arrays = _load(data)
    weather = None
    if bool(arrays["has_weather"]):
        weather = WeatherArrays(
            time_ns=arrays["weather_time_ns"].astype(np.int64),
            temperature=arrays["weather_temperature"].astype(np.float64),
            humidity=arrays["weather_humidity"].astype(np.float64),
        )
    return ForecastRequest(
        model=model_from_bytes(arrays["model"].astype(np.uint8).tobytes()),
        history=_history_from(arrays),
        weather=weather,
        hours=int(arrays["hours"]),
    )


def forecast_to_bytes(values: ForecastValues) -> bytes:
    """A forecast as .npz bytes."""
    return _npz(
        {
            "power_w": np.array(values.power_w, dtype=np.float64),
            "low_w": np.array(values.low_w, dtype=np.float64),
            "high_w": np.array(values.high_w, dtype=np.float64),
            "methods": np.array(values.methods),
        }
    )


def forecast_from_bytes(data: bytes, hours: int) -> ForecastValues:
    """Read and check a forecast of `hours` hours; ValueError if it does not fit."""
    arrays = _load(data)
    numbers = [arrays[name] for name in ("power_w", "low_w", "high_w")]
    if any(a.shape != (hours,) for a in (*numbers, arrays["methods"])):
        raise ValueError(f"forecast arrays are not {hours} hours long")
    if not all(np.all(np.isfinite(a)) for a in numbers):
        raise ValueError("forecast holds non-finite numbers")
    methods = tuple(str(m) for m in arrays["methods"])
    if not set(methods) <= set(METHODS):
        raise ValueError(f"unknown methods {sorted(set(methods) - set(METHODS))}")
    power, low, high = (tuple(float(v) for v in a) for a in numbers)
    return ForecastValues(power_w=power, low_w=low, high_w=high, methods=methods)
