"""Put the fake hardware libraries in ``sys.modules`` for one test."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Literal

import pytest

from custom_components.py_iot_home.hardware import dht, gpio

from .clock import FakeClock
from .fake_dht import FakeCircuitPythonDht, FakeDhtBus, FakeLegacyDht
from .fake_gpiod import FakeGpiod
from .fake_rpi_gpio import FakeRPiGpio

PI4_GPIOCHIPS: Mapping[str, str] = {
    "/dev/gpiochip0": "pinctrl-bcm2711",
    "/dev/gpiochip1": "raspberrypi-exp-gpio",
}
PI5_GPIOCHIPS: Mapping[str, str] = {
    "/dev/gpiochip0": "pinctrl-rp1",
    "/dev/gpiochip10": "gpio-brcmstb@107d508500",
    "/dev/gpiochip11": "gpio-brcmstb@107d508520",
    "/dev/gpiochip12": "gpio-brcmstb@107d517c00",
    "/dev/gpiochip13": "gpio-brcmstb@107d517c20",
}
NOT_A_PI_MESSAGE = "This module can only be run on a Raspberry Pi!"

type LegacyDhtMode = Literal["ok", "unknown_platform", "missing"]
type CircuitPythonMode = Literal["ok", "no_board_pin", "missing"]
type RPiGpioMode = Literal["ok", "not_a_pi", "missing"]


class _FailingImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes ``import <name>`` raise like RPi.GPIO does off a Pi."""

    def __init__(self, name: str, error: Exception) -> None:
        self.name = name
        self.error = error

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        raise self.error


@dataclass
class FakeHardware:
    """Handles on the fakes: script DHT reads (``dht``), inspect pins (``rpi_gpio``, ``gpiod``).

    ``clock`` drives the DHT read spacing and the fake libraries' own timing; its sleep never
    blocks, so a test can read as often as it likes.
    """

    clock: FakeClock
    dht: FakeDhtBus
    legacy_dht: FakeLegacyDht
    circuitpython_dht: FakeCircuitPythonDht
    rpi_gpio: FakeRPiGpio
    gpiod: FakeGpiod | None


def _install(monkeypatch: pytest.MonkeyPatch, modules: Mapping[str, ModuleType | None]) -> None:
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)


def install_fake_hardware(
    monkeypatch: pytest.MonkeyPatch,
    *,
    legacy_dht: LegacyDhtMode = "ok",
    circuitpython_dht: CircuitPythonMode = "ok",
    rpi_gpio: RPiGpioMode = "ok",
    gpiochips: Mapping[str, str] | None = PI4_GPIOCHIPS,
) -> FakeHardware:
    """Install fake Adafruit_DHT, adafruit_dht + board, RPi.GPIO and gpiod for this test.

    Each library can be ``missing`` (ImportError) or present but unusable the way the real
    one is off a Pi. ``gpiochips`` maps ``/dev/gpiochipN`` paths to kernel labels; None means
    gpiod is not installed. The default is a Pi 4 where everything works.
    """
    clock = FakeClock()
    bus = FakeDhtBus(clock)
    hardware = FakeHardware(
        clock=clock,
        dht=bus,
        legacy_dht=FakeLegacyDht(bus, platform_detected=legacy_dht == "ok"),
        circuitpython_dht=FakeCircuitPythonDht(bus, board_pins=circuitpython_dht == "ok"),
        rpi_gpio=FakeRPiGpio(),
        gpiod=FakeGpiod(gpiochips) if gpiochips is not None else None,
    )

    if legacy_dht == "missing":
        _install(monkeypatch, {"Adafruit_DHT": None})
    else:
        _install(monkeypatch, hardware.legacy_dht.build_modules())

    if circuitpython_dht == "missing":
        _install(monkeypatch, {"adafruit_dht": None, "board": None})
    else:
        _install(monkeypatch, hardware.circuitpython_dht.build_modules())

    rpi_modules = hardware.rpi_gpio.build_modules()
    if rpi_gpio == "missing":
        _install(monkeypatch, {"RPi": None, "RPi.GPIO": None})
    elif rpi_gpio == "not_a_pi":
        package = ModuleType("RPi")
        package.__path__ = []
        _install(monkeypatch, {"RPi": package})
        monkeypatch.delitem(sys.modules, "RPi.GPIO", raising=False)
        finder = _FailingImport("RPi.GPIO", RuntimeError(NOT_A_PI_MESSAGE))
        monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    else:
        _install(monkeypatch, rpi_modules)

    if hardware.gpiod is None:
        _install(monkeypatch, {"gpiod": None, "gpiod.line": None})
        monkeypatch.setattr(gpio, "gpiochip_paths", list)
    else:
        _install(monkeypatch, hardware.gpiod.build_modules())
        monkeypatch.setattr(gpio, "gpiochip_paths", hardware.gpiod.chip_paths)

    monkeypatch.setattr(dht, "monotonic", clock.monotonic)
    monkeypatch.setattr(dht, "sleep", clock.sleep)
    # Fresh per-pin read state, so one test's last read never delays the next test's first.
    monkeypatch.setattr(dht, "_PINS", {})
    return hardware
