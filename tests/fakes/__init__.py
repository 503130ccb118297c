"""Fake Raspberry Pi hardware libraries, so every real backend code path runs in tests."""

from .clock import FakeClock
from .fake_dht import FakeCircuitPythonDht, FakeDhtBus, FakeLegacyDht
from .fake_gpiod import FakeGpiod
from .fake_rpi_gpio import FakeRPiGpio
from .installer import PI4_GPIOCHIPS, PI5_GPIOCHIPS, FakeHardware, install_fake_hardware

__all__ = [
    "PI4_GPIOCHIPS",
    "PI5_GPIOCHIPS",
    "FakeCircuitPythonDht",
    "FakeClock",
    "FakeDhtBus",
    "FakeGpiod",
    "FakeHardware",
    "FakeLegacyDht",
    "FakeRPiGpio",
    "install_fake_hardware",
]
