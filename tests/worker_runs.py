"""The forecast worker's subprocess runs once per distinct request in a test session.

The Home Assistant tests train and forecast through `prediction.worker`, which starts a
Python process per call; most of them send the same history (the real slice ending at the
same frozen hour), and that process was most of their CPU time. A fit is deterministic
(tests/prediction/test_model.py::test_same_history_same_model; the answers differ only in
the .npz archive's entry dates and the worker's own clock, which the coordinator replaces),
so a repeated request gets the first run's answer. tests/prediction tests the worker itself
and does not use this.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Literal

type Command = Literal["train", "forecast"]
type RunWorker = Callable[[Command, bytes], subprocess.CompletedProcess[bytes]]

_answers: dict[tuple[Command, bytes], subprocess.CompletedProcess[bytes]] = {}


def once_per_request(run_worker: RunWorker) -> RunWorker:
    """Wrap `_run_worker`: a request seen before in this session is answered from memory."""

    def run(command: Command, request: bytes) -> subprocess.CompletedProcess[bytes]:
        key = (command, request)
        if key not in _answers:
            _answers[key] = run_worker(command, request)
        done = _answers[key]
        return subprocess.CompletedProcess(done.args, done.returncode, done.stdout, done.stderr)

    return run
