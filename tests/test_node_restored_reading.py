"""What a node's sensor takes back from Home Assistant's restore state file, and for how long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from homeassistant.helpers.restore_state import RestoredExtraData

from custom_components.py_iot_home.restored_reading import (
    ReadingStoredData,
    ShownReading,
    restored_reading,
)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
GRACE_S = 90.0
CELSIUS = ShownReading("°C", -100.0, 150.0)


def _stored(**data: Any) -> RestoredExtraData:
    return RestoredExtraData({"native_value": 21.5, "native_unit_of_measurement": "°C", **data})


def test_a_reading_round_trips_and_stays_for_what_is_left_of_its_grace() -> None:
    saved = ReadingStoredData(21.5, "°C", NOW - timedelta(seconds=30))
    restored = restored_reading(RestoredExtraData(saved.as_dict()), GRACE_S, NOW, CELSIUS)
    assert restored is not None
    assert (restored.value, restored.sampled_at, restored.fresh_s) == (21.5, saved.sampled_at, 60.0)


@pytest.mark.parametrize(
    "data",
    [
        {"sampled_at": (NOW - timedelta(seconds=GRACE_S)).isoformat()},  # its grace is over
        {"sampled_at": None},  # stored before the time was kept
        {},
        {"sampled_at": "yesterday"},
        {"sampled_at": "2026-12-07T11:59:30"},  # no zone: no moment
        {"sampled_at": NOW.isoformat(), "native_value": None},  # unavailable at the stop
        {"sampled_at": NOW.isoformat(), "native_value": "21.5"},
        {"sampled_at": NOW.isoformat(), "native_value": True},
        {"sampled_at": NOW.isoformat(), "native_value": float("nan")},
        # A hand-edited or foreign file: nothing the sensor could have shown.
        {"sampled_at": NOW.isoformat(), "native_value": 1e300},
        {"sampled_at": NOW.isoformat(), "native_value": -300.0},
        {"sampled_at": NOW.isoformat(), "native_unit_of_measurement": "°F"},
        {"sampled_at": "9999-12-31T23:59:59+00:00"},  # its grace overflowed the year
        {"sampled_at": (NOW + timedelta(seconds=61)).isoformat()},
    ],
)
def test_no_reading_is_taken_back_from_what_is_not_a_current_one(data: dict[str, Any]) -> None:
    assert restored_reading(_stored(**data), GRACE_S, NOW, CELSIUS) is None


def test_a_reading_stamped_a_little_ahead_stays_no_longer_than_one_read_now() -> None:
    """As a node's live sample may be a minute ahead; later is no time that has been."""
    restored = restored_reading(
        _stored(sampled_at=(NOW + timedelta(seconds=60)).isoformat()), GRACE_S, NOW, CELSIUS
    )
    assert restored is not None
    assert restored.fresh_s == GRACE_S


def test_nothing_stored_is_nothing_restored() -> None:
    assert restored_reading(None, GRACE_S, NOW, CELSIUS) is None


@pytest.mark.parametrize(
    ("stored_grace", "fresh_s"),
    [
        (30.0, 10.0),  # the grace before the stop was shorter: it holds
        (1e300, 70.0),  # longer than the grace now: the grace now holds
        (-5.0, 70.0),  # no grace: as a file from before the grace was kept
        ("30", 70.0),
        (None, 70.0),
    ],
)
def test_a_reading_stays_no_longer_than_its_grace_before_the_stop(
    stored_grace: object, fresh_s: float
) -> None:
    sampled_at = (NOW - timedelta(seconds=20)).isoformat()
    restored = restored_reading(
        _stored(sampled_at=sampled_at, grace_s=stored_grace), GRACE_S, NOW, CELSIUS
    )
    assert restored is not None
    assert restored.fresh_s == fresh_s
