"""DHT backends: every real call path through the fake libraries, selection, timing, locking."""

from __future__ import annotations

import functools
import itertools
import statistics
import threading
import time

import pytest

from custom_components.py_iot_home.hardware import dht
from custom_components.py_iot_home.hardware.dht import (
    READ_SPACING_S,
    AdafruitDhtBackend,
    CircuitPythonDhtBackend,
    DhtBackend,
    DhtModel,
    DhtReadError,
    DhtReading,
    SimulatedDhtBackend,
    create_dht_backend,
)
from custom_components.py_iot_home.hardware.errors import HardwareUnavailableError
from custom_components.py_iot_home.hardware.simulation import FAILURE_RATE, indoor_climate
from tests.fakes import FakeClock, FakeHardware, install_fake_hardware


@pytest.fixture
def hw(monkeypatch: pytest.MonkeyPatch) -> FakeHardware:
    return install_fake_hardware(monkeypatch)


def test_adafruit_backend_reads_through_read_retry(hw: FakeHardware) -> None:
    hw.dht.script(4, (22.5, 40.1))
    backend = create_dht_backend(DhtModel.DHT22, 4, "adafruit_dht")

    assert isinstance(backend, AdafruitDhtBackend)
    # The driver answers (humidity, temperature); the backend must not swap them.
    assert backend.read() == DhtReading(temperature=22.5, humidity=40.1)
    assert hw.legacy_dht.read_retry_calls == [(22, 4, 3, 2.0)]
    backend.close()


@pytest.mark.parametrize(
    ("model", "sensor"),
    [(DhtModel.DHT22, 22), (DhtModel.AM2302, 22), (DhtModel.DHT11, 11)],
)
def test_adafruit_backend_passes_the_model_constant(
    hw: FakeHardware, model: DhtModel, sensor: int
) -> None:
    create_dht_backend(model, 17, "adafruit_dht").read()

    assert hw.legacy_dht.read_retry_calls[0][:2] == (sensor, 17)


def test_adafruit_backend_retries_then_succeeds(hw: FakeHardware) -> None:
    hw.dht.script(4, None, (19.0, 55.0))
    reading = create_dht_backend(DhtModel.DHT22, 4, "adafruit_dht").read()

    assert reading == DhtReading(temperature=19.0, humidity=55.0)
    assert hw.legacy_dht.retry_sleeps == [2.0]


def test_adafruit_backend_raises_after_the_last_retry(hw: FakeHardware) -> None:
    hw.dht.script(4, None, None, None, (19.0, 55.0))
    backend = create_dht_backend(DhtModel.DHT22, 4, "adafruit_dht")

    with pytest.raises(DhtReadError, match=r"DHT22 on GPIO4 after 3 tries"):
        backend.read()
    assert hw.dht.transfers == [4, 4, 4]


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (RuntimeError("Error accessing GPIO."), "Error accessing GPIO"),
        # Not the documented error, still one failed read (an outside review saw a traceback
        # at every poll, and the sensor unavailable at once).
        (OSError(5, "Input/output error"), "Input/output error"),
        (ValueError("checksum"), "checksum"),
        (TypeError("bad data"), "bad data"),
        (("abc", 45.0), "returned no number"),
    ],
)
def test_adafruit_backend_wraps_driver_errors(
    hw: FakeHardware, result: object, message: str
) -> None:
    hw.dht.script(4, result)  # type: ignore[arg-type]
    backend = create_dht_backend(DhtModel.DHT22, 4, "adafruit_dht")

    with pytest.raises(DhtReadError, match=message):
        backend.read()


@pytest.mark.parametrize(
    ("mode", "message"),
    [("unknown_platform", "does not support this board"), ("missing", "not installed")],
)
def test_adafruit_backend_unusable(
    monkeypatch: pytest.MonkeyPatch, mode: str, message: str
) -> None:
    install_fake_hardware(monkeypatch, legacy_dht=mode)  # type: ignore[arg-type]

    with pytest.raises(HardwareUnavailableError, match=message):
        create_dht_backend(DhtModel.DHT22, 4, "adafruit_dht")


