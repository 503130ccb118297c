"""Window statistics and least-squares trend, computed natively with a numpy twin.

The native kernel (``native/src/pyiot_processor.cpp``) is loaded with ctypes from
``native_lib/libpyiot_processor-<machine>-linux.so``. Both backends do the same math: times
become days since the first finite sample, values are shifted by the first finite value, and
co-moments are summed in blocks of ``_BLOCK`` samples (each block shifted by its own first
sample) and then merged, so they agree to ~1e-12 relative and stay stable for long windows.

Environment: ``PY_IOT_HOME_NATIVE=0`` forces numpy, ``PY_IOT_HOME_NATIVE_LIB`` names the
library file to load instead of the shipped one.
"""

import ctypes
import logging
import math
import os
import platform
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

_LOGGER = logging.getLogger(__name__)

_ABI_VERSION = 1
_BLOCK = 128
_DAYS_PER_SECOND = 1.0 / 86400.0
_LIB_DIR = Path(__file__).parent / "native_lib"
_MACHINES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}
_NUMERIC_KINDS = frozenset("biuf")


class NativeUnavailableError(RuntimeError):
    """The native library was not loaded (missing, wrong ABI or disabled)."""


class WindowStats(NamedTuple):
    """Statistics of the finite samples of one window.

    A named tuple, not a frozen dataclass: built from the kernel's output in ~0.2 us, not
    ~0.7 us, which is a third of the 2 us budget of a 10-sample call.
    """

    count: int  # type: ignore[assignment]  # shadows tuple.count, which no caller needs
    minimum: float
    maximum: float
    mean: float
    std: float
    slope_per_day: float
    intercept: float
    t_ref: float


_NAN = math.nan
_EMPTY = WindowStats(0, _NAN, _NAN, _NAN, _NAN, _NAN, _NAN, _NAN)


class _CWindowStats(ctypes.Structure):
    """Mirror of ``struct PyiotWindowStats`` in native/include/pyiot_processor.h."""

    _fields_ = [
        ("count", ctypes.c_uint64),
        ("minimum", ctypes.c_double),
        ("maximum", ctypes.c_double),
        ("mean", ctypes.c_double),
        ("std", ctypes.c_double),
        ("slope_per_day", ctypes.c_double),
        ("intercept", ctypes.c_double),
        ("t_ref", ctypes.c_double),
    ]


# Reads all fields of a _CWindowStats at once, several times faster than eight attributes.
_unpack_stats = struct.Struct("=Q7d").unpack_from
# The unpacked tuple always has WindowStats' eight fields, so its length check is not needed.
_new_tuple = tuple.__new__
_F64 = np.dtype(np.float64)
_F32 = np.dtype(np.float32)
_DOUBLE_P = ctypes.POINTER(ctypes.c_double)
_FLOAT_P = ctypes.POINTER(ctypes.c_float)
# Bound once: the 10-sample call costs ~1.6 us and each dotted lookup ~20 ns of it.
_ndarray = np.ndarray
_double_at = ctypes.c_double.from_buffer
_float_at = ctypes.c_float.from_buffer


@dataclass(frozen=True, slots=True)
class _NativeLibrary:
    path: Path
    window_stats: Any  # the ctypes function pointer, argtypes and restype set


def _library_path() -> Path | None:
    if override := os.environ.get("PY_IOT_HOME_NATIVE_LIB"):
        return Path(override)
    machine = _MACHINES.get(platform.machine().lower())
    if machine is None or not sys.platform.startswith("linux"):
        return None
    return _LIB_DIR / f"libpyiot_processor-{machine}-linux.so"


