"""Samples as JSON-safe text and back, for keeping a trend's window across restarts.

Each sensor's times (float64) and values (float32) are stored exactly: the window comes back
at full resolution, so the trend after a restart is computed from the same samples as
before it. Format 2 stores each number's bits XORed with the previous number's, bytes
regrouped by position (all first bytes, then all second bytes...), then zlib and base64.
Neighbouring times and readings share their high bytes, so the regrouped bytes are mostly
zeros: about a third smaller than format 1 (the plain bytes), which is still read. Today's
samples are rewritten every 30 minutes, on a Pi's SD card (``sample_days``).
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from .ring_buffer import SampleArrays

FORMAT = 2
_PLAIN_FORMAT = 1
_TIMES = np.dtype("<f8")
_VALUES = np.dtype("<f4")
# The unsigned integer of the same width as each stored float, for its bits.
_BITS: dict[int, np.dtype[Any]] = {8: np.dtype("<u8"), 4: np.dtype("<u4")}
# A 7-day window of 10 s samples is ~60,000; refuse to inflate anything far bigger.
MAX_SAMPLES = 1_000_000


class SampleDecodeError(ValueError):
    """Stored samples that cannot be read back."""


def encode_samples(samples: Iterable[tuple[str, SampleArrays]]) -> dict[str, Any]:
    """Encode each sensor's samples; the result is plain JSON data."""
    return encoded_sensors({key: encode_sensor(times, values) for key, (times, values) in samples})


def encode_sensor(times: npt.ArrayLike, values: npt.ArrayLike) -> dict[str, str]:
    """One sensor's samples, encoded: a member of ``encoded_sensors``' mapping."""
    return {
        "times": _pack(_xor_shuffled(np.ascontiguousarray(times, dtype=_TIMES))),
        "values": _pack(_xor_shuffled(np.ascontiguousarray(values, dtype=_VALUES))),
    }


def encoded_sensors(sensors: Mapping[str, dict[str, str]]) -> dict[str, Any]:
    """``encode_samples``' output from sensors encoded one at a time by ``encode_sensor``."""
    return {"format": FORMAT, "sensors": dict(sensors)}


def decode_samples(data: Mapping[str, Any]) -> tuple[dict[str, SampleArrays], list[str]]:
    """Decode ``encode_samples``' output; return the samples and the keys that were unusable.

    A sensor whose entry is damaged (bad base64 or zlib data, lengths that disagree, times
    that are not finite) is left out rather than trusted.
    """
    stored_format = data.get("format")
    if stored_format not in (FORMAT, _PLAIN_FORMAT) or not isinstance(
        sensors := data.get("sensors"), dict
    ):
        raise SampleDecodeError(f"unknown stored samples format {stored_format!r}")
    decoded: dict[str, SampleArrays] = {}
    rejected: list[str] = []
    for key, entry in sensors.items():
        try:
            decoded[str(key)] = _decode_sensor(entry, xor_shuffled=stored_format == FORMAT)
        except SampleDecodeError:
            rejected.append(str(key))
    return decoded, rejected


def _xor_shuffled(numbers: npt.NDArray[Any]) -> bytes:
    """Each number's bits XORed with the previous one's, bytes grouped by position."""
    bits = numbers.view(_BITS[numbers.itemsize])
    deltas = bits.copy()
    deltas[1:] ^= bits[:-1]
    grouped: npt.NDArray[np.uint8] = deltas.view(np.uint8).reshape(-1, numbers.itemsize).T
    return grouped.tobytes()


def _unshuffled(raw: bytes, dtype: np.dtype[Any]) -> npt.NDArray[Any]:
    """`_xor_shuffled`'s numbers back, bit for bit."""
    columns = np.frombuffer(raw, dtype=np.uint8).reshape(dtype.itemsize, -1)
    deltas = np.ascontiguousarray(columns.T).view(_BITS[dtype.itemsize]).ravel()
    return np.bitwise_xor.accumulate(deltas).view(dtype)


MAX_MAGNITUDE = 1_000_000.0


def _decode_sensor(entry: object, *, xor_shuffled: bool) -> SampleArrays:
    if not isinstance(entry, dict):
        raise SampleDecodeError("not an object")
    raw_times = _unpack(entry.get("times"), _TIMES.itemsize)
    raw_values = _unpack(entry.get("values"), _VALUES.itemsize)
    if xor_shuffled:
        times, values = _unshuffled(raw_times, _TIMES), _unshuffled(raw_values, _VALUES)
    else:
        times = np.frombuffer(raw_times, dtype=_TIMES)
        values = np.frombuffer(raw_values, dtype=_VALUES)
    if times.size != values.size or not np.isfinite(times).all():
        raise SampleDecodeError("times and values disagree")
    # No sample ever stored lies beyond a million (a reading passes its quantity's range,
    # at most 1 MW of power, first): more, or NaN, was not written by us, and would show
    # as a trend's mean or maximum of 3e38.
    kept = np.isfinite(values) & (np.abs(values) <= MAX_MAGNITUDE)
    if not kept.all():
        times, values = times[kept], values[kept]
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
