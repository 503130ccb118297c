"""Stored samples come back bit for bit, smaller than plain bytes; damaged ones are refused."""

from __future__ import annotations

import base64
import json
import zlib

import numpy as np
import pytest

from custom_components.py_iot_home.analysis.sample_codec import (
    MAX_SAMPLES,
    SampleDecodeError,
    decode_samples,
    encode_samples,
)

WEEK_OF_10_S = 7 * 86400 // 10


def _a_week_of_a_room() -> tuple[np.ndarray, np.ndarray]:
    """10 s samples with jitter, DHT22 tenths: what a node's trend store holds."""
    rng = np.random.default_rng(7)
    times = 1.7e9 + np.cumsum(10.0 + rng.normal(0.0, 0.05, WEEK_OF_10_S))
    days = (times - times[0]) / 86400.0
    values = np.round(21.0 + 2.0 * np.sin(2 * np.pi * days) + rng.normal(0, 0.1, days.size), 1)
    return times, values.astype(np.float32)


def _plain_format(times: np.ndarray, values: np.ndarray) -> dict[str, object]:
    """Format 1, as earlier releases wrote it: the plain little-endian bytes."""

    def pack(raw: bytes) -> str:
        return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")

    return {
        "format": 1,
        "sensors": {
            "temperature": {
                "times": pack(times.astype("<f8").tobytes()),
                "values": pack(values.astype("<f4").tobytes()),
            }
        },
    }


def test_round_trip_is_exact_and_a_third_smaller_than_plain_bytes() -> None:
    times, values = _a_week_of_a_room()
    data = encode_samples([("temperature", (times, values))])
    assert data["format"] == 2
    decoded, rejected = decode_samples(json.loads(json.dumps(data)))
    assert rejected == []
    back_times, back_values = decoded["temperature"]
    assert back_times.dtype == np.float64
    assert back_values.dtype == np.float32
    assert np.array_equal(back_times.view(np.uint64), times.view(np.uint64))
    assert np.array_equal(back_values.view(np.uint32), values.view(np.uint32))
    stored = len(json.dumps(data))
    plain = len(json.dumps(_plain_format(times, values)))
    assert stored < 0.75 * plain, (stored, plain)


def test_what_earlier_releases_stored_is_still_read() -> None:
    times, values = _a_week_of_a_room()
    decoded, rejected = decode_samples(_plain_format(times, values))
    assert rejected == []
    assert np.array_equal(decoded["temperature"][0], times)
    assert np.array_equal(decoded["temperature"][1], values)


@pytest.mark.parametrize("count", [0, 1, 2])
def test_short_windows(count: int) -> None:
    times = 1.7e9 + 10.0 * np.arange(count)
    values = np.full(count, 21.5, dtype=np.float32)
    decoded, _ = decode_samples(encode_samples([("humidity", (times, values))]))
    assert decoded["humidity"][0].tolist() == times.tolist()
    assert decoded["humidity"][1].tolist() == values.tolist()


def test_damaged_sensors_are_left_out_and_unknown_formats_refused() -> None:
    times, values = _a_week_of_a_room()
    data = encode_samples([("temperature", (times, values)), ("humidity", (times, values))])
    sensors = data["sensors"]
    # One value fewer than times; a bomb that inflates past the limit.
    short = encode_samples([("x", (times[:-1], values[:-1]))])["sensors"]["x"]["values"]
    sensors["temperature"]["values"] = short
    bomb = base64.b64encode(zlib.compress(bytes(8 * MAX_SAMPLES + 8))).decode("ascii")
    sensors["pressure"] = {"times": bomb, "values": bomb}
    decoded, rejected = decode_samples(data)
    assert sorted(rejected) == ["pressure", "temperature"]
    assert list(decoded) == ["humidity"]
    with pytest.raises(SampleDecodeError):
        decode_samples({"format": 3, "sensors": {}})


def test_values_no_reading_can_have_are_left_out() -> None:
    """A file holding 3e38 or NaN (not written by us): those samples go, the others stay."""
    times = np.array([1.7e9, 1.7e9 + 10, 1.7e9 + 20, 1.7e9 + 30, 1.7e9 + 40])
    values = np.array([21.0, 3.0e38, np.nan, -3.0e38, 22.0], dtype=np.float32)
    decoded, damaged = decode_samples(encode_samples([("temperature", (times, values))]))
    assert damaged == []
    kept_times, kept_values = decoded["temperature"]
    np.testing.assert_array_equal(kept_times, [1.7e9, 1.7e9 + 40])
    np.testing.assert_array_equal(kept_values, np.array([21.0, 22.0], dtype=np.float32))
