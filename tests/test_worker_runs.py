"""The test sessions' memory of forecast-worker answers (tests/worker_runs.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

from custom_components.py_iot_home.prediction import worker

from . import worker_runs
from .worker_runs import AnswerStore, Command, once_per_request, worker_identity


class FakeWorker:
    """Answers with the number of its run; `fail` makes the next runs exit 1."""

    def __init__(self) -> None:
        self.runs: list[tuple[Command, bytes]] = []
        self.fail = False

    def __call__(self, command: Command, request: bytes) -> subprocess.CompletedProcess[bytes]:
        self.runs.append((command, request))
        status = 1 if self.fail else 0
        return subprocess.CompletedProcess(["worker"], status, b"answer %d" % len(self.runs), b"")


@pytest.fixture
def new_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """A session's memory starts empty."""
    monkeypatch.setattr(worker_runs, "_answers", {})


@pytest.mark.usefixtures("new_session")
def test_a_repeated_request_is_answered_without_a_second_run() -> None:
    run_worker = FakeWorker()
    run = once_per_request(run_worker)
    first = run("train", b"a history never sent before")
    again = run("train", b"a history never sent before")
    other = run("forecast", b"a history never sent before")
    assert run_worker.runs == [
        ("train", b"a history never sent before"),
        ("forecast", b"a history never sent before"),
    ]
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout) == (0, b"answer 1")
    assert (other.returncode, other.stdout) == (0, b"answer 2")


def test_a_kept_answer_is_read_by_the_next_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = AnswerStore(tmp_path, "identity")
    first_session, next_session = FakeWorker(), FakeWorker()
    monkeypatch.setattr(worker_runs, "_answers", {})
    assert once_per_request(first_session, store)("train", b"history").stdout == b"answer 1"
    monkeypatch.setattr(worker_runs, "_answers", {})
    kept = once_per_request(next_session, store)("train", b"history")
    assert (kept.returncode, kept.stdout) == (0, b"answer 1")
    assert next_session.runs == []
    assert once_per_request(next_session, store)("forecast", b"history").stdout == b"answer 1"
    assert next_session.runs == [("forecast", b"history")]
    monkeypatch.setattr(worker_runs, "_answers", {})
    other_code = AnswerStore(tmp_path, "another identity")
    once_per_request(next_session, other_code)("train", b"history")
    assert len(next_session.runs) == 2


@pytest.mark.usefixtures("new_session")
def test_failures_and_other_interpreters_stay_in_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = AnswerStore(tmp_path, "identity")
    run_worker = FakeWorker()
    run_worker.fail = True
    assert once_per_request(run_worker, store)("train", b"history").returncode == 1
    assert store.get("train", b"history") is None
    run_worker.fail = False
    monkeypatch.setattr(sys, "executable", str(tmp_path / "a script that kills the worker"))
    assert once_per_request(run_worker, store)("train", b"another history").returncode == 0
    assert store.get("train", b"another history") is None
    monkeypatch.undo()
    assert once_per_request(run_worker, store)("train", b"a third history").returncode == 0
    assert store.get("train", b"a third history") == b"answer 3"


def test_the_identity_follows_the_workers_sources(tmp_path: Path) -> None:
    package = tmp_path / "prediction"
    package.mkdir()
    (package / "model.py").write_text("SLOPE = 1\n")
    before = worker_identity(package)
    assert worker_identity(package) == before
    (package / "model.py").write_text("SLOPE = 2\n")
    assert worker_identity(package) != before
    assert worker_identity() != before


def test_the_home_assistant_tests_use_it() -> None:
    assert worker._run_worker.__qualname__ == "once_per_request.<locals>.run"
