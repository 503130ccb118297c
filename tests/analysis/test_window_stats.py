"""Window statistics: both backends, their parity, and the native loader's fall-backs."""

import ctypes
import logging
import math
import platform
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

from custom_components.py_iot_home.analysis import window_stats as ws
from custom_components.py_iot_home.analysis.window_stats import (
    NativeUnavailableError,
    WindowStats,
    backend_name,
    native_library_path,
    window_stats,
    window_stats_native,
    window_stats_numpy,
)

type StatsFn = Callable[[NDArray[np.float64], NDArray[np.float32]], WindowStats]
type Window = tuple[NDArray[np.float64], NDArray[np.float32]]

NATIVE_LOADED = backend_name() == "native"
needs_native = pytest.mark.skipif(not NATIVE_LOADED, reason="native library not loaded")
SHIPPED_MACHINES = {"x86_64": "x86_64", "aarch64": "aarch64"}
NAN = math.nan
RTOL = 1e-9


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(window_stats_native, id="native", marks=needs_native),
        pytest.param(window_stats_numpy, id="numpy"),
    ],
)
def stats_fn(request: pytest.FixtureRequest) -> StatsFn:
    """Run the shared tests against each backend, as markupsafe does with its speedups."""
    backend: StatsFn = request.param
    return backend


def finite_part(times: NDArray[np.float64], values: NDArray[np.float32]) -> Window:
    keep = np.isfinite(times) & np.isfinite(values)
    return times[keep], values[keep]


def assert_close(actual: float, expected: float, floor: float, what: str) -> None:
    if math.isnan(expected):
        assert math.isnan(actual), what
        return
    assert math.isclose(actual, expected, rel_tol=RTOL, abs_tol=floor), (what, actual, expected)


def assert_same_stats(actual: WindowStats, expected: WindowStats, window: Window) -> None:
    """Compare two results field by field, with floors scaled to the data near zero."""
    times, values = finite_part(*window)
    assert actual.count == expected.count
    for field in ("minimum", "maximum", "t_ref"):
        a, e = getattr(actual, field), getattr(expected, field)
        assert a == e or (math.isnan(a) and math.isnan(e)), field
    if expected.count == 0:
        assert math.isnan(actual.mean)
        return
    y = values.astype(np.float64)
    x = (times - times[0]) / 86400.0
    y_scale = float(np.max(np.abs(y)))
    x_std = float(np.std(x))
    slope_scale = float(np.ptp(y)) / x_std if x_std > 0 else 0.0
    x_scale = float(np.max(np.abs(x)))
    intercept_scale = y_scale + (abs(expected.slope_per_day) + slope_scale) * x_scale
    assert_close(actual.mean, expected.mean, 1e-12 * y_scale, "mean")
    assert_close(actual.std, expected.std, 1e-12 * y_scale, "std")
    assert_close(actual.slope_per_day, expected.slope_per_day, 1e-12 * slope_scale, "slope")
    assert_close(actual.intercept, expected.intercept, 1e-12 * intercept_scale, "intercept")


_NON_FINITE = st.sampled_from([NAN, math.inf, -math.inf])
_OFFSETS = st.one_of(st.just(0.0), st.floats(1e-3, 1e7), st.floats(-1e7, -1e-3))
_VALUES = st.floats(-(2.0**100), 2.0**100, width=32, allow_subnormal=False)  # ~1.3e30


@st.composite
def wild_windows(draw: st.DrawFn, max_size: int = 300) -> Window:
    """Any times and float32 values, with NaN/inf mixed in, huge times and 1e30-scale values."""
    size = draw(st.integers(0, max_size))
    base = draw(st.sampled_from([0.0, 1.7e9, -2.5e9, 4.0e12, 1.0e15]))
    offsets = draw(hnp.arrays(np.float64, size, elements=st.one_of(_OFFSETS, _NON_FINITE)))
    values = draw(hnp.arrays(np.float32, size, elements=st.one_of(_VALUES, _NON_FINITE)))
    return base + offsets, values


