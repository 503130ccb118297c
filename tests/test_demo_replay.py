"""The demo meter reads like a meter: 10-minute power steps, weather in between, history alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from py_iot_node.config import SIMULATED_MANUFACTURER, node_manufacturer, parse_config

from script.demo.meter import node_yaml
from script.demo.uci_replay import DemoSeries
from script.demo.uci_source import UciReplayMeter

# 32 days of 10-minute rows from a Wednesday noon (local times, as the data): 3 whole weeks
# from the first Monday.
INDEX = pd.date_range("2016-01-13 12:00", periods=32 * 144, freq="10min")


def _series() -> DemoSeries:
    step = np.arange(len(INDEX), dtype=np.float64)
    frame = pd.DataFrame(
        {
            "power_w": 100.0 + 10.0 * (step % 6),  # a different power every 10 minutes
            "temperature": 5.0 + 0.01 * step,
            "humidity": 80.0 - 0.01 * step,
        },
        index=INDEX,
    )
    return DemoSeries.from_frame(frame.drop(INDEX[50]))  # a missing row is filled


def test_the_clock_maps_onto_whole_weeks_from_a_monday() -> None:
    series = _series()
    assert series.anchor == pd.Timestamp("2016-01-18 00:00")  # the first Monday midnight
    assert series.period == pd.Timedelta(days=21)
    # Friday 4 December 2026, 18:05 in Brussels (17:05 UTC) is a Friday 18:05 of the data.
    data_time = series.data_time(datetime(2026, 12, 4, 17, 5, tzinfo=UTC))
    assert (data_time.day_name(), data_time.hour, data_time.minute) == ("Friday", 18, 5)


def test_power_steps_every_ten_minutes_and_the_weather_moves_between_readings() -> None:
    series = _series()
    start = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    readings = [series.values_at(start + timedelta(seconds=10 * i)) for i in range(360)]
    power = np.array([reading["power_w"] for reading in readings])
    temperature = np.array([reading["temperature"] for reading in readings])
    # Held for each 10 minutes (60 readings), six different values in the hour.
    assert len(set(power.tolist())) == 6
    assert all(len(set(power[i : i + 60].tolist())) == 1 for i in range(0, 360, 60))
    # The temperature rises 0.01 per 10 minutes, smoothly: no step larger than one reading's.
    assert np.all(np.diff(temperature) > 0)
    assert np.max(np.diff(temperature)) == pytest.approx(0.01 / 60, rel=1e-6)
    # The hour's statistics are what the live meter averages to: history and live agree.
    hour = series.hour_statistics(start)
    assert power.mean() == pytest.approx(hour["power_w"].mean)
    assert (hour["power_w"].minimum, hour["power_w"].maximum) == (100.0, 150.0)
    assert temperature.mean() == pytest.approx(hour["temperature"].mean, abs=0.01)


def test_less_than_a_week_of_data_is_refused() -> None:
    frame = pd.DataFrame(
        {"power_w": 1.0, "temperature": 1.0, "humidity": 1.0},
        index=pd.date_range("2016-01-13", periods=144 * 6, freq="10min"),
    )
    with pytest.raises(ValueError, match="no whole week"):
        DemoSeries.from_frame(frame)


def test_the_demo_meter_is_made_by_whoever_makes_the_other_simulated_devices(
    tmp_path: Path,
) -> None:
    """Its device page read "Simulated meter and outdoor sensor (UCI data) by Simulated",
    the wording fixed for simulated nodes, beside "Simulated Raspberry Pi by Py IoT Home"."""
    config = parse_config(yaml.safe_load(node_yaml(str(tmp_path), str(tmp_path))))
    assert config.model.startswith("Simulated")
    assert node_manufacturer(config) == SIMULATED_MANUFACTURER


def test_the_demo_meter_reports_as_a_meter_and_a_weather_station_do() -> None:
    """Whole watts, tenths of a degree and a percent: the interpolated weather has more digits,
    which Assist would say ("5.37 degrees")."""
    reading = UciReplayMeter({}, _series()).read()
    assert set(reading) == {"power", "temperature", "humidity"}
    for quantity, decimals in (("power", 0), ("temperature", 1), ("humidity", 1)):
        assert reading[quantity] == round(reading[quantity], decimals), (quantity, reading)
    assert 5.0 <= reading["temperature"] <= 5.0 + 0.01 * len(INDEX)
    assert 100.0 <= reading["power"] <= 150.0
