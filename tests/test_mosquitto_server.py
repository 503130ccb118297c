"""The tests' own Mosquitto: a free port another process takes first does not fail a run."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from .mosquitto_server import MosquittoServer, mosquitto_available

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