@st.composite
def sensor_windows(draw: st.DrawFn, max_size: int = 3000) -> Window:
    """Realistic series: a trend, a daily cycle, noise, gaps; seeded so larger sizes are cheap."""
    size = draw(st.integers(0, max_size))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    step = draw(st.sampled_from([1.0, 60.0, 600.0, 3600.0]))
    level = draw(st.floats(-50.0, 1000.0))
    slope = draw(st.floats(-5.0, 5.0))
    noise = draw(st.sampled_from([0.0, 0.01, 0.5, 20.0]))
    gap_rate = draw(st.sampled_from([0.0, 0.01, 0.3]))
    times = 1.7e9 + step * np.arange(size, dtype=np.float64) + rng.uniform(0.0, step / 2, size)
    days = (times - 1.7e9) / 86400.0
    clean = level + slope * days + 3.0 * np.sin(2 * np.pi * days) + rng.normal(0.0, noise, size)
    values = clean.astype(np.float32)
    values[rng.random(size) < gap_rate] = np.float32(NAN)
    if draw(st.booleans()):
        rng.shuffle(times)
    return times, values


def test_empty_window(stats_fn: StatsFn) -> None:
    result = stats_fn(np.array([], dtype=np.float64), np.array([], dtype=np.float32))
    assert result.count == 0
    assert all(math.isnan(v) for v in (result.minimum, result.mean, result.std, result.t_ref))
    assert math.isnan(result.slope_per_day)
    assert math.isnan(result.intercept)


def test_single_sample(stats_fn: StatsFn) -> None:
    result = stats_fn(np.array([1.7e9]), np.array([21.5], dtype=np.float32))
    assert (result.count, result.minimum, result.maximum, result.mean, result.std) == (
        1,
        21.5,
        21.5,
        21.5,
        0.0,
    )
    assert result.t_ref == 1.7e9
    assert math.isnan(result.slope_per_day)
    assert math.isnan(result.intercept)


def test_two_samples(stats_fn: StatsFn) -> None:
    result = stats_fn(np.array([500.0, 500.0 + 86400.0]), np.array([1.0, 3.0], dtype=np.float32))
    assert (result.count, result.mean, result.std, result.t_ref) == (2, 2.0, 1.0, 500.0)
    assert result.slope_per_day == pytest.approx(2.0, rel=1e-15)
    assert result.intercept == pytest.approx(1.0, rel=1e-15)


def test_non_finite_samples_are_skipped(stats_fn: StatsFn) -> None:
    times = np.array([NAN, 10.0, 20.0, 86420.0, math.inf, 172820.0])
    values = np.array([1.0, math.inf, 4.0, 6.0, 100.0, 8.0], dtype=np.float32)
    result = stats_fn(times, values)
    assert result.count == 3
    assert result.t_ref == 20.0
    assert (result.minimum, result.maximum, result.mean) == (4.0, 8.0, 6.0)
    assert result.slope_per_day == pytest.approx(2.0, rel=1e-12)
    assert result.intercept == pytest.approx(4.0, rel=1e-12)


def test_constant_series(stats_fn: StatsFn) -> None:
    times = 1.7e9 + 60.0 * np.arange(1000, dtype=np.float64)
    result = stats_fn(times, np.full(1000, 19.25, dtype=np.float32))
    assert (result.mean, result.std, result.slope_per_day, result.intercept) == (
        19.25,
        0.0,
        0.0,
        19.25,
    )


def test_all_times_equal_has_no_slope(stats_fn: StatsFn) -> None:
    values = np.arange(300, dtype=np.float32)
    result = stats_fn(np.full(300, 1.7e9), values)
    assert result.count == 300
    assert result.std == pytest.approx(float(np.std(values.astype(np.float64))), rel=1e-12)
    assert math.isnan(result.slope_per_day)
    assert math.isnan(result.intercept)


def test_recovers_a_line(stats_fn: StatsFn) -> None:
    times = 1.7e9 + 3600.0 * np.arange(5000, dtype=np.float64)
    values = (12.0 - 0.25 * (times - 1.7e9) / 86400.0).astype(np.float32)
    result = stats_fn(times, values)
    assert result.slope_per_day == pytest.approx(-0.25, rel=1e-6)
    assert result.intercept == pytest.approx(12.0, rel=1e-6)


