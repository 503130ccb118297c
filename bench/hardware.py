"""Perception-layer figures: event-loop time per poll of 13 local sensors and 13 LED switches.

13 board entries (one DHT22 and one LED each: a Pi's 26 GPIO pins, 2 to 27) on the fake
Raspberry Pi libraries, set up by the real integration in a real Home Assistant. Per refresh
round of the 13 sensors and per switch toggle: time spent on the event-loop thread (target
< 1 ms per sensor; the reads and pin writes run in the executor) and wall time; the same
reads done on the loop instead, for scale; and the memory each configured device costs
(tracemalloc, setup of all 13 divided by 13).

    script/run python bench/hardware.py
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The tests' harness, first: it prepares the test plugin's imports.
from tests.script_hass import script_home_assistant  # isort: skip
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.py_iot_home.board.coordinator import LocalBoardCoordinator
from custom_components.py_iot_home.const import (
    CONF_ACTIVE_HIGH,
    CONF_AREA,
    CONF_BOARD_ID,
    CONF_DHT_MODEL,
    CONF_DHT_PIN,
    CONF_FAILURE_THRESHOLD,
    CONF_INITIAL_ON,
    CONF_LED_ID,
    CONF_LEDS,
    CONF_PIN,
    CONF_POLL_INTERVAL,
    DOMAIN,
)
from tests.fakes import install_fake_hardware
from tests.home_entry import board_subentry, feature, home_entry

# Every pin a board may take, once: a DHT22 on 2..14 and an LED on 15..27. (20 boards, with
# DHTs on fake-only pins 100+, no longer start: a stored pin no form stores stops its board.)
BOARDS = 13
ROUNDS = 30
TOGGLES = 40
TARGET_LOOP_MS = 1.0
DHT_FRAME_S = 0.005
DHT_PIN_BASE = 2
LED_PIN_BASE = DHT_PIN_BASE + BOARDS


class LoopClock:
    """Adds up the time the loop thread spends running callbacks (tasks run as callbacks)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.enabled = False
        self._original = asyncio.events.Handle._run
        clock = self

        def timed_run(handle: asyncio.events.Handle) -> None:
            if not clock.enabled:
                clock._original(handle)
                return
            start = time.perf_counter()
            try:
                clock._original(handle)
            finally:
                clock.seconds += time.perf_counter() - start

        asyncio.events.Handle._run = timed_run  # type: ignore[method-assign,assignment]

    @contextmanager
    def measure(self) -> Iterator[None]:
        self.seconds = 0.0
        self.enabled = True
        try:
            yield
        finally:
            self.enabled = False


def board_data(index: int) -> dict[str, Any]:
    """Board `index`'s subentry data: a DHT22 and one LED."""
    return {
        CONF_BOARD_ID: f"room{index:04d}",
        CONF_DHT_PIN: DHT_PIN_BASE + index,
        CONF_DHT_MODEL: "dht22",
        CONF_AREA: "",
        CONF_POLL_INTERVAL: 60,
        CONF_FAILURE_THRESHOLD: 5,
        CONF_LEDS: [
            {
                CONF_LED_ID: f"led{index:05d}",
                "name": f"LED {index:02d}",
                CONF_PIN: LED_PIN_BASE + index,
                CONF_ACTIVE_HIGH: True,
                CONF_INITIAL_ON: False,
            }
        ],
    }


def subentry_id(index: int) -> str:
    return f"01JBENCHBOARD{index:016d}"


