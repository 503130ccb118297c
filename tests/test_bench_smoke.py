"""The benches that set the integration up in Home Assistant still run against it.

They drive the real integration through its public setup, so a change of layout (boards
becoming subentries, trends taking a feature entry) broke them without any test noticing.
Here each runs at a small size; its figures are not judged, only that it measured.
"""

from __future__ import annotations

import asyncio

import pytest
from homeassistant.core import HomeAssistant

from bench import assist_sentences as assist_sentences_bench
from bench import coordinator as coordinator_bench
from bench import hardware as hardware_bench
from custom_components.py_iot_home.trends import coordinator as trend_coordinator
from tests.fakes import FakeHardware


@pytest.fixture(autouse=True)
def restored_timing_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The benches time the loop and the analysis by replacing them: put both back after."""
    monkeypatch.setattr(asyncio.events.Handle, "_run", asyncio.events.Handle._run)
    monkeypatch.setattr(trend_coordinator, "analyze_snapshot", trend_coordinator.analyze_snapshot)
    monkeypatch.setattr(trend_coordinator, "in_time_zone", trend_coordinator.in_time_zone)


async def test_the_hardware_bench_polls_and_toggles_its_boards(
    hass: HomeAssistant, fake_hardware: FakeHardware, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (("BOARDS", 2), ("ROUNDS", 3), ("TOGGLES", 4)):
        monkeypatch.setattr(hardware_bench, name, value)

    figures = await hardware_bench.run(hass)

    assert figures["boards"] == 2
    assert figures["refresh_round_loop_ms"] > 0
    assert figures["toggle_wall_ms"] > 0
    # Each board keeps two 7-day trend rings (temperature, humidity).
    assert figures["trend_buffers_per_device_kib"] > 100
    assert figures["memory_per_device_kib"] > figures["trend_buffers_per_device_kib"]


async def test_the_assist_sentences_bench_attaches_both_layouts(hass: HomeAssistant) -> None:
    figures = await assist_sentences_bench.run(hass, rounds=1)

    before, now = figures["layouts"].values()
    # One trigger per phrase, as they were attached before, of today's phrases: with a
    # weekday's parts of the day ("on friday evening") and "what's the power use" of a day
    # ahead or a part of one, and "will it be warmer tomorrow", 534 triggers and 967 templates.
    assert (before["triggers"], before["templates"]) == (534, 967)
    assert now["triggers"] < before["triggers"]
    assert now["attach_ms"] > 0
    assert figures["loop_ms_ratio"] > 0


async def test_the_trend_coordinator_bench_refreshes_with_its_entities(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (("SENSORS", 2), ("DAYS", 1), ("REPEATS", 3), ("ADD_SAMPLE_CALLS", 50)):
        monkeypatch.setattr(coordinator_bench, name, value)

    figures = await coordinator_bench.run(hass)

    assert figures["sensors"] == 2
    assert figures["samples"] > 2 * 1000  # a day of one-a-minute samples per sensor
    assert figures["entities"] > 2
    # It measures what it says: each sensor's new samples change its trend (one write each),
    # a refresh without new samples writes nothing, and the analysis ran in the executor.
    assert figures["refresh_with_entities_writes"] == 2
    assert figures["refresh_nothing_new_writes"] == 0
    assert figures["refresh_executor_ms"] > 0
    # A new time zone rewrites each trend's times (a status's only when it has one to show),
    # in the executor.
    assert figures["time_zone_writes"] >= 2
    assert figures["time_zone_executor_ms"] > 0
    assert figures["add_sample_ns"] > 0