@settings(max_examples=40, deadline=None)
@given(window=sensor_windows())
def test_matches_numpy_routines(stats_fn: StatsFn, window: Window) -> None:
    """Mean/std against np.mean/np.std, trend against np.polyfit on the finite samples."""
    result = stats_fn(*window)
    times, values = finite_part(*window)
    assert result.count == times.size
    if times.size == 0:
        return
    y = values.astype(np.float64)
    x = (times - times[0]) / 86400.0
    scale = float(np.max(np.abs(y)))
    assert result.t_ref == times[0]
    assert (result.minimum, result.maximum) == (float(values.min()), float(values.max()))
    assert_close(result.mean, float(np.mean(y)), 1e-12 * scale, "mean")
    assert_close(result.std, float(np.std(y)), 1e-12 * scale, "std")
    if times.size < 2:
        assert math.isnan(result.slope_per_day)
        return
    slope, intercept = np.polyfit(x, y, 1)
    slope_scale = float(np.ptp(y)) / float(np.std(x))
    assert_close(result.slope_per_day, float(slope), 1e-10 * slope_scale, "slope")
    intercept_scale = scale + slope_scale * float(np.max(x))
    assert_close(result.intercept, float(intercept), 1e-10 * intercept_scale, "intercept")


@needs_native
@settings(max_examples=150, deadline=None)
@given(window=wild_windows())
def test_native_matches_numpy_twin_on_any_input(window: Window) -> None:
    assert_same_stats(window_stats_native(*window), window_stats_numpy(*window), window)


@needs_native
@settings(max_examples=30, deadline=None)
@given(window=sensor_windows())
def test_native_matches_numpy_twin_on_sensor_series(window: Window) -> None:
    assert_same_stats(window_stats_native(*window), window_stats_numpy(*window), window)


@needs_native
@pytest.mark.parametrize(
    ("size", "base_time", "value_scale"),
    [(2_000_000, 1.7e9, 25.0), (2_000_003, 1.0e15, 1e30), (1_000_000, -4.0e12, 1e-20)],
)
def test_native_matches_numpy_twin_on_large_windows(
    size: int, base_time: float, value_scale: float
) -> None:
    rng = np.random.default_rng(size)
    times = base_time + 10.0 * np.arange(size, dtype=np.float64) + rng.uniform(0.0, 5.0, size)
    values = (value_scale * (1.0 + rng.normal(0.0, 0.1, size))).astype(np.float32)
    values[rng.random(size) < 0.01] = np.float32(NAN)
    times[rng.random(size) < 0.001] = math.inf
    window = (times, values)
    assert_same_stats(window_stats_native(*window), window_stats_numpy(*window), window)


