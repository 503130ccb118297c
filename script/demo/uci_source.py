"""DEMO custom sensor for the node agent: the UCI Appliances Energy data, replayed live.

`script/develop` runs a node agent (`py-iot-node`) named "Demo power meter" whose two custom
sensors are this class: power (W), and the outdoor temperature and humidity, taken from
the data at the same weekday and time of day (see uci_replay.py), so the power predictor's
inputs keep arriving live, through the integration's own node protocol.

    custom_sensors:
      - key: mains
        name: Mains
        factory: script.demo.uci_source:UciReplayMeter
        quantities: [power]
        options: {cache: .cache/data}
      - key: outdoor
        name: Outdoor
        factory: script.demo.uci_source:UciReplayMeter
        quantities: [temperature, humidity]
        options: {cache: .cache/data}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from .uci_replay import DemoSeries

# Protocol quantity -> the series' column.
COLUMNS = {"power": "power_w", "temperature": "temperature", "humidity": "humidity"}
# As a meter and a weather station report them: whole watts, tenths of a degree and of a
# percent. The series interpolates the weather, and Assist says a state with all its digits
# ("7.34 degrees").
DECIMALS = {"power": 0, "temperature": 1, "humidity": 1}


@cache
def _series(cache_dir: Path) -> DemoSeries:
    """The data, read once per node process: both demo sensors replay the same series."""
    return DemoSeries.load(cache_dir)


class UciReplayMeter:
    """Reads the demo data's value for now; `options["cache"]` is where the data lives."""

    model = "UCI Appliances Energy replay (demo data)"

    def __init__(self, options: Mapping[str, object], series: DemoSeries | None = None) -> None:
        """Load the data (downloaded once into the cache), unless given `series`."""
        self._series = series or _series(Path(str(options.get("cache", ".cache/data"))))

    def read(self) -> dict[str, float]:
        """The data's values standing for this moment."""
        values = self._series.values_at(datetime.now(UTC))
        return {
            quantity: round(values[column], DECIMALS[quantity])
            for quantity, column in COLUMNS.items()
        }
