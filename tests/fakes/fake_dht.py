"""Fake ``Adafruit_DHT`` (legacy C driver) and ``adafruit_dht`` + ``board`` (CircuitPython).

Both talk to one ``FakeDhtBus`` that plays scripted results per pin and notices when a pin is
read by two threads at once. Signatures follow the real libraries:
Adafruit_DHT/common.py (read_retry returns ``(humidity, temperature)``, ``(None, None)`` after
the last failed try) and adafruit_dht.py (``DHT22(pin, use_pulseio=...)``, RuntimeError on a
failed read, cached values when measured again within 2 s).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from types import ModuleType, SimpleNamespace
from typing import Any

from .clock import FakeClock

type DhtResult = tuple[float | None, float | None] | BaseException | None
"""``(temperature, humidity)``, an exception to raise, or None for a failed read."""


class FakeDhtBus:
    """The wires of every fake DHT sensor, keyed by BCM pin."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.default_reading: DhtResult = (21.0, 45.0)
        self.read_duration_s = 0.0
        # When set, every transfer waits here: proves that transfers run side by side.
        self.rendezvous: threading.Barrier | None = None
        # When set, every transfer hangs until it is released (a driver stuck on the wire);
        # bounded, so that a test that forgets to release it still ends.
        self.stuck: threading.Event | None = None
        self.transfers: list[int] = []
        self.overlaps = 0
        self._scripts: dict[int, deque[DhtResult]] = {}
        self._in_flight: Counter[int] = Counter()
        self._guard = threading.Lock()

    def script(self, pin: int, *results: DhtResult) -> None:
        """Queue results for ``pin``; once they run out it answers ``default_reading``."""
        self._scripts.setdefault(pin, deque()).extend(results)

    def transfer(self, pin: int) -> DhtResult:
        """One conversation on the wire; takes ``read_duration_s`` of real time."""
        with self._guard:
            if self._in_flight[pin]:
                self.overlaps += 1
            self._in_flight[pin] += 1
        try:
            if self.read_duration_s:
                time.sleep(self.read_duration_s)
            if self.rendezvous is not None:
                self.rendezvous.wait(timeout=5.0)
            if self.stuck is not None:
                self.stuck.wait(timeout=120.0)
            with self._guard:
                self.transfers.append(pin)
                queue = self._scripts.get(pin)
                return queue.popleft() if queue else self.default_reading
        finally:
            with self._guard:
                self._in_flight[pin] -= 1


class FakeLegacyDht:
    """State of the fake ``Adafruit_DHT``."""

    DHT11 = 11
    DHT22 = 22
    AM2302 = 22

    def __init__(self, bus: FakeDhtBus, *, platform_detected: bool = True) -> None:
        self.bus = bus
        self.platform_detected = platform_detected
        self.read_retry_calls: list[tuple[int, int, int, float]] = []
        self.retry_sleeps: list[float] = []

    def build_modules(self) -> dict[str, ModuleType]:
        """``Adafruit_DHT`` and ``Adafruit_DHT.common``, fresh."""
        fake = self
        sensors = [self.DHT11, self.DHT22, self.AM2302]

        def platform_read(sensor: int, pin: int) -> tuple[float | None, float | None]:
            result = fake.bus.transfer(pin)
            if isinstance(result, BaseException):
                raise result
            if result is None:
                return None, None
            temperature, humidity = result
            return humidity, temperature

        def get_platform() -> Any:
            if not fake.platform_detected:
                raise RuntimeError("Unknown platform.")
            return SimpleNamespace(read=platform_read)

        def read(sensor: int, pin: int, platform: Any = None) -> Any:
            if sensor not in sensors:
                raise ValueError("Expected DHT11, DHT22, or AM2302 sensor value.")
            if platform is None:
                platform = get_platform()
            return platform.read(sensor, pin)

        def read_retry(
            sensor: int, pin: int, retries: int = 15, delay_seconds: float = 2, platform: Any = None
        ) -> tuple[float | None, float | None]:
            fake.read_retry_calls.append((sensor, pin, retries, delay_seconds))
            for _ in range(retries):
                humidity, temperature = read(sensor, pin, platform)
                if humidity is not None and temperature is not None:
                    return humidity, temperature
                fake.retry_sleeps.append(delay_seconds)
                fake.bus.clock.sleep(delay_seconds)
            return None, None

        common = ModuleType("Adafruit_DHT.common")
        package = ModuleType("Adafruit_DHT")
        package.__path__ = []
        for module in (common, package):
            module.__dict__.update(
                DHT11=self.DHT11,
                DHT22=self.DHT22,
                AM2302=self.AM2302,
                read=read,
                read_retry=read_retry,
            )
        common.SENSORS = sensors  # type: ignore[attr-defined]
        common.get_platform = get_platform  # type: ignore[attr-defined]
        package.common = common  # type: ignore[attr-defined]
        return {"Adafruit_DHT": package, "Adafruit_DHT.common": common}