@needs_native
@pytest.mark.parametrize("size", [127, 128, 129, 255, 256, 257, 1000])
def test_block_boundaries_first_sample_outlier(size: int) -> None:
    """A huge first value is the worst case for shifting by the first sample."""
    times = 60.0 * np.arange(size, dtype=np.float64)
    values = np.full(size, 3.0, dtype=np.float32)
    values[0] = np.float32(1e30)
    values[size // 2] = np.float32(3.5)
    window = (times, values)
    assert_same_stats(window_stats_native(*window), window_stats_numpy(*window), window)


@pytest.mark.parametrize(
    ("times", "values", "error"),
    [
        (np.zeros((2, 2)), np.zeros((2, 2), dtype=np.float32), ValueError),
        (np.float64(1.0), np.float32(1.0), ValueError),
        (np.zeros(3), np.zeros(4, dtype=np.float32), ValueError),
        (np.array(["a", "b"]), np.zeros(2, dtype=np.float32), TypeError),
        (np.zeros(2), np.array([1 + 2j, 3j]), TypeError),
        (np.zeros(2), np.array([None, 1.0], dtype=object), TypeError),
        ([[0.0, 1.0], [2.0]], [1.0, 2.0], ValueError),
    ],
)
def test_invalid_input_is_rejected(
    stats_fn: StatsFn, times: object, values: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        stats_fn(times, values)  # type: ignore[arg-type]


def test_other_dtypes_and_layouts_are_converted(stats_fn: StatsFn) -> None:
    """Integer times, float64 values and strided views give the float64/float32 result."""
    times = np.arange(0, 2000 * 600, 600, dtype=np.int64)
    values = np.linspace(10.0, 30.0, 2000)
    expected = stats_fn(times.astype(np.float64), values.astype(np.float32))
    assert stats_fn(times, values) == expected  # type: ignore[arg-type]
    strided = stats_fn(np.repeat(times, 2)[::2].astype(np.float64), np.repeat(values, 2)[::2])  # type: ignore[arg-type]
    assert strided == expected
    assert stats_fn(times[:2], np.array([1e39, 1.0])).count == 1  # type: ignore[arg-type]


def test_read_only_and_unaligned_arrays(stats_fn: StatsFn) -> None:
    times = 1.7e9 + 60.0 * np.arange(300, dtype=np.float64)
    values = np.cos(np.arange(300, dtype=np.float64)).astype(np.float32)
    expected = stats_fn(times, values)
    read_only_times, read_only_values = times.copy(), values.copy()
    read_only_times.flags.writeable = False
    read_only_values.flags.writeable = False
    assert stats_fn(read_only_times, read_only_values) == expected
    raw = bytearray(times.nbytes + 1)
    unaligned = np.frombuffer(raw, dtype=np.float64, count=times.size, offset=1)
    unaligned[:] = times
    assert not unaligned.flags.aligned
    assert stats_fn(unaligned, values) == expected


@needs_native
@pytest.mark.parametrize(
    ("times", "values"),
    [
        (np.zeros(4), np.zeros(4, dtype=np.float32)),
        ([0.0, 1.0, 2.0, 3.0], np.zeros(4, dtype=np.float32)),
        (np.zeros(4).ctypes.data, np.zeros(4, dtype=np.float32).ctypes.data),
    ],
    # Not the values: a bare address differs per process, and xdist's workers must agree.
    ids=["arrays", "list", "addresses"],
)
def test_native_function_takes_only_typed_pointers(times: object, values: object) -> None:
    """Arrays, lists and bare addresses cannot reach the kernel without the Python checks."""
    assert ws._native is not None
    with pytest.raises(ctypes.ArgumentError):
        ws._native.window_stats(times, values, 4, ctypes.byref(ws._CWindowStats()))


@pytest.fixture
def kernel_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, int]]:
    """Record the (times address, values address, n) of every call into the real kernel."""
    library = ws._native
    if library is None:
        pytest.skip("native library not loaded")
    calls: list[tuple[int, int, int]] = []

    def recording(times_p: object, values_p: object, n: int, out: object) -> int:
        calls.append((address_of(times_p), address_of(values_p), n))
        status: int = library.window_stats(times_p, values_p, n, out)
        return status

    monkeypatch.setattr(ws, "_native", ws._NativeLibrary(library.path, recording))
    return calls


def address_of(pointer: object) -> int:
    """The address a ctypes argument of the kernel points at."""
    if isinstance(pointer, ctypes._Pointer):
        return ctypes.cast(pointer, ctypes.c_void_p).value or 0
    assert isinstance(pointer, ctypes.c_double | ctypes.c_float)
    return ctypes.addressof(pointer)


def read_only[A: NDArray[np.generic]](array: A) -> A:
    array = array.copy()
    array.flags.writeable = False
    return array


def test_kernel_reads_callers_arrays_in_place(kernel_calls: list[tuple[int, int, int]]) -> None:
    """Float64/float32 arrays, writable or not, are passed by address: zero copy."""
    times = 1.7e9 + 60.0 * np.arange(10, dtype=np.float64)
    values = np.arange(10, dtype=np.float32)
    frozen_times, frozen_values = read_only(times), read_only(values)
    first = window_stats(times, values)
    assert window_stats(frozen_times, frozen_values) == first
    assert kernel_calls == [
        (times.ctypes.data, values.ctypes.data, 10),
        (frozen_times.ctypes.data, frozen_values.ctypes.data, 10),
    ]


@pytest.mark.parametrize(
    "layout",
    ["unaligned", "strided", "big_endian", "float64_values", "list", "empty"],
)
def test_kernel_gets_aligned_arrays_of_the_right_length(
    kernel_calls: list[tuple[int, int, int]], layout: str
) -> None:
    """Whatever the caller passes, the kernel sees aligned memory holding n samples."""
    size = 0 if layout == "empty" else 50
    times = 1.7e9 + 60.0 * np.arange(size, dtype=np.float64)
    values = np.sin(np.arange(size)).astype(np.float32)
    expected = window_stats(times, values)
    kernel_calls.clear()
    given_times: object = times
    given_values: object = values
    match layout:
        case "unaligned":
            raw = bytearray(times.nbytes + 1)
            given_times = np.frombuffer(raw, dtype=np.float64, count=times.size, offset=1)
            given_times[:] = times
        case "strided":
            given_times = np.repeat(times, 2)[::2]
        case "big_endian":
            given_values = values.astype(">f4")
        case "float64_values":
            given_values = values.astype(np.float64)
        case "list":
            given_times = times.tolist()
    result = window_stats(given_times, given_values)  # type: ignore[arg-type]
    assert all(
        a == e or (math.isnan(a) and math.isnan(e)) for a, e in zip(result, expected, strict=True)
    )
    [(times_address, values_address, n)] = kernel_calls
    assert (times_address % 8, values_address % 4) == (0, 0)
    assert n == size


