"""What the power forecast's entities, action and Assist show: its hours and its choices.

Rounded as every view shows them: a tenth of a watt or percent, never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from homeassistant.util import dt as dt_util

from ..prediction.learned_rule_mix import LEARNED_RULE_MIX
from ..prediction.model import PowerModel
from ..prediction.walk_forward import HORIZON_GROUPS


@dataclass(frozen=True, kw_only=True)
class ForecastPoint:
    """Mean power expected in one future hour, with its 10-90 % band."""

    start: datetime
    power_w: float
    low_w: float
    high_w: float
    method: str

    def as_dict(self) -> dict[str, Any]:
        """The point as shown in attributes and action responses (local time)."""
        return {
            "datetime": dt_util.as_local(self.start).isoformat(),
            "power_w": round(self.power_w, 1),
            "low_w": round(self.low_w, 1),
            "high_w": round(self.high_w, 1),
        }

    @classmethod
    def from_shown(cls, shown: Mapping[str, Any]) -> ForecastPoint:
        """A point read back from ``as_dict`` (a restored state's); raises if it is not one."""
        start = dt_util.parse_datetime(str(shown["datetime"]))
        if start is None or start.tzinfo is None:
            raise ValueError(f"no time with a zone: {shown['datetime']!r}")
        power_w, low_w, high_w = (float(shown[key]) for key in ("power_w", "low_w", "high_w"))
        if not all(math.isfinite(value) for value in (power_w, low_w, high_w)):
            raise ValueError("a power that is not a number")
        return cls(
            start=dt_util.as_utc(start),
            power_w=power_w,
            low_w=low_w,
            high_w=high_w,
            method=SHOWN_METHOD_UNKNOWN,
        )


# A point read back from what was shown: its hour's method was not shown, nor is it now.
SHOWN_METHOD_UNKNOWN = "unknown"


def points_shown(shown: object) -> tuple[ForecastPoint, ...]:
    """The hours of a ``forecast`` attribute as shown; none if any is unreadable (a hand edit)."""
    if not isinstance(shown, list):
        return ()
    try:
        return tuple(ForecastPoint.from_shown(point) for point in shown)
    except (KeyError, TypeError, ValueError):
        return ()


# Why a group forecasts with the method in use: it did best on the held-out weeks; or they
# could not tell the learned method from the best rule, so both are mixed; or it is the
# group's best rule, which did clearly better than that method over the last hours; or, for
# the next hour from the hour to the remake, the day ahead's row of the forecast shown.
type MethodReason = Literal[
    "held_out_best", "weeks_unsure", "rule_better_recently", "day_ahead_until_remake"
]


@dataclass(frozen=True, kw_only=True)
class MethodChoice:
    """A horizon group's published method, its held-out scores, and the one now in use."""

    method: str
    mae_w: float
    best_rule: str
    best_rule_mae_w: float
    model_mae_w: float
    skill: float
    in_use: str
    reason: MethodReason
    paired_rule: str | None = None  # averaged with best_rule where the method is their mean
    # Where the method is the learned method and the best rule, weighted: the learned one
    # and its weight (the weeks were unsure which of the two is better).
    mixed_method: str | None = None
    learned_weight: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The choice as shown in attributes and action responses."""
        return {
            "method": self.method,
            "method_in_use": self.in_use,
            "reason": self.reason,
            "mae_w": rounded_tenth(self.mae_w),
            "best_rule": self.best_rule,
            "paired_rule": self.paired_rule,
            "mixed_method": self.mixed_method,
            "learned_weight_percent": percent_tenth(self.learned_weight),
            "best_rule_mae_w": rounded_tenth(self.best_rule_mae_w),
            "model_mae_w": rounded_tenth(self.model_mae_w),
            "skill_percent": percent_tenth(self.skill),
        }


def rounded_tenth(value: float | None) -> float | None:
    """A power or score as states, attributes and responses show it: to a tenth, finite.

    More digits are noise in the recorder and the API; NaN or infinity is no state.
    """
    return round(value, 1) if value is not None and math.isfinite(value) else None


def percent_tenth(fraction: float | None) -> float | None:
    """A skill (a fraction) as every view of it shows it: in percent, to a tenth, finite."""
    return None if fraction is None else rounded_tenth(100 * fraction)


def points_ahead(forecast: Sequence[ForecastPoint], now: datetime) -> list[ForecastPoint]:
    """The forecast's hours that have not ended (the first ends a minute before a remake)."""
    return [point for point in forecast if now < point.start + timedelta(hours=1)]


# The hours ahead took yesterday's temperature at the same hour: no weather entity's forecast.
SAME_HOUR_YESTERDAY = "same_hour_yesterday"

type ForecastAbsence = Literal[
    "power_silent", "net_meter", "needs_history", "too_many_days_left_out", "not_yet"
]


@dataclass(frozen=True, kw_only=True)
class PredictionSnapshot:
    """What the predictor's entities show."""

    forecast: tuple[ForecastPoint, ...]
    mae_w: float | None
    skill: float | None
    choices: dict[str, MethodChoice]
    training_rows: int | None
    # Days neither trained nor scored on: those the user marked and, if asked, unusual ones.
    excluded_days: int | None
    trained_at: datetime | None
    hours_needed: int | None
    missing_power_hours: int
    # Hours the days left out (marked or unusual) took, when that left too few to train on.
    hours_left_out: int | None = None
    converted_series: int
    # Set while the power sensor looks like a net meter: the percent of its hours exporting.
    export_percent: str | None = None
    # The power sensor recorded nothing over the forecast's context (30 days).
    power_silent: bool = False
    # Where the forecast's hours ahead took their temperature: the weather entity (its
    # hourly forecast), or SAME_HOUR_YESTERDAY (none chosen, or no usable hour ahead).
    temperature_ahead: str | None = None
    # Starting: no new forecast yet, it waits for the weather entity to come up (a second or
    # two after ours on the demo). `forecast` is the one shown before the restart, if any.
    waiting_for_weather: bool = False

    @property
    def absence(self) -> ForecastAbsence:
        """Why there is no forecast, for the action and Assist alike (when there is none)."""
        if self.power_silent:
            return "power_silent"
        if self.export_percent:
            return "net_meter"
        if self.hours_needed and self.hours_left_out:
            return "too_many_days_left_out"
        if self.hours_needed:
            return "needs_history"
        return "not_yet"


def method_choices(
    model: PowerModel | None, forecast: tuple[ForecastPoint, ...]
) -> dict[str, MethodChoice]:
    """Per horizon group, the model's choice and the method its forecast used."""
    if model is None:
        return {}
    choices = {}
    for name, horizons in HORIZON_GROUPS:
        group = model.groups[name]
        first = horizons.start - 1
        # The forecast names the method of each hour: another than the choice is the guard's.
        in_use = forecast[first].method if len(forecast) > first else group.method
        mixed = group.method == LEARNED_RULE_MIX and bool(group.paired_learned)
        choices[name] = MethodChoice(
            method=group.method,
            mae_w=group.mae_w,
            best_rule=group.best_rule,
            best_rule_mae_w=group.best_rule_mae_w,
            model_mae_w=group.model_mae_w,
            skill=group.skill,
            in_use=in_use,
            reason=_reason(group.method, in_use),
            paired_rule=group.paired_rule or None,
            mixed_method=group.paired_learned if mixed else None,
            learned_weight=group.learned_weight if mixed else None,
        )
    return choices


def choices_at(snap: PredictionSnapshot, now: datetime) -> dict[str, MethodChoice]:
    """The choices as they apply to the hour under way at `now`.

    From the hour to the remake a minute later, the hour under way is the second row of the
    forecast made an hour before, forecast by the day ahead's method: the next hour's method
    in use is that one, not the ended row's (which Predicted power no longer shows).
    """
    hour_ahead, day_ahead = snap.choices.get("hour_ahead"), snap.choices.get("day_ahead")
    second_row_under_way = len(snap.forecast) > 1 and points_ahead(snap.forecast[:2], now) == [
        snap.forecast[1]
    ]
    if hour_ahead is None or day_ahead is None or not second_row_under_way:
        return snap.choices
    until_remake = replace(hour_ahead, in_use=day_ahead.in_use, reason="day_ahead_until_remake")
    return {**snap.choices, "hour_ahead": until_remake}


def _reason(published: str, in_use: str) -> MethodReason:
    """Why the method in use: a mix did not do best held out, the weeks were unsure."""
    if in_use != published:
        return "rule_better_recently"
    return "weeks_unsure" if published == LEARNED_RULE_MIX else "held_out_best"
