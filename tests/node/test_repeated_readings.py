"""A hung DHT22's stuck-rule count goes from a clean stop of the agent to its next start."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from py_iot_node.devices import SensorChannel, SwitchBank
from py_iot_node.hardware.dht import DhtReading
from py_iot_node.hardware.gpio import SimulatedGpioBackend
from py_iot_node.hardware.reading_filter import FilterCounts, ReadingFilter
from py_iot_node.repeated_readings import (
    FILE_NAME,
    MAX_FILE_BYTES,
    restore_repeated_readings,
    save_repeated_readings,
)
from py_iot_node.runner import run_node

from .conftest import START, make_config
from .test_agent import LoopbackClient

SAME = DhtReading(temperature=21.0, humidity=45.0)


def _channel(tmp_path: Path) -> SensorChannel:
    config = make_config(tmp_path)

    class Hung:
        name = "hung"

        def read(self) -> DhtReading:
            return SAME

        def close(self) -> None:
            pass

    return SensorChannel(
        config.sensors[0], Hung(), reading_filter=ReadingFilter(stuck_after_s=6 * 3600.0)
    )


def _read_for(channel: SensorChannel, minutes: range) -> list[bool]:
    """Whether each read, one a minute, was kept."""
    return [
        channel.reading_filter.accept(SAME, at=START + minute * 60.0).accepted for minute in minutes
    ]


def test_a_hung_sensor_stays_stuck_across_a_clean_restart(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    before = _channel(tmp_path)
    assert all(_read_for(before, range(300)))  # five hours of one reading: still shown
    save_repeated_readings([before], state_dir)
    after = _channel(tmp_path)
    restore_repeated_readings([after], state_dir)
    # Started again ten minutes later, it is judged six hours after that reading first came,
    # as without the restart (not six hours after the start).
    kept = _read_for(after, range(310, 400))
    assert 310 + kept.index(False) == 360
    assert not (state_dir / FILE_NAME).exists()  # read once: a power cut leaves nothing


def test_without_a_file_the_count_starts_afresh(tmp_path: Path) -> None:
    """After a power cut (which also resets a hung sensor) there is no file."""
    channel = _channel(tmp_path)
    restore_repeated_readings([channel], tmp_path / "state")
    assert channel.reading_filter.repeated is None
    assert all(_read_for(channel, range(300)))


GOOD = {"temperature": 21.0, "humidity": 45.0, "for_s": 1.0, "reads": 1, "last_at": 1.0}


def _file(**changes: object) -> bytes:
    return json.dumps({"climate": GOOD | changes}).encode()


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[1, 2]",
        b"\xff\xfe",
        _file(temperature="21"),
        _file(temperature=float("nan")),
        _file(temperature=10**400),
        _file(for_s=-1.0),
        _file(reads=True),
        _file(reads=0),
        b'{"climate": 1' + b" " * MAX_FILE_BYTES + b"}",
    ],
)
def test_a_damaged_file_is_ignored_and_removed(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    (state_dir / FILE_NAME).write_bytes(content)
    channel = _channel(tmp_path)
    restore_repeated_readings([channel], state_dir)
    assert channel.reading_filter.repeated is None
    assert not (state_dir / FILE_NAME).exists()
    assert len(caplog.records) <= 1


def test_the_saved_counts_are_plain_numbers_per_sensor(tmp_path: Path) -> None:
    channel = _channel(tmp_path)
    _read_for(channel, range(3))
    save_repeated_readings([channel], tmp_path / "state")
    saved = json.loads((tmp_path / "state" / FILE_NAME).read_text())
    assert saved == {
        "climate": {
            "temperature": 21.0,
            "humidity": 45.0,
            "for_s": 120.0,
            "reads": 3,
            "last_at": START + 120.0,
        }
    }


def test_the_agent_restores_the_count_at_start_and_saves_it_at_stop(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    config.state_dir.mkdir(parents=True)
    hung_for_hours = {
        "temperature": 21.0,
        "humidity": 45.0,
        "for_s": 7 * 3600.0,
        "reads": 420,
        "last_at": time.time() - 60.0,
    }
    (config.state_dir / FILE_NAME).write_text(json.dumps({"climate": hung_for_hours}))
    sensor = _channel(tmp_path)
    bank = SwitchBank(SimulatedGpioBackend(), config.switches)
    bank.setup()
    stop = threading.Event()

    def stop_after_first_read() -> None:
        while sensor.reading_filter.counts == FilterCounts() and not stop.wait(0.01):
            pass
        stop.set()

    stopper = threading.Thread(target=stop_after_first_read)
    stopper.start()
    try:
        run_node(config, stop, client=LoopbackClient(), sensors=[sensor], switches=bank)
    finally:
        stop.set()
        stopper.join()
    # Its very first read was judged stuck: the count came from the file.
    assert sensor.reading_filter.counts.rejected_stuck >= 1
    assert sensor.reading_filter.counts.reads_ok == 0
    saved = json.loads((config.state_dir / FILE_NAME).read_text())["climate"]
    assert saved["reads"] > hung_for_hours["reads"]
