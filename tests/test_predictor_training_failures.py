"""A training or forecast that keeps failing is said once, not every hour it is retried."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.py_iot_home.const import CONF_RETRAIN_HOURS
from custom_components.py_iot_home.forecast.coordinator import REFRESH_MINUTE
from custom_components.py_iot_home.prediction import worker

from .test_predictor import (
    ENOUGH_DAYS,
    HUMIDITY,
    NOW,
    POWER,
    PREDICTED,
    TEMPERATURE,
    _add_predictor,
    _hourly,
    _import,
    _predictor,
    _set_states,
)

# A Pi out of memory: the kernel kills the training process, which leaves no words.
KILLED_TRAINING = """#!/bin/sh
if [ "$3" = train ]; then kill -9 $$; fi
exec {python} "$@"
"""
KILLED_FORECAST = KILLED_TRAINING.replace("train", "forecast")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database must exist before hass starts: ask for it first."""


def _interpreter(folder: Path, script: str) -> str:
    """An interpreter for the worker that runs `script` before (or instead of) Python."""
    path = folder / "python"
    path.write_text(script.format(python=sys.executable))
    path.chmod(0o755)
    return str(path)


def _lines_saying(caplog: pytest.LogCaptureFixture, words: str) -> list[tuple[int, str]]:
    """Our log lines with `words` in them, with their levels."""
    return [
        (record.levelno, record.getMessage())
        for record in caplog.records
        if record.name.startswith("custom_components") and words in record.getMessage()
    ]


def _warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Warnings and worse, of ours or Home Assistant's."""
    return [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING
        and record.name.startswith(("custom_components", "homeassistant"))
    ]


async def test_a_training_that_keeps_failing_is_one_warning_then_one_line_when_it_trains(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Each failed training logged "training failed" at ERROR, every hour the forecast
    retried, for as long as the cause lasted (a day of a Pi short of memory: 24 errors)."""
    freezer.move_to(NOW)
    await _own_history(hass, power_scale=1.0625, humidity=True)
    predictor = _predictor(hass, await _add_predictor(hass, **{CONF_RETRAIN_HOURS: 1}))
    trained_at = predictor.model.trained_at

    python = _kill_the_worker(monkeypatch, tmp_path, caplog, KILLED_TRAINING)
    for hours in (1, 2, 3):
        await _hourly_refresh(hass, freezer, hours)
        # The last model keeps forecasting.
        assert hass.states.get(PREDICTED).state != STATE_UNAVAILABLE
    assert predictor.model.trained_at == trained_at
    lines = _lines_saying(caplog, "train")
    assert len(lines) >= 3
    assert [level for level, _ in lines] == [logging.WARNING] + [logging.DEBUG] * (len(lines) - 1)
    assert lines[0][1] == (
        "Power forecast: training failed (exit status -9); the last model keeps forecasting, "
        "trying again every hour"
    )
    assert lines[-1][1].endswith(f"({len(lines)} in a row): exit status -9")

    monkeypatch.setattr(worker.sys, "executable", python)
    caplog.clear()
    await _hourly_refresh(hass, freezer, 4)
    assert predictor.model.trained_at > trained_at
    assert next(line for line in _lines_saying(caplog, "train") if line[0] >= logging.INFO) == (
        logging.INFO,
        f"Power forecast trains again, after {len(lines)} failed trainings",
    )
    assert not _warnings(caplog)


async def _own_history(hass: HomeAssistant, *, power_scale: float, humidity: bool) -> None:
    """Histories of this test alone, and the sensors' states: the session's worker answers
    (tests/worker_runs.py) are kept per request, and a failed one must not be another
    test's answer."""
    frame = _hourly(ENOUGH_DAYS)
    _import(hass, POWER, "W", "power", frame["power_w"] * power_scale)
    _import(hass, TEMPERATURE, "°C", "temperature", frame["temperature"])
    if humidity:
        _import(hass, HUMIDITY, "%", None, frame["humidity"])
    await async_wait_recording_done(hass)
    _set_states(hass)


def _kill_the_worker(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    script: str,
) -> str:
    """Run the worker through `script` from now on, with our debug lines caught; return the
    real interpreter, to put back."""
    python = sys.executable
    monkeypatch.setattr(worker.sys, "executable", _interpreter(tmp_path, script))
    caplog.set_level(logging.DEBUG, logger="custom_components.py_iot_home")
    caplog.clear()
    return python


async def _hourly_refresh(hass: HomeAssistant, freezer: FrozenDateTimeFactory, hours: int) -> None:
    """The forecast's own refresh, a minute into the hour `hours` after NOW's."""
    freezer.move_to(NOW.replace(minute=REFRESH_MINUTE) + timedelta(hours=hours))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_forecast_that_keeps_failing_is_one_warning_then_one_line_when_it_forecasts(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Each hour without a forecast was a warning, for as long as the cause lasted."""
    freezer.move_to(NOW)
    await _own_history(hass, power_scale=1.125, humidity=False)
    await _add_predictor(hass)
    python = _kill_the_worker(monkeypatch, tmp_path, caplog, KILLED_FORECAST)
    for hours in (1, 2, 3):
        await _hourly_refresh(hass, freezer, hours)
        assert hass.states.get(PREDICTED).state == STATE_UNAVAILABLE
    lines = _lines_saying(caplog, "no forecast")
    assert len(lines) >= 3
    assert [level for level, _ in lines] == [logging.WARNING] + [logging.DEBUG] * (len(lines) - 1)
    assert lines[0][1] == (
        "Power forecast: no forecast this hour (exit status -9); trying again every hour"
    )

    monkeypatch.setattr(worker.sys, "executable", python)
    caplog.clear()
    await _hourly_refresh(hass, freezer, 4)
    assert hass.states.get(PREDICTED).state != STATE_UNAVAILABLE
    assert f"Power forecast forecasts again, after {len(lines)} hours without" in caplog.text
    assert not _warnings(caplog)
