"""DHT11/DHT22/AM2302 temperature and humidity sensors behind one small protocol.

The hardware libraries are imported only inside the backend that needs them: they refuse to
install or import off a Raspberry Pi, and this module must import everywhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from time import monotonic, sleep
from typing import Any, Protocol

from .errors import HardwareError, HardwareUnavailableError
from .names import BACKEND_AUTO, BACKEND_SIMULATED
from .simulation import indoor_climate

# The datasheets ask for 2 s between two reads of a DHT22 (1 s for a DHT11; 2 s suits both).
MIN_READ_INTERVAL_S = 2.0
# adafruit_dht measures again only once strictly more than 2 s passed on its own clock.
READ_SPACING_S = MIN_READ_INTERVAL_S + 0.1
DEFAULT_ADAFRUIT_RETRIES = 3

BACKEND_ADAFRUIT_DHT = "adafruit_dht"
BACKEND_CIRCUITPYTHON = "circuitpython"
DHT_BACKENDS = (BACKEND_AUTO, BACKEND_ADAFRUIT_DHT, BACKEND_CIRCUITPYTHON, BACKEND_SIMULATED)

type Clock = Callable[[], float]
type Sleep = Callable[[float], None]


class DhtModel(StrEnum):
    """Supported sensor models (the AM2302 is a DHT22 in a case)."""

    DHT22 = "dht22"
    DHT11 = "dht11"
    AM2302 = "am2302"


@dataclass(frozen=True, slots=True)
class DhtReading:
    """One successful read: degrees Celsius and percent relative humidity."""

    temperature: float
    humidity: float


class DhtReadError(HardwareError):
    """A read failed (timeout, checksum, sensor absent); the next one may succeed."""


class DhtBackend(Protocol):
    """What the rest of the integration needs from a DHT sensor."""

    name: str

    def read(self) -> DhtReading:
        """Read the sensor (blocking); raise DhtReadError when the read fails."""
        ...

    def close(self) -> None:
        """Release whatever the backend holds."""
        ...


@dataclass
class _PinState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_read_end: float | None = None


_PINS: dict[int, _PinState] = {}
_PINS_GUARD = threading.Lock()


def _pin_state(pin: int) -> _PinState:
    with _PINS_GUARD:
        return _PINS.setdefault(pin, _PinState())


@contextmanager
def exclusive_read(pin: int, clock: Clock, sleep_fn: Sleep) -> Iterator[None]:
    """Hold ``pin`` for one read, at least READ_SPACING_S after the previous one ended.

    The state is per pin and process wide, so two backends on one pin (a config flow probe
    while the coordinator polls) never drive the one-wire line at the same time.
    """
    state = _pin_state(pin)
    with state.lock:
        if state.last_read_end is not None:
            elapsed = clock() - state.last_read_end
            # A negative gap means another clock wrote the mark; waiting on it would be wrong.
            if 0.0 <= elapsed < READ_SPACING_S:
                sleep_fn(READ_SPACING_S - elapsed)
        try:
            yield
        finally:
            state.last_read_end = clock()


# What a driver may raise for one failed read. Beyond the documented RuntimeError: an I/O
# error, or a value it could not decode. Each is a failed read (kept within the failure
# count), not a traceback at every poll.
DRIVER_READ_ERRORS = (RuntimeError, OSError, ValueError, TypeError, ArithmeticError)


def _reading(model: DhtModel, pin: int, temperature: Any, humidity: Any) -> DhtReading:
    if temperature is None or humidity is None:
        raise DhtReadError(f"The {model.name} on GPIO{pin} returned no value")
    try:
        return DhtReading(temperature=float(temperature), humidity=float(humidity))
    except (TypeError, ValueError) as err:
        raise DhtReadError(f"The {model.name} on GPIO{pin} returned no number: {err}") from err


def _import_adafruit_dht() -> Any:
    """Import Adafruit_DHT and check that it recognises this board."""
    try:
        import Adafruit_DHT
    except ImportError as err:
        raise HardwareUnavailableError(f"Adafruit_DHT is not installed ({err})") from err
    try:
        Adafruit_DHT.common.get_platform()
    except (RuntimeError, ImportError, OSError) as err:
        raise HardwareUnavailableError(f"Adafruit_DHT does not support this board ({err})") from err
    return Adafruit_DHT


class AdafruitDhtBackend:
    """The legacy ``Adafruit_DHT`` C driver (Pi 1 to 3, some Pi 4 images)."""

    name = BACKEND_ADAFRUIT_DHT

    def __init__(
        self,
        model: DhtModel,
        pin: int,
        *,
        retries: int = DEFAULT_ADAFRUIT_RETRIES,
        clock: Clock | None = None,
        sleep_fn: Sleep | None = None,
    ) -> None:
        """Check the library works here; raise HardwareUnavailableError when it does not."""
        self._library = _import_adafruit_dht()
        self._sensor = {
            DhtModel.DHT22: self._library.DHT22,
            DhtModel.DHT11: self._library.DHT11,
            DhtModel.AM2302: self._library.AM2302,
        }[model]
        self.model = model
        self.pin = pin
        self._retries = retries
        self._clock = clock if clock is not None else monotonic
        self._sleep = sleep_fn if sleep_fn is not None else sleep

    def read(self) -> DhtReading:
        """Read with ``read_retry``; it sleeps 2 s between its own tries."""
        with exclusive_read(self.pin, self._clock, self._sleep):
            try:
                humidity, temperature = self._library.read_retry(
                    self._sensor, self.pin, retries=self._retries, delay_seconds=MIN_READ_INTERVAL_S
                )
            except DRIVER_READ_ERRORS as err:
                raise DhtReadError(f"Adafruit_DHT failed on GPIO{self.pin}: {err}") from err
        if humidity is None or temperature is None:
            raise DhtReadError(
                f"No valid reading from the {self.model.name} on GPIO{self.pin} "
                f"after {self._retries} tries"
            )
        return _reading(self.model, self.pin, temperature, humidity)

    def close(self) -> None:
        """Nothing to release: the driver claims the pin only during a read."""


def _import_circuitpython(pin: int) -> tuple[Any, Any]:
    """Import adafruit_dht and board, and find the board pin ``D<pin>``."""
    try:
        import adafruit_dht
        import board
    except (ImportError, RuntimeError, NotImplementedError) as err:
        raise HardwareUnavailableError(
            f"adafruit_dht/board (Blinka) is not usable here ({err})"
        ) from err
    board_pin = getattr(board, f"D{pin}", None)
    if board_pin is None:
        raise HardwareUnavailableError(
            f"Blinka's board module has no pin D{pin}: not a Raspberry Pi, or no such GPIO"
        )
    return adafruit_dht, board_pin


class CircuitPythonDhtBackend:
    """Adafruit's CircuitPython ``adafruit_dht`` on Blinka (works on every Pi, Pi 5 included)."""

    name = BACKEND_CIRCUITPYTHON

    def __init__(
        self,
        model: DhtModel,
        pin: int,
        *,
        clock: Clock | None = None,
        sleep_fn: Sleep | None = None,
    ) -> None:
        """Open the sensor; raise HardwareUnavailableError when the libraries do not work."""
        library, board_pin = _import_circuitpython(pin)
        device_class = library.DHT11 if model is DhtModel.DHT11 else library.DHT22
        # Bit-banging, because pulseio on Linux runs a helper process that is often missing
        # or left behind.
        self._device = device_class(board_pin, use_pulseio=False)
        self.model = model
        self.pin = pin
        self._clock = clock if clock is not None else monotonic
        self._sleep = sleep_fn if sleep_fn is not None else sleep

    def read(self) -> DhtReading:
        """Measure once; the 2 s spacing keeps the library from returning its cached values."""
        with exclusive_read(self.pin, self._clock, self._sleep):
            try:
                temperature = self._device.temperature
                humidity = self._device.humidity
            except DRIVER_READ_ERRORS as err:
                raise DhtReadError(f"adafruit_dht failed on GPIO{self.pin}: {err}") from err
        return _reading(self.model, self.pin, temperature, humidity)

    def close(self) -> None:
        """Free the library's pin resources."""
        self._device.exit()


