"""Discovery flood: 10,000 distinct node announcements in one burst, and the event loop's lag.

Home Assistant's MQTT discovery starts one config flow per announcement; the integration
keeps at most MAX_PENDING_DISCOVERIES waiting and refuses the rest. A 1 ms ticker on Home
Assistant's loop measures how late it wakes up while the burst is handled (lag max and p99),
and the loop thread's CPU time gives the cost per announcement; every garbage collection in the
burst is recorded (``gc.callbacks``), since a full one stops the loop as long as it runs. Ways
in, side by side:

- harness: the test harness's ``async_fire_mqtt_message`` in chunks of 500 (what Home
  Assistant's client reads per socket wake-up), as ``test_discovery_flood`` does, with
  asyncio debug mode on (as the pytest plugin runs it) and off (as Home Assistant runs);
- real broker: Mosquitto on a free loopback port, Home Assistant's real MQTT client, a paho
  publisher process sending the burst (retained, QoS 1) while Home Assistant is subscribed,
  and the same announcements already retained when Home Assistant subscribes.

Where the time goes, by difference (harness, debug off): topics no one subscribes to
(Home Assistant's MQTT client alone: receive, match against every integration's discovery
wildcard), the config flow's step replaced by a bare abort (plus Home Assistant's discovery and
flow manager), the integration as shipped, and a variant that checks the limits before parsing.

    script/run python bench/discovery_flood.py [--announcements 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "node"))

TARGET_LAG_MS = 100.0
CHUNK = 500  # MAX_PACKETS_TO_READ in Home Assistant's MQTT client
TICK_S = 0.001
BROKER_TIMEOUT_S = 120.0


def announcements(count: int, run: str) -> list[tuple[str, bytes, int, bool]]:
    """Distinct valid announcements (topic, payload, qos, retain), as nodes publish them."""
    from py_iot_node.protocol import (
        build_announcement,
    )

    from bench.bench_nodes import climate_node

    messages = []
    for index in range(count):
        node = climate_node(f"{run}-{index}", f"Flood {index}", interval_s=30)
        message = build_announcement(node)
        messages.append((message.topic, message.payload, message.qos, message.retain))
    return messages


def run_publisher(host: str, port: int, count: int, run: str) -> dict[str, Any]:
    """Publish the burst on one connection as fast as paho can; say "go" when it starts."""
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    messages = announcements(count, run)
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"flood-{run}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(host, port, keepalive=30)
    client.loop_start()
    print("go", flush=True)
    start = time.perf_counter()
    infos = [
        client.publish(topic, payload, qos, retain) for topic, payload, qos, retain in messages
    ]
    for info in infos:
        info.wait_for_publish(timeout=60)
    publish_s = time.perf_counter() - start
    client.disconnect()
    client.loop_stop()
    return {"sent": len(infos), "acked": sum(info.is_published() for info in infos), "s": publish_s}


@dataclass
class Burst:
    """What one burst left behind and how the loop fared."""

    announcements: int
    handled: int
    flows: int
    entries: int
    lag_max_ms: float
    lag_p99_ms: float
    loop_us_per_msg: float
    gc_max_ms: float  # longest garbage collection during the burst: it stops the loop too
    full_gcs: int


class LagTicker:
    """Sleeps TICK_S in a loop and records how late each wake-up is."""

    def __init__(self) -> None:
        self.ticks: list[tuple[float, float]] = []
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while not self._stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(TICK_S)
            now = time.perf_counter()
            self.ticks.append((now, now - before - TICK_S))

    def start(self) -> None:
        # A plain task, not a hass task: async_block_till_done would wait for it.
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        self._stop.set()
        assert self._task is not None
        await self._task

    def lags_since(self, start: float) -> tuple[float, float]:
        """Worst and 99th-percentile lag (ms) of the wake-ups after `start`."""
        lags = sorted(lag for end, lag in self.ticks if end >= start) or [0.0]
        return lags[-1] * 1000.0, lags[min(len(lags) - 1, int(0.99 * len(lags)))] * 1000.0


class GcPauses:
    """Records every garbage collection's pause (any thread: it holds the GIL throughout)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, int, float]] = []  # (end, generation, seconds)
        self._start = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._start = now
        else:
            self.pauses.append((now, info["generation"], now - self._start))

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def since(self, start: float) -> tuple[float, int]:
        """Longest pause (ms) and the number of full collections after `start`."""
        pauses = [(gen, s) for end, gen, s in self.pauses if end >= start]
        return max((s for _, s in pauses), default=0.0) * 1000.0, sum(g == 2 for g, _ in pauses)


