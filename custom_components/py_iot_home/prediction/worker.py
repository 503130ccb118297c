"""Training in a short-lived process, so its memory goes back to the system when it ends.

    python -m prediction.worker   (run from the integration's folder)

Reads a training request (`export.request_to_bytes`) on stdin and writes the fitted model
(`export.model_to_bytes`) on stdout. Not enough history: exit status 3 and a JSON line
`{"observed_hours": N, "needed_hours": M}` on stdout. `train_in_subprocess` starts it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .export import (
    TrainingRequest,
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


def train_in_subprocess(request: TrainingRequest) -> PowerModel:
    """Fit in a child process and read its model back (blocking: call from an executor)."""
    env = {
        **os.environ,
        # One thread: the fit is small, and a Pi's cores belong to Home Assistant.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONPATH": os.pathsep.join(
            [str(_PACKAGE_PARENT), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    done = subprocess.run(
        [sys.executable, "-m", "prediction.worker"],
        input=request_to_bytes(request),
        capture_output=True,
        cwd=_PACKAGE_PARENT,
        env=env,
        timeout=TIMEOUT_S,
        check=False,
    )
    if done.returncode == NOT_ENOUGH_HISTORY:
        counts = json.loads(done.stdout)
        raise NotEnoughHistoryError(int(counts["observed_hours"]), int(counts["needed_hours"]))
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise TrainingFailedError(" | ".join(tail) or f"exit status {done.returncode}")
    return model_from_bytes(done.stdout)


def main() -> int:
    """Train on the request read from stdin."""
    request = request_from_bytes(sys.stdin.buffer.read())
    try:
        model = fit_power_model(
            request.history,
            weather_forecast=request.weather_forecast,
            excluded_days=request.excluded_days,
            exclude_outliers=request.exclude_outliers,
        )
    except NotEnoughHistoryError as err:
        sys.stdout.write(
            json.dumps({"observed_hours": err.observed_hours, "needed_hours": err.needed_hours})
        )
        return NOT_ENOUGH_HISTORY
    sys.stdout.buffer.write(model_to_bytes(model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