def _load_native() -> _NativeLibrary | None:
    """Load and check the native library; None (numpy is used) when that is not possible."""
    if os.environ.get("PY_IOT_HOME_NATIVE") == "0":
        _LOGGER.debug("Native window statistics disabled by PY_IOT_HOME_NATIVE=0")
        return None
    if (path := _library_path()) is None:
        _LOGGER.info("No native window statistics for %s, using numpy", platform.machine())
        return None
    try:
        lib = ctypes.CDLL(str(path))
        lib.pyiot_abi_version.argtypes = []
        lib.pyiot_abi_version.restype = ctypes.c_int
        lib.pyiot_window_stats_size.argtypes = []
        lib.pyiot_window_stats_size.restype = ctypes.c_size_t
        window_stats_fn = lib.pyiot_window_stats
    except (OSError, AttributeError) as err:
        _LOGGER.warning("Native window statistics %s not loaded (%s), using numpy", path, err)
        return None
    abi = (lib.pyiot_abi_version(), lib.pyiot_window_stats_size())
    if abi != (_ABI_VERSION, ctypes.sizeof(_CWindowStats)):
        _LOGGER.warning(
            "Native window statistics %s has ABI %s, expected %s, using numpy",
            path,
            abi,
            (_ABI_VERSION, ctypes.sizeof(_CWindowStats)),
        )
        return None
    # The C signature as declared in the header; arrays are checked in _call_native.
    window_stats_fn.argtypes = [_DOUBLE_P, _FLOAT_P, ctypes.c_size_t, ctypes.POINTER(_CWindowStats)]
    window_stats_fn.restype = ctypes.c_int
    return _NativeLibrary(path, window_stats_fn)


_native = _load_native()


def backend_name() -> str:
    """Return the backend ``window_stats`` uses: "native" or "numpy"."""
    return "numpy" if _native is None else "native"


def expected_native_library() -> str | None:
    """Return the library file meant for this machine, loaded or not (None: there is none)."""
    if os.environ.get("PY_IOT_HOME_NATIVE") == "0" or (path := _library_path()) is None:
        return None
    return str(path)


def native_library_path() -> str | None:
    """Return the loaded native library's path, for diagnostics."""
    return None if _native is None else str(_native.path)


def _validated(
    times_s: NDArray[np.float64], values: NDArray[np.float32]
) -> tuple[NDArray[np.float64], NDArray[np.float32]]:
    times = np.asarray(times_s)
    vals = np.asarray(values)
    for name, array in (("times_s", times), ("values", vals)):
        if array.dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
        if array.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    if times.shape != vals.shape:
        raise ValueError(f"times_s and values differ in length: {times.size} != {vals.size}")
    if vals.dtype != np.float32:
        # Values beyond float32 range become inf and are skipped like any non-finite sample.
        with np.errstate(over="ignore"):
            vals = vals.astype(np.float32)
    times = np.ascontiguousarray(times, dtype=np.float64)
    vals = np.ascontiguousarray(vals)
    # Views into byte buffers can be misaligned; a copy of them is aligned.
    return (
        times if times.flags.aligned else times.copy(),
        vals if vals.flags.aligned else vals.copy(),
    )


def window_stats_native(times_s: NDArray[np.float64], values: NDArray[np.float32]) -> WindowStats:
    """Compute the window statistics with the native library, in one pass without copying.

    Two writable, aligned, C-contiguous 1-D arrays of float64 times and float32 values of
    one length go to the kernel as they are; anything else is validated and converted
    first, as ``window_stats`` describes. Either way the kernel reads the arrays' memory.
    """
    if (lib := _native) is None:
        raise NativeUnavailableError("the native window statistics library is not loaded")
    times_p: Any = None
    # Builtin dtypes are singletons; any other float64 dtype object takes the slow path.
    if (
        type(times_s) is _ndarray
        and type(values) is _ndarray
        and times_s.dtype is _F64
        and values.dtype is _F32
        and times_s.ndim == 1
        and values.ndim == 1
        and (n := times_s.size) == values.size
        and times_s.flags.aligned
        and values.flags.aligned
    ):
        try:
            # The buffer export refuses read-only, strided and empty arrays, and pins the
            # array while the ctypes object lives; a quarter of the cost of arr.ctypes.data.
            times_p = _double_at(times_s)
            values_p: Any = _float_at(values)
        except (TypeError, ValueError):
            times_p = None
    if times_p is None:
        times, vals = _validated(times_s, values)
        n = times.size
        # data_as pointers keep their arrays alive until the call returns.
        times_p = times.ctypes.data_as(_DOUBLE_P)
        values_p = vals.ctypes.data_as(_FLOAT_P)
    out = _CWindowStats()
    status = lib.window_stats(times_p, values_p, n, out)
    if status != 0:
        raise RuntimeError(f"pyiot_window_stats failed with status {status}")
    return _new_tuple(WindowStats, _unpack_stats(out))


