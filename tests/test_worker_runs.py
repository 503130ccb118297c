"""The test sessions' memory of forecast-worker answers (tests/worker_runs.py)."""

import subprocess

from custom_components.py_iot_home.prediction import worker

from .worker_runs import Command, once_per_request


def test_a_repeated_request_is_answered_without_a_second_run() -> None:
    runs: list[tuple[Command, bytes]] = []

    def run_worker(command: Command, request: bytes) -> subprocess.CompletedProcess[bytes]:
        runs.append((command, request))
        return subprocess.CompletedProcess(["worker"], len(runs), b"answer %d" % len(runs), b"")

    run = once_per_request(run_worker)
    first = run("train", b"a history never sent before")
    again = run("train", b"a history never sent before")
    other = run("forecast", b"a history never sent before")
    assert runs == [
        ("train", b"a history never sent before"),
        ("forecast", b"a history never sent before"),
    ]
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout) == (1, b"answer 1")
    assert (other.returncode, other.stdout) == (2, b"answer 2")


def test_the_home_assistant_tests_use_it() -> None:
    assert worker._run_worker.__qualname__ == "once_per_request.<locals>.run"
