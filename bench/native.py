"""Benchmark the native window-statistics kernel against its numpy twin.

- 10 million float32 values with float64 times: native vs numpy twin (target native >= 4x),
  input bandwidth = 12 bytes * n / time.
- The seed's copying call, ``(c_float * n)(*data)``, on 1 million samples vs the zero-copy
  production call on the same samples.
- ctypes call overhead on a 10-sample window (target < 2 us): the production call (Python-side
  checks, buffer pointers, kernel, result), its bare ctypes crossing, and side by side the
  earlier ways: the ndpointer-checked call with the frozen-dataclass result it replaced,
  numpy's stock ndpointer, and raw addresses (the floor of any ctypes call).
- Memory per stored sample: nbytes of the time and value arrays / n (target 12 B).

Single-threaded throughout: numpy's reductions here use no BLAS, so OPENBLAS_* settings do
not matter.

    script/run python bench/native.py
"""

from __future__ import annotations

import ctypes
import json
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.py_iot_home.analysis import window_stats as ws

LARGE = 10_000_000
SEED_SIZE = 1_000_000
SMALL = 10
BYTES_PER_SAMPLE = 8 + 4
TARGET_CALL_S = 2e-6


def best_seconds(fn: Callable[[], object], repeats: int) -> float:
    """Best wall time of `repeats` calls: the figure least disturbed by other processes."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def per_call_seconds(fn: Callable[[], object], calls: int = 200_000, rounds: int = 5) -> float:
    """Best mean time per call over `rounds` rounds of `calls` calls."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def interleaved_per_call_seconds(
    variants: dict[str, Callable[[], object]], calls: int = 20_000, rounds: int = 25
) -> dict[str, float]:
    """Best mean time per call of each variant, the variants taking turns round by round.

    Taking turns exposes every variant to the same moments of a shared machine, so their
    ratios hold even when another process steals the CPU for part of the run.
    """
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(rounds):
        for name, fn in variants.items():
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / calls)
    return best


