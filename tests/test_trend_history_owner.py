"""A board deleted and added again does not inherit the deleted board's history in its trend.

The recorder keeps history by entity id, and the new board's sensors get the deleted one's
ids: seeded from all of it, the new board showed the old board's trend, "ready" since days
before it existed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.const import SubentryKind

from .fakes import FakeHardware
from .home_entry import BOARD_SUBENTRY_ID, feature

TEMPERATURE = "sensor.living_room_temperature"
TREND = "sensor.living_room_temperature_trend"
STATUS = "sensor.living_room_temperature_status"
START = datetime(2026, 11, 2, 9, 0, tzinfo=dt_util.UTC)


@pytest.fixture
def mock_recorder_before_hass(async_setup_recorder_instance: Any) -> None:
    """Prepare the recorder's database before hass (conftest's autouse fixture needs hass)."""


async def _hours_of_readings(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, fake_hardware: FakeHardware, hours: int
) -> None:
    """A reading an hour, rising 2 °C a day: a trend plain enough to be shown at once."""
    for hour in range(hours):
        fake_hardware.dht.script(4, (20.0 + 2.0 * hour / 24, 45.0))
        freezer.tick(timedelta(hours=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_board_added_again_starts_its_trend_from_its_own_readings(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake_hardware: FakeHardware,
    mock_config_entry: MockConfigEntry,
    board_data: dict[str, Any],
) -> None:
    freezer.move_to(START)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await _hours_of_readings(hass, freezer, fake_hardware, 4 * 24)
    await async_wait_recording_done(hass)
    assert float(hass.states.get(TREND).state) == pytest.approx(2.0, abs=0.2)

    assert hass.config_entries.async_remove_subentry(mock_config_entry, BOARD_SUBENTRY_ID)
    await hass.async_block_till_done(wait_background_tasks=True)
    freezer.tick(timedelta(minutes=5))
    added_at = dt_util.utcnow().timestamp()
    fake_hardware.dht.script(4, (21.0, 45.0))
    again = ConfigSubentry(
        data=MappingProxyType({**board_data, "board_id": "board0002"}),
        subentry_type=SubentryKind.BOARD,
        title="Living room",
        unique_id="board0002",
    )
    hass.config_entries.async_add_subentry(mock_config_entry, again)
    await hass.async_block_till_done(wait_background_tasks=True)

    # The same entity ids, now the new board's.
    assert hass.states.get(TEMPERATURE).state == "21.0"
    assert hass.states.get(TREND).state == STATE_UNKNOWN
    assert hass.states.get(STATUS).state == "span_too_short"
    trend = feature(mock_config_entry, again.subentry_id).trend
    times, _ = trend.store.buffer("temperature").snapshot(dt_util.utcnow().timestamp())
    assert times.size > 0
    assert times.min() >= added_at