@pytest.mark.parametrize(
    ("model", "device_class"),
    [(DhtModel.DHT22, "DHT22"), (DhtModel.AM2302, "DHT22"), (DhtModel.DHT11, "DHT11")],
)
def test_circuitpython_backend_reads_and_closes(
    hw: FakeHardware, model: DhtModel, device_class: str
) -> None:
    hw.dht.script(17, (23.4, 38.0))
    backend = create_dht_backend(model, 17, "circuitpython")

    assert isinstance(backend, CircuitPythonDhtBackend)
    assert backend.read() == DhtReading(temperature=23.4, humidity=38.0)
    (device,) = hw.circuitpython_dht.devices
    assert type(device).__name__ == device_class
    assert device.pin.id == 17
    assert device.use_pulseio is False
    backend.close()
    assert device.exited


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (None, "full buffer was not returned"),
        (RuntimeError("DHT sensor not found, check wiring"), "check wiring"),
        (OSError(5, "Input/output error"), "Input/output error"),
        ((None, None), "returned no value"),
        (ValueError("checksum"), "checksum"),
        (TypeError("bad data"), "bad data"),
        (("abc", 45.0), "returned no number"),
    ],
)
def test_circuitpython_backend_failed_reads(hw: FakeHardware, result: object, message: str) -> None:
    hw.dht.script(4, result)  # type: ignore[arg-type]
    backend = create_dht_backend(DhtModel.DHT22, 4, "circuitpython")

    with pytest.raises(DhtReadError, match=message):
        backend.read()


@pytest.mark.parametrize(
    ("mode", "message"),
    [("no_board_pin", "no pin D4"), ("missing", "not usable here")],
)
def test_circuitpython_backend_unusable(
    monkeypatch: pytest.MonkeyPatch, mode: str, message: str
) -> None:
    install_fake_hardware(monkeypatch, circuitpython_dht=mode)  # type: ignore[arg-type]

    with pytest.raises(HardwareUnavailableError, match=message):
        create_dht_backend(DhtModel.DHT22, 4, "circuitpython")


def test_reads_of_a_pin_are_spaced_by_the_minimum_interval(hw: FakeHardware) -> None:
    hw.dht.script(4, (20.0, 40.0), (20.5, 41.0), (21.0, 42.0), (21.5, 43.0))
    backend = create_dht_backend(DhtModel.DHT22, 4, "circuitpython")

    first = backend.read()
    second = backend.read()
    hw.clock.advance(1.5)
    third = backend.read()
    hw.clock.advance(10.0)
    fourth = backend.read()

    assert hw.clock.sleeps == pytest.approx([READ_SPACING_S, READ_SPACING_S - 1.5])
    assert READ_SPACING_S > 2.0
    # Every read reached the wire: none was served from adafruit_dht's 2 s cache.
    assert [first, second, third, fourth] == [
        DhtReading(20.0, 40.0),
        DhtReading(20.5, 41.0),
        DhtReading(21.0, 42.0),
        DhtReading(21.5, 43.0),
    ]
    assert hw.circuitpython_dht.devices[0].measurements == 4


def test_spacing_holds_across_backends_and_after_failures(hw: FakeHardware) -> None:
    hw.dht.script(4, None, (20.0, 40.0))
    probe = create_dht_backend(DhtModel.DHT22, 4, "circuitpython")
    poller = create_dht_backend(DhtModel.DHT22, 4, "adafruit_dht")

    with pytest.raises(DhtReadError):
        probe.read()
    poller.read()

    assert hw.clock.sleeps == pytest.approx([READ_SPACING_S])