def sensor_window(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    times = 1.7e9 + 60.0 * np.arange(n, dtype=np.float64)
    values = (21.0 + 3.0 * np.sin(times / 86400.0 * 2 * np.pi) + rng.normal(0, 0.3, n)).astype(
        np.float32
    )
    return times, values


def seed_style_function(path: str) -> Callable[..., int]:
    """The kernel behind plain ctypes pointers, as the seed declared it."""
    fn = ctypes.CDLL(path).pyiot_window_stats
    fn.argtypes = [
        ctypes.POINTER(ctypes.c_double),
        ctypes.POINTER(ctypes.c_float),
        ctypes.c_size_t,
        ctypes.c_void_p,
    ]
    fn.restype = ctypes.c_int
    return fn


def address_function(path: str) -> Callable[..., int]:
    """The kernel taking raw addresses: the floor of any ctypes call."""
    fn = ctypes.CDLL(path).pyiot_window_stats
    fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    fn.restype = ctypes.c_int
    return fn


def stock_ndpointer_function(path: str) -> Callable[..., int]:
    """The kernel behind numpy's own ndpointer, whose from_param goes through a ctypes cast."""
    fn = ctypes.CDLL(path).pyiot_window_stats
    fn.argtypes = [
        np.ctypeslib.ndpointer(dtype=np.float64, ndim=1, flags="C_CONTIGUOUS"),
        np.ctypeslib.ndpointer(dtype=np.float32, ndim=1, flags="C_CONTIGUOUS"),
        ctypes.c_size_t,
        ctypes.c_void_p,
    ]
    fn.restype = ctypes.c_int
    return fn


def previous_ndpointer(dtype: type[np.float64 | np.float32]) -> type[Any]:
    """The ndpointer argtype the integration used before: checked in from_param, ~0.7 us."""
    checked = np.ctypeslib.ndpointer(dtype=dtype, ndim=1, flags=("C_CONTIGUOUS", "ALIGNED"))
    expected = np.dtype(dtype)

    class ArrayPointer(checked):  # type: ignore[valid-type,misc]
        @classmethod
        def from_param(cls, obj: Any) -> object:
            if not (
                isinstance(obj, np.ndarray)
                and obj.dtype == expected
                and obj.ndim == 1
                and obj.flags.c_contiguous
                and obj.flags.aligned
            ):
                return checked.from_param(obj)
            if obj.flags.writeable and obj.size:
                return ctypes.byref(ctypes.c_char.from_buffer(obj))
            return ctypes.c_void_p(obj.ctypes.data)

    return ArrayPointer


@dataclass(frozen=True, slots=True)
class FrozenWindowStats:
    """The frozen dataclass the previous call path returned."""

    count: int
    minimum: float
    maximum: float
    mean: float
    std: float
    slope_per_day: float
    intercept: float
    t_ref: float


def previous_functions(
    path: str,
) -> tuple[Callable[[np.ndarray, np.ndarray], FrozenWindowStats], Callable[..., int]]:
    """The previous path (validate, ndpointer-checked call, frozen dataclass) and its call."""
    fn = ctypes.CDLL(path).pyiot_window_stats
    fn.argtypes = [
        previous_ndpointer(np.float64),
        previous_ndpointer(np.float32),
        ctypes.c_size_t,
        ctypes.POINTER(ws._CWindowStats),
    ]
    fn.restype = ctypes.c_int

    def previous_window_stats(times_s: np.ndarray, values: np.ndarray) -> FrozenWindowStats:
        times, vals = ws._validated(times_s, values)
        out = ws._CWindowStats()
        if (status := fn(times, vals, times.size, ctypes.byref(out))) != 0:
            raise RuntimeError(f"status {status}")
        return FrozenWindowStats(*ws._unpack_stats(out))

    return previous_window_stats, fn


def main() -> None:
    library = ws._native
    if library is None:
        raise SystemExit("native library not loaded: run `make -C native` first")
    rows: list[tuple[str, str, str]] = []

    times, values = sensor_window(LARGE)
    native_s = best_seconds(lambda: ws.window_stats_native(times, values), 7)
    numpy_s = best_seconds(lambda: ws.window_stats_numpy(times, values), 3)
    out = ws._CWindowStats()
    kernel_s = best_seconds(
        lambda: library.window_stats(ws._double_at(times), ws._float_at(values), LARGE, out), 7
    )
    native_result = ws.window_stats_native(times, values)
    numpy_result = ws.window_stats_numpy(times, values)
    slope_rel_diff = abs(native_result.slope_per_day - numpy_result.slope_per_day) / abs(
        numpy_result.slope_per_day
    )
    speedup = numpy_s / native_s
    native_gbs = BYTES_PER_SAMPLE * LARGE / native_s / 1e9
    numpy_gbs = BYTES_PER_SAMPLE * LARGE / numpy_s / 1e9
    rows += [
        (
            f"window_stats_native, {LARGE:,} samples",
            f"{native_s * 1e3:8.2f} ms",
            f"{native_gbs:.2f} GB/s",
        ),
        (
            "  bare kernel call",
            f"{kernel_s * 1e3:8.2f} ms",
            f"{BYTES_PER_SAMPLE * LARGE / kernel_s / 1e9:.2f} GB/s",
        ),
        (
            f"window_stats_numpy, {LARGE:,} samples",
            f"{numpy_s * 1e3:8.2f} ms",
            f"{numpy_gbs:.2f} GB/s",
        ),
        ("native speed-up over numpy twin", f"{speedup:8.1f} x", "target >= 4x"),
        ("native vs numpy slope, relative diff", f"{slope_rel_diff:8.1e}", "target <= 1e-9"),
    ]

    seed_times, seed_values = times[:SEED_SIZE], values[:SEED_SIZE]
    seed_fn = seed_style_function(str(library.path))

    def seed_call() -> None:
        c_times = (ctypes.c_double * SEED_SIZE)(*seed_times)
        c_values = (ctypes.c_float * SEED_SIZE)(*seed_values)
        seed_fn(c_times, c_values, SEED_SIZE, ctypes.byref(out))

    seed_s = best_seconds(seed_call, 2)
    zero_copy_s = best_seconds(lambda: ws.window_stats_native(seed_times, seed_values), 7)
    rows += [
        (f"seed copy (c_float * n)(*data), {SEED_SIZE:,}", f"{seed_s * 1e3:8.1f} ms", ""),
        (f"zero-copy production call, {SEED_SIZE:,}", f"{zero_copy_s * 1e3:8.2f} ms", ""),
        ("zero-copy speed-up over seed copy", f"{seed_s / zero_copy_s:8.0f} x", ""),
    ]

    small_times, small_values = times[:SMALL].copy(), values[:SMALL].copy()
    previous, previous_call = previous_functions(str(library.path))
    address_fn = address_function(str(library.path))
    addresses = (small_times.ctypes.data, small_values.ctypes.data, ctypes.addressof(out))
    stock_fn = stock_ndpointer_function(str(library.path))
    frozen_times, frozen_values = small_times.copy(), small_values.copy()
    frozen_times.flags.writeable = frozen_values.flags.writeable = False
    small = interleaved_per_call_seconds(
        {
            "production": lambda: ws.window_stats(small_times, small_values),
            "crossing": lambda: library.window_stats(
                ws._double_at(small_times), ws._float_at(small_values), SMALL, ws._CWindowStats()
            ),
            "previous": lambda: previous(small_times, small_values),
            "ndpointer": lambda: previous_call(small_times, small_values, SMALL, ctypes.byref(out)),
            "stock": lambda: stock_fn(small_times, small_values, SMALL, ctypes.byref(out)),
            "floor": lambda: address_fn(addresses[0], addresses[1], SMALL, addresses[2]),
            "read_only": lambda: ws.window_stats(frozen_times, frozen_values),
        }
    )
    production_s, crossing_s, previous_s = small["production"], small["crossing"], small["previous"]
    ndpointer_s, stock_s, floor_s = small["ndpointer"], small["stock"], small["floor"]
    read_only_s = small["read_only"]
    numpy_small_s = per_call_seconds(
        lambda: ws.window_stats_numpy(small_times, small_values), calls=20_000
    )
    ok = "ok" if production_s < TARGET_CALL_S else "MISSED"
    rows += [
        (
            f"window_stats (production), {SMALL} samples",
            f"{production_s * 1e6:8.2f} us",
            f"target < 2 us: {ok}; checks + pointers + call + result",
        ),
        ("  its ctypes crossing: buffer pointers + call", f"{crossing_s * 1e6:8.2f} us", ""),
        (
            "  previous path, same work",
            f"{previous_s * 1e6:8.2f} us",
            "validate, ndpointer, dataclass",
        ),
        ("    its ndpointer-checked call alone", f"{ndpointer_s * 1e6:8.2f} us", ""),
        ("  numpy's stock ndpointer call", f"{stock_s * 1e6:8.2f} us", ""),
        ("  floor: the call with raw addresses", f"{floor_s * 1e6:8.2f} us", "no checks at all"),
        (
            "  production, read-only arrays",
            f"{read_only_s * 1e6:8.2f} us",
            "slower arr.ctypes path",
        ),
        (f"window_stats_numpy, {SMALL} samples", f"{numpy_small_s * 1e6:8.2f} us", ""),
        ("production speed-up over previous path", f"{previous_s / production_s:8.2f} x", ""),
    ]

    stored_bytes = seed_times.nbytes + seed_values.nbytes
    bytes_per_sample = stored_bytes / SEED_SIZE
    rows.append(
        ("memory per stored sample", f"{bytes_per_sample:8.1f} B", "float64 time + float32")
    )

    print(f"native window statistics: {library.path.name} on {platform.machine()}")
    width = max(len(name) for name, _, _ in rows)
    for name, figure, note in rows:
        print(f"  {name:<{width}}  {figure}  {note}")
    print(
        json.dumps(
            {
                "machine": platform.machine(),
                "samples": LARGE,
                "native_ms": round(native_s * 1e3, 3),
                "native_kernel_ms": round(kernel_s * 1e3, 3),
                "numpy_ms": round(numpy_s * 1e3, 3),
                "native_speedup": round(speedup, 2),
                "native_gb_per_s": round(native_gbs, 3),
                "numpy_gb_per_s": round(numpy_gbs, 3),
                "slope_rel_diff": slope_rel_diff,
                "seed_copy_ms_1m": round(seed_s * 1e3, 2),
                "zero_copy_ms_1m": round(zero_copy_s * 1e3, 3),
                "zero_copy_speedup_1m": round(seed_s / zero_copy_s, 1),
                "window_stats_us_10": round(production_s * 1e6, 3),
                "ctypes_call_us_10": round(crossing_s * 1e6, 3),
                "previous_window_stats_us_10": round(previous_s * 1e6, 3),
                "previous_ndpointer_call_us_10": round(ndpointer_s * 1e6, 3),
                "ctypes_stock_ndpointer_us_10": round(stock_s * 1e6, 3),
                "ctypes_floor_us_10": round(floor_s * 1e6, 3),
                "window_stats_read_only_us_10": round(read_only_s * 1e6, 3),
                "window_stats_numpy_us_10": round(numpy_small_s * 1e6, 3),
                "target_call_us": TARGET_CALL_S * 1e6,
                "bytes_per_sample": bytes_per_sample,
            }
        )
    )


if __name__ == "__main__":
    main()