def test_result_is_immutable() -> None:
    result = window_stats(np.arange(3, dtype=np.float64), np.ones(3, dtype=np.float32))
    with pytest.raises(AttributeError):
        result.mean = 0.0  # type: ignore[misc]


@needs_native
def test_window_stats_uses_native_when_loaded() -> None:
    times = 1.7e9 + 60.0 * np.arange(500, dtype=np.float64)
    values = np.sin(np.arange(500)).astype(np.float32)
    assert backend_name() == "native"
    assert window_stats(times, values) == window_stats_native(times, values)


@pytest.mark.skipif(
    SHIPPED_MACHINES.get(platform.machine()) is None, reason="no library shipped for this machine"
)
def test_shipped_library_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing or broken committed .so must fail here, not silently fall back to numpy."""
    monkeypatch.delenv("PY_IOT_HOME_NATIVE_LIB", raising=False)
    monkeypatch.delenv("PY_IOT_HOME_NATIVE", raising=False)
    machine = SHIPPED_MACHINES[platform.machine()]
    library = ws._load_native()
    assert library is not None
    assert library.path.name == f"libpyiot_processor-{machine}-linux.so"


def use_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reload the library under the current environment, restored after the test."""
    monkeypatch.setattr(ws, "_native", ws._load_native())


def test_missing_override_falls_back_to_numpy(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    monkeypatch.setenv("PY_IOT_HOME_NATIVE_LIB", str(tmp_path / "missing.so"))
    with caplog.at_level(logging.WARNING):
        use_library(monkeypatch)
    assert len(caplog.records) == 1
    assert "missing.so" in caplog.text
    assert backend_name() == "numpy"
    assert native_library_path() is None
    times, values = np.arange(10, dtype=np.float64), np.arange(10, dtype=np.float32)
    assert window_stats(times, values) == window_stats_numpy(times, values)
    with pytest.raises(NativeUnavailableError):
        window_stats_native(times, values)


@needs_native
def test_abi_mismatch_falls_back_to_numpy(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(ws, "_ABI_VERSION", ws._ABI_VERSION + 1)
    with caplog.at_level(logging.WARNING):
        use_library(monkeypatch)
    assert backend_name() == "numpy"
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "ABI" in caplog.text


def test_library_without_our_symbols_falls_back(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PY_IOT_HOME_NATIVE_LIB", "libm.so.6")
    with caplog.at_level(logging.WARNING):
        use_library(monkeypatch)
    assert backend_name() == "numpy"
    assert "pyiot_abi_version" in caplog.text


def test_native_can_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PY_IOT_HOME_NATIVE", "0")
    use_library(monkeypatch)
    assert backend_name() == "numpy"


def test_unsupported_machine_uses_numpy(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("PY_IOT_HOME_NATIVE_LIB", raising=False)
    monkeypatch.setattr(platform, "machine", lambda: "armv7l")
    with caplog.at_level(logging.INFO):
        use_library(monkeypatch)
    assert backend_name() == "numpy"
    assert "armv7l" in caplog.text


@needs_native
def test_override_loads_the_named_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shipped = native_library_path()
    assert shipped is not None
    copy = tmp_path / "custom.so"
    shutil.copyfile(shipped, copy)
    monkeypatch.setenv("PY_IOT_HOME_NATIVE_LIB", str(copy))
    use_library(monkeypatch)
    assert native_library_path() == str(copy)
    assert window_stats(np.arange(3, dtype=np.float64), np.ones(3, dtype=np.float32)).count == 3


def test_native_error_status_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ws, "_native", ws._NativeLibrary(Path("fake.so"), lambda *_: -1))
    with pytest.raises(RuntimeError, match="status -1"):
        window_stats(np.arange(3, dtype=np.float64), np.ones(3, dtype=np.float32))
