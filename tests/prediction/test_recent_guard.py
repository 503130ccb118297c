"""The recent-error guard: the best rule takes over a group where it did clearly better lately."""

from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import PowerModel, fit_power_model
from custom_components.py_iot_home.prediction.history import HourlyGrid, to_grid
from custom_components.py_iot_home.prediction.recent_guard import (
    GUARD_HOURS,
    GUARD_RATIO,
    OFF_BAND_HOURS,
    Forecaster,
    RecentErrors,
    recent_errors,
)
from custom_components.py_iot_home.prediction.rules import LOOKBACK_HOURS, RULES
from custom_components.py_iot_home.prediction.walk_forward import MODEL

from .conftest import shop_closed_on_sundays

TRAIN_DAYS = 56
RULE = "persistence_1h"


@pytest.fixture(scope="module")
def shop() -> pd.DataFrame:
    """A shop open on weekdays; the two days after training are a Monday and a Tuesday."""
    return shop_closed_on_sundays(days=TRAIN_DAYS + 2)


@pytest.fixture(scope="module")
def published_model(shop: pd.DataFrame) -> PowerModel:
    """Fitted on the first 56 days, publishing the model in both groups against `RULE`."""
    fitted = fit_power_model(shop.iloc[: TRAIN_DAYS * 24])
    groups = {
        name: replace(choice, method=MODEL, best_rule=RULE)
        for name, choice in fitted.groups.items()
    }
    # The rule's band, made unlike the model's so a test can tell which one is in use.
    return replace(fitted, methods=(MODEL,) * 24, groups=groups, rule_band=fitted.band * 3)


def _context(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[-LOOKBACK_HOURS:]


def _closed(shop: pd.DataFrame) -> pd.DataFrame:
    """The shop did not open on its last day (a holiday): 1.5 kW all day."""
    frame = shop.copy()
    frame.iloc[-GUARD_HOURS:, frame.columns.get_loc("power_w")] = 1500.0
    return frame


def test_a_usual_history_keeps_the_published_method(
    published_model: PowerModel, shop: pd.DataFrame
) -> None:
    result = published_model.forecast(_context(shop))
    assert result.methods == [MODEL] * 24


def test_a_holiday_hands_the_next_hour_to_the_rule_with_its_band(
    published_model: PowerModel, shop: pd.DataFrame
) -> None:
    """The day ahead keeps the model: a day-long switch on one odd day costs a whole day."""
    context = _context(_closed(shop))
    result = published_model.forecast(context)
    assert result.methods == [RULE] + [MODEL] * 23
    # The next hour as a model that had published the rule with the rule's band gives it.
    as_rule = replace(published_model, methods=(RULE,) * 24, band=published_model.rule_band)
    expected = as_rule.forecast(context, hours=1)
    assert result.power_w[0] == pytest.approx(1500.0)
    assert result.low_w[0] == pytest.approx(expected.low_w[0])
    assert result.high_w[0] == pytest.approx(expected.high_w[0])
    with_model_band = replace(published_model, rule_band=published_model.band)
    assert result.high_w[0] != pytest.approx(with_model_band.forecast(context).high_w[0])
    assert result.power_w[1:] == with_model_band.forecast(context).power_w[1:]


def test_a_one_hour_forecast_is_guarded_too(
    published_model: PowerModel, shop: pd.DataFrame
) -> None:
    result = published_model.forecast(_context(_closed(shop)), hours=1)
    assert result.methods == [RULE]


def test_a_published_rule_is_never_checked(published_model: PowerModel, shop: pd.DataFrame) -> None:
    groups = {
        name: replace(choice, method="median_by_hour")
        for name, choice in published_model.groups.items()
    }
    as_rule = replace(published_model, methods=("median_by_hour",) * 24, groups=groups)
    assert as_rule.forecast(_context(_closed(shop))).methods == ["median_by_hour"] * 24


@pytest.mark.parametrize(
    ("errors", "switches"),
    [
        (RecentErrors(10.0, 5.9, 24), True),
        (RecentErrors(10.0, 6.0, 24), False),  # better, but not clearly
        (RecentErrors(10.0, 1.0, 11), False),  # too few hours observed to say
        (RecentErrors(float("nan"), float("nan"), 0), False),
    ],
)
def test_the_rule_must_be_clearly_better_over_enough_hours(
    errors: RecentErrors, switches: bool
) -> None:
    assert errors.rule_clearly_better is switches


def test_a_shop_at_half_power_since_noon_hands_the_next_hour_to_the_rule_within_hours(
    published_model: PowerModel, shop: pd.DataFrame
) -> None:
    """Four hours beyond the band's low end: the day's average alone does not see it yet."""
    monday_16h = shop.iloc[: TRAIN_DAYS * 24 + 16].copy()
    monday_16h.iloc[-OFF_BAND_HOURS:, monday_16h.columns.get_loc("power_w")] = 3000.0
    context = _context(monday_16h)
    grid = to_grid(context)
    errors = recent_errors(
        grid,
        range(1, 2),
        partial(published_model.predict_rows, grid, methods=[MODEL] * 24),
        partial(RULES[RULE], grid),
        published_model.band,
    )
    assert errors.off_band_run
    assert errors.rule_mae_w >= GUARD_RATIO * errors.method_mae_w
    assert published_model.forecast(context).methods == [RULE] + [MODEL] * 23
    # Three hours are not yet a run.
    monday_15h = _context(monday_16h.iloc[:-1])
    assert published_model.forecast(monday_15h).methods == [MODEL] * 24


def _flat_grid(last_hours: list[float]) -> HourlyGrid:
    """Two days at 100 W ending in `last_hours`."""
    power = [100.0] * (48 - len(last_hours)) + last_hours
    index = pd.date_range("2026-04-06", periods=len(power), freq="h", tz="UTC")
    return to_grid(pd.DataFrame({"power_w": power, "temperature": 10.0}, index=index))


def _always(value: float) -> Forecaster:
    return lambda origins, horizons: np.full(len(origins), value)


# The band 10 % either side of the forecast on the log scale: 100 W spans about 91-111 W.
NARROW_BAND = np.tile([-0.1, 0.1], (24, 1))


@pytest.mark.parametrize(
    ("last_hours", "rule_w", "run"),
    [
        ([60.0] * 4, 60.0, True),
        ([140.0] * 4, 140.0, True),
        ([60.0, 60.0, 60.0, 140.0], 100.0, False),  # beyond the band, not on one side
        ([60.0, 60.0, 60.0, 98.0], 60.0, False),  # one hour inside the band
        ([60.0, 60.0, 60.0], 60.0, False),  # three hours: no run yet
        ([60.0] * 4, 10.0, False),  # the rule erred more on them
    ],
)
def test_a_run_beyond_one_side_of_the_band_where_the_rule_did_better(
    last_hours: list[float], rule_w: float, run: bool
) -> None:
    grid = _flat_grid(last_hours)
    errors = recent_errors(grid, range(1, 2), _always(100.0), _always(rule_w), NARROW_BAND)
    assert errors.off_band_run is run
    assert errors.rule_clearly_better is run


def test_a_gap_in_the_last_hours_is_no_run() -> None:
    grid = _flat_grid([60.0, 60.0, float("nan"), 60.0])
    errors = recent_errors(grid, range(1, 2), _always(100.0), _always(60.0), NARROW_BAND)
    assert not errors.off_band_run
