"""The demo weather service forecasts the demo meter's own coming hours, from the hour under way."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np
import pandas as pd

from script.demo.uci_replay import DemoSeries
from script.demo.weather_feed import FORECAST_HOURS, weather_message

# Three whole weeks of 10-minute rows from a Monday midnight (local times, as the data).
INDEX = pd.date_range("2016-01-18 00:00", periods=21 * 144, freq="10min")


def _series() -> DemoSeries:
    step = np.arange(len(INDEX), dtype=np.float64)
    frame = pd.DataFrame(
        {
            "power_w": 100.0 + step % 6,
            # A day's swing of outdoor temperature, 2 to 10 °C.
            "temperature": 6.0 - 4.0 * np.cos(2 * np.pi * (step % 144) / 144),
            "humidity": 70.0 + 10.0 * np.sin(2 * np.pi * (step % 144) / 144),
        },
        index=INDEX,
    )
    return DemoSeries.from_frame(frame)


def test_the_forecast_is_the_meters_own_next_hours_from_the_hour_under_way() -> None:
    series = _series()
    now = datetime(2026, 12, 4, 17, 25, tzinfo=UTC)
    message = weather_message(series, now)

    assert message["temperature"] == round(series.values_at(now)["temperature"], 1)
    forecast = message["forecast"]
    starts = [datetime.fromisoformat(point["datetime"]) for point in forecast]
    assert starts[0] == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    assert len(starts) == FORECAST_HOURS + 1
    assert all(b - a == timedelta(hours=1) for a, b in pairwise(starts))
    for start, point in zip(starts, forecast, strict=True):
        hour = series.hour_statistics(start)
        assert point["temperature"] == round(hour["temperature"].mean, 1)
        assert point["humidity"] == round(hour["humidity"].mean)
    # Plausible as a person reads a forecast: within the day's swing, and it moves with it.
    temperatures = [point["temperature"] for point in forecast]
    assert 2.0 <= min(temperatures) < max(temperatures) <= 10.0
    # What Home Assistant's MQTT sensor receives is plain JSON.
    assert json.loads(json.dumps(message)) == message
