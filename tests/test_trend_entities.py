"""Trend sensors and rising binary sensors, added through a real entity platform."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockEntityPlatform

from custom_components.py_iot_home.analysis.trend import TrendResult
from custom_components.py_iot_home.analysis.trend_estimate import TrendEstimate
from custom_components.py_iot_home.const import CONF_KIND, DOMAIN, EntryKind
from custom_components.py_iot_home.entity import DeviceIdentity
from custom_components.py_iot_home.feature_entry import FeatureEntry
from custom_components.py_iot_home.trends.coordinator import (
    TrendCoordinator,
)
from custom_components.py_iot_home.trends.entities import trend_binary_sensors, trend_sensors
from custom_components.py_iot_home.trends.snapshot import (
    TrendSource,
)

DAY = 86400.0
TRANSLATIONS = Path(__file__).parents[1] / "custom_components/py_iot_home/translations/en.json"
NOW = datetime(2025, 10, 24, 12, 0, tzinfo=dt_util.UTC)
PREFIX = "board0001"
TEMPERATURE = TrendSource(
    key="temperature", quantity="temperature", unit="°C", source_unique_id="board0001_temperature"
)
HUMIDITY = TrendSource(
    key="humidity", quantity="humidity", unit="%", source_unique_id="board0001_humidity"
)
DEVICE = DeviceIdentity.of(PREFIX, DeviceInfo(name="Living room"))
NODE_DEVICE = DeviceIdentity.of("node01", DeviceInfo(name="Kitchen Pi"))


@pytest.fixture
def entry(hass: HomeAssistant) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Living room",
        unique_id=PREFIX,
        data={CONF_KIND: EntryKind.NODE},
        options={},
    )
    entry.add_to_hass(hass)
    return entry


async def _add(
    hass: HomeAssistant, entry: MockConfigEntry, domain: str, entities: Sequence[Entity]
) -> None:
    platform = MockEntityPlatform(hass, domain=domain, platform_name=DOMAIN)
    platform.config_entry = entry
    await platform.async_add_entities(entities)
    await hass.async_block_till_done()


def _state(hass: HomeAssistant, domain: str, unique_id: str) -> State:
    entity_id = er.async_get(hass).async_get_entity_id(domain, DOMAIN, unique_id)
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state


def _ramp(
    days: float, slope_per_day: float, base: float, end_s: float
) -> tuple[np.ndarray, np.ndarray]:
    times = np.arange(end_s - days * DAY, end_s, 900.0)
    return times, base + slope_per_day * (times - times[0]) / DAY


def _rounded(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 3)


def _expected_attributes(
    result: TrendResult, estimate: TrendEstimate, ready_at: datetime
) -> dict[str, Any]:
    return {
        "standard_error": round(estimate.standard_error, 3),
        "method": estimate.method,
        "ready_at": dt_util.as_local(ready_at).isoformat(),
        "span_hours": round(result.covered_s / 3600, 1),
        "daily_means": [
            {"date": day.date.isoformat(), "mean": _rounded(day.mean), "samples": day.count}
            for day in result.daily_means
        ],
        "minimum": round(result.minimum, 3),
        "maximum": round(result.maximum, 3),
        "mean": round(result.mean, 3),
        "std": round(result.std, 3),
        "samples": result.count,
        "intercept": round(result.intercept, 3),
        "backend": result.backend,
    }


async def test_trend_entities_follow_the_coordinator(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    now_s = NOW.timestamp()
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE, HUMIDITY])
    rng = np.random.default_rng(5)
    times, values = _ramp(3, 0.8, 20.0, now_s)
    # A gap over 2025-10-22 (local time of the harness: US/Pacific) leaves a day without a mean.
    keep = (times < now_s - 2.4 * DAY) | (times >= now_s - 0.5 * DAY)
    coordinator.add_samples(
        "temperature", times[keep], values[keep] + rng.normal(0, 0.2, keep.sum())
    )
    coordinator.add_sample("humidity", now_s - 60.0, 45.0)
    await coordinator.async_refresh()

    await _add(hass, entry, "sensor", trend_sensors(coordinator, DEVICE))
    await _add(hass, entry, "binary_sensor", trend_binary_sensors(coordinator, DEVICE))

    result = coordinator.data.results["temperature"]
    estimate = coordinator.data.estimates["temperature"]
    temperature = _state(hass, "sensor", "board0001_temperature_trend")
    assert float(temperature.state) == round(estimate.slope_per_day, 2)
    assert 0.6 < estimate.slope_per_day < 1.0
    assert temperature.attributes["unit_of_measurement"] == "°C/d"
    assert temperature.attributes["state_class"] == "measurement"
    # Shown from this first analysis on: its *ready* time is now, in every ready_at too.
    expected = _expected_attributes(result, estimate, NOW)
    attributes = {key: temperature.attributes[key] for key in expected}
    assert attributes == expected
    assert attributes["daily_means"][1] == {"date": "2025-10-22", "mean": None, "samples": 0}
    rising = _state(hass, "binary_sensor", "board0001_temperature_rising")
    assert rising.state == STATE_ON
    assert rising.attributes["direction"] == "rising"
    assert rising.attributes["threshold"] == 0.2
    # One humidity sample is no trend yet: unknown, saying why and from when it may be (the
    # end of its first day: the daily cycle to come is not known before).
    humidity = _state(hass, "sensor", "board0001_humidity_trend")
    assert humidity.state == STATE_UNKNOWN
    assert humidity.attributes["unknown_reason"] == "span_too_short"
    assert humidity.attributes["ready_at"] == (
        dt_util.as_local(NOW + timedelta(days=1, seconds=-60)).isoformat()
    )
    humidity_rising = _state(hass, "binary_sensor", "board0001_humidity_rising")
    assert humidity_rising.state == STATE_UNKNOWN
    assert humidity_rising.attributes["threshold"] == 1.0  # % a day: its own unit's threshold
    # The rising sensor says why it does not know, in the trend's words.
    assert humidity_rising.attributes["unknown_reason"] == "span_too_short"
    # Beside a trend shown, no reason: a null read "Why no trend yet: Unknown" in its details.
    assert "unknown_reason" not in rising.attributes
    assert "unknown_reason" not in temperature.attributes
    # Each trend's status, on the device page: shown, or why not and from when.
    assert _state(hass, "sensor", "board0001_temperature_trend_status").state == "shown"
    humidity_status = _state(hass, "sensor", "board0001_humidity_trend_status")
    assert humidity_status.state == "span_too_short"
    assert humidity_status.attributes["ready_at"] == humidity.attributes["ready_at"]
    # And the time itself, which the device page shows as "in 4 hours".
    expected = _state(hass, "sensor", "board0001_humidity_trend_expected")
    assert expected.attributes["device_class"] == "timestamp"
    assert dt_util.parse_datetime(expected.state) == dt_util.parse_datetime(
        humidity.attributes["ready_at"]
    )
    # Shown: the *ready* sensor says since when ("Unknown" beside "Shown" read as a fault).
    temperature_ready = _state(hass, "sensor", "board0001_temperature_trend_expected")
    assert dt_util.parse_datetime(temperature_ready.state) == NOW
    temperature_status = _state(hass, "sensor", "board0001_temperature_trend_status")
    assert temperature_status.attributes["ready_at"] == temperature.attributes["ready_at"]

    freezer.move_to(NOW + timedelta(days=3))
    later_s = now_s + 3 * DAY
    coordinator.add_samples("temperature", *_ramp(3, -2.5, 22.0, later_s))
    coordinator.add_samples("humidity", *_ramp(3, -0.1, 45.0, later_s))
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    # Falling, but the rising sensor follows only once that held for an hour.
    assert _state(hass, "binary_sensor", "board0001_temperature_rising").state == STATE_ON
    freezer.tick(timedelta(hours=1))
    await coordinator.async_refresh()
    await hass.async_block_till_done()

    assert float(_state(hass, "sensor", "board0001_temperature_trend").state) < -0.2
    falling = _state(hass, "binary_sensor", "board0001_temperature_rising")
    assert falling.state == STATE_OFF
    assert falling.attributes["direction"] == "falling"
    humidity = _state(hass, "sensor", "board0001_humidity_trend")
    assert float(humidity.state) == round(coordinator.data.estimates["humidity"].slope_per_day, 2)
    assert humidity.attributes["unit_of_measurement"] == "%/d"
    steady = _state(hass, "binary_sensor", "board0001_humidity_rising")
    assert steady.state == STATE_OFF
    assert steady.attributes["direction"] == "steady"
    assert _state(hass, "sensor", "board0001_humidity_trend_status").state == "shown"
    # The temperature trend stayed shown: its time stands; humidity's is when it came.
    ready = _state(hass, "sensor", "board0001_temperature_trend_expected")
    assert dt_util.parse_datetime(ready.state) == NOW
    humidity_ready = _state(hass, "sensor", "board0001_humidity_trend_expected")
    assert dt_util.parse_datetime(humidity_ready.state) == NOW + timedelta(days=3)
    assert dt_util.parse_datetime(humidity.attributes["ready_at"]) == NOW + timedelta(days=3)
    await coordinator.async_shutdown()


async def test_the_ready_sensor_and_the_ready_at_it_stands_for_are_one_second(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A first reading at 11:59:00.7 promises a trend at 11:59:00.7 the next day. The
    attributes said 11:59:01 (the nearest second), the *ready* sensor 11:59:00 (a timestamp
    sensor's state drops the fraction): both say 11:59:01 now."""
    freezer.move_to(NOW)
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [HUMIDITY])
    coordinator.add_sample("humidity", NOW.timestamp() - 59.3, 45.0)
    await coordinator.async_refresh()
    await _add(hass, entry, "sensor", trend_sensors(coordinator, DEVICE))

    promised = NOW + timedelta(days=1, seconds=-59)
    ready = _state(hass, "sensor", "board0001_humidity_trend_expected")
    status = _state(hass, "sensor", "board0001_humidity_trend_status")
    trend = _state(hass, "sensor", "board0001_humidity_trend")
    assert dt_util.parse_datetime(ready.state) == promised
    assert dt_util.parse_datetime(status.attributes["ready_at"]) == promised
    assert trend.attributes["ready_at"] == status.attributes["ready_at"]
    await coordinator.async_shutdown()


