"""A real `hass` process on a throwaway config directory, and its memory as /proc shows it.

Used by bench/footprint.py. The directory's configuration.yaml binds HTTP to loopback on a
free port; a token saved in the directory (by `onboard`) lets the bench use the REST and
websocket APIs through script/demo's client.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from script.demo.ha_client import HomeAssistantClient, HomeAssistantError

START_TIMEOUT_S = 300.0
TOKEN_FILE = "bench-token"


@dataclass(frozen=True, slots=True)
class Memory:
    """Resident (RSS), unique (USS: private pages) and peak resident memory, in MiB."""

    rss_mib: float
    uss_mib: float
    peak_rss_mib: float


def read_memory(pid: int) -> Memory:
    """The process's memory now; the peak is VmHWM (since start or `reset_peak`)."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    private_kib = sum(
        int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        if line.startswith(("Private_Clean:", "Private_Dirty:"))
    )

    def mib(field: str) -> float:
        return int(status[field].split()[0]) / 1024

    return Memory(mib("VmRSS"), private_kib / 1024, mib("VmHWM"))


def reset_peak(pid: int) -> None:
    """Make VmHWM start again from the current resident size (Linux clear_refs 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def children(pid: int) -> list[int]:
    """The process's direct children (every thread's list)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


class ChildPeaks:
    """Watches a process's children while the block runs: each one's peak resident memory.

    The training runs in a child of Home Assistant, whose memory its VmHWM never shows. The
    child's VmHWM only grows, so the last one read before it ends is its peak (within one
    POLL_S of its end).
    """

    POLL_S = 0.01

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks_mib: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            for child in children(self.pid):
                with contextlib.suppress(OSError, KeyError, ValueError):
                    peak = read_memory(child).peak_rss_mib
                    self.peaks_mib[child] = max(peak, self.peaks_mib.get(child, 0.0))
            self._stop.wait(self.POLL_S)

    def __enter__(self) -> ChildPeaks:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def largest_mib(self) -> float | None:
        """The largest child's peak, None when no child was seen."""
        return max(self.peaks_mib.values(), default=None)


class HassProcess:
    """`hass --config DIR` started in its own process group, stopped politely."""

    def __init__(self, config_dir: Path, port: int, log_name: str, deps: Path) -> None:
        self.config_dir = config_dir
        # What script/develop installs beside the venv (the frontend, ...), as it runs hass.
        self.env = {**os.environ, "PYTHONPATH": str(deps)}
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = config_dir.parent / log_name
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    @property
    def pid(self) -> int:
        """The hass process id."""
        assert self.process is not None, "not started"
        return self.process.pid

    def start(self) -> None:
        """Start hass; `wait_until_running` waits for it."""
        with self.log_path.open("ab") as log:
            self.started_at = time.monotonic()
            self.process = subprocess.Popen(
                ["hass", "--config", str(self.config_dir), "--skip-pip"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 60 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        """Everything hass wrote so far."""
        return self.log_path.read_text(errors="replace")

    async def wait_until_up(self) -> None:
        """Wait until HTTP answers."""
        deadline = time.monotonic() + START_TIMEOUT_S
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            while True:
                if self.process is not None and self.process.poll() is not None:
                    raise HomeAssistantError(f"hass exited:\n{self.log()[-3000:]}")
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with session.get(self.base_url + "/api/onboarding") as response:
                        if response.status < 500:
                            return
                if time.monotonic() > deadline:
                    raise HomeAssistantError("hass did not answer in time")
                await asyncio.sleep(0.5)

    @contextlib.asynccontextmanager
    async def client(self) -> AsyncIterator[HomeAssistantClient]:
        """A client with the token `onboard` saved."""
        token = (self.config_dir / TOKEN_FILE).read_text().strip()
        async with HomeAssistantClient(token, self.base_url) as client:
            yield client

    async def onboard(self) -> None:
        """Create the owner account (fresh directory) and save a long-lived token."""
        client_id = f"{self.base_url}/"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            async with session.post(
                self.base_url + "/api/onboarding/users",
                json={
                    "name": "Bench",
                    "username": "bench",
                    "password": "bench-password-local-only",
                    "client_id": client_id,
                    "language": "en",
                },
            ) as response:
                answer = await response.json()
            async with session.post(
                self.base_url + "/auth/token",
                data={
                    "grant_type": "authorization_code",
                    "code": answer["auth_code"],
                    "client_id": client_id,
                },
            ) as response:
                access = (await response.json())["access_token"]
        async with HomeAssistantClient(access, self.base_url) as client:
            token = await client.ws(
                "auth/long_lived_access_token", client_name="bench", lifespan=30
            )
        (self.config_dir / TOKEN_FILE).write_text(str(token))