class FakeBoardPin:
    """Blinka's ``microcontroller.Pin``: just an id."""

    def __init__(self, pin_id: int) -> None:
        self.id = pin_id

    def __repr__(self) -> str:
        return f"board.D{self.id}"


class FakeCircuitPythonDevice:
    """One ``adafruit_dht.DHT11``/``DHT22`` object, with the library's 2 s measure cache."""

    def __init__(
        self, fake: FakeCircuitPythonDht, dht11: bool, pin: FakeBoardPin, use_pulseio: bool
    ) -> None:
        self._fake = fake
        self.dht11 = dht11
        self.pin = pin
        self.use_pulseio = use_pulseio
        self.exited = False
        self.measurements = 0
        self._last_called = 0.0
        self._temperature: float | None = None
        self._humidity: float | None = None

    def measure(self) -> None:
        clock = self._fake.bus.clock
        if self._last_called == 0 or clock.monotonic() - self._last_called > 2:
            self._last_called = clock.monotonic()
            self.measurements += 1
            result = self._fake.bus.transfer(self.pin.id)
            if isinstance(result, BaseException):
                raise result
            if result is None:
                raise RuntimeError("A full buffer was not returned. Try again.")
            self._temperature, self._humidity = result

    @property
    def temperature(self) -> float | None:
        self.measure()
        return self._temperature

    @property
    def humidity(self) -> float | None:
        self.measure()
        return self._humidity

    def exit(self) -> None:
        self.exited = True


class FakeCircuitPythonDht:
    """State of the fake ``adafruit_dht`` and ``board`` modules."""

    def __init__(self, bus: FakeDhtBus, *, board_pins: bool = True) -> None:
        self.bus = bus
        self.board_pins = board_pins
        self.devices: list[FakeCircuitPythonDevice] = []

    def build_modules(self) -> dict[str, ModuleType]:
        """``adafruit_dht`` and ``board``, fresh."""
        fake = self

        def device_class(name: str, dht11: bool) -> type:
            def __init__(self: Any, pin: FakeBoardPin, use_pulseio: bool = True) -> None:
                FakeCircuitPythonDevice.__init__(self, fake, dht11, pin, use_pulseio)
                fake.devices.append(self)

            return type(name, (FakeCircuitPythonDevice,), {"__init__": __init__})

        library = ModuleType("adafruit_dht")
        library.DHT11 = device_class("DHT11", dht11=True)  # type: ignore[attr-defined]
        library.DHT22 = device_class("DHT22", dht11=False)  # type: ignore[attr-defined]
        library.DHT21 = device_class("DHT21", dht11=False)  # type: ignore[attr-defined]
        board = ModuleType("board")
        if self.board_pins:
            for pin in range(28):
                setattr(board, f"D{pin}", FakeBoardPin(pin))
        return {"adafruit_dht": library, "board": board}