async def test_entities_are_named_and_grouped_by_quantity_and_sensor(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    dht1 = TrendSource(
        key="dht1_temperature",
        quantity="temperature",
        unit="°C",
        source_unique_id="node01_dht1_temperature",
        sensor_name="Attic",
    )
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [HUMIDITY, dht1])
    await coordinator.async_refresh()
    sensors = trend_sensors(coordinator, NODE_DEVICE)
    binary_sensors = trend_binary_sensors(coordinator, NODE_DEVICE)
    await _add(hass, entry, "sensor", sensors)
    await _add(hass, entry, "binary_sensor", binary_sensors)

    registry = er.async_get(hass)
    expected = {
        ("sensor", "node01_humidity_trend"): "humidity_trend",
        ("sensor", "node01_dht1_temperature_trend"): "sensor_temperature_trend",
        ("binary_sensor", "node01_humidity_rising"): "humidity_rising",
        ("binary_sensor", "node01_dht1_temperature_rising"): "sensor_temperature_rising",
    }
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, "node01"), entry.entry_id)
    assert device is not None
    for (domain, unique_id), translation_key in expected.items():
        entity_id = registry.async_get_entity_id(domain, DOMAIN, unique_id)
        assert entity_id is not None
        registered = registry.async_get(entity_id)
        assert registered is not None
        assert registered.translation_key == translation_key
        assert registered.device_id == device.id
        assert registered.entity_category is None
    for unique_id, translation_key in (
        ("node01_humidity_trend_status", "humidity_trend_status"),
        ("node01_dht1_temperature_trend_status", "sensor_temperature_trend_status"),
        ("node01_humidity_trend_expected", "humidity_trend_expected"),
        ("node01_dht1_temperature_trend_expected", "sensor_temperature_trend_expected"),
    ):
        entity_id = registry.async_get_entity_id("sensor", DOMAIN, unique_id)
        assert entity_id is not None
        registered = registry.async_get(entity_id)
        assert registered is not None
        assert registered.translation_key == translation_key
        assert registered.device_id == device.id
        assert registered.entity_category is EntityCategory.DIAGNOSTIC
    placeholders: list[Entity] = [*sensors, *binary_sensors]
    assert [entity.translation_placeholders for entity in placeholders] == [
        {},
        {},
        {},
        {"sensor": "Attic"},
        {"sensor": "Attic"},
        {"sensor": "Attic"},
        {},
        {"sensor": "Attic"},
    ]
    await coordinator.async_shutdown()


