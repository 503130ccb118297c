"""The native window statistics on two machines, compared on the very same inputs.

script/test-arm64 runs the three steps; `inputs` and `compare` run on x86_64, `results` on
both (on aarch64 under qemu-user, with Debian's numpy and no Home Assistant):
    python -m tests.analysis.cross_arch inputs  INPUTS.npz
    python -m tests.analysis.cross_arch results INPUTS.npz RESULTS.npy
    python -m tests.analysis.cross_arch compare INPUTS.npz X86_64.npy AARCH64.npy

Each machine computes every window with its native library and with the numpy twin. The
inputs are the parity suite's own: the windows Hypothesis draws from its strategies
(derandomized, so every run draws the same ones), its block-boundary and large cases.
"""

import argparse
import platform
import sys
from pathlib import Path

import numpy as np

import tests.pure_packages  # noqa: F401  # the pure packages, without Home Assistant

# isort: split
from custom_components.py_iot_home.analysis import window_stats as ws

type Window = tuple[np.ndarray, np.ndarray]

WILD_EXAMPLES = 150
SENSOR_EXAMPLES = 60


def _drawn(strategy: object, examples: int) -> list[Window]:
    """The windows Hypothesis draws from a strategy, the same ones on every run."""
    from hypothesis import HealthCheck, Phase, given, settings

    drawn: list[Window] = []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(window=strategy)
    def collect(window: Window) -> None:
        drawn.append(window)

    collect()
    return drawn


def parity_inputs() -> list[Window]:
    """The parity suite's windows: drawn ones, block boundaries and three large windows."""
    from tests.analysis.test_window_stats import sensor_windows, wild_windows

    windows = _drawn(wild_windows(), WILD_EXAMPLES) + _drawn(sensor_windows(), SENSOR_EXAMPLES)
    for size in (127, 128, 129, 255, 256, 257, 1000):
        values = np.full(size, 3.0, dtype=np.float32)
        values[0] = np.float32(1e30)
        values[size // 2] = np.float32(3.5)
        windows.append((60.0 * np.arange(size, dtype=np.float64), values))
    for size, base_time, value_scale in (
        (2_000_000, 1.7e9, 25.0),
        (2_000_003, 1.0e15, 1e30),
        (1_000_000, -4.0e12, 1e-20),
    ):
        rng = np.random.default_rng(size)
        times = base_time + 10.0 * np.arange(size, dtype=np.float64) + rng.uniform(0.0, 5.0, size)
        values = (value_scale * (1.0 + rng.normal(0.0, 0.1, size))).astype(np.float32)
        values[rng.random(size) < 0.01] = np.float32(np.nan)
        times[rng.random(size) < 0.001] = np.inf
        windows.append((times, values))
    return windows


def load_inputs(path: Path) -> list[Window]:
    """Read the windows `inputs` wrote."""
    with np.load(path, allow_pickle=False) as saved:
        count = len(saved.files) // 2
        return [(saved[f"times_{i}"], saved[f"values_{i}"]) for i in range(count)]


def machine_results(windows: list[Window]) -> np.ndarray:
    """Each window's statistics from this machine's shipped library ([:, 0]) and twin ([:, 1])."""
    expected = ws.expected_native_library()
    if ws.native_library_path() is None or ws.native_library_path() != expected:
        sys.exit(f"the native library {expected} did not load on {platform.machine()}")
    return np.array(
        [
            [list(ws.window_stats_native(*window)), list(ws.window_stats_numpy(*window))]
            for window in windows
        ]
    )


def compare(inputs: Path, x86_64: Path, aarch64: Path) -> str:
    """Check, with the parity suite's tolerances, aarch64's library against x86_64's and
    against its own numpy twin; describe the result."""
    from tests.analysis.test_window_stats import assert_same_stats

    windows = load_inputs(inputs)
    reference, emulated = np.load(x86_64), np.load(aarch64)
    assert reference.shape == emulated.shape == (len(windows), 2, len(ws.WindowStats._fields))
    for window, x86, arm in zip(windows, reference, emulated, strict=True):
        assert_same_stats(ws.WindowStats(*arm[0]), ws.WindowStats(*x86[0]), window)
        assert_same_stats(ws.WindowStats(*arm[0]), ws.WindowStats(*arm[1]), window)
    native_x86, native_arm = reference[:, 0], emulated[:, 0]
    same = (native_x86 == native_arm) | (np.isnan(native_x86) & np.isnan(native_arm))
    identical = int(np.sum(np.all(same, axis=1)))
    return (
        f"{len(windows)} windows: aarch64's library gives x86_64's statistics and its own "
        f"numpy twin's within the parity suite's tolerance; {identical} bit for bit as on x86_64"
    )


def main() -> None:
    """Run one step (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["inputs", "results", "compare"])
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()
    if args.step == "inputs":
        windows = parity_inputs()
        arrays = {f"times_{i}": times for i, (times, _) in enumerate(windows)}
        arrays |= {f"values_{i}": values for i, (_, values) in enumerate(windows)}
        np.savez(args.paths[0], **arrays)
        print(f"{len(windows)} windows written to {args.paths[0]}")
    elif args.step == "results":
        results = machine_results(load_inputs(args.paths[0]))
        np.save(args.paths[1], results)
        print(f"{platform.machine()}: {len(results)} results from {ws.native_library_path()}")
    else:
        print(compare(*args.paths))


if __name__ == "__main__":
    main()
