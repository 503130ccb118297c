"""GPIO backends: real call paths through fake RPi.GPIO and gpiod, chip discovery, selection."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from custom_components.py_iot_home.hardware import gpio
from custom_components.py_iot_home.hardware.errors import HardwareUnavailableError
from custom_components.py_iot_home.hardware.gpio import (
    GpiodBackend,
    GpioError,
    PinInUseError,
    RPiGpioBackend,
    SimulatedGpioBackend,
    create_gpio_backend,
    find_header_chip,
    gpiochip_paths,
)
from tests.fakes import PI5_GPIOCHIPS, FakeGpiod, FakeHardware, install_fake_hardware
from tests.fakes.fake_gpiod import Direction, Value
from tests.fakes.fake_rpi_gpio import BCM, BOARD, HIGH, IN, LOW, OUT


@pytest.fixture
def hw(monkeypatch: pytest.MonkeyPatch) -> FakeHardware:
    return install_fake_hardware(monkeypatch)


@pytest.fixture
def fake_gpiod(hw: FakeHardware) -> FakeGpiod:
    assert hw.gpiod is not None
    return hw.gpiod


def test_rpi_gpio_uses_bcm_numbering_quietly(hw: FakeHardware) -> None:
    backend = create_gpio_backend("rpi_gpio")

    assert isinstance(backend, RPiGpioBackend)
    assert hw.rpi_gpio.mode == BCM
    assert hw.rpi_gpio.warnings is False


@pytest.mark.parametrize(
    ("active_high", "initial_on", "initial", "after_toggle"),
    [
        (True, False, LOW, HIGH),
        (True, True, HIGH, LOW),
        (False, True, LOW, HIGH),
        (False, False, HIGH, LOW),
    ],
)
def test_rpi_gpio_levels_honour_active_high(
    hw: FakeHardware, active_high: bool, initial_on: bool, initial: int, after_toggle: int
) -> None:
    backend = create_gpio_backend("rpi_gpio")

    backend.setup_output(17, active_high=active_high, initial_on=initial_on)
    assert hw.rpi_gpio.directions[17] == OUT
    assert hw.rpi_gpio.levels[17] == initial
    backend.write(17, not initial_on)
    assert hw.rpi_gpio.levels[17] == after_toggle


def test_rpi_gpio_release_touches_only_its_pin(hw: FakeHardware) -> None:
    hw.rpi_gpio.setmode(BCM)
    hw.rpi_gpio.setup(5, OUT, initial=HIGH)  # someone else's pin in this process
    backend = create_gpio_backend("rpi_gpio")
    backend.setup_output(17, active_high=True, initial_on=True)
    backend.setup_output(27, active_high=True, initial_on=True)

    backend.release(17)
    backend.release(17)
    backend.release(22)

    assert hw.rpi_gpio.cleanup_calls == [[17]]
    assert hw.rpi_gpio.directions == {5: OUT, 27: OUT}

    backend.close()

    assert hw.rpi_gpio.cleanup_calls == [[17], [27]]
    assert hw.rpi_gpio.bare_cleanups == 0
    assert hw.rpi_gpio.levels == {5: HIGH}
    backend.close()
    assert len(hw.rpi_gpio.cleanup_calls) == 2


def test_rpi_gpio_pin_claimed_twice(hw: FakeHardware) -> None:
    first = create_gpio_backend("rpi_gpio")
    second = create_gpio_backend("rpi_gpio")
    first.setup_output(17, active_high=True, initial_on=False)

    with pytest.raises(PinInUseError, match="GPIO17"):
        first.setup_output(17, active_high=True, initial_on=False)
    with pytest.raises(PinInUseError, match="GPIO17"):
        second.setup_output(17, active_high=True, initial_on=True)
    assert hw.rpi_gpio.levels[17] == LOW

    first.release(17)
    second.setup_output(17, active_high=True, initial_on=True)
    assert hw.rpi_gpio.levels[17] == HIGH


def test_rpi_gpio_setup_error_leaves_the_pin_free(hw: FakeHardware) -> None:
    backend = create_gpio_backend("rpi_gpio")

    for _ in range(2):
        with pytest.raises(GpioError, match="invalid on a Raspberry Pi") as err:
            backend.setup_output(40, active_high=True, initial_on=False)
        assert not isinstance(err.value, PinInUseError)
    backend.close()
    assert hw.rpi_gpio.cleanup_calls == []


def test_rpi_gpio_write_errors(hw: FakeHardware) -> None:
    backend = create_gpio_backend("rpi_gpio")
    with pytest.raises(GpioError, match="GPIO17 is not set up"):
        backend.write(17, True)

    backend.setup_output(17, active_high=True, initial_on=False)
    hw.rpi_gpio.setup(17, IN)  # another part of the process turned it into an input
    with pytest.raises(GpioError, match="not been set up as an OUTPUT"):
        backend.write(17, True)


def test_rpi_gpio_refuses_a_process_in_board_numbering(hw: FakeHardware) -> None:
    hw.rpi_gpio.setmode(BOARD)

    with pytest.raises(GpioError, match="another pin numbering"):
        create_gpio_backend("rpi_gpio")


@pytest.mark.parametrize(
    ("mode", "message"),
    [("not_a_pi", "can only be run on a Raspberry Pi"), ("missing", "RPi.GPIO is not usable")],
)
def test_rpi_gpio_unusable(monkeypatch: pytest.MonkeyPatch, mode: str, message: str) -> None:
    install_fake_hardware(monkeypatch, rpi_gpio=mode)  # type: ignore[arg-type]

    with pytest.raises(HardwareUnavailableError, match=message):
        create_gpio_backend("rpi_gpio")


@pytest.mark.parametrize(
    ("active_high", "initial_on", "level"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, True)],
)
def test_gpiod_requests_one_output_line(
    hw: FakeHardware, fake_gpiod: FakeGpiod, active_high: bool, initial_on: bool, level: bool
) -> None:
    backend = create_gpio_backend("gpiod")
    assert isinstance(backend, GpiodBackend)
    assert backend.chip_path == "/dev/gpiochip0"

    backend.setup_output(17, active_high=active_high, initial_on=initial_on)

    line = fake_gpiod.line("/dev/gpiochip0", 17)
    assert line is not None
    assert line.consumer == "py_iot_home"
    assert line.settings.direction is Direction.OUTPUT
    assert line.settings.active_low is not active_high
    assert fake_gpiod.level("/dev/gpiochip0", 17) is level

    backend.write(17, not initial_on)
    assert fake_gpiod.level("/dev/gpiochip0", 17) is not level
    assert line.value is (Value.INACTIVE if initial_on else Value.ACTIVE)


def test_gpiod_release_touches_only_its_pin(hw: FakeHardware, fake_gpiod: FakeGpiod) -> None:
    fake_gpiod.claim("/dev/gpiochip0", 5)
    backend = create_gpio_backend("gpiod")
    backend.setup_output(17, active_high=True, initial_on=True)
    backend.setup_output(22, active_high=True, initial_on=True)

    backend.release(17)
    backend.release(17)

    assert set(fake_gpiod.chips["/dev/gpiochip0"].lines) == {5, 22}
    backend.close()
    assert set(fake_gpiod.chips["/dev/gpiochip0"].lines) == {5}
    assert not any(fake_gpiod.requests)


def test_gpiod_pin_held_by_another_program(hw: FakeHardware, fake_gpiod: FakeGpiod) -> None:
    fake_gpiod.claim("/dev/gpiochip0", 18)
    backend = create_gpio_backend("gpiod")

    with pytest.raises(PinInUseError, match=r"GPIO18 is in use .*busy"):
        backend.setup_output(18, active_high=True, initial_on=False)


def test_gpiod_pin_claimed_twice(hw: FakeHardware, fake_gpiod: FakeGpiod) -> None:
    first = create_gpio_backend("gpiod")
    second = create_gpio_backend("gpiod")
    first.setup_output(17, active_high=True, initial_on=False)

    with pytest.raises(PinInUseError, match="already an output"):
        first.setup_output(17, active_high=True, initial_on=False)
    with pytest.raises(PinInUseError, match="busy"):
        second.setup_output(17, active_high=True, initial_on=False)

    first.release(17)
    second.setup_output(17, active_high=True, initial_on=True)
    assert fake_gpiod.level("/dev/gpiochip0", 17) is True


def test_gpiod_other_request_errors(hw: FakeHardware) -> None:
    with pytest.raises(GpioError, match="does not exist on /dev/gpiochip0"):
        create_gpio_backend("gpiod").setup_output(60, active_high=True, initial_on=False)

    vanished = create_gpio_backend("gpiod", chip_path="/dev/gpiochip9")
    with pytest.raises(GpioError, match="Cannot request GPIO17 on /dev/gpiochip9") as err:
        vanished.setup_output(17, active_high=True, initial_on=False)
    assert not isinstance(err.value, PinInUseError)


def test_gpiod_write_errors(
    hw: FakeHardware, fake_gpiod: FakeGpiod, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = create_gpio_backend("gpiod")
    with pytest.raises(GpioError, match="GPIO17 is not set up"):
        backend.write(17, True)

    backend.setup_output(17, active_high=True, initial_on=False)

    def broken(line: int, value: Value) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(fake_gpiod.requests[-1], "set_value", broken)
    with pytest.raises(GpioError, match="Cannot switch GPIO17"):
        backend.write(17, True)


@pytest.mark.parametrize(
    ("chips", "expected"),
    [
        (PI5_GPIOCHIPS, ("/dev/gpiochip0", "pinctrl-rp1")),
        (
            {"/dev/gpiochip0": "gpio-brcmstb@107d508500", "/dev/gpiochip4": "pinctrl-rp1"},
            ("/dev/gpiochip4", "pinctrl-rp1"),
        ),
        (
            {"/dev/gpiochip10": "pinctrl-bcm2711", "/dev/gpiochip2": "pinctrl-bcm2835"},
            ("/dev/gpiochip2", "pinctrl-bcm2835"),
        ),
    ],
)
def test_header_chip_is_found_by_label(
    monkeypatch: pytest.MonkeyPatch, chips: dict[str, str], expected: tuple[str, str]
) -> None:
    install_fake_hardware(monkeypatch, gpiochips=chips)
    import gpiod  # the fake

    chip = find_header_chip(gpiod)

    assert (chip.path, chip.label) == expected


def test_header_chip_search_reports_what_it_saw(monkeypatch: pytest.MonkeyPatch) -> None:
    hw = install_fake_hardware(
        monkeypatch,
        gpiochips={"/dev/gpiochip0": "pinctrl-bcm2711", "/dev/gpiochip1": "gpio-mockup-A"},
    )
    chips = hw.gpiod
    assert chips is not None
    chips.chips["/dev/gpiochip0"].permission_denied = True
    # A path that is not a gpiochip character device is skipped.
    monkeypatch.setattr(gpio, "gpiochip_paths", lambda: [*chips.chip_paths(), "/dev/gpiochip7"])

    with pytest.raises(HardwareUnavailableError) as err:
        create_gpio_backend("gpiod")

    message = str(err.value)
    assert "/dev/gpiochip0: Permission denied" in message
    assert "/dev/gpiochip1: gpio-mockup-A" in message
    assert "gpiochip7" not in message


def test_header_chip_search_without_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_hardware(monkeypatch, gpiochips={})

    with pytest.raises(HardwareUnavailableError, match="no /dev/gpiochip"):
        create_gpio_backend("gpiod")


def test_gpiod_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_hardware(monkeypatch, gpiochips=None)

    with pytest.raises(HardwareUnavailableError, match=r"gpiod .* is not installed"):
        create_gpio_backend("gpiod")


def test_gpiochip_paths_in_numeric_order(tmp_path: Path) -> None:
    for name in ("gpiochip10", "gpiochip2", "gpiochip0", "gpiochipX", "gpiomem"):
        (tmp_path / name).touch()

    assert gpiochip_paths(tmp_path) == [
        str(tmp_path / "gpiochip0"),
        str(tmp_path / "gpiochip2"),
        str(tmp_path / "gpiochip10"),
    ]


@pytest.mark.parametrize(
    ("rpi_gpio", "chips", "expected"),
    [
        ("ok", {"/dev/gpiochip0": "pinctrl-bcm2711"}, "rpi_gpio"),
        ("ok", None, "rpi_gpio"),
        ("ok", PI5_GPIOCHIPS, "gpiod"),
        ("not_a_pi", {"/dev/gpiochip0": "pinctrl-bcm2711"}, "gpiod"),
        ("missing", {"/dev/gpiochip4": "pinctrl-rp1"}, "gpiod"),
    ],
)
def test_auto_selection(
    monkeypatch: pytest.MonkeyPatch, rpi_gpio: str, chips: dict[str, str] | None, expected: str
) -> None:
    install_fake_hardware(monkeypatch, rpi_gpio=rpi_gpio, gpiochips=chips)  # type: ignore[arg-type]

    backend = create_gpio_backend()

    assert backend.name == expected
    backend.setup_output(17, active_high=True, initial_on=True)
    backend.close()


@pytest.mark.parametrize("chips", [None, {}, {"/dev/gpiochip0": "gpio-mockup-A"}])
def test_auto_raises_when_nothing_works(
    monkeypatch: pytest.MonkeyPatch, chips: dict[str, str] | None
) -> None:
    install_fake_hardware(monkeypatch, rpi_gpio="not_a_pi", gpiochips=chips)

    with pytest.raises(HardwareUnavailableError) as err:
        create_gpio_backend()

    assert "can only be run on a Raspberry Pi" in str(err.value)
    assert "gpiod" in str(err.value) or "gpiochip" in str(err.value)


def test_unknown_preference_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown GPIO backend 'pigpio'"):
        create_gpio_backend("pigpio")


def test_simulated_backend_records_levels() -> None:
    backend = create_gpio_backend("simulated")
    assert isinstance(backend, SimulatedGpioBackend)

    backend.setup_output(17, active_high=True, initial_on=True)
    backend.setup_output(27, active_high=False, initial_on=True)
    assert backend.levels == {17: True, 27: False}
    assert backend.states == {17: True, 27: True}

    backend.write(27, False)
    assert backend.levels == {17: True, 27: True}
    assert backend.states == {17: True, 27: False}

    with pytest.raises(PinInUseError, match="GPIO17"):
        backend.setup_output(17, active_high=True, initial_on=False)
    with pytest.raises(GpioError, match="GPIO4 is not set up"):
        backend.write(4, True)

    backend.release(17)
    backend.release(17)
    assert backend.levels == {27: True}
    backend.close()
    assert backend.released == [17, 27]
    assert backend.states == {}
