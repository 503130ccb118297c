"""Footprint of py_iot_home in a real Home Assistant: memory and import time, with and without.

    script/run python bench/footprint.py                # table, then one JSON line
    script/run python bench/footprint.py --write-docs   # also rewrite the figures in the docs

Real `hass` processes on throwaway config directories, a real Mosquitto and a real node agent
(simulated DHT22, two LEDs), all on free loopback ports. Every directory has the same
Home Assistant: HTTP, API, recorder, MQTT (one entry on the broker) and two template sensors
(power in W, temperature in °C) that the predictor learns from. Measured side by side:

- baseline: no custom integration at all;
- board + node: ours with one local board (simulated DHT22 and LED) and one node;
- board + node + predictor: the same plus a power predictor, which at load has no history
  yet (so it does not train);
then, in the baseline and in the last one, 60 days of hourly statistics are imported for the
two template sensors (the same import in both) and the predictor is retrained through the
`py_iot_home.retrain` action: peak resident memory during that training, and what stays.

Memory is read from /proc: RSS (VmRSS), USS (private pages, smaps_rollup) and the peak (VmHWM,
reset with clear_refs just before the training).

Import time: Home Assistant's loader logs how long each integration's import took, but at
start that includes waiting for its one import thread, busy with other integrations. So the
import is timed in fresh interpreters instead (median of IMPORT_RUNS): first every module of
the components the running baseline reports (`/api/config`), then, timed, the integration
and every module beside its `__init__` (its platforms, config flow, diagnostics, ...). The
figure is the CPU time of that import (process_time): on the shared 2-core machine the wall
time mostly measures waiting for a core, so it is reported beside it with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from homeassistant.const import __version__ as HA_VERSION

REPO = Path(__file__).resolve().parents[1]
# Home Assistant's own requirements beyond the test venv (the frontend, ...), where
# script/develop keeps them for the same release.
DEPS = REPO / ".cache" / f"ha-deps-{HA_VERSION}"
sys.path.insert(0, str(REPO))

from bench.docs_section import write_section  # noqa: E402
from bench.hass_process import (  # noqa: E402
    ChildPeaks,
    HassProcess,
    Memory,
    read_memory,
    reset_peak,
)
from bench.node_configuration import broker_and_node  # noqa: E402
from script.demo.bootstrap import (  # noqa: E402
    BOARD,
    LED_STEP,
    confirm_nodes,
    ensure_http_confirmed,
    run_flow,
    wait_for,
)
from script.demo.ha_client import HomeAssistantClient  # noqa: E402
from tests.mosquitto_server import free_port  # noqa: E402

DOMAIN = "py_iot_home"
NODE_ID = "footprint-pi"
POWER = "sensor.bench_power"
TEMPERATURE = "sensor.bench_temperature"
SEED_DAYS = 60
# After Home Assistant says it is running, it still settles (first polls, recorder commits).
SETTLE_S = 20.0
IMPORT_RUNS = 5
MB_IN_MIB = 1e6 / 2**20
# The targets are in MB; memory is measured in MiB.
TARGETS = {
    "added_at_load_mib": 25.0 * MB_IN_MIB,
    "added_after_training_mib": 40.0 * MB_IN_MIB,
    "import_ms": 150.0,
}
DOCS = (REPO / "README.md", REPO / "docs" / "benchmarks.md", REPO / "docs" / "pi.md")

CONFIGURATION = """# Written by bench/footprint.py: the same Home Assistant for every run.
homeassistant:
  name: footprint bench
  latitude: 50.454
  longitude: 3.952
  elevation: 60
  unit_system: metric
  time_zone: UTC
  currency: EUR
  country: BE
  language: en
http:
  server_host: 127.0.0.1
  server_port: {http_port}
api:
config:
onboarding:
websocket_api:
recorder:
  commit_interval: 1
template:
  - sensor:
      - name: Bench power
        unit_of_measurement: W
        device_class: power
        state_class: measurement
        state: "{{{{ 300 + now().minute * 5 }}}}"
      - name: Bench temperature
        unit_of_measurement: "°C"
        device_class: temperature
        state_class: measurement
        state: "21.5"
logger:
  default: warning
  logs:
    homeassistant.loader: debug
"""


@dataclass(frozen=True, slots=True)
class Run:
    """One Home Assistant process: memory at load, start time, our import time."""

    name: str
    running_after_s: float
    at_load: Memory
    after_import: Memory | None = None
    training: dict[str, Any] | None = None
    training_s: float | None = None
    training_peak_rss_mib: float | None = None
    training_child_peak_rss_mib: float | None = None
    after_training: Memory | None = None


IMPORT_PROBE = """
import importlib, json, pkgutil, sys, time
def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except Exception:
        pass