def _written(hass: HomeAssistant, domain: str, unique_id: str) -> tuple[datetime, datetime]:
    """When the entity's state was last written (reported) and last changed anything."""
    state = _state(hass, domain, unique_id)
    return state.last_reported, state.last_updated


async def test_only_entities_whose_view_changed_write_their_state(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    now_s = NOW.timestamp()
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE, HUMIDITY])
    coordinator.add_samples("temperature", *_ramp(3, 0.8, 20.0, now_s))
    coordinator.add_samples("humidity", *_ramp(3, -1.0, 50.0, now_s))
    await coordinator.async_refresh()
    await _add(hass, entry, "sensor", trend_sensors(coordinator, DEVICE))
    await _add(hass, entry, "binary_sensor", trend_binary_sensors(coordinator, DEVICE))
    entities = [
        ("sensor", "board0001_temperature_trend"),
        ("binary_sensor", "board0001_temperature_rising"),
        ("sensor", "board0001_humidity_trend"),
        ("binary_sensor", "board0001_humidity_rising"),
    ]
    first = {entity: _written(hass, *entity) for entity in entities}

    # Nothing new: the refresh writes no state, not even an identical one.
    freezer.tick(timedelta(minutes=1))
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert {entity: _written(hass, *entity) for entity in entities} == first

    # A new temperature sample changes that sensor's statistics but not its direction.
    freezer.tick(timedelta(minutes=1))
    coordinator.add_sample("temperature", now_s + 60.0, 20.0 + 0.8 * 3)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    later = {entity: _written(hass, *entity) for entity in entities}
    assert later[entities[0]] == (dt_util.utcnow(), dt_util.utcnow())
    assert {entity: later[entity] for entity in entities[1:]} == {
        entity: first[entity] for entity in entities[1:]
    }
    temperature = _state(hass, *entities[0])
    result = coordinator.data.results["temperature"]
    assert temperature.attributes["samples"] == result.count == 3 * 96 + 1
    assert float(temperature.state) == round(
        coordinator.data.estimates["temperature"].slope_per_day, 2
    )
    await coordinator.async_shutdown()