def test_spacing_ignores_a_mark_from_another_clock(hw: FakeHardware) -> None:
    other = FakeClock(start=5000.0)
    create_dht_backend(
        DhtModel.DHT22, 4, "circuitpython", clock=other.monotonic, sleep_fn=other.sleep
    ).read()
    create_dht_backend(DhtModel.DHT22, 4, "circuitpython").read()

    assert hw.clock.sleeps == []
    assert other.sleeps == []


def test_injected_clock_is_used(hw: FakeHardware) -> None:
    clock = FakeClock(start=0.0)
    backend = create_dht_backend(
        DhtModel.DHT22, 4, "adafruit_dht", clock=clock.monotonic, sleep_fn=clock.sleep
    )
    backend.read()
    backend.read()

    assert clock.sleeps == pytest.approx([READ_SPACING_S])
    assert hw.clock.sleeps == []


def _hammer(backends: list[DhtBackend], reads_each: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def worker(backend: DhtBackend) -> None:
        try:
            for _ in range(reads_each):
                backend.read()
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(backend,)) for backend in backends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_reads_of_one_pin_never_overlap(hw: FakeHardware) -> None:
    hw.dht.read_duration_s = 0.01
    backends: list[DhtBackend] = [
        create_dht_backend(DhtModel.DHT22, 4, "adafruit_dht"),
        create_dht_backend(DhtModel.DHT22, 4, "adafruit_dht"),
        create_dht_backend(DhtModel.DHT22, 4, "circuitpython"),
        create_dht_backend(DhtModel.DHT22, 4, "circuitpython"),
    ]

    assert _hammer(backends, reads_each=3) == []
    assert len(hw.dht.transfers) == 12
    assert hw.dht.overlaps == 0