before_modules, before_rss = set(sys.modules), rss_mib()
started, cpu_started = time.perf_counter(), time.process_time()
import custom_components.py_iot_home as integration
for module in pkgutil.iter_modules(integration.__path__):
    if not module.ispkg:
        importlib.import_module(f"custom_components.py_iot_home.{module.name}")
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
top_level = {name.split(".")[0] for name in before_modules}
new = {name.split(".")[0] for name in set(sys.modules) - before_modules} - top_level
print(json.dumps({"ms": 1000 * elapsed, "cpu_ms": 1000 * cpu, "rss_mib": rss_mib() - before_rss,
                  "new_packages": sorted(new - {"custom_components"})}))
"""


def baseline_modules(components: list[str]) -> list[str]:
    """The modules of the components a running Home Assistant reports (and their platforms)."""
    modules = ["homeassistant.bootstrap"]
    for component in components:
        parts = component.split(".")
        modules.append("homeassistant.components." + parts[0])
        if len(parts) == 2:
            modules += [f"homeassistant.components.{parts[0]}.{parts[1]}"]
            modules += [f"homeassistant.components.{parts[1]}.{parts[0]}"]
    return modules


def time_imports(components: list[str]) -> dict[str, Any]:
    """Median import time and memory of the integration over IMPORT_RUNS fresh interpreters."""
    preload = json.dumps(baseline_modules(components))
    runs = []
    for _ in range(IMPORT_RUNS):
        probe = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE, preload],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(DEPS)},
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(probe.stdout.splitlines()[-1]))
    return {
        "import_ms": statistics.median(run["cpu_ms"] for run in runs),
        "import_ms_runs": [round(run["cpu_ms"], 1) for run in runs],
        "import_wall_ms": statistics.median(run["ms"] for run in runs),
        "load_average": os.getloadavg()[0],
        "import_rss_mib": statistics.median(run["rss_mib"] for run in runs),
        "import_new_packages": runs[-1]["new_packages"],
    }


def hourly_statistics(end: datetime) -> dict[str, list[dict[str, Any]]]:
    """SEED_DAYS of a plausible house: a daily and weekly power cycle that follows the cold."""
    rows: dict[str, list[dict[str, Any]]] = {POWER: [], TEMPERATURE: []}
    start = end - timedelta(days=SEED_DAYS)
    for hour in range(SEED_DAYS * 24):
        moment = start + timedelta(hours=hour)
        day = 2 * math.pi * (moment.hour / 24)
        temperature = 8 + 6 * math.sin(day - 2.0) + 3 * math.sin(2 * math.pi * hour / (24 * 9))
        power = 350 + 250 * max(0.0, math.sin(day - 1.0)) + 20 * (15 - temperature)
        power += 120 if moment.weekday() >= 5 else 0
        power += 40 * math.sin(hour * 12.9898)  # deterministic noise
        for statistic_id, value in ((POWER, power), (TEMPERATURE, temperature)):
            rounded = round(value, 2)
            rows[statistic_id].append(
                {"start": moment.isoformat(), "mean": rounded, "min": rounded, "max": rounded}
            )
    return rows


async def import_statistics(client: HomeAssistantClient) -> None:
    """Import the statistics and wait until the recorder has stored them."""
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    units = {POWER: ("W", "power"), TEMPERATURE: ("°C", "temperature")}
    for statistic_id, stats in hourly_statistics(end).items():
        unit, unit_class = units[statistic_id]
        await client.ws(
            "recorder/import_statistics",
            metadata={
                "has_sum": False,
                "mean_type": 1,
                "name": None,
                "source": "recorder",
                "statistic_id": statistic_id,
                "unit_class": unit_class,
                "unit_of_measurement": unit,
            },
            stats=stats,
        )

    async def stored() -> bool | None:
        found = await client.ws(
            "recorder/statistics_during_period",
            start_time=(end - timedelta(days=SEED_DAYS)).isoformat(),
            end_time=end.isoformat(),
            statistic_ids=[POWER, TEMPERATURE],
            period="hour",
            types=["mean"],
        )
        counts = [len(found.get(statistic_id, [])) for statistic_id in (POWER, TEMPERATURE)]
        return True if min(counts) >= SEED_DAYS * 24 - 1 else None

    await wait_for("the imported statistics", stored, timeout_s=180)


def write_configuration(directory: Path, http_port: int) -> None:
    directory.mkdir(parents=True)
    (directory / "configuration.yaml").write_text(CONFIGURATION.format(http_port=http_port))


def with_integration(source: Path, target: Path) -> None:
    """A copy of a (stopped) config directory, with our integration installed."""
    shutil.copytree(source, target, symlinks=True)
    link = target / "custom_components"
    if not link.exists():
        link.symlink_to(REPO / "custom_components")


async def prepare(work: Path, broker_port: int, http_port: int) -> dict[str, Path]:
    """Make the three config directories (not measured)."""
    base, ours_np, ours = work / "baseline", work / "board_node", work / "board_node_predictor"
    write_configuration(base, http_port)
    hass = HassProcess(base, http_port, "prepare.log", DEPS)
    hass.start()
    try:
        await hass.wait_until_up()
        await hass.onboard()
        async with hass.client() as client:
            await client.wait_until_running()
            await ensure_http_confirmed(client)
            broker = {
                "broker": "127.0.0.1",
                "port": broker_port,
                "other_settings": {
                    "set_client_cert": False,
                    "set_ca_cert": "off",
                    "transport": "tcp",
                },
            }
            await run_flow(client, "mqtt", [broker])
    finally:
        hass.stop()
    with_integration(base, ours_np)
    hass = HassProcess(ours_np, http_port, "prepare.log", DEPS)
    hass.start()
    try:
        await hass.wait_until_up()
        async with hass.client() as client:
            await client.wait_until_running()
            await run_flow(client, DOMAIN, [{**BOARD, "add_led": True}, LED_STEP], "board")
            await confirm_nodes(client, [NODE_ID])
    finally:
        hass.stop()
    with_integration(ours_np, ours)
    hass = HassProcess(ours, http_port, "prepare.log", DEPS)
    hass.start()
    try:
        await hass.wait_until_up()
        async with hass.client() as client:
            await client.wait_until_running()
            answer = {"name": "Footprint forecast", "power_entity": POWER}
            answer["temperature_entity"] = TEMPERATURE
            result = await run_flow(client, DOMAIN, [answer], "predictor")
            assert result is not None, "no predictor in the config flow"
            assert result["type"] == "create_entry", result
    finally:
        hass.stop()
    return {"baseline": base, "board_node": ours_np, "board_node_predictor": ours}


async def predictor_entry(client: HomeAssistantClient) -> str:
    entries = await client.rest("GET", f"/api/config/config_entries/entry?domain={DOMAIN}")
    entry_id: str = next(e["entry_id"] for e in entries if e["title"] == "Footprint forecast")
    return entry_id


async def measure(name: str, directory: Path, http_port: int, *, train: bool) -> Run:
    """Start a fresh hass, settle, read its memory; then import statistics (and train)."""
    hass = HassProcess(directory, http_port, f"{name}.log", DEPS)
    hass.start()
    try:
        await hass.wait_until_up()
        async with hass.client() as client:
            await client.wait_until_running()
            running_after_s = time.monotonic() - hass.started_at
            await asyncio.sleep(SETTLE_S)
            run = Run(name=name, running_after_s=running_after_s, at_load=read_memory(hass.pid))
            if name == "baseline":
                components = (await client.rest("GET", "/api/config"))["components"]
                (directory.parent / "baseline-components.json").write_text(json.dumps(components))
            print(f"  {name}: running after {running_after_s:.1f} s, {run.at_load}", flush=True)
            if not train:
                return run
            await import_statistics(client)
            await asyncio.sleep(SETTLE_S)
            after_import = read_memory(hass.pid)
            if name == "baseline":
                return replace(run, after_import=after_import)
            entry_id = await predictor_entry(client)
            reset_peak(hass.pid)
            started = time.monotonic()
            with ChildPeaks(hass.pid) as child_peaks:
                response = await client.ws(
                    "call_service",
                    domain=DOMAIN,
                    service="retrain",
                    service_data={"config_entry_id": entry_id},
                    return_response=True,
                )
            training_s = time.monotonic() - started
            peak = read_memory(hass.pid).peak_rss_mib
            training = response["response"]
            assert training["trained"], training
            await asyncio.sleep(SETTLE_S)
            return replace(
                run,
                after_import=after_import,
                training=training,
                training_s=training_s,
                training_peak_rss_mib=peak,
                training_child_peak_rss_mib=child_peaks.largest_mib,
                after_training=read_memory(hass.pid),
            )
    finally:
        hass.stop()


def figures(runs: dict[str, Run], imports: dict[str, Any]) -> dict[str, Any]:
    """The added memory and times, against the targets."""
    base, np_run, full = runs["baseline"], runs["board_node"], runs["board_node_predictor"]
    assert base.after_import, "the baseline imported no statistics"
    assert full.after_import, "ours imported no statistics"
    assert full.after_training, "ours did not train"
    assert full.training_child_peak_rss_mib, "no worker process seen"
    added = {
        "board_node_at_load_mib": np_run.at_load.rss_mib - base.at_load.rss_mib,
        "board_node_at_load_uss_mib": np_run.at_load.uss_mib - base.at_load.uss_mib,
        "added_at_load_mib": full.at_load.rss_mib - base.at_load.rss_mib,
        "added_at_load_uss_mib": full.at_load.uss_mib - base.at_load.uss_mib,
        "added_after_training_mib": full.after_training.rss_mib - base.after_import.rss_mib,
        "added_after_training_uss_mib": (full.after_training.uss_mib - base.after_import.uss_mib),
        "training_peak_rss_mib": full.training_peak_rss_mib,
        "training_peak_added_mib": (full.training_peak_rss_mib or 0) - base.after_import.rss_mib,
        "training_process_peak_rss_mib": full.training_child_peak_rss_mib,
        "training_s": full.training_s,
        "baseline_rss_mib": base.at_load.rss_mib,
        "baseline_running_after_s": base.running_after_s,
        "ours_running_after_s": full.running_after_s,
        **imports,
    }
    added["targets_met"] = {
        key: added[key] is not None and added[key] <= target for key, target in TARGETS.items()
    }
    return added


def table(runs: dict[str, Run], result: dict[str, Any]) -> str:
    rows = [("run", "running after", "RSS", "USS", "")]
    for run in runs.values():
        rows.append(
            (
                f"{run.name} at load",
                f"{run.running_after_s:.1f} s",
                f"{run.at_load.rss_mib:.1f} MiB",
                f"{run.at_load.uss_mib:.1f} MiB",
                "",
            )
        )
        if run.after_import:
            rows.append(
                (
                    f"{run.name} after importing {SEED_DAYS} days of statistics",
                    "",
                    f"{run.after_import.rss_mib:.1f} MiB",
                    f"{run.after_import.uss_mib:.1f} MiB",
                    "",
                )
            )
        if run.after_training:
            rows.append(
                (
                    f"{run.name} after a training ({run.training_s:.1f} s)",
                    "",
                    f"{run.after_training.rss_mib:.1f} MiB",
                    f"{run.after_training.uss_mib:.1f} MiB",
                    f"peak {run.training_peak_rss_mib:.1f} MiB",
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    met = result["targets_met"]
    lines += [
        "",
        f"added at load (board + node + predictor): {result['added_at_load_mib']:.1f} MiB RSS, "
        f"{result['added_at_load_uss_mib']:.1f} MiB USS (target <= 25 MB: "
        f"{'met' if met['added_at_load_mib'] else 'NOT met'})",
        f"added at load (board + node, no predictor): {result['board_node_at_load_mib']:.1f} MiB "
        f"RSS, {result['board_node_at_load_uss_mib']:.1f} MiB USS",
        f"added after a training: {result['added_after_training_mib']:.1f} MiB RSS, "
        f"{result['added_after_training_uss_mib']:.1f} MiB USS (target <= 40 MB: "
        f"{'met' if met['added_after_training_mib'] else 'NOT met'})",
        f"peak during the training: Home Assistant {result['training_peak_rss_mib']:.1f} MiB "
        f"RSS, {result['training_peak_added_mib']:.1f} MiB above the baseline; the largest "
        f"worker process beside it (the training, then the forecast) "
        f"{result['training_process_peak_rss_mib']:.1f} MiB RSS at its peak",
        f"import of py_iot_home and its platforms: {result['import_ms']:.0f} ms CPU, median of "
        f"{IMPORT_RUNS} fresh interpreters ({', '.join(map(str, result['import_ms_runs']))}); "
        f"wall {result['import_wall_ms']:.0f} ms at load average {result['load_average']:.1f}; "
        f"+{result['import_rss_mib']:.1f} MiB; new packages: "
        f"{', '.join(result['import_new_packages']) or 'none'} "
        f"(target <= 150 ms: {'met' if met['import_ms'] else 'NOT met'})",
    ]
    return "\n".join(lines)


def markdown(result: dict[str, Any]) -> str:
    """The docs' table (the generated section `footprint`)."""
    met = result["targets_met"]

    def mark(key: str) -> str:
        return "met" if met[key] else "**not met**"

    return "\n".join(
        [
            f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} by `script/run python "
            "bench/footprint.py --write-docs` (x86_64, Python 3.14, Home Assistant "
            f"{HA_VERSION}, "
            "real `hass` processes; added = minus the same Home Assistant without the "
            "integration):",
            "",
            "| what | target | measured |",
            "|---|---|---|",
            f"| memory added at load: board + node + predictor (RSS / USS) | <= 25 MB | "
            f"{result['added_at_load_mib']:.1f} / {result['added_at_load_uss_mib']:.1f} MiB "
            f"({mark('added_at_load_mib')}) |",
            f"| memory added at load: board + node, no predictor (RSS / USS) | - | "
            f"{result['board_node_at_load_mib']:.1f} / "
            f"{result['board_node_at_load_uss_mib']:.1f} MiB |",
            f"| memory added after a training (RSS / USS) | <= 40 MB | "
            f"{result['added_after_training_mib']:.1f} / "
            f"{result['added_after_training_uss_mib']:.1f} MiB "
            f"({mark('added_after_training_mib')}) |",
            f"| peak during a training, {SEED_DAYS} days of hourly history | reported | "
            f"Home Assistant {result['training_peak_rss_mib']:.0f} MiB RSS "
            f"(+{result['training_peak_added_mib']:.0f} MiB over the baseline), and beside it "
            f"the largest worker process (the training, then the forecast) "
            f"{result['training_process_peak_rss_mib']:.0f} MiB RSS, given back when it ends "
            f"(retrain action: {result['training_s']:.1f} s) |",
            f"| import of the integration and its platforms (median of {IMPORT_RUNS} fresh "
            "interpreters holding the baseline's components) | "
            f"<= 150 ms | {result['import_ms']:.0f} ms CPU ({mark('import_ms')}; wall "
            f"{result['import_wall_ms']:.0f} ms at load average {result['load_average']:.1f}) |",
            f"| Home Assistant without the integration (RSS at load) | - | "
            f"{result['baseline_rss_mib']:.0f} MiB |",
        ]
    )


