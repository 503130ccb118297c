"""Fakes for the node agent: a recording MQTT client, a settable clock, simulated hardware."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from py_iot_node import clock_sync
from py_iot_node.buffer import SampleBuffer
from py_iot_node.clock_sync import ClockSync
from py_iot_node.config import NodeConfig, parse_config
from py_iot_node.devices import SwitchBank
from py_iot_node.hardware.gpio import SimulatedGpioBackend

START = 1_790_000_000.0


@dataclass
class FakeInfo:
    """What FakeClient.publish returns."""

    mid: int
    rc: int = 0
    waited: float | None = None

    def wait_for_publish(self, timeout: float | None = None) -> None:
        self.waited = timeout


@dataclass
class Sent:
    """One publish call."""

    topic: str
    payload: bytes
    qos: int
    retain: bool
    mid: int

    def json(self) -> Any:
        return json.loads(self.payload)


@dataclass
class FakeClient:
    """Records publishes and subscriptions; `rc` makes publishes fail."""

    sent: list[Sent] = field(default_factory=list)
    subscriptions: list[tuple[str, int]] = field(default_factory=list)
    rc: int = 0
    _mid: int = 0

    def publish(self, topic: str, payload: bytes, qos: int = 0, retain: bool = False) -> FakeInfo:
        self._mid += 1
        self.sent.append(Sent(topic, payload, qos, retain, self._mid))
        return FakeInfo(self._mid, self.rc)

    def subscribe(self, topic: str, qos: int = 0) -> object:
        self.subscriptions.append((topic, qos))
        return (0, 1)

    def on(self, topic: str) -> list[Sent]:
        return [message for message in self.sent if message.topic == topic]

    def take(self) -> list[Sent]:
        sent, self.sent = self.sent, []
        return sent


class FakeClock:
    """Wall clock the test moves by hand; its `monotonic` follows, except when it is `set`."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self._boot_at = now - 100.0

    def __call__(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now - self._boot_at

    def set(self, now: float) -> None:
        """Step the wall clock (NTP setting a Pi's clock), leaving the monotonic one."""
        self._boot_at += now - self.now
        self.now = now


@dataclass
class FakeClockSync:
    """What the kernel says of the clock, set by the test."""

    state: ClockSync = ClockSync.UNSYNCED

    def __call__(self) -> ClockSync:
        return self.state


@pytest.fixture(autouse=True)
def _host_clock_sync_unknown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The default probe answers "unknown": the host's NTP state must not decide a test."""
    monkeypatch.setattr(clock_sync, "TIMESYNCD_SYNCHRONIZED", tmp_path / "no-timesyncd")
    monkeypatch.setattr(clock_sync, "_adjtimex", lambda: None)


@pytest.fixture(autouse=True)
def _buffers_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close every sample buffer the test opened (its helpers open and reopen them freely).

    An open buffer's sqlite connection otherwise warns "unclosed database" when garbage
    collection finds it, during whichever later test that happens in.
    """
    opened: list[SampleBuffer] = []
    open_buffer = SampleBuffer.__init__

    def recorded(store: SampleBuffer, *args: Any, **kwargs: Any) -> None:
        open_buffer(store, *args, **kwargs)
        opened.append(store)

    monkeypatch.setattr(SampleBuffer, "__init__", recorded)
    yield
    for store in opened:
        store.close()


def make_config(tmp_path: Path, **overrides: Any) -> NodeConfig:
    data: dict[str, Any] = {
        "node": {"id": "kitchen", "name": "Kitchen Pi"},
        "interval_s": 30,
        "state_dir": str(tmp_path / "state"),
        "backend": "simulated",
        "sensors": [{"key": "climate", "name": "Climate", "model": "dht22", "pin": 4}],
        "switches": [
            {"key": "led", "name": "Desk LED", "pin": 17},
            {"key": "relay", "name": "Fan", "pin": 27, "active_high": False},
        ],
    }
    data.update(overrides)
    return parse_config(data)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client() -> FakeClient:
    return FakeClient()


@pytest.fixture
def gpio() -> SimulatedGpioBackend:
    return SimulatedGpioBackend()


@pytest.fixture
def config(tmp_path: Path) -> NodeConfig:
    return make_config(tmp_path)


@pytest.fixture
def switches(config: NodeConfig, gpio: SimulatedGpioBackend) -> SwitchBank:
    bank = SwitchBank(gpio, config.switches)
    bank.setup()
    return bank


@pytest.fixture
def buffer(config: NodeConfig) -> Iterator[SampleBuffer]:
    store = SampleBuffer(config.buffer_path, config.buffer_max_samples)
    yield store
    store.close()
