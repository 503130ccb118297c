"""Run the benchmarks that feed the docs and write their figures into the generated sections.

    script/bench-docs                    # all of them, one after the other (about an hour)
    script/bench-docs mqtt_ingest trend  # only these
    script/bench-docs --list             # what runs, and where each writes

Benchmarks with their own markdown (`writes_docs`) are run with their docs flag and rewrite
their sections themselves; for the others, what the benchmark printed before its last (JSON)
line goes into its section of docs/benchmarks.md, under the date, the machine and the load.
Timing figures are noisy on a shared machine: each benchmark compares its variants side by
side in one run, and the ratios are what carries over.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.docs_section import REPO, machine_line, write_section

BENCHMARKS_DOC = REPO / "docs" / "benchmarks.md"


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One benchmark: its arguments, and whether it writes its own sections."""

    name: str
    args: tuple[str, ...] = ()
    writes_docs: bool = False
    where: str = "docs/benchmarks.md"


BENCHMARKS = (
    Benchmark("native"),
    Benchmark("trend"),
    Benchmark("coordinator"),
    Benchmark("hardware"),
    Benchmark("assist_sentences"),
    Benchmark("mqtt_ingest"),
    Benchmark("mqtt_broker"),
    Benchmark("discovery_flood"),
    Benchmark("broker_soak"),
    Benchmark("prediction", ("--weather-forecast", "observed")),
    Benchmark(
        "footprint",
        ("--write-docs",),
        writes_docs=True,
        where="README.md, docs/benchmarks.md, docs/pi.md",
    ),
    Benchmark(
        "node_agent", ("--write-docs",), writes_docs=True, where="node/README.md, docs/pi.md"
    ),
    Benchmark("trend_quality", ("--docs",), writes_docs=True, where="docs/trends.md"),
    Benchmark("soak", (), writes_docs=True, where="docs/reliability.md"),
)


def command(benchmark: Benchmark) -> list[str]:
    """How the benchmark is run (inside the project's environment)."""
    return [sys.executable, f"bench/{benchmark.name}.py", *benchmark.args]


def report_section(benchmark: Benchmark, printed: str) -> str:
    """The section: where it was measured, then the benchmark's own table."""
    *table, last = printed.rstrip().splitlines()
    json.loads(last)  # the benchmarks' contract: the last line is its JSON figures
    shown = " ".join(["script/run python", f"bench/{benchmark.name}.py", *benchmark.args])
    return "\n".join(
        [
            f"{machine_line()}; `{shown}`:",
            "",
            "```text",
            "\n".join(table).strip("\n"),
            "```",
        ]
    )


def run(benchmark: Benchmark) -> None:
    """Run one benchmark (its progress on stderr) and write its figures."""
    print(f"==> {' '.join(command(benchmark)[1:])}", file=sys.stderr, flush=True)
    if benchmark.writes_docs:
        subprocess.run(command(benchmark), cwd=REPO, check=True)
        return
    done = subprocess.run(
        command(benchmark), cwd=REPO, stdout=subprocess.PIPE, text=True, check=True
    )
    print(done.stdout, end="")
    write_section(benchmark.name, report_section(benchmark, done.stdout), [BENCHMARKS_DOC])


def main() -> None:
    """Run the benchmarks named (all by default), in the order of BENCHMARKS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list them and stop")
    args = parser.parse_args()
    known = {benchmark.name: benchmark for benchmark in BENCHMARKS}
    if unknown := set(args.names) - set(known):
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    if args.list:
        for benchmark in BENCHMARKS:
            print(f"{benchmark.name:<16} {' '.join(benchmark.args):<30} -> {benchmark.where}")
        return
    for benchmark in BENCHMARKS:
        if not args.names or benchmark.name in args.names:
            run(benchmark)


if __name__ == "__main__":
    main()
