"""A reproducible indoor climate, for running without a sensor.

Every value is a pure function of ``(seed, timestamp, utc_offset_s)``: the same inputs give the
same reading on any machine, so simulated runs and tests can be replayed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

DAY_S = 86_400.0
MEAN_TEMPERATURE_C = 21.5
DAILY_TEMPERATURE_AMPLITUDE_C = 2.2
COLDEST_HOUR = 5.0
MEAN_HUMIDITY_PCT = 47.5
DAILY_HUMIDITY_AMPLITUDE_PCT = 10.0
FAILURE_RATE = 0.03


@dataclass(frozen=True, slots=True)
class ClimateSample:
    """One simulated sample; ``failed`` marks a read the real sensor would have botched."""

    temperature: float
    humidity: float
    failed: bool


def _seed_rng(seed: int, *parts: object) -> random.Random:
    # A string seed is hashed with SHA-512, so it is stable across runs and PYTHONHASHSEED.
    return random.Random(":".join(str(part) for part in (seed, *parts)))


def _drift(seed: int, timestamp: float, channel: str) -> float:
    """Slow weather-like wander in [-1, 1]: two sines with periods and phases from the seed."""
    rng = _seed_rng(seed, "drift", channel)
    total = 0.0
    for period_h, weight in ((53.0, 0.6), (7.3, 0.4)):
        period_s = period_h * 3600.0 * rng.uniform(0.8, 1.25)
        phase = rng.uniform(0.0, 2.0 * math.pi)
        total += weight * math.sin(2.0 * math.pi * timestamp / period_s + phase)
    return total


def indoor_climate(seed: int, timestamp: float, utc_offset_s: float = 0.0) -> ClimateSample:
    """Simulate the room climate at ``timestamp`` (Unix seconds) for one sensor ``seed``.

    Temperature follows a daily cycle between about 19 and 24 °C (coldest before dawn, warmest
    late afternoon, local time), humidity moves against it between about 35 and 60 %, both
    wander slowly and carry sensor-sized noise; about 3 % of reads fail.
    """
    sensor = _seed_rng(seed, "sensor")
    temperature_offset = sensor.uniform(-0.3, 0.3)
    humidity_offset = sensor.uniform(-1.5, 1.5)

    local_hours = ((timestamp + utc_offset_s) % DAY_S) / 3600.0
    # -1 at the coldest hour, +1 twelve hours later.
    cycle = -math.cos(2.0 * math.pi * (local_hours - COLDEST_HOUR) / 24.0)

    # Noise and failures change once a second, like a sensor that cannot be read faster; the
    # noise is a real DHT22's jitter (reads seconds apart within ±0.2 °C and ±1 % RH).
    noise = _seed_rng(seed, "noise", math.floor(timestamp))
    temperature = (
        MEAN_TEMPERATURE_C
        + temperature_offset
        + DAILY_TEMPERATURE_AMPLITUDE_C * cycle
        + 0.25 * _drift(seed, timestamp, "temperature")
        + noise.gauss(0.0, 0.05)
    )
    humidity = (
        MEAN_HUMIDITY_PCT
        + humidity_offset
        - DAILY_HUMIDITY_AMPLITUDE_PCT * cycle
        + 1.5 * _drift(seed, timestamp, "humidity")
        + noise.gauss(0.0, 0.12)
    )
    failed = noise.random() < FAILURE_RATE
    # A DHT22 reports tenths.
    return ClimateSample(
        temperature=round(temperature, 1),
        humidity=round(min(100.0, max(0.0, humidity)), 1),
        failed=failed,
    )
