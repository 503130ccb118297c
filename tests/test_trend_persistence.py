"""The trend's samples survive a reload and a restart: the same trend before and after."""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.py_iot_home.analysis.ring_buffer import DEFAULT_MIN_INTERVAL_S
from custom_components.py_iot_home.analysis.sample_codec import (
    decode_samples,
    encode_samples,
)
from custom_components.py_iot_home.analysis.sample_days import joined_days
from custom_components.py_iot_home.analysis.trend import analyze_trend
from custom_components.py_iot_home.analysis.trend_direction import classify
from custom_components.py_iot_home.analysis.trend_estimate import TrendSettings, estimate_trend
from custom_components.py_iot_home.trends.coordinator import TrendCoordinator
from custom_components.py_iot_home.trends.persistence import (
    SAVE_INTERVAL,
    STORAGE_VERSION,
    day_storage_key,
    storage_key,
)

from .fakes import FakeHardware
from .home_entry import BOARD_SUBENTRY_ID, feature

DAY = 86400.0
# Noon in the harness's zone (US/Pacific), far from a midnight: a new local day between two
# analyses gives the trend a third day, and another method.
NOON = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)


def _two_days_of_a_room(end_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Minute samples: +0.8 degC/d, a daily cycle, DHT22 tenths and noise."""
    times = np.arange(end_s - 2.5 * DAY, end_s, 60.0)
    rng = np.random.default_rng(21)
    days = (times - times[0]) / DAY
    values = 20.0 + 0.8 * days + 1.5 * np.sin(2 * np.pi * days) + rng.normal(0, 0.1, times.size)
    return times, np.round(values, 1)


def _stored_window(hass_storage: dict[str, Any], entry_id: str) -> dict[str, Any]:
    """The samples as stored: each listed day's file, then today's, as a restart reads them."""
    index = hass_storage[storage_key(entry_id)]
    assert index["version"] == STORAGE_VERSION
    parts = [hass_storage[day_storage_key(entry_id, day)]["data"] for day in index["data"]["days"]]
    decoded = [decode_samples(part) for part in [*parts, index["data"]["today"]]]
    assert all(rejected == [] for _samples, rejected in decoded)
    return joined_days(samples for samples, _rejected in decoded)


def _day_files(hass_storage: dict[str, Any], entry_id: str) -> dict[str, Any]:
    """The entry's day files as stored, by key (the stored objects themselves)."""
    prefix = f"{storage_key(entry_id)}."
    return {key: value for key, value in hass_storage.items() if key.startswith(prefix)}


def _coordinator(entry: MockConfigEntry) -> TrendCoordinator:
    coordinator: TrendCoordinator = feature(entry).trend
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


@pytest.mark.freeze_time(NOON)
async def test_reloading_the_entry_keeps_every_sample_and_the_trend(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """The clock is frozen before the board's first reading (``freezer`` before the set-up).

    Frozen after it, on the real clock, the reading and "now" fell in two 10-s slots in
    some runs (more often on a loaded machine), and the count came out one sample high.
    Frozen at the real time, a run in the last 10 s before the harness's local midnight
    compared a trend of two local days with one of three (another method).
    """
    times, values = _two_days_of_a_room(dt_util.utcnow().timestamp())
    _coordinator(init_integration).add_samples("temperature", times, values)
    slope, error, count = await _published(_coordinator(init_integration))

    # A slot later: the trend keeps one sample per DEFAULT_MIN_INTERVAL_S, the latest.
    freezer.tick(timedelta(seconds=DEFAULT_MIN_INTERVAL_S))
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert storage_key(BOARD_SUBENTRY_ID) in hass_storage
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
    # A timed save is under way (its encoding in the executor) when the stop comes: Home
    # Assistant does not wait for it, only for final-write listeners.
    freezer.tick(SAVE_INTERVAL)
    async_fire_time_changed(hass)

    await hass.async_stop()
    # What the store held at the end (the board read once more as the clock moved on).
    expected = coordinator.store.snapshot()
    assert expected["temperature"][0].size > times.size

    samples = _stored_window(hass_storage, BOARD_SUBENTRY_ID)
    # Two and a half days of samples: two or three completed UTC days, each in its file.
    assert len(_day_files(hass_storage, BOARD_SUBENTRY_ID)) in (2, 3)
    for key in ("temperature", "humidity"):
        np.testing.assert_array_equal(samples[key][0], expected[key][0])
        np.testing.assert_array_equal(samples[key][1], expected[key][1])


async def test_starting_on_stored_samples_shows_the_same_trend_at_once(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Home Assistant starts with the samples an earlier run stored: no rebuilding.

    They are in one file, as releases before 2026-12-04 stored them; the next save cuts
    them into day files. The trend they give is computed at the start's moment: computed
    two minutes before, a local midnight in between gave a third day and another method.
    """
    now_s = dt_util.utcnow().timestamp()
    times, values = _two_days_of_a_room(now_s - 120.0)
    before = estimate_trend(
        analyze_trend(times, values, tz=hass.config.time_zone, now_s=now_s),
        TrendSettings(min_span_s=4 * 3600.0, max_standard_error=0.5),
        now_s=now_s,
        was_published=False,
    )
    assert before.published
    key = storage_key(BOARD_SUBENTRY_ID)
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

    await _coordinator(mock_config_entry).storage.async_save()
    assert _day_files(hass_storage, BOARD_SUBENTRY_ID)
    restored = _stored_window(hass_storage, BOARD_SUBENTRY_ID)["temperature"]
    np.testing.assert_array_equal(restored[0][: times.size], times)


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
    hass_storage[storage_key(BOARD_SUBENTRY_ID)] = {
        "version": STORAGE_VERSION,
        "minor_version": 1,
        "key": storage_key(BOARD_SUBENTRY_ID),
        "data": data,
    }
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    temperature = _coordinator(mock_config_entry).store.view("temperature")[1].tolist()
    assert 99.0 not in temperature
    assert temperature[:2] == [20.0, 21.0]
    assert "left out damaged sensors ['humidity']" in caplog.text


async def test_a_completed_day_is_written_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Saves every half hour rewrite today's samples only; a late sample rewrites its day."""
    # Noon UTC of the next day: the two saves below must not cross midnight.
    noon = dt_util.utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    freezer.move_to(noon + timedelta(days=1))
    entry_id = BOARD_SUBENTRY_ID
    coordinator = _coordinator(init_integration)
    now_s = dt_util.utcnow().timestamp()
    times, values = _two_days_of_a_room(now_s)
    coordinator.add_samples("temperature", times, values)
    await _published(coordinator)
    await hass.async_block_till_done()
    freezer.tick(SAVE_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    days_before = _day_files(hass_storage, entry_id)
    index_before = hass_storage[storage_key(entry_id)]
    assert len(days_before) in (2, 3)

    # Half an hour of new samples, a refresh, the timed save: only the index is new.
    coordinator.add_samples("temperature", np.array([now_s + 60.0]), np.array([22.0]))
    await coordinator.async_refresh()
    freezer.tick(SAVE_INTERVAL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    days_after = _day_files(hass_storage, entry_id)
    assert days_after.keys() == days_before.keys()
    assert all(days_after[key] is days_before[key] for key in days_before)
    assert hass_storage[storage_key(entry_id)] is not index_before

    # A resent sample of yesterday: yesterday's file is written again, the others are not.
    yesterday_s = now_s - DAY
    coordinator.add_samples("temperature", np.array([yesterday_s + 0.5]), np.array([30.0]))
    await coordinator.storage.async_save()
    yesterday_key = day_storage_key(entry_id, int(yesterday_s // DAY))
    rewritten = {
        key
        for key, stored in _day_files(hass_storage, entry_id).items()
        if stored is not days_before[key]
    }
    assert rewritten == {yesterday_key}
    assert 30.0 in _stored_window(hass_storage, entry_id)["temperature"][1]


async def test_late_samples_in_every_day_rewrite_one_day_file_per_timed_save(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A stranger replaying a late sample into every day of an unsigned node's week.

    Each timed save rewrote every day file (6 of them for a week); now one, the day waiting
    longest, and the others in turn; Home Assistant's stop writes them all.
    """
    noon = dt_util.utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    freezer.move_to(noon + timedelta(days=1))
    entry_id = BOARD_SUBENTRY_ID
    coordinator = _coordinator(init_integration)
    now_s = dt_util.utcnow().timestamp()
    times = np.arange(now_s - 6.4 * DAY, now_s, 60.0)
    coordinator.add_samples("temperature", times, np.round(20.0 + np.sin(times / 5e4), 1))
    await coordinator.storage.async_save()
    assert len(_day_files(hass_storage, entry_id)) == 6

    rewritten_per_save = []
    for save in range(1, 7):
        before = _day_files(hass_storage, entry_id)
        today = int(dt_util.utcnow().timestamp() // DAY)
        late = np.array([(day + 0.5) * DAY + save for day in range(today - 6, today)])
        coordinator.add_samples("temperature", late, np.full(late.size, 30.0 + save))
        coordinator.storage.async_schedule_save()
        freezer.tick(SAVE_INTERVAL)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        after = _day_files(hass_storage, entry_id)
        rewritten_per_save.append(sum(after[key] is not before[key] for key in before))
    assert rewritten_per_save == [1] * 6
    assert caplog.text.count("than a save rewrites") == 1

    expected = coordinator.store.snapshot()
    await hass.async_stop()
    samples = _stored_window(hass_storage, entry_id)
    np.testing.assert_array_equal(samples["temperature"][0], expected["temperature"][0])
    np.testing.assert_array_equal(samples["temperature"][1], expected["temperature"][1])


async def test_days_that_left_the_window_and_removed_entries_leave_no_files(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    entry_id = BOARD_SUBENTRY_ID
    coordinator = _coordinator(init_integration)
    times, values = _two_days_of_a_room(dt_util.utcnow().timestamp())
    coordinator.add_samples("temperature", times, values)
    await coordinator.storage.async_save()
    first_days = set(_day_files(hass_storage, entry_id))
    assert first_days

    # Nine days on, every stored day has left the seven-day window, which a silent source
    # keeps at its last reading for a day.
    freezer.tick(timedelta(days=9))
    await coordinator.storage.async_save()
    assert first_days.isdisjoint(_day_files(hass_storage, entry_id))

    coordinator.add_samples(
        "temperature", np.array([dt_util.utcnow().timestamp() - DAY]), np.array([20.0])
    )
    await coordinator.storage.async_save()
    assert _day_files(hass_storage, entry_id)
    assert hass.config_entries.async_remove_subentry(init_integration, entry_id)
    await hass.async_block_till_done()
    assert _day_files(hass_storage, entry_id) == {}
    assert storage_key(entry_id) not in hass_storage
    # A removed entry's samples are not written back at Home Assistant's final write.
    await hass.async_stop()
    assert _day_files(hass_storage, entry_id) == {}
    assert storage_key(entry_id) not in hass_storage


async def test_an_analysis_ending_after_its_entry_was_removed_saves_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """An analysis under way while the board is removed ends after its last save: it set a
    save timer that wrote the removed entry's samples back half an hour later (and, in the
    tests, a lingering timer that failed one test in a parallel run)."""
    entry_id = BOARD_SUBENTRY_ID
    coordinator = _coordinator(init_integration)
    times, values = _two_days_of_a_room(dt_util.utcnow().timestamp())
    coordinator.add_samples("temperature", times, values)
    await coordinator.async_refresh()
    assert hass.config_entries.async_remove_subentry(init_integration, entry_id)
    await hass.async_block_till_done()
    assert storage_key(entry_id) not in hass_storage
    coordinator.async_set_updated_data(coordinator.data)  # the late analysis's result
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=1))
    await hass.async_block_till_done()
    assert _day_files(hass_storage, entry_id) == {}
    assert storage_key(entry_id) not in hass_storage


async def test_a_missing_or_damaged_day_file_loses_only_that_day(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The other days and today come back; the next save lists only what it holds."""
    entry_id = BOARD_SUBENTRY_ID
    now_s = dt_util.utcnow().timestamp()
    today = int(now_s // DAY)
    times = np.array([(today - 3) * DAY + 60, (today - 2) * DAY + 60, (today - 1) * DAY + 60])
    days = {
        int(t // DAY): (np.array([t]), np.array([20.0 + i], np.float32))
        for i, t in enumerate(times)
    }

    def stored(key: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"version": STORAGE_VERSION, "minor_version": 1, "key": key, "data": data}

    first, second, third = sorted(days)
    key = day_storage_key(entry_id, first)
    hass_storage[key] = stored(key, encode_samples([("temperature", days[first])]))
    key = day_storage_key(entry_id, second)
    hass_storage[key] = stored(key, {"format": 99, "sensors": {}})  # damaged
    # The third day's file is missing; a day number from outside this century is ignored.
    today_samples = encode_samples([("temperature", (np.array([now_s - 60.0]), np.array([23.0])))])
    hass_storage[storage_key(entry_id)] = stored(
        storage_key(entry_id), {"days": [first, second, third, 10**9, "x"], "today": today_samples}
    )
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    temperature = _coordinator(mock_config_entry).store.view("temperature")[1].tolist()
    assert temperature[:2] == [20.0, 23.0]
    assert f"day {third} is missing" in caplog.text
    assert "are unreadable" in caplog.text

    await _coordinator(mock_config_entry).storage.async_save()
    assert hass_storage[storage_key(entry_id)]["data"]["days"] == [first]
    assert set(_day_files(hass_storage, entry_id)) == {day_storage_key(entry_id, first)}


@pytest.mark.parametrize("stored", [["a", "list"], "text", 42], ids=["list", "str", "int"])
async def test_a_trend_file_of_another_shape_is_set_aside_not_a_failed_setup(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
    stored: object,
) -> None:
    """Valid JSON but no samples (a hand-edited file): the board retried its set-up forever."""
    key = storage_key(BOARD_SUBENTRY_ID)
    hass_storage[key] = {"version": STORAGE_VERSION, "minor_version": 1, "key": key, "data": stored}
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.living_room_temperature").state == "21.0"


def _a_room_rising_by_its_hysteresis(end_s: float) -> tuple[np.ndarray, np.ndarray]:
    """3.5 days of minute samples whose slope (about 0.29 ± 0.09 degC/d) keeps "rising" once
    taken (above the 0.2 threshold) but would not take it afresh (not two errors above)."""
    times = np.arange(end_s - 3.5 * DAY, end_s, 60.0)
    rng = np.random.default_rng(21)
    days = (times - times[0]) / DAY
    values = (
        20.0
        + 0.35 * days
        + np.sin(2 * np.pi * days)
        + 0.15 * np.sin(2 * np.pi * days / 2.7)
        + rng.normal(0, 0.3, times.size)
    )
    return times, np.round(values, 1)


@pytest.mark.parametrize(
    ("judgements", "rising"),
    [
        ({"temperature": {"published": True, "direction": "rising"}}, "on"),
        (None, "off"),
        ({"temperature": {"published": True, "direction": "upwards"}}, "off"),
        ({"temperature": {"published": "yes", "direction": "rising"}}, "off"),
    ],
)
async def test_a_direction_kept_by_its_hysteresis_survives_a_restart(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    judgements: dict[str, Any] | None,
    rising: str,
) -> None:
    """A "rising" the slope no longer earns afresh, but keeps, stays "rising" across a start;
    it turned "steady" at every start (a damaged judgement is not trusted). At a fixed time:
    where the days begin decides the daily means."""
    freezer.move_to("2025-11-05 14:00:00+00:00")
    now_s = dt_util.utcnow().timestamp()
    times, values = _a_room_rising_by_its_hysteresis(now_s - 60.0)
    result = analyze_trend(times, values, tz=hass.config.time_zone, now_s=now_s)
    estimate = estimate_trend(
        result,
        TrendSettings(min_span_s=4 * 3600.0, max_standard_error=0.5),
        now_s=now_s,
        was_published=False,
    )
    # The case: published, kept rising, not rising afresh.
    assert estimate.published
    assert classify(estimate.slope_per_day, estimate.standard_error, 0.2, "rising") == "rising"
    assert classify(estimate.slope_per_day, estimate.standard_error, 0.2, None) == "steady"
    key = storage_key(BOARD_SUBENTRY_ID)
    index: dict[str, Any] = {
        "days": [],
        "today": encode_samples([("temperature", (times, values.astype(np.float32)))]),
    }
    if judgements is not None:
        index["judgements"] = {
            name: {"candidate": None, "since_s": None, "paused": None, **item}
            for name, item in judgements.items()
        }
    hass_storage[key] = {"version": STORAGE_VERSION, "minor_version": 1, "key": key, "data": index}
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    state = hass.states.get("binary_sensor.living_room_temperature_rising")
    assert state is not None
    assert state.state == rising
    # The next save keeps what the trend judged now, for the next start.
    await _coordinator(mock_config_entry).storage.async_save()
    stored = hass_storage[key]["data"]["judgements"]["temperature"]
    assert stored["direction"] == ("rising" if rising == "on" else "steady")
    assert stored["published"] is True


@pytest.mark.parametrize(
    ("stored_shown_since", "ready"),
    [
        (-2 * DAY, -2 * DAY),
        # Stored before the time was: the trend was shown since some time unknown.
        (None, None),
        # Ahead of now (a damaged file, a clock set back) is no time it was shown at.
        (+3600.0, None),
        # Nor is one before any clock was set (1970: "56 years ago"), nor one no date has
        # (the analysis failed on it, every trend of the board unavailable).
        (-1_762_351_200.0, None),
        (-1e18, None),
    ],
)
async def test_the_time_a_trend_was_shown_survives_a_restart(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    stored_shown_since: float | None,
    ready: float | None,
) -> None:
    """A shown trend's *ready* sensor says since when, not "Unknown" beside "Shown"; a
    restart does not move that time to the restart."""
    freezer.move_to("2025-11-05 14:00:00+00:00")
    now_s = dt_util.utcnow().timestamp()
    times, values = _two_days_of_a_room(now_s - 60.0)
    key = storage_key(BOARD_SUBENTRY_ID)
    judgement: dict[str, Any] = {
        "published": True,
        "direction": "rising",
        "candidate": None,
        "since_s": None,
        "paused": None,
    }
    if stored_shown_since is not None:
        judgement["shown_since_s"] = now_s + stored_shown_since
    index = {
        "days": [],
        "today": encode_samples([("temperature", (times, values.astype(np.float32)))]),
        "judgements": {"temperature": judgement},
    }
    hass_storage[key] = {"version": STORAGE_VERSION, "minor_version": 1, "key": key, "data": index}
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get("sensor.living_room_temperature_status").state == "shown"
    state = hass.states.get("sensor.living_room_temperature_ready")
    trend = hass.states.get("sensor.living_room_temperature_trend")
    if ready is None:
        assert state.state == "unknown"
        assert "ready_at" not in trend.attributes
    else:
        expected = dt_util.utc_from_timestamp(now_s + ready)
        assert dt_util.parse_datetime(state.state) == expected
        assert dt_util.parse_datetime(trend.attributes["ready_at"]) == expected
    # Saved again as it is shown, for the next start.
    await _coordinator(mock_config_entry).storage.async_save()
    stored = hass_storage[key]["data"]["judgements"]["temperature"]
    assert stored["shown_since_s"] == (None if ready is None else now_s + ready)


async def test_a_newer_releases_trend_files_are_left_as_they_are(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fake_hardware: FakeHardware,
    hass_storage: dict[str, Any],
) -> None:
    """A downgrade: the newer release's index was left, but this release wrote its own
    samples of a day (the recorder's seed, a node's replay) over that release's day file."""
    entry_id = BOARD_SUBENTRY_ID
    yesterday = int(dt_util.utcnow().timestamp() // DAY) - 1
    newer = {
        key: {"version": STORAGE_VERSION + 1, "minor_version": 1, "key": key, "data": data}
        for key, data in (
            (storage_key(entry_id), {"days": [yesterday], "today": "a newer release's"}),
            (day_storage_key(entry_id, yesterday), {"samples": "a newer release's"}),
        )
    }
    hass_storage.update(deepcopy(newer))
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    coordinator = _coordinator(mock_config_entry)
    times = np.arange(yesterday * DAY + 60.0, dt_util.utcnow().timestamp(), 600.0)
    coordinator.add_samples("temperature", times, np.full(times.size, 20.0))
    await coordinator.storage.async_save()
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert {key: hass_storage.get(key) for key in newer} == newer