BARE_ABORTS = [0]


async def bare_abort_step(flow: Any, discovery_info: Any) -> Any:
    """The integration's step replaced by the cheapest possible one (it only counts)."""
    BARE_ABORTS[0] += 1
    return flow.async_abort(reason="too_many_pending")


def cap_first_step(shipped: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """The shipped step, but the limits checked from the topic before the payload is parsed."""
    from custom_components.py_iot_home.const import DOMAIN
    from custom_components.py_iot_home.nodes.discovery import (
        DiscoveryRejected,
        announced_node_id,
        check_capacity,
        pending_discoveries,
        record_discovery_rejection,
    )

    async def step(flow: Any, discovery_info: Any) -> Any:
        node_id = announced_node_id(discovery_info.topic)
        known = flow.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, node_id)
        if node_id and not known and node_id not in pending_discoveries(flow.hass):
            try:
                check_capacity(flow.hass)
            except DiscoveryRejected as err:
                record_discovery_rejection(flow.hass, err.reason)
                return flow.async_abort(reason=err.reason)
        return await shipped(flow, discovery_info)

    return step


@asynccontextmanager
async def home_assistant() -> AsyncIterator[Any]:
    """The tests' Home Assistant instance, which finds custom_components/py_iot_home."""
    from tests.script_hass import script_home_assistant

    with tempfile.TemporaryDirectory() as config_dir:
        async with script_home_assistant(config_dir) as hass:
            yield hass


async def set_up_mqtt(hass: Any, broker: str, port: int | None) -> None:
    from tests.mqtt_entry import async_setup_mqtt_entry
    from tests.script_hass import async_setup_http

    await async_setup_http(hass)  # MQTT depends on http

    data: dict[str, Any] = {"broker": broker} | ({"port": port} if port else {"protocol": "5"})
    await async_setup_mqtt_entry(hass, data)


def outcome(hass: Any) -> tuple[int, int, int]:
    """(announcements handled, discovery flows waiting, node entries) so far."""
    from homeassistant.config_entries import SOURCE_MQTT

    from custom_components.py_iot_home.const import DOMAIN
    from custom_components.py_iot_home.nodes.discovery import DISCOVERY_REJECTIONS

    flows = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_MQTT
    ]
    refused = sum(hass.data.get(DISCOVERY_REJECTIONS, {}).values()) + BARE_ABORTS[0]
    return refused + len(flows), len(flows), len(hass.config_entries.async_entries(DOMAIN))


def burst_figures(
    hass: Any, count: int, ticker: LagTicker, gc_pauses: GcPauses, start: float, cpu_s: float
) -> Burst:
    """What a burst that began at `start` left behind, and how the loop fared since."""
    handled, flows, entries = outcome(hass)
    return Burst(
        count,
        handled,
        flows,
        entries,
        *ticker.lags_since(start),
        cpu_s / count * 1e6,
        *gc_pauses.since(start),
    )


async def reset_discoveries(hass: Any) -> None:
    """Abort the waiting flows and forget the counts, for the next repeat."""
    from custom_components.py_iot_home.const import DOMAIN
    from custom_components.py_iot_home.nodes.discovery import DISCOVERY_REJECTIONS

    for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN):
        hass.config_entries.flow.async_abort(flow["flow_id"])
    hass.data.pop(DISCOVERY_REJECTIONS, None)
    BARE_ABORTS[0] = 0
    await hass.async_block_till_done()