def window_stats_numpy(times_s: NDArray[np.float64], values: NDArray[np.float32]) -> WindowStats:
    """Compute the window statistics with numpy: the same block math as the native kernel."""
    times, vals = _validated(times_s, values)
    finite = np.isfinite(times) & np.isfinite(vals)
    t = times[finite]
    y32 = vals[finite]
    count = int(t.size)
    if count == 0:
        return _EMPTY
    t_ref = float(t[0])
    y_ref = float(y32[0])

    n_blocks = -(-count // _BLOCK)
    x = np.empty(n_blocks * _BLOCK)
    y = np.empty(n_blocks * _BLOCK)
    np.subtract(t, t_ref, out=x[:count])
    x[:count] *= _DAYS_PER_SECOND
    np.subtract(y32, y_ref, out=y[:count], dtype=np.float64)
    # Padding with the last block's first sample adds exact zeros once blocks are shifted.
    last_start = (n_blocks - 1) * _BLOCK
    x[count:] = x[last_start]
    y[count:] = y[last_start]
    xb = x.reshape(n_blocks, _BLOCK)
    yb = y.reshape(n_blocks, _BLOCK)
    x0 = xb[:, 0].copy()
    y0 = yb[:, 0].copy()
    xb -= x0[:, None]
    yb -= y0[:, None]
    sizes = np.full(n_blocks, float(_BLOCK))
    sizes[-1] = count - last_start

    sx = xb.sum(axis=1)
    sy = yb.sum(axis=1)
    mean_xb = x0 + sx / sizes
    mean_yb = y0 + sy / sizes
    m_xx = np.maximum(np.einsum("ij,ij->i", xb, xb) - sx * sx / sizes, 0.0)
    m_xy = np.einsum("ij,ij->i", xb, yb) - sx * sy / sizes
    m_yy = np.maximum(np.einsum("ij,ij->i", yb, yb) - sy * sy / sizes, 0.0)

    # Closed form of the pairwise merge: within-block plus between-block co-moments.
    mean_x = float(np.sum(sizes * mean_xb)) / count
    mean_y = float(np.sum(sizes * mean_yb)) / count
    dx = mean_xb - mean_x
    dy = mean_yb - mean_y
    total_xx = float(np.sum(m_xx) + np.sum(sizes * dx * dx))
    total_xy = float(np.sum(m_xy) + np.sum(sizes * dx * dy))
    total_yy = float(np.sum(m_yy) + np.sum(sizes * dy * dy))

    slope = intercept = _NAN
    if count >= 2 and total_xx > 0.0:
        slope = total_xy / total_xx
        intercept = y_ref + (mean_y - slope * mean_x)
    return WindowStats(
        count=count,
        minimum=float(y32.min()),
        maximum=float(y32.max()),
        mean=y_ref + mean_y,
        std=math.sqrt(total_yy / count),
        slope_per_day=slope,
        intercept=intercept,
        t_ref=t_ref,
    )


def window_stats(times_s: NDArray[np.float64], values: NDArray[np.float32]) -> WindowStats:
    """Compute the window statistics natively when the library loaded, else with numpy.

    Samples whose time or value is NaN or infinite are skipped (both backends, so no NaN
    check is needed first). Other real dtypes and layouts are converted. Raises TypeError or
    ValueError for input that is not two 1-D real arrays of the same length.
    """
    if _native is None:
        return window_stats_numpy(times_s, values)
    return window_stats_native(times_s, values)