def test_overlap_detector_catches_unlocked_reads(hw: FakeHardware) -> None:
    """The fake really notices two transfers at once; without it the test above proves nothing."""
    hw.dht.read_duration_s = 0.05
    threads = [threading.Thread(target=hw.dht.transfer, args=(4,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert hw.dht.overlaps == 1


def test_different_pins_are_read_in_parallel(hw: FakeHardware) -> None:
    pins = (4, 17, 22, 27)
    # Each transfer waits until all four are on the wire; one global lock would deadlock here.
    hw.dht.rendezvous = threading.Barrier(len(pins))
    backends: list[DhtBackend] = [
        create_dht_backend(DhtModel.DHT22, pin, "adafruit_dht") for pin in pins
    ]

    assert _hammer(backends, reads_each=1) == []
    assert sorted(hw.dht.transfers) == list(pins)


def test_auto_prefers_adafruit_dht(hw: FakeHardware) -> None:
    assert create_dht_backend(DhtModel.DHT22, 4).name == "adafruit_dht"


def test_auto_falls_back_to_circuitpython_when_adafruit_dht_is_unusable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hw = install_fake_hardware(monkeypatch, legacy_dht="unknown_platform")

    backend = create_dht_backend(DhtModel.DHT22, 4)

    assert backend.name == "circuitpython"
    backend.read()
    assert hw.legacy_dht.read_retry_calls == []
    assert len(hw.circuitpython_dht.devices) == 1


def test_auto_raises_when_no_library_works(monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_hardware(monkeypatch, legacy_dht="missing", circuitpython_dht="no_board_pin")

    with pytest.raises(HardwareUnavailableError) as err:
        create_dht_backend(DhtModel.DHT22, 4)

    message = str(err.value)
    assert "GPIO4" in message
    assert "Adafruit_DHT is not installed" in message
    assert "no pin D4" in message


def test_unknown_preference_is_refused(hw: FakeHardware) -> None:
    with pytest.raises(ValueError, match="Unknown DHT backend 'pigpio'"):
        create_dht_backend(DhtModel.DHT22, 4, "pigpio")


def test_simulated_preference_seeds_with_the_pin(hw: FakeHardware) -> None:
    backend = create_dht_backend(DhtModel.DHT22, 17, "simulated")
    seeded = create_dht_backend(DhtModel.DHT22, 17, "simulated", seed=3)

    assert isinstance(backend, SimulatedDhtBackend)
    assert isinstance(seeded, SimulatedDhtBackend)
    assert (backend.seed, seeded.seed) == (17, 3)
    assert hw.dht.transfers == []


def _simulated_values(seed: int, times: list[float]) -> list[DhtReading | None]:
    values: list[DhtReading | None] = []
    for at in times:
        backend = SimulatedDhtBackend(seed, clock=functools.partial(float, at), utc_offset_s=0.0)
        try:
            values.append(backend.read())
        except DhtReadError:
            values.append(None)
    return values


def test_simulation_is_a_function_of_seed_and_time() -> None:
    times = [1_700_000_000.0 + 37.0 * step for step in range(200)]

    assert _simulated_values(1, times) == _simulated_values(1, times)
    assert _simulated_values(1, times) != _simulated_values(2, times)


def test_simulation_uses_the_local_offset_by_default() -> None:
    at = 1_700_000_000.0
    sample = indoor_climate(5, at, time.localtime(at).tm_gmtoff)
    backend = SimulatedDhtBackend(5, clock=lambda: at)

    if sample.failed:
        with pytest.raises(DhtReadError):
            backend.read()
    else:
        assert backend.read() == DhtReading(sample.temperature, sample.humidity)
    backend.close()


def test_simulation_is_a_plausible_room() -> None:
    day_start = 1_700_006_400.0  # a midnight, UTC
    times = [day_start + 60.0 * minute for minute in range(3 * 24 * 60)]
    for seed in range(3):
        samples = [indoor_climate(seed, at) for at in times]
        temperatures = [sample.temperature for sample in samples]
        humidities = [sample.humidity for sample in samples]

        assert min(temperatures) >= 18.5
        assert max(temperatures) <= 24.5
        assert min(humidities) >= 33.0
        assert max(humidities) <= 62.0
        assert max(temperatures) - min(temperatures) > 3.5
        assert statistics.correlation(temperatures, humidities) < -0.8

        def mean_between(first_hour: int, last_hour: int, values: list[float]) -> float:
            return statistics.fmean(
                value
                for at, value in zip(times, values, strict=True)
                if first_hour <= (at - day_start) % 86_400 / 3600 < last_hour
            )

        assert mean_between(15, 19, temperatures) - mean_between(3, 7, temperatures) > 3.0
        # Successive minutes never jump like a faulty sensor.
        steps = [abs(b - a) for a, b in itertools.pairwise(temperatures)]
        assert max(steps) < 0.6


def test_simulated_reads_ten_seconds_apart_move_like_a_real_dht22() -> None:
    """A node reads every 10 s: a DHT22 repeats within ±0.2 °C and ±1 % RH, so must we."""
    day_start = 1_700_006_400.0
    for seed in range(3):
        samples = [indoor_climate(seed, day_start + 10.0 * step) for step in range(8640)]
        humidity_steps = [abs(b.humidity - a.humidity) for a, b in itertools.pairwise(samples)]
        temperature_steps = [
            abs(b.temperature - a.temperature) for a, b in itertools.pairwise(samples)
        ]

        assert max(humidity_steps) < 1.0
        assert max(temperature_steps) <= 0.4


def test_simulation_fails_about_as_often_as_designed() -> None:
    start = 1_700_000_000.0
    values = _simulated_values(9, [start + second for second in range(6000)])

    failure_rate = values.count(None) / len(values)
    assert FAILURE_RATE * 0.6 < failure_rate < FAILURE_RATE * 1.4


def test_pin_state_is_process_wide(hw: FakeHardware) -> None:
    assert dht._pin_state(4) is dht._pin_state(4)
    assert dht._pin_state(4) is not dht._pin_state(17)
