"""Samples as JSON-safe text and back, for keeping a trend's window across restarts.

Each sensor's times (float64) and values (float32) are stored exactly, as little-endian
bytes compressed with zlib and base64-encoded: the window comes back at full resolution,
so the trend after a restart is computed from the same samples as before it.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .sample_store import SampleArrays

FORMAT = 1
_TIMES = np.dtype("<f8")
_VALUES = np.dtype("<f4")
# A 7-day window of 10 s samples is ~60,000; refuse to inflate anything far bigger.
MAX_SAMPLES = 1_000_000


class SampleDecodeError(ValueError):
    """Stored samples that cannot be read back."""


def encode_samples(samples: Iterable[tuple[str, SampleArrays]]) -> dict[str, Any]:
    """Encode each sensor's samples; the result is plain JSON data."""
    return {
        "format": FORMAT,
        "sensors": {
            key: {
                "times": _pack(np.ascontiguousarray(times, dtype=_TIMES).tobytes()),
                "values": _pack(np.ascontiguousarray(values, dtype=_VALUES).tobytes()),
            }
            for key, (times, values) in samples
        },
    }


def decode_samples(data: Mapping[str, Any]) -> tuple[dict[str, SampleArrays], list[str]]:
    """Decode ``encode_samples``' output; return the samples and the keys that were unusable.

    A sensor whose entry is damaged (bad base64 or zlib data, lengths that disagree, times
    that are not finite) is left out rather than trusted.
    """
    if data.get("format") != FORMAT or not isinstance(sensors := data.get("sensors"), dict):
        raise SampleDecodeError(f"unknown stored samples format {data.get('format')!r}")
    decoded: dict[str, SampleArrays] = {}
    rejected: list[str] = []
    for key, entry in sensors.items():
        try:
            decoded[str(key)] = _decode_sensor(entry)
        except SampleDecodeError:
            rejected.append(str(key))
    return decoded, rejected


def _decode_sensor(entry: object) -> SampleArrays:
    if not isinstance(entry, dict):
        raise SampleDecodeError("not an object")
    times = np.frombuffer(_unpack(entry.get("times"), _TIMES.itemsize), dtype=_TIMES)
    values = np.frombuffer(_unpack(entry.get("values"), _VALUES.itemsize), dtype=_VALUES)
    if times.size != values.size or not np.isfinite(times).all():
        raise SampleDecodeError("times and values disagree")
    return times.astype(np.float64), values.astype(np.float32)


def _pack(raw: bytes) -> str:
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def _unpack(text: object, itemsize: int) -> bytes:
    if not isinstance(text, str):
        raise SampleDecodeError("not a string")
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.b64decode(text, validate=True), MAX_SAMPLES * itemsize)
    except (binascii.Error, zlib.error) as err:
        raise SampleDecodeError(str(err)) from err
    if inflater.unconsumed_tail or not inflater.eof or len(raw) % itemsize:
        raise SampleDecodeError("truncated or oversized")
    return raw
