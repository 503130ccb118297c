"""The tests' own Mosquitto: a free port another process takes first does not fail a run."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from .mosquitto_server import MosquittoServer, mosquitto_available, says_it_runs

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed"),
    pytest.mark.usefixtures("socket_enabled"),
]


def test_a_port_taken_before_the_broker_binds_it_is_traded_for_another(tmp_path: Path) -> None:
    server = MosquittoServer(tmp_path)
    taken = server.port
    # Another test process's listener lands on the probed port first.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", taken))
        other.listen()
        with server:
            assert server.port != taken
            with socket.create_connection(("127.0.0.1", server.port), timeout=2):
                pass


def test_a_port_given_by_the_test_is_kept_and_its_failure_said(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        server = MosquittoServer(tmp_path, port=port)
        try:
            with pytest.raises(RuntimeError, match="Address already in use"):
                server.start()
        finally:
            server.stop()  # one that wrongly started must not outlive the test
        assert server.port == port


def test_only_the_line_after_binding_says_the_broker_runs(tmp_path: Path) -> None:
    """As root, Mosquitto 2.1 logs "running mosquitto as user" before it binds: read as its
    running line, a start on a taken port passed when the log was read before it exited, and
    the other listener answered the test's connection (both tests above failed so, under load).
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        failed = MosquittoServer(tmp_path / "failed", port=other.getsockname()[1])
        failed.directory.mkdir()
        with pytest.raises(RuntimeError, match="Address already in use"):
            failed.start()
    assert not says_it_runs(failed.log())
    assert not says_it_runs(
        "1796555605: Info: running mosquitto as user: mosquitto.\n"
        "1796555605: mosquitto version 2.1.2 starting\n"
        "1796555605: Opening ipv4 listen socket on port 43337.\n"
    )
    (tmp_path / "running").mkdir()
    with MosquittoServer(tmp_path / "running") as running:
        assert says_it_runs(running.log())