async def run(hass: HomeAssistant) -> dict[str, Any]:
    loop_clock = LoopClock()
    # The boards as a home entry holds them: one subentry each.
    entry = home_entry(
        *(
            board_subentry(board_data(i), title=f"Room {i:02d}", subentry_id=subentry_id(i))
            for i in range(BOARDS)
        )
    )
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    gc.collect()
    per_device_bytes = (tracemalloc.get_traced_memory()[0] - before) / BOARDS
    tracemalloc.stop()
    runtimes = [feature(entry, subentry_id(i)) for i in range(BOARDS)]
    trend_bytes = sum(
        runtime.trend.store.buffer(key).nbytes
        for runtime in runtimes
        for key in ("temperature", "humidity")
    )

    boards: list[LocalBoardCoordinator] = [runtime.board for runtime in runtimes]
    registry = er.async_get(hass)
    switches = [
        registry.async_get_entity_id(Platform.SWITCH, DOMAIN, f"room{i:04d}_led_led{i:05d}")
        for i in range(BOARDS)
    ]
    assert all(switches)

    refresh_loop_ms, refresh_wall_ms = [], []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        with loop_clock.measure():
            await asyncio.gather(*(board.async_refresh() for board in boards))
            await hass.async_block_till_done()
        refresh_wall_ms.append((time.perf_counter() - start) * 1000)
        refresh_loop_ms.append(loop_clock.seconds * 1000)
        assert all(board.last_update_success for board in boards)

    toggle_loop_ms, toggle_wall_ms = [], []
    for toggle in range(TOGGLES):
        entity_id = switches[toggle % BOARDS]
        service = SERVICE_TURN_ON if (toggle // BOARDS) % 2 == 0 else SERVICE_TURN_OFF
        start = time.perf_counter()
        with loop_clock.measure():
            await hass.services.async_call(
                Platform.SWITCH, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
            )
        toggle_wall_ms.append((time.perf_counter() - start) * 1000)
        toggle_loop_ms.append(loop_clock.seconds * 1000)

    read_on_loop_ms = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for board in boards:
            board.dht.read()
        read_on_loop_ms.append((time.perf_counter() - start) * 1000)

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    return {
        "boards": BOARDS,
        "dht_backend": boards[0].dht.name,
        "refresh_round_loop_ms": statistics.median(refresh_loop_ms),
        "refresh_round_loop_ms_p95": sorted(refresh_loop_ms)[int(ROUNDS * 0.95) - 1],
        "refresh_round_wall_ms": statistics.median(refresh_wall_ms),
        "per_sensor_loop_ms": statistics.median(refresh_loop_ms) / BOARDS,
        "reads_on_loop_ms": statistics.median(read_on_loop_ms),
        "toggle_loop_ms": statistics.median(toggle_loop_ms),
        "toggle_wall_ms": statistics.median(toggle_wall_ms),
        "memory_per_device_kib": per_device_bytes / 1024,
        "trend_buffers_per_device_kib": trend_bytes / BOARDS / 1024,
        "target_loop_ms": TARGET_LOOP_MS,
    }


async def main() -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        hardware = install_fake_hardware(monkeypatch)
        # A DHT22 frame takes about 5 ms on the wire; the fake takes as long, in the executor.
        hardware.dht.read_duration_s = DHT_FRAME_S
        with tempfile.TemporaryDirectory() as config_dir:
            async with script_home_assistant(config_dir) as hass:
                return await run(hass)


def report(f: dict[str, Any]) -> None:
    print(
        f"{f['boards']} boards (DHT22 + LED each) on fake hardware, "
        f"DHT backend {f['dht_backend']}\n"
    )
    rows = [
        (
            f"refresh round, {f['boards']} sensors",
            f["refresh_round_loop_ms"],
            f["refresh_round_wall_ms"],
        ),
        ("  per sensor", f["per_sensor_loop_ms"], float("nan")),
        (
            f"{f['boards']} reads done on the loop instead",
            f["reads_on_loop_ms"],
            f["reads_on_loop_ms"],
        ),
        ("switch toggle (service call)", f["toggle_loop_ms"], f["toggle_wall_ms"]),
    ]
    print(f"{'operation':<36}{'loop ms':>10}{'wall ms':>10}")
    for name, loop_ms, wall_ms in rows:
        print(f"{name:<36}{loop_ms:>10.3f}{wall_ms:>10.3f}")
    verdict = "ok" if f["per_sensor_loop_ms"] < f["target_loop_ms"] else "MISSED"
    print(
        f"\nloop time per sensor poll: {f['per_sensor_loop_ms']:.3f} ms "
        f"(target < {f['target_loop_ms']} ms: {verdict}); whole round "
        f"{f['refresh_round_loop_ms']:.2f} ms (p95 {f['refresh_round_loop_ms_p95']:.2f} ms)"
    )
    print(
        f"memory per configured device (board + LED, entities included): "
        f"{f['memory_per_device_kib']:.0f} KiB, of which "
        f"{f['trend_buffers_per_device_kib']:.0f} KiB are the 7-day trend ring buffers"
    )


if __name__ == "__main__":
    results = asyncio.run(main())
    report(results)
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in results.items()}))
