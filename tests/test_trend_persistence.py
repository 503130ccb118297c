"""The trend's samples survive a reload and a restart: the same trend before and after."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.py_iot_home.analysis.sample_codec import (
    decode_samples,
    encode_samples,
)
from custom_components.py_iot_home.analysis.trend import analyze_trend
from custom_components.py_iot_home.analysis.trend_estimate import TrendSettings, estimate_trend
from custom_components.py_iot_home.trends.coordinator import TrendCoordinator
from custom_components.py_iot_home.trends.persistence import STORAGE_VERSION, storage_key

from .fakes import FakeHardware

DAY = 86400.0


def _two_days_of_a_room(end_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Minute samples: +0.8 degC/d, a daily cycle, DHT22 tenths and noise."""
    times = np.arange(end_s - 2.5 * DAY, end_s, 60.0)
    rng = np.random.default_rng(21)
    days = (times - times[0]) / DAY
    values = 20.0 + 0.8 * days + 1.5 * np.sin(2 * np.pi * days) + rng.normal(0, 0.1, times.size)
    return times, np.round(values, 1)


def _coordinator(entry: MockConfigEntry) -> TrendCoordinator:
    coordinator: TrendCoordinator = entry.runtime_data.trend
    return coordinator


async def _published(coordinator: TrendCoordinator) -> tuple[float, float, int]:
    await coordinator.async_refresh()
    estimate = coordinator.data.estimates["temperature"]
    assert estimate.published
    return (
        estimate.slope_per_day,
        estimate.standard_error,
        coordinator.data.results["temperature"].count,
    )


async def test_reloading_the_entry_keeps_every_sample_and_the_trend(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    times, values = _two_days_of_a_room(dt_util.utcnow().timestamp())
    _coordinator(init_integration).add_samples("temperature", times, values)
    slope, error, count = await _published(_coordinator(init_integration))

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert storage_key(init_integration.entry_id) in hass_storage
    after, _, after_count = await _published(_coordinator(init_integration))
    # The board's own reading at each setup adds a sample; the rest came back exactly.
    assert after_count == count + 1
    assert abs(after - slope) < error
    assert after == pytest.approx(slope, abs=0.02)


async def test_stopping_home_assistant_writes_every_sample(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The final write on a stop holds the whole window, as the store had it."""
    times, values = _two_days_of_a_room(dt_util.utcnow().timestamp())
    coordinator = _coordinator(init_integration)
    coordinator.add_samples("temperature", times, values)
    await _published(coordinator)
    expected = coordinator.store.snapshot()

    await hass.async_stop()

    stored = hass_storage[storage_key(init_integration.entry_id)]
    assert stored["version"] == STORAGE_VERSION
    samples, rejected = decode_samples(stored["data"])
    assert rejected == []
    for key in ("temperature", "humidity"):
        np.testing.assert_array_equal(samples[key][0], expected[key][0])
        np.testing.assert_array_equal(samples[key][1], expected[key][1])


async def test_starting_on_stored_samples_shows_the_same_trend_at_once(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant starts with the samples an earlier run stored: no rebuilding."""
    now_s = dt_util.utcnow().timestamp()
    times, values = _two_days_of_a_room(now_s - 120.0)
    before = estimate_trend(
        analyze_trend(times, values, tz=hass.config.time_zone, now_s=now_s - 120.0),
        TrendSettings(min_span_s=4 * 3600.0, max_standard_error=0.5),
        now_s=now_s - 120.0,
        was_published=False,
    )
    assert before.published
    key = storage_key(mock_config_entry.entry_id)
    hass_storage[key] = {
        "version": STORAGE_VERSION,
        "minor_version": 1,
        "key": key,
        "data": encode_samples([("temperature", (times, values.astype(np.float32)))]),
    }
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    estimate = _coordinator(mock_config_entry).data.estimates["temperature"]
    assert estimate.published
    assert abs(estimate.slope_per_day - before.slope_per_day) < before.standard_error
    state = hass.states.get("sensor.living_room_temperature_trend")
    assert state is not None
    assert float(state.state) == round(estimate.slope_per_day, 2)


async def test_stored_samples_from_the_future_or_damaged_are_not_trusted(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    now_s = dt_util.utcnow().timestamp()
    times = np.array([now_s - 7200.0, now_s - 3600.0, now_s + 30 * DAY])
    data = encode_samples([("temperature", (times, np.array([20.0, 21.0, 99.0])))])
    data["sensors"]["humidity"] = {"times": "not base64!", "values": ""}
    hass_storage[storage_key(mock_config_entry.entry_id)] = {
        "version": STORAGE_VERSION,
        "minor_version": 1,
        "key": storage_key(mock_config_entry.entry_id),
        "data": data,
    }
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    temperature = _coordinator(mock_config_entry).store.view("temperature")[1].tolist()
    assert 99.0 not in temperature
    assert temperature[:2] == [20.0, 21.0]
    assert "left out damaged sensors ['humidity']" in caplog.text
