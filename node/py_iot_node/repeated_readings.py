"""Each DHT sensor's stuck-rule count, carried from a clean stop of the agent to its start.

A hung DHT22 is judged stuck after six hours of one reading; counted in memory only, every
restart of the agent would show it alive for six more hours. The file is written when the
agent stops and removed when it starts: after a power cut, which also resets a hung
sensor, there is nothing to carry over.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from .devices import Channel, SensorChannel
from .hardware.reading_filter import RepeatedReading

_LOGGER = logging.getLogger(__name__)

FILE_NAME = "repeated_readings.json"
# A few sensors' numbers; anything larger is not a file this agent wrote.
MAX_FILE_BYTES = 64 * 1024


def restore_repeated_readings(channels: Sequence[Channel], state_dir: Path) -> None:
    """Resume each DHT sensor's count from the file of the last clean stop, then remove it."""
    path = state_dir / FILE_NAME
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
        path.unlink()
    except FileNotFoundError:
        return
    except OSError as err:
        _LOGGER.warning("could not read %s (%s); stuck-sensor counts start afresh", path, err)
        return
    try:
        data = json.loads(raw) if len(raw) <= MAX_FILE_BYTES else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        _LOGGER.warning("%s is not this agent's; stuck-sensor counts start afresh", path)
        return
    for channel in channels:
        # A channel that has read already (handed in by the caller) goes on with its own.
        if (
            isinstance(channel, SensorChannel)
            and channel.reading_filter.repeated is None
            and (repeated := RepeatedReading.from_json(data.get(channel.config.key)))
        ):
            channel.reading_filter.resume_repeated(repeated)


def save_repeated_readings(channels: Sequence[Channel], state_dir: Path) -> None:
    """Write each DHT sensor's count (the reader thread has stopped)."""
    counts = {
        channel.config.key: repeated.to_json()
        for channel in channels
        if isinstance(channel, SensorChannel) and (repeated := channel.reading_filter.repeated)
    }
    if not counts:
        return
    path = state_dir / FILE_NAME
    temporary = path.with_suffix(".tmp")
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(counts), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as err:
        _LOGGER.warning("could not write %s (%s)", path, err)
