"""Markdown tables for the docs from the JSON lines bench/prediction.py printed last.

script/run python bench/prediction.py --weather-forecast observed > observed.txt
script/run python bench/prediction_table.py observed.txt [more.txt ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HORIZONS = {"hour_ahead": "hour", "day_ahead": "day"}


def _number(value: float) -> str:
    if value != value:  # NaN: no figure (the tree with --no-yardstick)
        return "-"
    return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.3e}"


def _percent(value: float) -> str:
    return "-" if value != value else f"{value:+.1%}"


def table(run: dict[str, object]) -> str:
    """One run's figures as a markdown table, with its settings and speed above it."""
    noise = f", noise {run['forecast_noise']} °C" if run["weather_forecast"] == "observed" else ""
    lines = [
        f"Weather forecast: **{run['weather_forecast']}**{noise}; "
        f"refit every {run.get('retrain_hours', 336)} h. "
        f"Fit on 60 days: {run['fit_60d_s']} s wall ({run.get('fit_60d_cpu_s', '-')} s CPU); "
        f"one 24 h forecast: {run['forecast_24h_ms']} ms wall "
        f"({run.get('forecast_24h_cpu_ms', '-')} ms CPU).",
        "",
        "| dataset | horizon | ours MAE | persistence (1 h / 24 h) | skill | best rule | its MAE "
        "| skill | ensemble MAE | skill | 10-90 % band covers | learned share "
        "| plain tree MAE | skill | mean with the tree: gain |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    datasets = run["datasets"]
    assert isinstance(datasets, dict)
    for name, horizons in datasets.items():
        for key, label in HORIZONS.items():
            row = horizons[key]
            lines.append(
                f"| {name} | {label} | {_number(row['ours_mae'])} | {_number(row['rule_mae'])} "
                f"| {row['skill_vs_rule']:+.1%} | {row['best_rule']} "
                f"| {_number(row['best_rule_mae'])} | {row['skill_vs_best_rule']:+.1%} "
                f"| {_number(row['ensemble_mae'])} | {row['skill_vs_ensemble']:+.1%} "
                f"| {row['band_coverage']:.1%} | {row['model_share']:.0%} "
                f"| {_number(row.get('yardstick_mae', float('nan')))} "
                f"| {_percent(row.get('skill_vs_yardstick', float('nan')))} "
                f"| {_percent(row.get('tree_average_gain', float('nan')))} |"
            )
    return "\n".join(lines)


def main() -> None:
    """Print one table per output file given."""
    for path in sys.argv[1:]:
        last = Path(path).read_text().strip().splitlines()[-1]
        print(table(json.loads(last)))
        print()


if __name__ == "__main__":
    main()
