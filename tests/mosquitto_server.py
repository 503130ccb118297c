"""Start and stop a throwaway Mosquitto broker on a free loopback port, for broker tests.

Use from a fixture that also requests `socket_enabled`:

    @pytest.fixture
    def broker(tmp_path, socket_enabled):
        with MosquittoServer(tmp_path) as server:
            yield server
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Self

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
START_TIMEOUT_S = 10.0
START_ATTEMPTS = 3
# Its own line once every listener is bound. Not " running" anywhere: as root, 2.1 first logs
# "Info: running mosquitto as user: mosquitto.", before it binds, and a start on a taken port
# read then passed for a running broker (the port's other listener took the test connection).
_RUNNING = re.compile(r"^\d+: mosquitto version \S+ running$", re.MULTILINE)


def says_it_runs(log: str) -> bool:
    """Return whether Mosquitto's log says it has bound its listeners and runs."""
    return _RUNNING.search(log) is not None


class PortTakenError(RuntimeError):
    """Another process bound the chosen port between the probe and the broker."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def mosquitto_available() -> bool:
    """Return whether a Mosquitto binary is installed."""
    return Path(MOSQUITTO).exists()


class MosquittoServer:
    """One Mosquitto process: anonymous, loopback only, no persistence, log in `directory`.

    `stop()` then `start()` restarts it on the same port (retained messages are lost, as
    after a real broker restart without persistence).
    """

    def __init__(
        self, directory: Path, port: int | None = None, settings: str | None = None
    ) -> None:
        self.host = "127.0.0.1"
        # Everything after the listener line; anonymous and without persistence by default.
        self.settings = settings or "allow_anonymous true\npersistence false\n"
        # A port of our own choosing may be taken by another test process between the probe
        # and the broker's bind: then the first start tries another (a restart keeps its port).
        self._port_chosen_here = port is None
        self.port = port or free_port()
        self.directory = directory
        # Running as root, Mosquitto drops to user `mosquitto`: it only reads what we write
        # (before dropping), and logs to stdout, a file we own.
        self.config_path = directory / "mosquitto.conf"
        self.log_path = directory / "mosquitto.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the broker and wait until it accepts connections."""
        for _ in range(START_ATTEMPTS - 1):
            try:
                self._start_once()
            except PortTakenError:
                self.port = free_port()
            else:
                return
        self._start_once()

    def _start_once(self) -> None:
        if self.process is not None:
            raise RuntimeError("already running")
        self.config_path.write_text(
            f"listener {self.port} {self.host}\n"
            f"{self.settings}"
            "log_dest stdout\n"
            "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
        )
        with self.log_path.open("ab") as log:
            started_at = log.tell()
            self.process = subprocess.Popen(
                [MOSQUITTO, "-c", str(self.config_path)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            this_start = self.log()[started_at:]
            if self.process.poll() is not None:
                self.process = None
                if self._port_chosen_here and "Address already in use" in this_start:
                    raise PortTakenError(f"port {self.port} was taken:\n{this_start}")
                raise RuntimeError(f"mosquitto exited early:\n{this_start}")
            # Only once it says it runs (it has bound the port): whatever else listens there
            # would answer the connection too.
            if says_it_runs(this_start):
                try:
                    with socket.create_connection((self.host, self.port), timeout=0.2):
                        self._port_chosen_here = False
                        return
                except OSError:
                    pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"mosquitto did not listen on {self.port}:\n{self.log()}")

    def stop(self) -> None:
        """Stop the broker (SIGTERM, then SIGKILL after 5 s)."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def log(self) -> str:
        """Return what the broker logged so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Self:
        """Start on entry."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop on exit."""
        self.stop()
