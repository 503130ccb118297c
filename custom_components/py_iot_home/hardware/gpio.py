"""GPIO outputs (LEDs) behind one small protocol, numbered BCM (the ``GPIOn`` names).

RPi.GPIO and gpiod are imported only inside their backend: off a Raspberry Pi they refuse to
install or import, and this module must import everywhere.
"""

from __future__ import annotations

import errno
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .errors import HardwareError, HardwareUnavailableError
from .names import BACKEND_AUTO, BACKEND_SIMULATED

BACKEND_RPI_GPIO = "rpi_gpio"
BACKEND_GPIOD = "gpiod"
GPIO_BACKENDS = (BACKEND_AUTO, BACKEND_RPI_GPIO, BACKEND_GPIOD, BACKEND_SIMULATED)

CONSUMER = "py_iot_home"
PI5_CHIP_LABEL = "pinctrl-rp1"
# The chip that drives the 40-pin header: Pi 5, Pi 4, Pi 3 / Zero.
HEADER_CHIP_LABELS = (PI5_CHIP_LABEL, "pinctrl-bcm2711", "pinctrl-bcm2835")
DEV_DIR = Path("/dev")


class GpioError(HardwareError):
    """A GPIO operation failed."""


class PinInUseError(GpioError):
    """The pin is already claimed, by this integration or by another program."""


class GpioBackend(Protocol):
    """What the LEDs need from a GPIO library. Pins are BCM numbers."""

    name: str

    def setup_output(self, pin: int, *, active_high: bool, initial_on: bool) -> None:
        """Claim ``pin`` as an output, already at the level that means ``initial_on``."""
        ...

    def write(self, pin: int, on: bool) -> None:
        """Switch a claimed output on or off."""
        ...

    def release(self, pin: int) -> None:
        """Give back this one pin; other pins stay as they are."""
        ...

    def close(self) -> None:
        """Release every pin this backend claimed."""
        ...


def _not_set_up(pin: int) -> GpioError:
    return GpioError(f"GPIO{pin} is not set up as an output")


def _import_rpi_gpio() -> Any:
    try:
        from RPi import GPIO
    except (ImportError, RuntimeError) as err:
        raise HardwareUnavailableError(f"RPi.GPIO is not usable here ({err})") from err
    return GPIO


# RPi.GPIO's pin state is process wide, so claims are too: one set per library module.
_RPI_CLAIMS: weakref.WeakKeyDictionary[Any, set[int]] = weakref.WeakKeyDictionary()
_RPI_CLAIMS_GUARD = threading.Lock()


class RPiGpioBackend:
    """The classic RPi.GPIO library (Pi 1 to 4; Pi 5 only through its rpi-lgpio stand-in)."""

    name = BACKEND_RPI_GPIO

    def __init__(self) -> None:
        """Import RPi.GPIO and select BCM numbering; HardwareUnavailableError off a Pi."""
        self._gpio = _import_rpi_gpio()
        # A pin left as an output by the previous run is expected; the warning is noise.
        self._gpio.setwarnings(False)
        try:
            self._gpio.setmode(self._gpio.BCM)
        except ValueError as err:
            raise GpioError(f"RPi.GPIO is already using another pin numbering ({err})") from err
        with _RPI_CLAIMS_GUARD:
            self._claims = _RPI_CLAIMS.setdefault(self._gpio, set())
        self._active_high: dict[int, bool] = {}

    def _level(self, pin: int, on: bool) -> int:
        level: int = self._gpio.HIGH if on == self._active_high[pin] else self._gpio.LOW
        return level

    def setup_output(self, pin: int, *, active_high: bool, initial_on: bool) -> None:
        """Claim ``pin`` as an output starting at the level for ``initial_on``."""
        with _RPI_CLAIMS_GUARD:
            if pin in self._claims:
                raise PinInUseError(f"GPIO{pin} is already an output of py_iot_home")
            self._claims.add(pin)
        self._active_high[pin] = active_high
        try:
            self._gpio.setup(pin, self._gpio.OUT, initial=self._level(pin, initial_on))
        except (RuntimeError, ValueError) as err:
            self._forget(pin)
            raise GpioError(f"Cannot set up GPIO{pin} as an output: {err}") from err

    def write(self, pin: int, on: bool) -> None:
        """Drive the pin to the level that means ``on``."""
        if pin not in self._active_high:
            raise _not_set_up(pin)
        try:
            self._gpio.output(pin, self._level(pin, on))
        except (RuntimeError, ValueError) as err:
            raise GpioError(f"Cannot switch GPIO{pin}: {err}") from err

    def _forget(self, pin: int) -> None:
        del self._active_high[pin]
        with _RPI_CLAIMS_GUARD:
            self._claims.discard(pin)

    def release(self, pin: int) -> None:
        """Reset this pin to an input; a bare ``cleanup()`` would reset every pin in use."""
        if pin not in self._active_high:
            return
        self._forget(pin)
        self._gpio.cleanup(pin)

    def close(self) -> None:
        """Release every pin this backend set up, and no other."""
        pins = list(self._active_high)
        for pin in pins:
            self._forget(pin)
        if pins:
            self._gpio.cleanup(pins)