async def test_failed_refresh_makes_entities_unavailable_until_the_next_success(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Availability changes are written even when the analysis itself did not change."""
    freezer.move_to(NOW)
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE])
    coordinator.add_samples("temperature", *_ramp(3, 0.8, 20.0, NOW.timestamp()))
    await coordinator.async_refresh()
    await _add(hass, entry, "sensor", trend_sensors(coordinator, DEVICE))
    await _add(hass, entry, "binary_sensor", trend_binary_sensors(coordinator, DEVICE))
    shown = _state(hass, "sensor", "board0001_temperature_trend")

    coordinator.async_set_update_error(RuntimeError("disk on fire"))
    assert _state(hass, "sensor", "board0001_temperature_trend").state == STATE_UNAVAILABLE
    assert _state(hass, "binary_sensor", "board0001_temperature_rising").state == (
        STATE_UNAVAILABLE
    )

    coordinator.async_set_updated_data(coordinator.data)
    recovered = _state(hass, "sensor", "board0001_temperature_trend")
    assert (recovered.state, recovered.attributes) == (shown.state, shown.attributes)
    assert _state(hass, "binary_sensor", "board0001_temperature_rising").state == STATE_ON
    await coordinator.async_shutdown()


async def test_a_flat_trend_reads_zero_never_minus_zero(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE])
    coordinator.add_samples("temperature", *_ramp(3, -0.003, 21.0, NOW.timestamp()))
    await coordinator.async_refresh()
    await _add(hass, entry, "sensor", trend_sensors(coordinator, DEVICE))

    assert coordinator.data.estimates["temperature"].slope_per_day < 0
    state = _state(hass, "sensor", "board0001_temperature_trend")
    assert state.state == "0.0"
    registry = er.async_get(hass).async_get(state.entity_id)
    assert registry is not None
    assert registry.options["sensor"]["suggested_display_precision"] == 2
    await coordinator.async_shutdown()


async def test_each_quantity_shows_its_slope_to_a_tenth_of_its_threshold(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A meter's trend reads in whole W/d and humidity's in tenths: not 12.34 W/d."""
    freezer.move_to(NOW)
    power = TrendSource(key="power", quantity="power", unit="W", source_unique_id="board0001_power")
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [HUMIDITY, power])
    coordinator.add_samples("humidity", *_ramp(3, 1.234, 50.0, NOW.timestamp()))
    coordinator.add_samples("power", *_ramp(3, 31.37, 400.0, NOW.timestamp()))
    await coordinator.async_refresh()
    await _add(hass, entry, "sensor", trend_sensors(coordinator, DEVICE))

    registry = er.async_get(hass)
    for unique_id, shown, digits in (
        ("board0001_humidity_trend", "1.2", 1),
        ("board0001_power_trend", "31.0", 0),
    ):
        state = _state(hass, "sensor", unique_id)
        assert state.state == shown
        entity = registry.async_get(state.entity_id)
        assert entity is not None
        assert entity.options["sensor"]["suggested_display_precision"] == digits
    await coordinator.async_shutdown()


