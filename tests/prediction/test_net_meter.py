"""Telling a net meter from a consumption meter by its hours below zero."""

import numpy as np
import pytest

from custom_components.py_iot_home.prediction.net_meter import export_hours

HOURS = 100


def _power(exporting: int, *, at: float = -60.0, missing: int = 0) -> np.ndarray:
    """`HOURS` hours of 300 W: the first `missing` not recorded, the next `exporting` at `at`."""
    power = np.full(HOURS, 300.0)
    power[:missing] = np.nan
    power[missing : missing + exporting] = at
    return power


@pytest.mark.parametrize(
    ("power", "exporting", "recorded", "net_meter"),
    [
        # A clamp's offset: every hour a few watts below zero is noise, not export.
        (np.full(HOURS, -5.0), 0, HOURS, False),
        # 5 % of the hours is not more than 5 %.
        (_power(5), 5, HOURS, False),
        (_power(6), 6, HOURS, True),
        # -50 W itself is the margin, not past it.
        (_power(20, at=-50.0), 0, HOURS, False),
        # Missing hours are not recorded hours: 2 and 3 of 50 recorded.
        (_power(2, at=-900.0, missing=50), 2, 50, False),
        (_power(3, at=-900.0, missing=50), 3, 50, True),
        (np.full(HOURS, np.nan), 0, 0, False),
    ],
)
def test_export_hours(power: np.ndarray, exporting: int, recorded: int, net_meter: bool) -> None:
    counted = export_hours(power)
    assert (counted.exporting, counted.recorded, counted.net_meter) == (
        exporting,
        recorded,
        net_meter,
    )


def test_the_share_as_shown() -> None:
    assert export_hours(_power(42, at=-1800.0)).percent == "42"
    assert export_hours(np.full(HOURS, np.nan)).percent == "0"
