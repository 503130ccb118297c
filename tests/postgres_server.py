"""Start and stop a throwaway PostgreSQL cluster on a free loopback port, for recorder tests.

if not postgres_available():
    pytest.skip("PostgreSQL is not installed")
with PostgresServer() as server:
    url = server.create_database("recorder")
    ...
    server.drop_database("recorder")
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Self

from .mosquitto_server import free_port

START_TIMEOUT_S = 30
# Durability is pointless for a cluster deleted after the test: these make writes cheap.
SPEED_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
SERVICE_USER = "postgres"
_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def postgres_bin_dir() -> Path | None:
    """Return the newest `/usr/lib/postgresql/<version>/bin` holding the server, if any."""
    candidates = [
        path.parent
        for path in Path("/usr/lib/postgresql").glob("*/bin/postgres")
        if path.parent.name == "bin" and path.parent.parent.name.isdigit()
    ]
    return max(candidates, key=lambda path: int(path.parent.name), default=None)


def postgres_available() -> bool:
    """Return whether the PostgreSQL server binaries are installed (and usable as this user)."""
    if postgres_bin_dir() is None:
        return False
    if os.geteuid() != 0:
        return True
    # PostgreSQL refuses to run as root: it needs the user Debian's package creates.
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        return False
    return shutil.which("runuser") is not None


class PostgresServer:
    """One PostgreSQL cluster in a temporary directory: trust auth, loopback TCP only."""

    def __init__(self) -> None:
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed")
        self.bin_dir = bin_dir
        self.host = "127.0.0.1"
        self.port = free_port()
        self.directory: Path | None = None

    @property
    def data_dir(self) -> Path:
        """Where the cluster lives (its log is `server.log` inside)."""
        if self.directory is None:
            raise RuntimeError("not started")
        return self.directory / "data"

    def url(self, database: str) -> str:
        """Return the SQLAlchemy URL of `database` on this server."""
        return f"postgresql://{SERVICE_USER}@{self.host}:{self.port}/{database}"

    def start(self) -> None:
        """Create the cluster and start the server; return once it accepts connections."""
        if self.directory is not None:
            raise RuntimeError("already running")
        self.directory = Path(tempfile.mkdtemp(prefix="pg-"))
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVICE_USER)
            os.chown(self.directory, account.pw_uid, account.pw_gid)
        try:
            self._as_service_user(
                "initdb",
                "--pgdata",
                str(self.data_dir),
                "--username",
                SERVICE_USER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--no-locale",
                "--no-sync",
            )
            self._as_service_user(
                "pg_ctl",
                "start",
                "--wait",
                "--timeout",
                str(START_TIMEOUT_S),
                "--pgdata",
                str(self.data_dir),
                "--log",
                str(self.data_dir / "server.log"),
                "--options",
                # The socket directory is ours: /var/run/postgresql may not exist in a chroot.
                f"-h {self.host} -p {self.port} -k {self.directory} {SPEED_SETTINGS}",
            )
        except RuntimeError:
            self._remove_directory()
            raise

    def stop(self) -> None:
        """Stop the server at once (no checkpoint: the data is thrown away) and delete it."""
        if self.directory is None:
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._as_service_user(
                    "pg_ctl",
                    "stop",
                    "--wait",
                    "--mode",
                    "immediate",
                    "--pgdata",
                    str(self.data_dir),
                )
        finally:
            self._remove_directory()

    def create_database(self, name: str) -> str:
        """Create an empty UTF-8 database and return its URL."""
        self._sql(f"CREATE DATABASE {self._checked(name)} ENCODING 'UTF8' TEMPLATE template0")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever connections are still open on it."""
        self._sql(f"DROP DATABASE IF EXISTS {self._checked(name)} WITH (FORCE)")

    def log(self) -> str:
        """Return what the server logged so far."""
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _sql(self, statement: str) -> None:
        self._run(
            [
                str(self.bin_dir / "psql"),
                "--no-psqlrc",
                "--quiet",
                "--set",
                "ON_ERROR_STOP=1",
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--username",
                SERVICE_USER,
                "--dbname",
                "postgres",
                "--command",
                statement,
            ]
        )

    def _as_service_user(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVICE_USER, "--", *command]
        self._run(command)

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log = self.log() if self.directory is not None else ""
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}{log}"
            )

    def _remove_directory(self) -> None:
        directory, self.directory = self.directory, None
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    @staticmethod
    def _checked(name: str) -> str:
        if not _DATABASE_NAME.fullmatch(name):
            raise ValueError(f"not a plain database name: {name!r}")
        return name

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