# What a tile card or a device page's row shows of a name beside a state like "Collecting
# readings": about its first thirteen characters.
SHOWN_CHARACTERS = 13


def test_a_trends_status_and_expected_time_are_told_apart_where_names_are_cut() -> None:
    """The status and the time a trend is expected are named apart within what a card shows.

    "Temperature trend status" and "Temperature trend expected" were cut alike, to
    "Temperature tr…", on the device page and on cards. Then "Temperature ETA: Tomorrow"
    read as a temperature due tomorrow: no abbreviation a user must know.
    """
    sensors = json.loads(TRANSLATIONS.read_text())["entity"]["sensor"]
    for quantity in ("temperature", "humidity", "power"):
        for prefix, sensor in (("", ""), ("sensor_", "Attic ")):
            trend, status, expected = (
                sensors[f"{prefix}{quantity}_trend{end}"]["name"].replace("{sensor} ", sensor)
                for end in ("", "_status", "_expected")
            )
            shown = len(sensor) + SHOWN_CHARACTERS
            assert len({trend[:shown], status[:shown], expected[:shown]}) == 3, (trend, expected)
            assert max(len(status), len(expected)) <= shown + 5, (status, expected)
            assert "ETA" not in expected.split(), expected


async def test_a_trends_direction_reads_as_its_rising_sensors_does(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The trend sensor's Direction read "steady" (its key) on the device page's details,
    where the rising sensor's read "Steady": the trend sensors had no words for it."""
    freezer.move_to(NOW)
    coordinator = TrendCoordinator(hass, FeatureEntry(entry), [TEMPERATURE, HUMIDITY])
    coordinator.add_samples("temperature", *_ramp(3, 0.8, 20.0, NOW.timestamp()))
    coordinator.add_samples("humidity", *_ramp(3, 0.0, 45.0, NOW.timestamp()))
    await coordinator.async_refresh()
    await _add(hass, entry, "sensor", trend_sensors(coordinator, DEVICE))
    await _add(hass, entry, "binary_sensor", trend_binary_sensors(coordinator, DEVICE))
    words = json.loads(TRANSLATIONS.read_text())["entity"]
    registry = er.async_get(hass)

    def direction(domain: str, unique_id: str) -> str:
        state = _state(hass, domain, unique_id)
        entity = registry.async_get(state.entity_id)
        assert entity is not None
        assert entity.translation_key is not None
        attribute = words[domain][entity.translation_key]["state_attributes"]["direction"]
        return f"{attribute['name']}: {attribute['state'][state.attributes['direction']]}"

    for key, said in (("temperature", "Direction: Rising"), ("humidity", "Direction: Steady")):
        assert direction("sensor", f"{PREFIX}_{key}_trend") == said
        assert direction("binary_sensor", f"{PREFIX}_{key}_rising") == said
    # Every trend sensor has the words: a node's custom sensors' and a meter's power too.
    for key, sensor in words["sensor"].items():
        if key.endswith("_trend"):
            assert set(sensor["state_attributes"]["direction"]["state"]) == {
                "rising",
                "falling",
                "steady",
            }, key
            # Its Backend read "native" (a key) beside them; it says which computed the slope.
            assert set(sensor["state_attributes"]["backend"]["state"]) == {"native", "numpy"}
    backend = _state(hass, "sensor", f"{PREFIX}_temperature_trend").attributes["backend"]
    said = words["sensor"]["temperature_trend"]["state_attributes"]["backend"]["state"][backend]
    assert said in ("C++ processor", "numpy (Python)")
    await coordinator.async_shutdown()