async def harness_bursts(
    count: int, repeats: int, *, debug: bool, step: str, topic_kind: str = "announce"
) -> list[Burst]:
    """Bursts through async_fire_mqtt_message, CHUNK messages per loop iteration."""
    from tests.mqtt_entry import mocked_paho  # isort: skip (first: prepares the plugin)
    from pytest_homeassistant_custom_component.common import async_fire_mqtt_message

    from custom_components.py_iot_home.config_flow import PyIotHomeConfigFlow

    shipped = PyIotHomeConfigFlow.async_step_mqtt
    steps = {"shipped": shipped, "bare": bare_abort_step, "cap_first": cap_first_step(shipped)}
    bursts = []
    async with home_assistant() as hass:
        with mocked_paho(hass), patch.object(PyIotHomeConfigFlow, "async_step_mqtt", steps[step]):
            await set_up_mqtt(hass, "mock-broker", None)
            # Warm-up: the first flow loads the integration and its config flow.
            for topic, payload, _, _ in announcements(1, "warm"):
                async_fire_mqtt_message(hass, topic, payload, retain=True)
            await hass.async_block_till_done()
            for run in range(repeats):
                await reset_discoveries(hass)
                messages = [
                    (topic.replace("/announce", f"/{topic_kind}"), payload)
                    for topic, payload, _, _ in announcements(count, f"run{run}")
                ]
                asyncio.get_running_loop().set_debug(debug)
                ticker = LagTicker()
                ticker.start()
                await asyncio.sleep(0.01)
                with GcPauses() as gc_pauses:
                    start, cpu_start = time.perf_counter(), time.thread_time()
                    for first in range(0, count, CHUNK):
                        for topic, payload in messages[first : first + CHUNK]:
                            async_fire_mqtt_message(hass, topic, payload, retain=True)
                        await asyncio.sleep(0)
                    await hass.async_block_till_done()
                    cpu_s = time.thread_time() - cpu_start
                await ticker.stop()
                asyncio.get_running_loop().set_debug(False)
                bursts.append(burst_figures(hass, count, ticker, gc_pauses, start, cpu_s))
    return bursts


async def broker_burst(port: int, count: int, *, on_subscribe: bool, step: str) -> Burst:
    """One burst through Mosquitto into Home Assistant's real MQTT client (debug off)."""
    from custom_components.py_iot_home.config_flow import PyIotHomeConfigFlow

    run = "retained" if on_subscribe else "live"
    steps = {"shipped": PyIotHomeConfigFlow.async_step_mqtt, "bare": bare_abort_step}
    BARE_ABORTS[0] = 0
    with patch.object(PyIotHomeConfigFlow, "async_step_mqtt", steps[step]):
        async with home_assistant() as hass:
            if on_subscribe:
                # Already retained on the broker: it sends them all when Home Assistant subscribes.
                await hass.async_add_executor_job(publish, port, count, run, None)
            else:
                await set_up_mqtt(hass, "127.0.0.1", port)
                # Let the debounced discovery subscriptions reach the broker.
                await asyncio.sleep(2.0)
            ticker = LagTicker()
            ticker.start()
            await asyncio.sleep(0.01)
            with GcPauses() as gc_pauses:
                start, cpu_start = [time.perf_counter()], time.thread_time()
                if on_subscribe:
                    await set_up_mqtt(hass, "127.0.0.1", port)
                else:
                    await hass.async_add_executor_job(publish, port, count, run, start)
                for _ in range(int(BROKER_TIMEOUT_S / 0.05)):
                    if outcome(hass)[0] >= count:
                        break
                    await asyncio.sleep(0.05)
                await hass.async_block_till_done()
                cpu_s = time.thread_time() - cpu_start
            await ticker.stop()
            burst = burst_figures(hass, count, ticker, gc_pauses, start[0], cpu_s)
            for entry in hass.config_entries.async_entries():
                await hass.config_entries.async_unload(entry.entry_id)
    return burst


