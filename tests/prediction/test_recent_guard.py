"""The recent-error guard: the best rule takes over a group where it did clearly better lately."""

from dataclasses import replace

import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import PowerModel, fit_power_model
from custom_components.py_iot_home.prediction.recent_guard import GUARD_HOURS, RecentErrors
from custom_components.py_iot_home.prediction.rules import LOOKBACK_HOURS
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