def write_docs(result: dict[str, Any]) -> None:
    """Rewrite the generated section `footprint` in each document."""
    write_section("footprint", markdown(result), DOCS)


async def measure_all(work: Path, broker_port: int) -> dict[str, Run]:
    """Prepare the directories, then one fresh hass per directory."""
    http_port = free_port()
    print("preparing the config directories (not measured)...", flush=True)
    directories = await prepare(work, broker_port, http_port)
    print("measuring...", flush=True)
    return {
        "baseline": await measure("baseline", directories["baseline"], http_port, train=True),
        "board_node": await measure(
            "board_node", directories["board_node"], http_port, train=False
        ),
        "board_node_predictor": await measure(
            "board_node_predictor", directories["board_node_predictor"], http_port, train=True
        ),
    }


def run_bench(write: bool) -> dict[str, Any]:
    """A broker and a node agent for the whole run, then the measurements."""
    subprocess.run(
        [sys.executable, "-m", "script.demo.requirements", str(DEPS)],
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(DEPS)},
    )
    with tempfile.TemporaryDirectory(prefix="footprint-") as tmp:
        work = Path(tmp)
        broker, node_config = broker_and_node(
            work,
            writer="bench/footprint.py",
            node_id=NODE_ID,
            name="Footprint Pi",
            model="Simulated Raspberry Pi",
            interval_s=10,
            state_dir=work / "node",
        )
        with (work / "node.log").open("wb") as node_log:
            node = subprocess.Popen(
                ["py-iot-node", "--config", str(node_config), "--simulate"],
                stdout=node_log,
                stderr=subprocess.STDOUT,
            )
        try:
            runs = asyncio.run(measure_all(work, broker.port))
        finally:
            node.terminate()
            node.wait(timeout=30)
            broker.stop()
        print("timing the import in fresh interpreters...", flush=True)
        imports = time_imports(json.loads((work / "baseline-components.json").read_text()))
    result = figures(runs, imports)
    print()
    print(table(runs, result))
    if write:
        write_docs(result)
    result["runs"] = {name: asdict(run) for name, run in runs.items()}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-docs", action="store_true", help="rewrite the docs' figures")
    args = parser.parse_args()
    result = run_bench(args.write_docs)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
