"""Telling a net meter (negative while it exports) from a meter of consumption.

The forecast learns consumption: negative power counts as 0 W (``features.power_scale``),
which is right for the odd reading just below zero of a consumption meter, and wrong for
a grid meter that exports solar or battery power: its forecast would read 0 W at midday,
with a band a fraction of a watt wide, and its errors would be scored against the clipped
hours, not the sensor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .history import FloatArray

# An hour's mean below this is power going out, not a reading's noise: a current clamp's
# offset, or a consumption template of sensors that update at different times, dips a few
# tens of watts below zero; an hour of solar export is hundreds.
EXPORT_MARGIN_W = -50.0
# More than this share of exporting hours is a net meter. A consumption meter has next to
# none (a glitch, a battery's test); a net meter with panels exports through the middle of
# most sunny days (42 % of the hours of the home an outside review tried), and a month
# above 5 % means more than an hour a day, which a clipped forecast gets wrong.
MAX_EXPORT_SHARE = 0.05


@dataclass(frozen=True, kw_only=True)
class ExportHours:
    """How many recorded hours of a power sensor were export, out of those recorded."""

    exporting: int
    recorded: int

    @property
    def share(self) -> float:
        """The exporting share of the recorded hours (0 with none recorded)."""
        return self.exporting / self.recorded if self.recorded else 0.0

    @property
    def percent(self) -> str:
        """The share as shown to the user, e.g. "42"."""
        return f"{100 * self.share:.0f}"

    @property
    def net_meter(self) -> bool:
        """Whether the sensor exports too often to be forecast as consumption."""
        return self.share > MAX_EXPORT_SHARE


def export_hours(power_w: FloatArray) -> ExportHours:
    """Count the hours of `power_w` (hourly means, NaN where none) below the export margin."""
    recorded = power_w[np.isfinite(power_w)]
    return ExportHours(
        exporting=int(np.count_nonzero(recorded < EXPORT_MARGIN_W)), recorded=len(recorded)
    )