@dataclass(frozen=True, slots=True)
class GpioChip:
    """A gpiochip character device and the label the kernel gives it."""

    path: str
    label: str


def gpiochip_paths(dev_dir: Path = DEV_DIR) -> list[str]:
    """List the ``gpiochipN`` devices under ``dev_dir``, in numeric order."""
    paths = [path for path in dev_dir.glob("gpiochip*") if path.name[8:].isdigit()]
    return [str(path) for path in sorted(paths, key=lambda path: int(path.name[8:]))]


def _import_gpiod() -> Any:
    try:
        import gpiod
    except ImportError as err:
        raise HardwareUnavailableError(
            f"gpiod (libgpiod 2 bindings) is not installed ({err})"
        ) from err
    return gpiod


def find_header_chip(gpiod: Any) -> GpioChip:
    """Find the gpiochip of the 40-pin header by its label, like the rpi_gpio integration."""
    seen: list[str] = []
    for path in gpiochip_paths():
        if not gpiod.is_gpiochip_device(path):
            continue
        try:
            with gpiod.Chip(path) as chip:
                label: str = chip.get_info().label
        except OSError as err:
            seen.append(f"{path}: {err.strerror or err}")
            continue
        if label in HEADER_CHIP_LABELS:
            return GpioChip(path=path, label=label)
        seen.append(f"{path}: {label}")
    found = ", ".join(seen) if seen else "no /dev/gpiochip* device"
    raise HardwareUnavailableError(
        f"No Raspberry Pi GPIO chip ({', '.join(HEADER_CHIP_LABELS)}) found ({found})"
    )


class GpiodBackend:
    """libgpiod 2 through its ``gpiod`` bindings: one line request per pin."""

    name = BACKEND_GPIOD

    def __init__(self, chip_path: str | None = None) -> None:
        """Use ``chip_path``, or find the header chip; HardwareUnavailableError if none."""
        self._gpiod = _import_gpiod()
        from gpiod.line import Direction, Value

        self._direction_output = Direction.OUTPUT
        self._active = Value.ACTIVE
        self._inactive = Value.INACTIVE
        self.chip_path = chip_path if chip_path else find_header_chip(self._gpiod).path
        self._requests: dict[int, Any] = {}

    def _value(self, on: bool) -> Any:
        return self._active if on else self._inactive

    def setup_output(self, pin: int, *, active_high: bool, initial_on: bool) -> None:
        """Request the line as an output; the kernel applies ``active_low`` for us."""
        if pin in self._requests:
            raise PinInUseError(f"GPIO{pin} is already an output of py_iot_home")
        settings = self._gpiod.LineSettings(
            direction=self._direction_output,
            active_low=not active_high,
            output_value=self._value(initial_on),
        )
        try:
            request = self._gpiod.request_lines(
                self.chip_path, consumer=CONSUMER, config={pin: settings}
            )
        except OSError as err:
            if err.errno == errno.EBUSY or "busy" in str(err).lower():
                raise PinInUseError(
                    f"GPIO{pin} is in use by another program or integration "
                    "(Device or resource busy); free it or choose another pin"
                ) from err
            raise GpioError(f"Cannot request GPIO{pin} on {self.chip_path}: {err}") from err
        except ValueError as err:
            raise GpioError(f"GPIO{pin} does not exist on {self.chip_path}: {err}") from err
        self._requests[pin] = request

    def write(self, pin: int, on: bool) -> None:
        """Set the line's logical value."""
        request = self._requests.get(pin)
        if request is None:
            raise _not_set_up(pin)
        try:
            request.set_value(pin, self._value(on))
        except OSError as err:
            raise GpioError(f"Cannot switch GPIO{pin}: {err}") from err

    def release(self, pin: int) -> None:
        """Release this pin's request; the others are separate requests and stay."""
        request = self._requests.pop(pin, None)
        if request is not None:
            request.release()

    def close(self) -> None:
        """Release every request of this backend."""
        for pin in list(self._requests):
            self.release(pin)


