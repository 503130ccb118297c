"""Training and forecasting in short-lived processes: Home Assistant never imports pandas.

Their memory (pandas, the rows) goes back to the system when they end.

    python -m prediction.worker [train|forecast]   (run from the integration's folder)

`train` reads a training request (`export.request_to_bytes`) on stdin and writes the fitted
model (`export.model_to_bytes`) on stdout; `forecast` reads a forecast request
(`export.forecast_request_to_bytes`) and writes the forecast (`export.forecast_to_bytes`).
Not enough history: exit status 3 and a JSON line `{"observed_hours": N, "needed_hours": M}`
on stdout. `train_in_subprocess` and `forecast_in_subprocess` start it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Literal

from .arrays import as_history
from .export import (
    ForecastRequest,
    ForecastValues,
    TrainingRequest,
    forecast_from_bytes,
    forecast_request_from_bytes,
    forecast_request_to_bytes,
    forecast_to_bytes,
    model_from_bytes,
    model_to_bytes,
    request_from_bytes,
    request_to_bytes,
)
from .model import NotEnoughHistoryError, PowerModel, fit_power_model

NOT_ENOUGH_HISTORY = 3
TIMEOUT_S = 300
# The package's parent: `prediction` is imported from there as a top-level package, so
# the worker never imports the integration (nor Home Assistant).
_PACKAGE_PARENT = Path(__file__).resolve().parents[1]


class TrainingFailedError(RuntimeError):
    """The training process failed; the message holds the end of its error output."""


class ForecastFailedError(RuntimeError):
    """The forecast process failed; the message holds the end of its error output."""


def _run_worker(
    command: Literal["train", "forecast"], request: bytes
) -> subprocess.CompletedProcess[bytes]:
    """Run the worker on a request (blocking: call from an executor)."""
    env = {
        **os.environ,
        # One thread: the fit is small, and a Pi's cores belong to Home Assistant.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONPATH": os.pathsep.join(
            [str(_PACKAGE_PARENT), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    try:
        return subprocess.run(  # noqa: S603 (our interpreter, our module, one of two commands)
            [sys.executable, "-m", "prediction.worker", command],
            input=request,
            capture_output=True,
            cwd=_PACKAGE_PARENT,
            env=env,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        # `run` killed it. A failure like any other: the exception went up to the coordinator,
        # which showed the forecast unavailable with a traceback every hour.
        said = f"no answer within {TIMEOUT_S:g} s".encode()
        return subprocess.CompletedProcess(err.cmd, -9, b"", said)


def _failure(done: subprocess.CompletedProcess[bytes]) -> str:
    """Why the worker failed: not enough history raises, anything else is a message."""
    if done.returncode == NOT_ENOUGH_HISTORY:
        counts = json.loads(done.stdout)
        raise NotEnoughHistoryError(
            int(counts["observed_hours"]),
            int(counts["needed_hours"]),
            int(counts["left_out_hours"]),
        )
    tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
    return " | ".join(tail) or f"exit status {done.returncode}"


def train_in_subprocess(request: TrainingRequest) -> PowerModel:
    """Fit in a child process and read its model back (blocking: call from an executor)."""
    done = _run_worker("train", request_to_bytes(request))
    if done.returncode != 0:
        raise TrainingFailedError(_failure(done))
    return model_from_bytes(done.stdout)


def forecast_in_subprocess(request: ForecastRequest) -> ForecastValues:
    """Forecast in a child process and read the hours back (blocking: call from an executor)."""
    done = _run_worker("forecast", forecast_request_to_bytes(request))
    if done.returncode != 0:
        raise ForecastFailedError(_failure(done))
    try:
        return forecast_from_bytes(done.stdout, request.hours)
    except ValueError as err:
        raise ForecastFailedError(str(err)) from err


def _not_enough_history(err: NotEnoughHistoryError) -> int:
    sys.stdout.write(
        json.dumps(
            {
                "observed_hours": err.observed_hours,
                "needed_hours": err.needed_hours,
                "left_out_hours": err.left_out_hours,
            }
        )
    )
    return NOT_ENOUGH_HISTORY


def _forecast() -> int:
    request = forecast_request_from_bytes(sys.stdin.buffer.read())
    weather = request.weather.to_frame() if request.weather else None
    try:
        forecast = request.model.forecast(as_history(request.history), weather, request.hours)
    except NotEnoughHistoryError as err:
        return _not_enough_history(err)
    values = ForecastValues(
        power_w=tuple(forecast.power_w),
        low_w=tuple(forecast.low_w),
        high_w=tuple(forecast.high_w),
        methods=tuple(forecast.methods),
    )
    sys.stdout.buffer.write(forecast_to_bytes(values))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Train (the default) or forecast on the request read from stdin."""
    if argv and argv[0] == "forecast":
        return _forecast()
    request = request_from_bytes(sys.stdin.buffer.read())
    try:
        model = fit_power_model(
            as_history(request.history),
            weather_forecast=request.weather_forecast,
            excluded_days=request.excluded_days,
            exclude_outliers=request.exclude_outliers,
        )
    except NotEnoughHistoryError as err:
        return _not_enough_history(err)
    sys.stdout.buffer.write(model_to_bytes(model))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