class SimulatedDhtBackend:
    """A plausible indoor sensor, reproducible from ``(seed, time)``; see ``simulation``."""

    name = BACKEND_SIMULATED

    def __init__(
        self,
        seed: int = 0,
        clock: Clock | None = None,
        *,
        utc_offset_s: float | None = None,
    ) -> None:
        """``clock`` gives Unix seconds; the local offset places the daily cycle's peak."""
        self.seed = seed
        # Looked up now, not at import, so a frozen test clock drives the simulation too.
        self._clock = clock if clock is not None else time.time
        self._utc_offset_s = utc_offset_s

    def read(self) -> DhtReading:
        """Return the simulated climate now, or raise DhtReadError about 3 % of the time."""
        now = self._clock()
        offset = self._utc_offset_s
        if offset is None:
            offset = time.localtime(now).tm_gmtoff
        sample = indoor_climate(self.seed, now, offset)
        if sample.failed:
            raise DhtReadError("Simulated read failure (checksum did not validate)")
        return DhtReading(temperature=sample.temperature, humidity=sample.humidity)

    def close(self) -> None:
        """Nothing to release."""


def create_dht_backend(
    model: DhtModel,
    pin: int,
    preference: str = BACKEND_AUTO,
    *,
    seed: int | None = None,
    clock: Clock | None = None,
    sleep_fn: Sleep | None = None,
) -> DhtBackend:
    """Open the DHT backend named by ``preference``.

    ``auto`` tries Adafruit_DHT, then adafruit_dht + board, and raises HardwareUnavailableError
    naming what failed when neither works: the caller decides whether to simulate. The
    simulation's seed defaults to the pin, so two simulated sensors differ.
    """
    if preference == BACKEND_SIMULATED:
        return SimulatedDhtBackend(seed=pin if seed is None else seed)
    if preference == BACKEND_ADAFRUIT_DHT:
        return AdafruitDhtBackend(model, pin, clock=clock, sleep_fn=sleep_fn)
    if preference == BACKEND_CIRCUITPYTHON:
        return CircuitPythonDhtBackend(model, pin, clock=clock, sleep_fn=sleep_fn)
    if preference != BACKEND_AUTO:
        raise ValueError(f"Unknown DHT backend {preference!r}, expected one of {DHT_BACKENDS}")
    problems: list[str] = []
    for backend_class in (AdafruitDhtBackend, CircuitPythonDhtBackend):
        try:
            return backend_class(model, pin, clock=clock, sleep_fn=sleep_fn)
        except HardwareUnavailableError as err:
            problems.append(str(err))
    raise HardwareUnavailableError(
        f"No DHT library works on this machine for GPIO{pin}: " + "; ".join(problems)
    )