class SimulatedGpioBackend:
    """Records pin levels instead of driving them, for tests, diagnostics and non-Pi hosts."""

    name = BACKEND_SIMULATED

    def __init__(self) -> None:
        """Start with no pin claimed."""
        self._active_high: dict[int, bool] = {}
        self._levels: dict[int, bool] = {}
        self.released: list[int] = []

    def setup_output(self, pin: int, *, active_high: bool, initial_on: bool) -> None:
        """Claim ``pin`` at the level for ``initial_on``."""
        if pin in self._active_high:
            raise PinInUseError(f"GPIO{pin} is already an output of py_iot_home")
        self._active_high[pin] = active_high
        self._levels[pin] = initial_on == active_high

    def write(self, pin: int, on: bool) -> None:
        """Record the level that means ``on``."""
        if pin not in self._active_high:
            raise _not_set_up(pin)
        self._levels[pin] = on == self._active_high[pin]

    def release(self, pin: int) -> None:
        """Forget this pin."""
        if self._active_high.pop(pin, None) is not None:
            del self._levels[pin]
            self.released.append(pin)

    def close(self) -> None:
        """Forget every pin."""
        for pin in list(self._active_high):
            self.release(pin)

    @property
    def levels(self) -> dict[int, bool]:
        """Electrical level of each claimed pin (True = high)."""
        return dict(self._levels)

    @property
    def states(self) -> dict[int, bool]:
        """Whether each claimed output is on, after active-high/low."""
        return {pin: level == self._active_high[pin] for pin, level in self._levels.items()}


def create_gpio_backend(
    preference: str = BACKEND_AUTO, *, chip_path: str | None = None
) -> GpioBackend:
    """Open the GPIO backend named by ``preference``.

    ``chip_path`` only applies to ``gpiod``. ``auto`` uses gpiod on a Pi 5 (RPi.GPIO cannot
    drive its RP1 chip), otherwise RPi.GPIO when it imports, otherwise gpiod when the header
    chip exists, otherwise raises HardwareUnavailableError naming what failed: the caller
    decides whether to simulate.
    """
    if preference == BACKEND_SIMULATED:
        return SimulatedGpioBackend()
    if preference == BACKEND_RPI_GPIO:
        return RPiGpioBackend()
    if preference == BACKEND_GPIOD:
        return GpiodBackend(chip_path)
    if preference != BACKEND_AUTO:
        raise ValueError(f"Unknown GPIO backend {preference!r}, expected one of {GPIO_BACKENDS}")
    problems: list[str] = []
    chip: GpioChip | None = None
    try:
        chip = find_header_chip(_import_gpiod())
    except HardwareUnavailableError as err:
        problems.append(str(err))
    if chip is not None and chip.label == PI5_CHIP_LABEL:
        return GpiodBackend(chip.path)
    try:
        return RPiGpioBackend()
    except HardwareUnavailableError as err:
        problems.append(str(err))
    if chip is not None:
        return GpiodBackend(chip.path)
    raise HardwareUnavailableError("No GPIO library works on this machine: " + "; ".join(problems))