def publish(port: int, count: int, run: str, started: list[float] | None) -> dict[str, Any]:
    """Run the publisher process; note when it starts sending (in `started`)."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--publisher", f"127.0.0.1:{port}:{count}:{run}"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "go":
            if started is not None:
                started[0] = time.perf_counter()
            break
    out, _ = process.communicate(timeout=BROKER_TIMEOUT_S)
    if process.returncode != 0:
        raise RuntimeError(f"publisher failed with {process.returncode}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def median_burst(bursts: list[Burst]) -> Burst:
    """Median of each figure over the repeats (outcomes must agree)."""
    first = bursts[0]
    assert all(
        (b.handled, b.flows, b.entries) == (first.handled, first.flows, first.entries)
        for b in bursts
    )
    return Burst(
        first.announcements,
        first.handled,
        first.flows,
        first.entries,
        statistics.median(b.lag_max_ms for b in bursts),
        statistics.median(b.lag_p99_ms for b in bursts),
        statistics.median(b.loop_us_per_msg for b in bursts),
        statistics.median(b.gc_max_ms for b in bursts),
        round(statistics.median(b.full_gcs for b in bursts)),
    )


async def measure(count: int, repeats: int) -> dict[str, Burst]:
    from tests.mosquitto_server import MosquittoServer

    rows: dict[str, Burst] = {}
    harness_rows: dict[str, dict[str, Any]] = {
        "harness, debug on": {"debug": True, "step": "shipped"},
        "harness, debug off": {"debug": False, "step": "shipped"},
        "harness, debug off, limits before parse": {"debug": False, "step": "cap_first"},
        "harness, debug off, bare-abort step": {"debug": False, "step": "bare"},
        "harness, debug off, no subscriber": {
            "debug": False,
            "step": "shipped",
            "topic_kind": "unsubscribed",
        },
    }
    for name, kwargs in harness_rows.items():
        print(f"{name}...", file=sys.stderr, flush=True)
        rows[name] = median_burst(await harness_bursts(count, repeats, **kwargs))
    for name, (on_subscribe, step) in {
        "real broker, live burst": (False, "shipped"),
        "real broker, retained on subscribe": (True, "shipped"),
        "real broker, live burst, bare-abort step": (False, "bare"),
    }.items():
        print(f"{name}...", file=sys.stderr, flush=True)
        with (
            tempfile.TemporaryDirectory() as broker_dir,
            MosquittoServer(Path(broker_dir)) as broker,
        ):
            rows[name] = await broker_burst(
                broker.port, count, on_subscribe=on_subscribe, step=step
            )
    return rows


def report(rows: dict[str, Burst], repeats: int) -> dict[str, Any]:
    count = next(iter(rows.values())).announcements
    print(
        f"{count:,} distinct announcements in one burst; harness rows: median of {repeats} "
        f"runs; lag = how late a {TICK_S * 1000:.0f} ms timer on Home Assistant's loop wakes\n"
    )
    header = f"{'scenario':<42}{'handled':>9}{'flows':>7}{'entries':>9}"
    print(
        header + f"{'lag max ms':>12}{'lag p99 ms':>12}{'loop µs/msg':>13}"
        f"{'gc max ms':>11}{'full gcs':>10}"
    )
    for name, b in rows.items():
        print(
            f"{name:<42}{b.handled:>9,}{b.flows:>7}{b.entries:>9}"
            f"{b.lag_max_ms:>12.1f}{b.lag_p99_ms:>12.1f}{b.loop_us_per_msg:>13.1f}"
            f"{b.gc_max_ms:>11.1f}{b.full_gcs:>10}"
        )
    mqtt_only = rows["harness, debug off, no subscriber"].loop_us_per_msg
    bare = rows["harness, debug off, bare-abort step"].loop_us_per_msg
    shipped = rows["harness, debug off"].loop_us_per_msg
    cap_first = rows["harness, debug off, limits before parse"].loop_us_per_msg
    print("\nper announcement on the loop (harness, debug off, by difference):")
    for what, us in (
        ("Home Assistant MQTT client: receive, match", mqtt_only),
        ("Home Assistant discovery + flow manager", bare - mqtt_only),
        ("py_iot_home step as shipped (parse first)", shipped - bare),
        ("py_iot_home step, limits before parse", cap_first - bare),
    ):
        print(f"  {what:<46}{us:>8.1f} µs")
    print(
        f"  a harness chunk of {CHUNK} costs {shipped * CHUNK / 1000:.0f} ms shipped, "
        f"{bare * CHUNK / 1000:.0f} ms with a bare-abort step"
    )
    live = rows["real broker, live burst"]
    floor = rows["real broker, live burst, bare-abort step"]
    print(
        f"  real broker: {live.loop_us_per_msg:.0f} µs shipped, {floor.loop_us_per_msg:.0f} µs "
        "with a bare-abort step; its socket reads stay small while Home Assistant keeps up: "
        "compare a lag of 100 ms or more with the longest garbage collection (gc max ms)"
    )
    ok = live.lag_max_ms < TARGET_LAG_MS
    print(
        f"\n{'ok' if ok else 'MISSED'}: real broker lag max {live.lag_max_ms:.0f} ms "
        f"(target < {TARGET_LAG_MS:.0f}); {live.flows} flows waiting, {live.entries} entries; "
        f"longest garbage collection in that burst {live.gc_max_ms:.0f} ms "
        f"({live.full_gcs} full)"
    )
    keys = {
        "harness, debug on": "harness_debug",
        "harness, debug off": "harness",
        "harness, debug off, limits before parse": "harness_cap_first",
        "harness, debug off, bare-abort step": "harness_bare_abort",
        "harness, debug off, no subscriber": "harness_no_subscriber",
        "real broker, live burst": "broker_live",
        "real broker, retained on subscribe": "broker_retained",
        "real broker, live burst, bare-abort step": "broker_bare_abort",
    }
    flat: dict[str, Any] = {
        "announcements": count,
        "flows_pending": live.flows,
        "entries_created": live.entries,
        "target_lag_ms": TARGET_LAG_MS,
    }
    for name, b in rows.items():
        key = keys[name]
        flat[f"{key}_lag_max_ms"] = round(b.lag_max_ms, 1)
        flat[f"{key}_lag_p99_ms"] = round(b.lag_p99_ms, 1)
        flat[f"{key}_us_per_msg"] = round(b.loop_us_per_msg, 1)
        flat[f"{key}_handled"] = b.handled
        flat[f"{key}_gc_max_ms"] = round(b.gc_max_ms, 1)
        flat[f"{key}_full_gcs"] = b.full_gcs
    flat["our_step_us"] = round(shipped - bare, 1)
    flat["our_step_cap_first_us"] = round(cap_first - bare, 1)
    flat["ha_floor_us"] = round(bare, 1)
    flat["broker_ha_floor_us"] = round(floor.loop_us_per_msg, 1)
    return flat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--announcements", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--publisher", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.publisher:
        host, port, count, run = args.publisher.split(":")
        print(json.dumps(run_publisher(host, int(port), int(count), run)))
        return
    # The flood's slow-callback warnings (debug mode) would bury the table.
    logging.getLogger("asyncio").setLevel(logging.ERROR)
    # Home Assistant first: it installs its schema library as `voluptuous`.
    import homeassistant.core  # noqa: F401

    rows = asyncio.run(measure(args.announcements, args.repeats))
    print(json.dumps(report(rows, args.repeats)))


if __name__ == "__main__":
    main()
